"""What paper, age and the scanner do to a page. Pure array functions.

Float stages work on RGB float32 in 0..1 (multiplicative like pigment on
paper); sensor stages on uint8. Each function takes its own random generator
so a page is a pure function of its seed.

Geometry convention (design.md): ``rotation`` is the quarter turn by which the
content is turned counter-clockwise from upright, ``skew_deg`` the remaining
angle, counter-clockwise positive. Turning the scan clockwise by
``rotation + skew_deg`` makes it upright.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

PAPER_TONES = {
    "1950-55": (0.90, 0.80, 0.63),
    "1956-84": (0.93, 0.87, 0.74),
    "1985-99": (0.95, 0.93, 0.87),
    "2000+": (0.98, 0.98, 0.96),
}


def _low_freq(rng: np.random.Generator, h: int, w: int, cells: int, amp: float) -> np.ndarray:
    """Smooth random field in [-amp, amp] (upsampled coarse noise)."""
    gh, gw = max(2, cells * h // max(h, w)), max(2, cells * w // max(h, w))
    coarse = rng.uniform(-amp, amp, (gh, gw)).astype(np.float32)
    return cv2.resize(coarse, (w, h), interpolation=cv2.INTER_CUBIC)


def paper(h: int, w: int, era: str, rng: np.random.Generator) -> np.ndarray:
    """Aged paper (uint8 RGB): era tone, blotchy texture, fibres, browned edges when old.

    Computed at half resolution (paper structure is coarser than a pixel) and upsampled.
    """
    hh, hw = (h + 1) // 2, (w + 1) // 2
    tone = np.array(PAPER_TONES[era], dtype=np.float32) + rng.normal(0, 0.015, 3).astype(np.float32)
    cloud = 0.035 if era in ("1950-55", "1956-84") else 0.018
    shade = 1.0 + _low_freq(rng, hh, hw, 12, cloud) + _low_freq(rng, hh, hw, 60, 0.012)
    fibre = rng.normal(0, 0.014, (hh, hw)).astype(np.float32)
    shade += cv2.GaussianBlur(fibre, (0, 0), 0.7)
    if era in ("1950-55", "1956-84"):
        _foxing(shade, rng, int(rng.integers(20, 120)))
        yy = np.minimum(np.arange(hh), np.arange(hh)[::-1]).astype(np.float32) / hh
        xx = np.minimum(np.arange(hw), np.arange(hw)[::-1]).astype(np.float32) / hw
        edge = np.minimum(yy[:, None], xx[None, :])
        shade -= 0.12 * np.exp(-edge / 0.025)
    small = cv2.merge([shade * (255 * t) for t in tone.tolist()])
    small = np.clip(small, 0, 255).astype(np.uint8)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _foxing(shade: np.ndarray, rng: np.random.Generator, count: int) -> None:
    """Foxing: small rust-brown age spots on old paper (in place, on the shade map)."""
    h, w = shade.shape
    for _ in range(count):
        r = int(rng.integers(1, max(2, w // 300)))
        cv2.circle(
            shade,
            (int(rng.integers(w)), int(rng.integers(h))),
            r,
            float(rng.uniform(0.82, 0.93)),
            -1,
            lineType=cv2.LINE_AA,
        )


def fade_ink(ink: np.ndarray, rng: np.random.Generator, fade: float) -> np.ndarray:
    """Lighten the uint8 ink layer unevenly by ``fade`` (0..1): old, sun-bleached ink."""
    h, w = ink.shape[:2]
    keep = np.clip(1.0 - fade * (0.7 + _low_freq(rng, h // 4, w // 4, 8, 0.3)), 0.15, 1.0)
    keep8 = (cv2.resize(keep, (w, h)) * 255).astype(np.uint8)
    keep3 = cv2.merge([keep8, keep8, keep8])
    absorb = cv2.subtract(np.full_like(ink, 255), ink)
    absorb = cv2.multiply(absorb, keep3, scale=1 / 255)
    return cv2.subtract(np.full_like(ink, 255), absorb)


def bleed_through(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Writing on the back of thin paper showing through: mirrored, blurred, faint."""
    h, w = ink.shape[:2]
    small = cv2.resize(cv2.flip(ink, 1), (w // 4, h // 4), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), 1.2)
    shift = int(rng.integers(-h // 20, h // 20 + 1)) // 4
    small = np.roll(small, shift, axis=0)
    ghost = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    strength = float(rng.uniform(0.06, 0.14))
    return cv2.addWeighted(ink, 1.0, ghost, strength, -strength * 255)


def punch_holes(sheet: np.ndarray, bed: int, dpi: int) -> None:
    """Two binding holes in the left margin (archive volumes are bound), in place."""
    h = sheet.shape[0]
    r = round(3 / 25.4 * dpi)
    x = round(10 / 25.4 * dpi)
    gap = round(40 / 25.4 * dpi)
    colour = (bed, bed, bed) if sheet.ndim == 3 else bed
    for cy in (h // 2 - gap, h // 2 + gap):
        cv2.circle(sheet, (x, cy), r, colour, -1, lineType=cv2.LINE_AA)


def sheet_edge(sheet: np.ndarray, dpi: int, rng: np.random.Generator) -> np.ndarray:
    """The paper's own edge: a thin shadowed rim, as a sheet on the glass casts."""
    k = max(2, dpi // 100)
    tone = int(rng.integers(150, 200))
    colour = (tone, tone, tone) if sheet.ndim == 3 else tone
    return cv2.copyMakeBorder(sheet, k, k, k, k, cv2.BORDER_CONSTANT, value=colour)


def torn_corner(sheet: np.ndarray, bed: int, dpi: int, rng: np.random.Generator) -> None:
    """A corner torn or folded away (old files), showing the lid/backing (in place)."""
    h, w = sheet.shape[:2]
    size = int(rng.uniform(6, 18) / 25.4 * dpi)
    corner = int(rng.integers(4))
    x0, y0 = (0 if corner in (0, 3) else w - 1), (0 if corner in (0, 1) else h - 1)
    sx, sy = (1 if x0 == 0 else -1), (1 if y0 == 0 else -1)
    a = size + int(rng.integers(-size // 3, size // 3 + 1))
    pts = np.array([[x0, y0], [x0 + sx * a, y0], [x0, y0 + sy * size]], dtype=np.int32)
    colour = (bed, bed, bed) if sheet.ndim == 3 else bed
    cv2.fillPoly(sheet, [pts], colour, lineType=cv2.LINE_AA)


def apply_ink(sheet: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """Multiply the uint8 ink layer onto uint8 paper, as pigment absorbs light."""
    return cv2.multiply(sheet, ink, scale=1 / 255)


def light_map(
    h: int, w: int, rng: np.random.Generator, stain_count: int, fold: bool, uneven: bool
) -> np.ndarray:
    """Multiplicative float32 RGB map of stains, a fold crease and uneven light."""
    sh, sw = max(2, h // 4), max(2, w // 4)
    small = np.ones((sh, sw, 3), np.float32)
    if stain_count:
        small *= _stain_factor(sh, sw, rng, stain_count)
    if uneven:
        small *= _light_factor(sh, sw, rng)[:, :, None]
    full = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    if fold:
        vertical = bool(rng.random() < 0.5)
        prof = _fold_profile(w if vertical else h, rng)
        full *= prof[None, :, None] if vertical else prof[:, None, None]
    return full


_LIGHT_UNIT = 200.0  # a light map of 1.0 is stored as 200, leaving room for brightening


def shade(sheet: np.ndarray, light: np.ndarray) -> np.ndarray:
    """Apply a multiplicative map (float, ~0.5..1.25) to a uint8 sheet, in uint8 arithmetic."""
    light8: np.ndarray = np.clip(light * _LIGHT_UNIT, 0, 255).astype(np.uint8)
    if sheet.ndim == 2 and light8.ndim == 3:
        light8 = cv2.cvtColor(light8, cv2.COLOR_RGB2GRAY)
    return cv2.multiply(sheet, light8, scale=1 / _LIGHT_UNIT)


def _stain_factor(h: int, w: int, rng: np.random.Generator, count: int) -> np.ndarray:
    """Water/tea stains: brownish blots with a darker tide-line rim."""
    blot = np.zeros((h, w), np.float32)
    rim = np.zeros_like(blot)
    for _ in range(count):
        c = (int(rng.integers(w)), int(rng.integers(h)))
        axes = (int(rng.integers(15, 70) * w / 400), int(rng.integers(15, 70) * w / 400))
        ang = float(rng.uniform(0, 180))
        cv2.ellipse(blot, c, axes, ang, 0, 360, float(rng.uniform(0.3, 0.8)), -1)
        cv2.ellipse(rim, c, axes, ang, 0, 360, 1.0, max(1, axes[0] // 12))
    blot = np.clip(cv2.GaussianBlur(blot, (0, 0), 3) + 0.6 * cv2.GaussianBlur(rim, (0, 0), 1), 0, 1)
    brown = np.array([0.10, 0.16, 0.32], np.float32)  # absorbance: blue most
    return 1.0 - blot[:, :, None] * brown


def _fold_profile(n: int, rng: np.random.Generator) -> np.ndarray:
    """A crease across the sheet: a dark line with a lit and a shadowed side."""
    pos = float(rng.uniform(0.35, 0.65) * n)
    d = np.arange(n, dtype=np.float32) - pos
    width = max(1.5, n / 900)
    prof = (
        1.0
        - 0.18 * np.exp(-((d / width) ** 2))
        + 0.04 * np.tanh(d / (8 * width)) * np.exp(-np.abs(d) / (40 * width))
    )
    return prof.astype(np.float32)


def _light_factor(h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """Scanner lamp falloff / lifted page: a smooth gradient."""
    ang = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    g = (np.cos(ang) * xx / w + np.sin(ang) * yy / h).astype(np.float32)
    g = (g - g.min()) / max(1e-6, float(g.max() - g.min()))
    return (1.0 - rng.uniform(0.08, 0.25) * g).astype(np.float32)


def place_on_scanner(
    img: np.ndarray, rotation: int, skew_deg: float, bed: int, margin_px: int = 0
) -> np.ndarray:
    """Turn an upright page into a scan with the given geometry.

    The frame grows so the whole skewed sheet stays visible (a flatbed's glass is
    larger than the paper); uncovered area shows the lid/backing colour ``bed``.
    The result shows the content turned counter-clockwise by ``rotation + skew_deg``.
    """
    h, w = img.shape[:2]
    rad = math.radians(abs(skew_deg))
    nw = math.ceil(w * math.cos(rad) + h * math.sin(rad)) + 2 * margin_px
    nh = math.ceil(h * math.cos(rad) + w * math.sin(rad)) + 2 * margin_px
    # cv2: positive angle = counter-clockwise on screen (y axis down).
    m = cv2.getRotationMatrix2D((w / 2, h / 2), skew_deg, 1.0)
    m[0, 2] += (nw - w) / 2
    m[1, 2] += (nh - h) / 2
    border = (bed, bed, bed) if img.ndim == 3 else bed
    out = cv2.warpAffine(
        img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border
    )
    # np.rot90 with k>0 turns the picture counter-clockwise as displayed.
    return np.ascontiguousarray(np.rot90(out, k=rotation // 90))


def _noise_luts(sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Byte -> (positive part, negative part) of a Gaussian sample of ``sigma``.

    Drawing uniform bytes and mapping them through the inverse normal CDF is
    several times faster than ``standard_normal`` on full-page images.
    """
    from statistics import NormalDist

    dist = NormalDist(0.0, sigma)
    values = np.array([dist.inv_cdf((i + 0.5) / 256) for i in range(256)])
    values = np.round(np.clip(values, -255, 255)).astype(np.int16)
    return np.clip(values, 0, 255).astype(np.uint8), np.clip(-values, 0, 255).astype(np.uint8)


def sensor(img: np.ndarray, rng: np.random.Generator, blur: float, noise: float) -> np.ndarray:
    """Optics blur and sensor noise (per channel, Gaussian ``noise`` sigma) on a uint8 image."""
    if blur > 0:
        img = cv2.GaussianBlur(img, (0, 0), blur)
    if noise > 0:
        pos, neg = _noise_luts(noise)
        raw = np.frombuffer(rng.bytes(img.size), dtype=np.uint8).reshape(img.shape)
        img = cv2.subtract(cv2.add(img, cv2.LUT(raw, pos)), cv2.LUT(raw, neg))
    return img


def speckle(img: np.ndarray, rng: np.random.Generator, count: int) -> None:
    """Dust and toner specks: small dark dots, a few light ones (in place)."""
    h, w = img.shape[:2]
    for _ in range(count):
        x, y = int(rng.integers(w)), int(rng.integers(h))
        r = int(rng.integers(0, 3))
        v = int(rng.integers(10, 90)) if rng.random() < 0.85 else int(rng.integers(215, 255))
        cv2.circle(img, (x, y), r, (v, v, v) if img.ndim == 3 else v, -1)


def jpeg_artifacts(img: np.ndarray, quality: int) -> np.ndarray:
    """Round-trip through a low-quality JPEG (earlier lossy handling of the scan)."""
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover - OpenCV always encodes uint8
        return img
    flag = cv2.IMREAD_COLOR if img.ndim == 3 else cv2.IMREAD_GRAYSCALE
    decoded = cv2.imdecode(buf, flag)
    return img if decoded is None else np.asarray(decoded)
