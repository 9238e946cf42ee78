"""Red round official seals (公章): ring, five-pointed star, office name on an arc.

A seal is returned as a multiplicative layer (white = no ink) so stamping it
over text keeps the text visible beneath the red, as real stamp ink does.
Ink coverage is uneven (pressure, a dry pad), which is drawn as a noise mask.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image, ImageDraw

from synth.fonts import font, font_for

SEAL_RED = np.array([205, 35, 45], dtype=np.float32)


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    pts = []
    for k in range(10):
        rad = r if k % 2 == 0 else r * 0.382
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


def seal_mask(
    text: str, diameter_px: int, rng: np.random.Generator, bottom: str = ""
) -> np.ndarray:
    """Ink coverage (float32 0..1, square) of a round seal with ``text`` on its arc."""
    d = diameter_px
    img = Image.new("L", (d, d), 0)
    draw = ImageDraw.Draw(img)
    c = d / 2
    ring = max(2, d // 28)
    draw.ellipse([ring / 2, ring / 2, d - ring / 2, d - ring / 2], outline=255, width=ring)
    draw.polygon(_star(c, c, d * 0.17), fill=255)
    size = max(8, int(d * 0.13))
    n = len(text)
    span = min(250.0, 22.0 * n)  # degrees of arc the text covers
    radius = c - ring - size * 0.75
    for i, ch in enumerate(text):
        ang = -90 - span / 2 + span * (i + 0.5) / n  # degrees, 0 = right, -90 = top
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text(
            (size, size), ch, font=font(font_for("serif_sc", ch), size), fill=255, anchor="mm"
        )
        glyph = glyph.rotate(-(ang + 90), resample=Image.Resampling.BILINEAR)
        gx = c + radius * math.cos(math.radians(ang)) - size
        gy = c + radius * math.sin(math.radians(ang)) - size
        img.paste(255, (int(gx), int(gy)), glyph)
    if bottom:
        bsize = max(6, int(d * 0.09))
        draw.text((c, c + d * 0.3), bottom, font=font("serif_sc", bsize), fill=255, anchor="mm")
    mask = np.asarray(img, dtype=np.float32) / 255.0
    # uneven pressure: low-frequency coverage map plus pad grain
    low = cv2.resize(
        rng.uniform(0.45, 1.0, (6, 6)).astype(np.float32), (d, d), interpolation=cv2.INTER_CUBIC
    )
    grain = rng.uniform(0.7, 1.0, (d, d)).astype(np.float32)
    mask = cv2.GaussianBlur(mask, (0, 0), max(0.6, d / 400)) * np.clip(low, 0, 1) * grain
    return np.clip(mask * rng.uniform(0.75, 1.0), 0, 1)


def stamp(page: np.ndarray, mask: np.ndarray, cx: int, cy: int, angle: float) -> None:
    """Multiply a red seal onto ``page`` (uint8 RGB, in place) centred at (cx, cy)."""
    d = mask.shape[0]
    rot = cv2.getRotationMatrix2D((d / 2, d / 2), angle, 1.0)
    mask = cv2.warpAffine(mask, rot, (d, d))
    x0, y0 = cx - d // 2, cy - d // 2
    h, w = page.shape[:2]
    xa, ya, xb, yb = max(0, x0), max(0, y0), min(w, x0 + d), min(h, y0 + d)
    if xa >= xb or ya >= yb:
        return
    m = mask[ya - y0 : yb - y0, xa - x0 : xb - x0, None]
    tint = SEAL_RED / 255.0
    region = page[ya:yb, xa:xb].astype(np.float32) * (1.0 - m * (1.0 - tint))
    page[ya:yb, xa:xb] = region.astype(np.uint8)


def thumbprint_mask(width_px: int, rng: np.random.Generator) -> np.ndarray:
    """Ink coverage of a red thumbprint (按手印): fine whorl ridges, uneven pressure."""
    w = max(8, width_px)
    h = int(w * 1.35)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = w * rng.uniform(0.4, 0.6), h * rng.uniform(0.35, 0.55)  # whorl centre
    nx, ny = (xx - cx) / (w / 2), (yy - cy) / (h / 2)
    r = np.sqrt(nx**2 + (ny * 1.15) ** 2)
    theta = np.arctan2(ny, nx)
    warp = cv2.resize(
        rng.uniform(-1.0, 1.0, (6, 5)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC
    )
    ridges_per_radius = rng.uniform(13, 18)
    phase = r * ridges_per_radius * 2 * np.pi + 0.8 * np.sin(theta * 2 + warp) + warp * 2.5
    ridges = 0.5 + 0.5 * np.sin(phase)
    ex, ey = (xx - w / 2) / (w / 2), (yy - h / 2) / (h / 2)
    outline = np.sqrt(ex**2 + ey**2)
    pressure = cv2.resize(
        rng.uniform(0.2, 1.0, (5, 4)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC
    )
    falloff = (
        np.clip((1.0 - outline) * 4.0, 0, 1) * np.clip(pressure, 0, 1) * rng.uniform(0.6, 0.95)
    )
    mask = np.clip((ridges - 0.35) * 2.5, 0, 1) * falloff
    return cv2.GaussianBlur(mask.astype(np.float32), (0, 0), max(0.5, w / 200))


def stamp_red(
    page: np.ndarray, mask: np.ndarray, cx: int, cy: int, tint: tuple[int, int, int] = (185, 40, 50)
) -> None:
    """Multiply a red ink mask of any shape onto ``page`` (uint8 RGB, in place)."""
    mh, mw = mask.shape
    x0, y0 = cx - mw // 2, cy - mh // 2
    h, w = page.shape[:2]
    xa, ya, xb, yb = max(0, x0), max(0, y0), min(w, x0 + mw), min(h, y0 + mh)
    if xa >= xb or ya >= yb:
        return
    m = mask[ya - y0 : yb - y0, xa - x0 : xb - x0, None]
    colour = np.array(tint, np.float32) / 255.0
    region = page[ya:yb, xa:xb].astype(np.float32) * (1.0 - m * (1.0 - colour))
    page[ya:yb, xa:xb] = region.astype(np.uint8)
