"""Page geometry: fine skew and the quarter-turn family, as pure functions on arrays.

Convention (design.md): ``skew_deg`` is the small angle by which the content is
turned counter-clockwise (as displayed, y down); ``rotation`` the quarter turn,
also counter-clockwise. Turning the scan clockwise by ``rotation + skew_deg``
makes it upright.

Skew: projection profiles of the ink pixels. For a candidate angle ``a`` each ink
pixel projects to ``v = y cos a + x sin a``; text lines and table rules make the
histogram of ``v`` (and of the perpendicular projection) sharpest when
``a`` equals the skew. A coarse grid then a fine grid give ~0.05 degree steps.

Family (0/180 vs 90/270): on the deskewed page, with table rules removed,
characters joined along the writing direction form long thin blobs. Closing
horizontally vs vertically and comparing the elongated mass tells which way the
lines run. 0 vs 180 is not decidable from layout: :mod:`ingest.prepare` asks the
OCR engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

WORK_SIDE = 1200  # longest side of the analysis image, pixels
MAX_SKEW_DEG = 20.0
_SMOOTH = np.array([0.25, 0.5, 0.25])


@dataclass(frozen=True)
class Estimate:
    """An angle with a confidence in [0, 1]."""

    value: float
    confidence: float


def analysis_scale(shape: tuple[int, ...], side: int = WORK_SIDE) -> float:
    """Scale factor that brings a page's longest side down to ``side`` (never up)."""
    return min(1.0, side / max(shape[0], shape[1]))


def ink_mask(gray: np.ndarray) -> np.ndarray:
    """Binary (0/255) ink mask: strokes darker than their neighbourhood.

    A local (adaptive) threshold, not a global one: a dark scanner bed around the
    page would otherwise become "ink", its axis-aligned frame would pull the skew
    to 0, and the text would vanish into "paper".
    """
    blurred = cv2.GaussianBlur(gray, (3, 3), 0)
    block = max(15, (min(gray.shape[:2]) // 40) | 1)
    return cv2.adaptiveThreshold(
        blurred, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15
    )


def _profile_sharpness(values: np.ndarray, length: int) -> float:
    counts = np.bincount(np.round(values).astype(np.int64), minlength=length).astype(np.float64)
    # Smoothing removes the aliasing spike that exact pixel-grid angles (0) get.
    counts = np.convolve(counts, _SMOOTH, mode="same")
    return float((counts**2).sum())


def _soft_profile_sharpness(values: np.ndarray, length: int) -> float:
    """Sharpness with each pixel split between its two nearest bins (linear binning).

    No rounding noise at any angle, so no aliasing spike at exact grid angles and no
    smoothing either, which would merge two close parallel rules of different
    lengths into one peak at a slightly wrong angle (seen: 0.55 degrees).
    """
    floor = np.floor(values)
    frac = values - floor
    index = floor.astype(np.int64)
    counts = np.bincount(index, weights=1.0 - frac, minlength=length + 1)
    counts += np.bincount(index + 1, weights=frac, minlength=length + 1)
    return float((counts**2).sum())


def _skew_score(
    xs: np.ndarray, ys: np.ndarray, angle_deg: float, size: int, soft: bool = False
) -> float:
    a = np.deg2rad(angle_deg)
    c, s = np.cos(a), np.sin(a)
    v = ys * c + xs * s + size
    u = xs * c - ys * s + size
    sharpness = _soft_profile_sharpness if soft else _profile_sharpness
    return sharpness(v, 3 * size) + sharpness(u, 3 * size)


def estimate_skew(mask: np.ndarray, max_deg: float = MAX_SKEW_DEG) -> Estimate:
    """Skew of the content in degrees, counter-clockwise positive, from an ink mask."""
    ys, xs = np.nonzero(mask)
    if xs.size < 200:
        return Estimate(0.0, 0.0)
    if xs.size > 60_000:
        pick = np.random.default_rng(0).choice(xs.size, 60_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xs = xs.astype(np.float64) - mask.shape[1] / 2
    ys = ys.astype(np.float64) - mask.shape[0] / 2
    size = int(max(mask.shape)) + 2
    coarse = np.arange(-max_deg, max_deg + 0.01, 0.5)
    scores = np.array([_skew_score(xs, ys, a, size) for a in coarse])
    best = float(coarse[int(scores.argmax())])
    fine = np.arange(best - 0.5, best + 0.501, 0.05)
    fine_scores = np.array([_skew_score(xs, ys, a, size, soft=True) for a in fine])
    angle = float(fine[int(fine_scores.argmax())])
    peak = float(fine_scores.max())
    baseline = float(np.median(scores))
    confidence = 0.0 if peak <= 0 else max(0.0, min(1.0, (peak - baseline) / peak * 1.5))
    return Estimate(round(angle, 2), round(confidence, 3))


def rotate_small(image: np.ndarray, ccw_deg: float, border: tuple[int, ...] | int) -> np.ndarray:
    """Rotate ``image`` counter-clockwise by ``ccw_deg`` on an expanded canvas."""
    if abs(ccw_deg) < 1e-6:
        return image
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), ccw_deg, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_w, new_h = round(h * sin + w * cos), round(h * cos + w * sin)
    matrix[0, 2] += new_w / 2 - w / 2
    matrix[1, 2] += new_h / 2 - h / 2
    return cv2.warpAffine(
        image,
        matrix,
        (new_w, new_h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=border,
    )


def quarter_turn_clockwise(image: np.ndarray, rotation: int) -> np.ndarray:
    """Undo a counter-clockwise quarter turn ``rotation`` (0/90/180/270)."""
    ops = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return image if rotation % 360 == 0 else cv2.rotate(image, ops[rotation % 360])


def remove_rules(mask: np.ndarray) -> np.ndarray:
    """The ink mask without long straight rules (table lines, borders)."""
    h, w = mask.shape
    # Close first: printed rules come out of the local threshold broken and doubled.
    h_closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((1, 5), np.uint8))
    v_closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 1), np.uint8))
    horizontal = cv2.morphologyEx(
        h_closed, cv2.MORPH_OPEN, np.ones((1, max(15, w // 15)), np.uint8)
    )
    vertical = cv2.morphologyEx(v_closed, cv2.MORPH_OPEN, np.ones((max(15, h // 15), 1), np.uint8))
    rules = cv2.dilate(cv2.bitwise_or(horizontal, vertical), np.ones((5, 5), np.uint8))
    return cv2.bitwise_and(mask, cv2.bitwise_not(rules))


def glyph_size(mask: np.ndarray) -> float:
    """Median size of character-like connected components (pixels), 0 if none."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    sizes = [
        max(int(stats[i, cv2.CC_STAT_WIDTH]), int(stats[i, cv2.CC_STAT_HEIGHT]))
        for i in range(1, count)
        if stats[i, cv2.CC_STAT_AREA] >= 6
    ]
    if not sizes:
        return 0.0
    sizes_arr = np.array(sizes)
    # Chinese characters break into several strokes: take the upper half's median.
    return float(np.median(sizes_arr[sizes_arr >= np.median(sizes_arr)]))


@dataclass(frozen=True)
class LineBlob:
    """A text-line candidate on the analysis image: x, y, w, h."""

    x: int
    y: int
    w: int
    h: int


def line_blobs(text_mask: np.ndarray, glyph: float, horizontal: bool) -> list[LineBlob]:
    """Elongated blobs formed by closing along one direction (text-line candidates)."""
    k = max(3, round(glyph * 0.9))
    kernel = np.ones((1, k), np.uint8) if horizontal else np.ones((k, 1), np.uint8)
    closed = cv2.morphologyEx(text_mask, cv2.MORPH_CLOSE, kernel)
    count, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    blobs = []
    for i in range(1, count):
        x, y, w, h = (int(v) for v in stats[i, :4])
        along, across = (w, h) if horizontal else (h, w)
        if along >= 2.5 * across and 0.5 * glyph <= across <= 2.2 * glyph:
            blobs.append(LineBlob(x, y, w, h))
    return blobs


def line_family(text_mask: np.ndarray) -> Estimate:
    """0 when text lines run horizontally (rotation 0/180), 90 when vertically (90/270)."""
    glyph = glyph_size(text_mask)
    if glyph < 4:
        return Estimate(0.0, 0.0)
    return family_of(
        line_blobs(text_mask, glyph, horizontal=True),
        line_blobs(text_mask, glyph, horizontal=False),
    )


def family_of(horizontal_blobs: list[LineBlob], vertical_blobs: list[LineBlob]) -> Estimate:
    """:func:`line_family` from line blobs already found in both directions."""
    h_mass = sum(b.w for b in horizontal_blobs)
    v_mass = sum(b.h for b in vertical_blobs)
    total = h_mass + v_mass
    if total == 0:
        return Estimate(0.0, 0.0)
    value = 0.0 if h_mass >= v_mass else 90.0
    return Estimate(value, round(abs(h_mass - v_mass) / total, 3))


MAX_CHARACTER_SPAN = 1.6  # a character's extent along the line, in glyph sizes
MIN_CHARACTER_SPAN = 0.3
FRAME_COVER = 0.6


def character_count(text_mask: np.ndarray, blob: LineBlob, glyph: float, horizontal: bool) -> int:
    """About how many characters a line candidate holds; 0 when it is a row of boxes.

    Thin strokes longer than a character along the line (underlines under filled
    values, rule remnants, smears) are set apart first. When they form two
    separate rails over most of the blob it is a row of printed digit boxes (or a
    band between two rules), not a text line: 0. Otherwise the remaining ink is
    projected onto the line direction and its length counted in characters.
    """
    window = text_mask[blob.y : blob.y + blob.h, blob.x : blob.x + blob.w]
    if not horizontal:
        window = window.T
    span = max(3, round(MAX_CHARACTER_SPAN * glyph))
    long_strokes = cv2.morphologyEx(window, cv2.MORPH_OPEN, np.ones((1, span), np.uint8))
    rails = _runs((long_strokes > 0).sum(axis=1) > FRAME_COVER * window.shape[1])
    if len(rails) >= 2:
        return 0
    strokes = cv2.subtract(window, long_strokes) > 0
    inked = 0
    for start, end in run_bounds(strokes.sum(axis=0) > 0):
        rows = np.flatnonzero(strokes[:, start:end].any(axis=1))
        # A character is about as tall as it is wide: specks along a fold are not.
        if end - start >= MIN_CHARACTER_SPAN * glyph and rows[-1] - rows[0] >= 0.45 * glyph:
            inked += end - start
    return round(inked / (0.9 * glyph))


def run_bounds(profile: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of the True runs of a boolean profile, end exclusive."""
    edges = np.diff(np.concatenate(([0], profile.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()
    return list(zip(starts, ends, strict=True))


def _runs(profile: np.ndarray) -> list[int]:
    """Lengths of the True runs of a boolean profile."""
    return [end - start for start, end in run_bounds(profile)]


MIN_CHARACTERS = 3
MIN_DENSITY = 0.3  # characters per glyph length: rules, folds and sparse specks fall below


def text_lines(
    text_mask: np.ndarray,
    glyph: float,
    horizontal: bool,
    window: float = 6.0,
    blobs: list[LineBlob] | None = None,
) -> list[tuple[LineBlob, int, float]]:
    """Line candidates that hold characters: (part, characters, density), best first.

    Each candidate is cut to its inkiest stretch of ``window`` line heights (what one
    recognizer input shows); density is characters per glyph length of that stretch.
    ``blobs``: this direction's :func:`line_blobs`, when the caller has them already.
    """
    found = []
    if blobs is None:
        blobs = line_blobs(text_mask, glyph, horizontal)
    for blob in blobs:
        part = _inkiest_stretch(text_mask, blob, horizontal, window)
        count = character_count(text_mask, part, glyph, horizontal)
        density = count * glyph / max(part.w if horizontal else part.h, 1)
        if count >= MIN_CHARACTERS and density >= MIN_DENSITY:
            found.append((part, count, round(density, 3)))
    return sorted(found, key=lambda t: (t[1], t[2]), reverse=True)


def _inkiest_stretch(mask: np.ndarray, blob: LineBlob, horizontal: bool, window: float) -> LineBlob:
    """The part of a line blob, ``window`` times its thickness long, with the most ink."""
    along, across = (blob.w, blob.h) if horizontal else (blob.h, blob.w)
    length = max(1, round(window * across))
    if along <= length:
        return blob
    box = mask[blob.y : blob.y + blob.h, blob.x : blob.x + blob.w] > 0
    profile = box.sum(axis=0 if horizontal else 1).astype(np.int64)
    sums = np.convolve(profile, np.ones(length, np.int64), mode="valid")
    start = int(sums.argmax())
    if horizontal:
        return LineBlob(blob.x + start, blob.y, length, blob.h)
    return LineBlob(blob.x, blob.y + start, blob.w, length)
