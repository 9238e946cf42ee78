"""One scanned page: draw the form, age the paper, stamp seals, scan it.

:func:`scan_page` is the whole journey of one sheet; the returned
:class:`PageScan` says exactly what was applied (the ground truth of geometry
and degradations).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

from synth import degrade
from synth.content import RecordSpec
from synth.layouts import render_layout
from synth.seal import seal_mask, stamp, stamp_red, thumbprint_mask

# Probability of a few things per era: (fade, stains, fold).
_AGEING = {
    "1950-55": (0.75, 0.6, 0.5),
    "1956-84": (0.55, 0.45, 0.4),
    "1985-99": (0.3, 0.25, 0.25),
    "2000+": (0.12, 0.1, 0.1),
}


@dataclass
class PageScan:
    """A scanned page and what was done to it."""

    pixels: np.ndarray
    layout: str
    dpi: int
    rotation: int
    skew_deg: float
    degradations: list[str] = field(default_factory=list)
    upright_size: tuple[int, int] = (0, 0)  # (width, height) of the sheet before scanning


def draw_rotation(rng: np.random.Generator) -> int:
    """0 most of the time; upside down or sideways now and then."""
    return int(rng.choice([0, 180, 90, 270], p=[0.8, 0.1, 0.05, 0.05]))


def draw_skew(rng: np.random.Generator) -> float:
    """Most sheets within +-5 degrees, some badly fed up to +-15."""
    if rng.random() < 0.85:
        return round(float(np.clip(rng.normal(0, 1.8), -5, 5)), 2)
    return round(float(rng.uniform(-15, 15)), 2)


def age_sheet(
    ink: np.ndarray,
    spec: RecordSpec,
    rng: np.random.Generator,
    seal_spots: list[tuple[int, int]],
    dpi: int,
    thumb_spots: Sequence[tuple[int, int]] = (),
) -> tuple[np.ndarray, list[str]]:
    """Paper, faded ink, seals, stains, folds, light: the uint8 RGB sheet and what was applied."""
    h, w = ink.shape[:2]
    applied = ["paper_texture"]
    fade_p, stain_p, fold_p = _AGEING[spec.era]
    sheet = degrade.paper(h, w, spec.era, rng)
    if spec.era in ("1950-55", "1956-84"):
        applied.append("yellowing")
    if rng.random() < fade_p:
        ink = degrade.fade_ink(ink, rng, float(rng.uniform(0.25, 0.6)))
        applied.append("fading")
    if spec.era != "2000+" and rng.random() < 0.3:
        ink = degrade.bleed_through(ink, rng)
        applied.append("bleed_through")
    sheet = degrade.apply_ink(sheet, ink)
    for cx, cy in thumb_spots:
        stamp_red(sheet, thumbprint_mask(int(16 / 25.4 * dpi), rng), cx, cy)
    if thumb_spots:
        applied.append("thumbprint")
    for cx, cy in seal_spots:
        if rng.random() < 0.92:
            d = int(42 / 25.4 * dpi)
            mask = seal_mask(
                spec.office.replace("婚姻登记处", ""),
                d,
                rng,
                "婚姻登记专用章" if spec.era == "2000+" else "",
            )
            jitter = rng.normal(0, 0.08 * d, 2)
            stamp(
                sheet, mask, int(cx + jitter[0]), int(cy + jitter[1]), float(rng.uniform(-25, 25))
            )
            applied.append("seal")
    stain_count = int(rng.integers(1, 4)) if rng.random() < stain_p else 0
    fold = bool(rng.random() < fold_p)
    uneven = bool(rng.random() < 0.5)
    if stain_count or fold or uneven:
        sheet = degrade.shade(sheet, degrade.light_map(h, w, rng, stain_count, fold, uneven))
        applied += [
            name
            for name, on in (("stain", stain_count), ("fold", fold), ("uneven_light", uneven))
            if on
        ]
    return sheet, applied


def scan_page(
    spec: RecordSpec,
    layout: str,
    dpi: int,
    rng: np.random.Generator,
    lossy_output: bool,
    geometry: tuple[int, float] | None = None,
) -> PageScan:
    """Draw, age and scan one page of ``spec`` in ``layout`` at ``dpi``.

    ``geometry`` forces ``(rotation, skew_deg)`` instead of drawing them.
    """
    pen = render_layout(layout, spec, dpi, rng)
    ink = np.asarray(pen.image)
    spots = [(pen.px(x), pen.px(y)) for x, y in pen.seal_spots]
    thumbs = [(pen.px(x), pen.px(y)) for x, y in pen.thumb_spots]
    sheet, applied = age_sheet(ink, spec, rng, spots, dpi, thumbs)
    applied += pen.events
    upright = (sheet.shape[1], sheet.shape[0])
    if rng.random() < 0.12:
        sheet = cv2.cvtColor(sheet, cv2.COLOR_RGB2GRAY)
        applied.append("grayscale")
    rotation, skew = draw_rotation(rng), draw_skew(rng)
    if geometry is not None:
        rotation, skew = geometry
    bed = int(rng.choice([245, 235, 40, 128], p=[0.5, 0.2, 0.2, 0.1]))
    if spec.era != "2000+" and rng.random() < 0.35:
        degrade.punch_holes(sheet, bed, dpi)
        applied.append("punch_holes")
    if spec.era in ("1950-55", "1956-84") and rng.random() < 0.15:
        degrade.torn_corner(sheet, bed, dpi, rng)
        applied.append("torn_corner")
    if bed > 200:  # on a white lid only the sheet's shadowed rim shows where it ends
        sheet = degrade.sheet_edge(sheet, dpi, rng)
    margin = int(rng.integers(0, dpi // 6)) if rng.random() < 0.4 else 0
    if margin or bed < 200:
        applied.append("scanner_bed")
    pixels = degrade.place_on_scanner(sheet, rotation, skew, bed, margin)
    blur = float(rng.uniform(0.3, 1.3)) if rng.random() < 0.6 else 0.0
    if blur:
        applied.append("blur")
    noise = float(rng.uniform(1.5, 6.0))
    pixels = degrade.sensor(pixels, rng, blur, noise)
    applied.append("noise")
    if rng.random() < 0.6:
        degrade.speckle(pixels, rng, int(rng.integers(10, 120)))
        applied.append("speckle")
    if not lossy_output and rng.random() < 0.25:
        pixels = degrade.jpeg_artifacts(pixels, int(rng.integers(25, 60)))
        applied.append("jpeg_artifacts")
    return PageScan(pixels, layout, dpi, rotation, skew, applied, upright)
