"""Page preparation: make a scanned page upright and straight, never worse.

:func:`prepare_page` (RGB array in -> :class:`PreparedPage` out) finds the fine
skew and the quarter turn (see :mod:`ingest.geometry` for the convention), each
with a confidence, and applies them only when confident; otherwise the page is
left as scanned and a warning sends the record to review. The quarter turn is
decided by the OCR engine: it reads a few text-line crops under each of the four
hypotheses, and the reading it is surest of wins (``LineScorer``).

The prepared colour image (kept for clerks and for field boxes) and the
recognition image (red seals painted out, :mod:`ingest.seal`) share one geometry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from ingest import geometry
from ingest.seal import paper_colour, suppress_red_seal

log = logging.getLogger("marriage_archive.ingest")

# Confidence in each crop's reading (one float per crop, 0..1).
LineScorer = Callable[[list[np.ndarray]], list[float]]

SKEW_MIN_CONFIDENCE = 0.15
FAMILY_MIN_CONFIDENCE = 0.30
FLIP_MIN_MARGIN = 0.08
MAX_PROBE_CROPS = 3
PROBE_HEIGHT = 48
PROBE_MAX_WIDTH = 320  # the recognizer's native input width: about 7 characters

WARN_SKEW = "skew_uncertain"
WARN_ORIENTATION = "orientation_uncertain"


@dataclass(frozen=True)
class PreparedPage:
    """A page made upright, with what was found and how sure we are."""

    image: np.ndarray  # RGB, upright and deskewed (colour kept: seals stay visible)
    ocr_image: np.ndarray  # same geometry, red seal ink painted out
    rotation: int  # 0/90/180/270, counter-clockwise as found
    skew_deg: float  # counter-clockwise positive, as found
    skew_confidence: float
    orientation_confidence: float
    warnings: list[str] = field(default_factory=list)

    @property
    def confident(self) -> bool:
        """True when orientation and skew were both decided with confidence."""
        return not ({WARN_SKEW, WARN_ORIENTATION} & set(self.warnings))


def upright(image: np.ndarray, rotation: int, skew_deg: float) -> np.ndarray:
    """Turn a scan clockwise by ``rotation + skew_deg`` (design.md's convention)."""
    border = tuple(int(v) for v in paper_colour(image)) if image.ndim == 3 else 255
    straightened = geometry.rotate_small(image, -skew_deg, border)
    return geometry.quarter_turn_clockwise(straightened, rotation)


def prepare_page(rgb: np.ndarray, scorer: LineScorer | None) -> PreparedPage:
    """Find skew and orientation of a scanned RGB page and make it upright.

    ``scorer`` reads text-line crops (the OCR engine); without it, or when its
    readings do not separate 0 from 180 degrees, orientation stays uncertain.
    """
    clean = suppress_red_seal(rgb)
    gray = cv2.cvtColor(clean, cv2.COLOR_RGB2GRAY)
    scale = geometry.analysis_scale(gray.shape)
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    mask = geometry.ink_mask(small)
    warnings: list[str] = []

    skew = geometry.estimate_skew(mask)
    skew_deg = skew.value
    if skew.confidence < SKEW_MIN_CONFIDENCE:
        skew_deg = 0.0
        warnings.append(WARN_SKEW)

    straight_mask = geometry.rotate_small(mask, -skew_deg, 0)
    straight_clean = upright(clean, 0, skew_deg)
    straight_gray = cv2.cvtColor(straight_clean, cv2.COLOR_RGB2GRAY)
    rotation, orientation_conf = _find_rotation(straight_mask, straight_gray, scale, scorer)
    if rotation is None:
        warnings.append(WARN_ORIENTATION)
        rotation = 0
    return PreparedPage(
        image=upright(rgb, rotation, skew_deg),
        ocr_image=geometry.quarter_turn_clockwise(straight_clean, rotation),
        rotation=rotation,
        skew_deg=skew_deg,
        skew_confidence=skew.confidence,
        orientation_confidence=orientation_conf,
        warnings=warnings,
    )


def _find_rotation(
    straight_mask: np.ndarray, straight_gray: np.ndarray, scale: float, scorer: LineScorer | None
) -> tuple[int | None, float]:
    """(rotation or None when not confident, confidence) of a deskewed page.

    Every hypothesis 0/90/180/270 is read: the line crops are turned by it, and
    a crop that then stands tall is taken as a column of vertical writing (the
    1950s forms) and laid out as a row of its character cells. The engine's mean
    confidence per hypothesis decides; the winner must lead by FLIP_MIN_MARGIN.
    """
    if scorer is None:
        return None, 0.0
    text = geometry.remove_rules(straight_mask)
    family = geometry.line_family(text)
    glyph = geometry.glyph_size(text)
    directions = [family.value == 0]
    if family.confidence < FAMILY_MIN_CONFIDENCE:
        directions.append(not directions[0])
    blobs = [b for horizontal in directions for b in geometry.line_blobs(text, glyph, horizontal)]
    crops = _line_crops(straight_gray, blobs, scale)
    if not crops:
        return None, 0.0
    batch = [_reading_row(geometry.quarter_turn_clockwise(c, r)) for r in ROTATIONS for c in crops]
    scores = scorer(batch)
    n = len(crops)
    single = {r: _mean(scores[i * n : (i + 1) * n]) for i, r in enumerate(ROTATIONS)}
    log.debug("orientation scores %s", single)
    rotation = _rotation_from_scores(single)
    others = max(single[(rotation + 90) % 360], single[(rotation + 180) % 360])
    margin = single[rotation] - others
    confidence = round(min(1.0, max(0.0, margin / (2 * FLIP_MIN_MARGIN))), 3)
    if margin < FLIP_MIN_MARGIN:
        return None, confidence
    return rotation, confidence


VERTICAL_MIN_SCORE = 0.6
VERTICAL_MAX_GAP = 0.2


def _rotation_from_scores(single: dict[int, float]) -> int:
    """The rotation whose reading explains the four hypotheses' scores.

    PP-OCR reads glyphs turned 90 degrees counter-clockwise almost as well as upright
    ones (vertical text is trained that way), but not glyphs turned clockwise. So the
    best hypothesis ``h`` is the truth, unless ``h + 90`` also reads well: then ``h``
    is that artifact of upright vertical writing, and the truth is ``h + 90``.
    """
    best = max(ROTATIONS, key=lambda r: single[r])
    after = (best + 90) % 360
    if single[after] >= VERTICAL_MIN_SCORE and single[after] >= single[best] - VERTICAL_MAX_GAP:
        return after
    return best


ROTATIONS = (0, 90, 180, 270)


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else 0.0


def _line_crops(gray: np.ndarray, blobs: list[geometry.LineBlob], scale: float) -> list[np.ndarray]:
    """Full-resolution crops of the longest line candidates."""
    longest = sorted(blobs, key=lambda b: max(b.w, b.h), reverse=True)[:MAX_PROBE_CROPS]
    crops = []
    for blob in longest:
        pad = max(2, round(min(blob.w, blob.h) * 0.25))
        x0 = max(0, round((blob.x - pad) / scale))
        y0 = max(0, round((blob.y - pad) / scale))
        x1 = min(gray.shape[1], round((blob.x + blob.w + pad) / scale))
        y1 = min(gray.shape[0], round((blob.y + blob.h + pad) / scale))
        if x1 > x0 and y1 > y0:
            crops.append(gray[y0:y1, x0:x1])
    return crops


def _reading_row(crop: np.ndarray) -> np.ndarray:
    """A crop as the recognizer reads it: a row of text, 48 pixels high, at most 320 wide.

    A tall crop is a column of vertical writing: its square character cells are
    laid side by side (the top cell first), which reads like a horizontal line.
    """
    height, width = crop.shape[:2]
    if height > 1.5 * width:
        cells = _character_cells(crop)[: PROBE_MAX_WIDTH // PROBE_HEIGHT]
        if cells:
            crop = np.hstack([_fit(c, width) for c in cells])
    if crop.shape[0] != PROBE_HEIGHT:
        factor = PROBE_HEIGHT / crop.shape[0]
        crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    if crop.shape[1] > PROBE_MAX_WIDTH:
        # Keep the middle: labels at a line's start are the same on every form.
        start = (crop.shape[1] - PROBE_MAX_WIDTH) // 2
        crop = crop[:, start : start + PROBE_MAX_WIDTH]
    return np.ascontiguousarray(crop)


def _character_cells(column: np.ndarray) -> list[np.ndarray]:
    """Cut a column of vertical writing into character cells at the blank rows."""
    _, ink = cv2.threshold(column, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    width = column.shape[1]
    inked = ink.sum(axis=1) > max(1, width // 50)
    cells, start = [], None
    for y, on in enumerate(np.append(inked, False)):
        if on and start is None:
            start = y
        elif not on and start is not None:
            if y - start >= width // 5:  # ignore specks
                cells.append((start, y))
            start = None
    merged: list[list[int]] = []
    for top, bottom in cells:  # rejoin characters split at an inner gap (e.g. 二, 三)
        if merged and bottom - merged[-1][0] <= width:
            merged[-1][1] = bottom
        else:
            merged.append([top, bottom])
    pad = width // 10
    return [column[max(0, t - pad) : b + pad] for t, b in merged if b - t <= 1.3 * width]


def _fit(cell: np.ndarray, size: int) -> np.ndarray:
    """Pad a (last, shorter) character cell to ``size`` x ``size`` with paper."""
    height = min(cell.shape[0], size)
    paper = int(np.percentile(cell, 90)) if cell.size else 255
    out = np.full((size, size), paper, dtype=cell.dtype)
    top = (size - height) // 2
    out[top : top + height] = cell[:height]
    return out
