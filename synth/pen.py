"""Drawing on the ink layer in millimetres: printed form text, rules, handwriting.

The ink layer is an RGB image on white; the page is later made by multiplying
it onto paper, so ink, seals and stains all combine like real pigment.
Handwriting is AR PL UKai drawn glyph by glyph with jitter in size, angle,
baseline and spacing, which is what makes it look written rather than typeset.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from synth.fonts import font, font_for

MM_PER_INCH = 25.4
PT_MM = 0.3528

Color = tuple[int, int, int]
PRINT_BLACK: Color = (28, 26, 30)
INKS: dict[str, Color] = {
    "blue_black": (30, 38, 80),
    "black": (30, 30, 34),
    "blue": (25, 55, 150),
    "carbon": (45, 45, 60),
}


@dataclass
class Pen:
    """An ink layer of ``width_mm`` x ``height_mm`` at ``dpi``."""

    width_mm: float
    height_mm: float
    dpi: int
    rng: np.random.Generator
    seal_spots: list[tuple[float, float]] = field(default_factory=list)
    thumb_spots: list[tuple[float, float]] = field(default_factory=list)
    events: list[str] = field(default_factory=list)  # notable things drawn (for the truth)
    hand_weight: int = 0  # extra stroke width in pixels: a heavier pen or pressure
    # the writer's hand: lean of strokes (shear), width/height of characters, soft edges
    slant: float = 0.0
    aspect: float = 1.0
    hand_blur: float = 0.0

    def __post_init__(self) -> None:
        self.image = Image.new("RGB", (self.px(self.width_mm), self.px(self.height_mm)), "white")
        self.draw = ImageDraw.Draw(self.image)

    def px(self, mm: float) -> int:
        """Millimetres to pixels at this dpi."""
        return round(mm * self.dpi / MM_PER_INCH)

    def size_px(self, pt: float) -> int:
        return self.px(pt * PT_MM)

    # ---- printed form ------------------------------------------------------------
    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        width_mm: float = 0.3,
        color: Color = PRINT_BLACK,
    ) -> None:
        """A ruled line."""
        w = max(1, self.px(width_mm))
        self.draw.line(
            [(self.px(x1), self.px(y1)), (self.px(x2), self.px(y2))], fill=color, width=w
        )

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        width_mm: float = 0.3,
        color: Color = PRINT_BLACK,
    ) -> None:
        """A ruled box."""
        self.draw.rectangle(
            [self.px(x), self.px(y), self.px(x + w), self.px(y + h)],
            outline=color,
            width=max(1, self.px(width_mm)),
        )

    def grid(
        self,
        x: float,
        y: float,
        cols: list[float],
        rows: list[float],
        width_mm: float = 0.3,
        color: Color = PRINT_BLACK,
    ) -> None:
        """A table with the given column widths and row heights."""
        total_w, total_h = sum(cols), sum(rows)
        cy = y
        for r in [0.0, *rows]:
            cy += r
            self.line(x, cy, x + total_w, cy, width_mm, color)
        cx = x
        for c in [0.0, *cols]:
            cx += c
            self.line(cx, y, cx, y + total_h, width_mm, color)

    def printed(
        self,
        x: float,
        y: float,
        text: str,
        pt: float,
        face: str = "serif_sc",
        color: Color = PRINT_BLACK,
        anchor: str = "lm",
        spacing: float = 0.0,
    ) -> float:
        """Typeset text; ``y`` is the vertical middle for the default anchor. Returns width mm."""
        size = self.size_px(pt)
        if spacing <= 0:
            f = font(face, size)
            self.draw.text((self.px(x), self.px(y)), text, font=f, fill=color, anchor=anchor)
            return float(f.getlength(text)) * MM_PER_INCH / self.dpi
        # letter-spaced titles (一 二 三 style spacing of printed form headings)
        step = pt * PT_MM * (1 + spacing)
        width = step * len(text) - pt * PT_MM * spacing
        start = x - width / 2 if anchor[0] == "m" else x
        for i, ch in enumerate(text):
            f = font(font_for(face, ch), size)
            self.draw.text(
                (self.px(start + i * step), self.px(y)),
                ch,
                font=f,
                fill=color,
                anchor="l" + anchor[1],
            )
        return width

    # ---- handwriting --------------------------------------------------------------
    def hand(
        self,
        x: float,
        y: float,
        text: str,
        pt: float,
        color: Color,
        face: str = "kai_sc",
        max_w: float | None = None,
    ) -> float:
        """Handwritten-looking ``text`` starting at ``x`` with its middle at ``y``.

        Returns the width in mm. Text wider than ``max_w`` is squeezed, as a
        writer squeezes into a small box.
        """
        rng = self.rng
        base = pt * PT_MM * rng.uniform(1.05, 1.25)
        widths = [base * (0.55 if ch.isascii() else 0.97) for ch in text]
        natural = sum(widths)
        squeeze = min(1.0, max_w / natural) if max_w and natural > 0 else 1.0
        slope = rng.normal(0, 0.02)
        cx = x
        drift = 0.0
        for ch, w in zip(text, widths, strict=True):
            step = w * squeeze * rng.uniform(0.9, 1.06)
            drift = 0.7 * drift + rng.normal(0, base * 0.05)
            if not ch.isspace():
                scale = rng.uniform(0.93, 1.06) * (squeeze if squeeze < 0.8 else 1.0)
                self._glyph(
                    cx + step / 2,
                    y + drift + slope * (cx - x),
                    ch,
                    base * scale,
                    rng.normal(0, 3.0),
                    color,
                    face,
                )
            cx += step
        return cx - x

    def strike_out(self, x: float, y: float, width: float, size_mm: float, color: Color) -> None:
        """Two quick strokes through a mistaken word (a clerk's correction)."""
        for k in (-0.12, 0.12):
            jitter = self.rng.normal(0, 0.4, 2)
            self.line(
                x - 0.5,
                y + k * size_mm + jitter[0],
                x + width + 0.5,
                y + k * size_mm - 0.6 + jitter[1],
                0.35,
                color,
            )

    def _glyph(
        self, cx: float, cy: float, ch: str, size_mm: float, angle: float, color: Color, face: str
    ) -> None:
        # sizes in steps of ~3 %: each distinct size is a font load, and jitter finer
        # than that is invisible anyway
        raw = max(6, self.px(size_mm))
        step = max(1, raw // 32)
        size = raw - raw % step
        f = font(font_for(face, ch), size)
        box = int(size * 1.5)
        mask = Image.new("L", (box, box), 0)
        ImageDraw.Draw(mask).text(
            (box // 2, box // 2),
            ch,
            font=f,
            fill=255,
            anchor="mm",
            stroke_width=self.hand_weight,
            stroke_fill=255,
        )
        if abs(self.slant) > 0.01 or abs(self.aspect - 1.0) > 0.01:
            c = box / 2
            a = 1.0 / self.aspect
            mask = mask.transform(
                mask.size,
                Image.Transform.AFFINE,
                (a, self.slant, c - a * c - self.slant * c, 0.0, 1.0, 0.0),
                resample=Image.Resampling.BILINEAR,
            )
        if abs(angle) > 0.3:
            mask = mask.rotate(angle, resample=Image.Resampling.BILINEAR)
        if self.hand_blur > 0:
            mask = mask.filter(ImageFilter.GaussianBlur(self.hand_blur))
        left, top = self.px(cx) - box // 2, self.px(cy) - box // 2
        self.image.paste(color, (left, top, left + box, top + box), mask)

    def hand_vertical(
        self,
        x: float,
        y: float,
        text: str,
        pt: float,
        color: Color,
        face: str = "kai_sc",
        max_h: float | None = None,
    ) -> float:
        """Handwriting down a column centred on ``x`` from ``y``; returns the height in mm."""
        rng = self.rng
        base = pt * PT_MM * rng.uniform(1.05, 1.2)
        natural = base * len(text)
        squeeze = min(1.0, max_h / natural) if max_h and natural > 0 else 1.0
        cy = y
        wobble = 0.0
        for ch in text:
            step = base * squeeze * rng.uniform(0.9, 1.05)
            wobble = 0.7 * wobble + rng.normal(0, base * 0.05)
            if not ch.isspace():
                self._glyph(
                    x + wobble,
                    cy + step / 2,
                    ch,
                    base * rng.uniform(0.93, 1.05),
                    rng.normal(0, 3.0),
                    color,
                    face,
                )
            cy += step
        return cy - y

    def printed_vertical(
        self,
        x: float,
        y: float,
        text: str,
        pt: float,
        face: str,
        color: Color = PRINT_BLACK,
        spacing: float = 0.15,
    ) -> float:
        """Typeset ``text`` down a column centred on ``x``; returns the height in mm."""
        size = self.size_px(pt)
        step = pt * PT_MM * (1 + spacing)
        for i, ch in enumerate(text):
            f = font(font_for(face, ch), size)
            self.draw.text(
                (self.px(x), self.px(y + i * step + step / 2)),
                ch,
                font=f,
                fill=color,
                anchor="mm",
            )
        return step * len(text)
