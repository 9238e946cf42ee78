"""Page preparation: make a scanned page upright and straight, never worse.

:func:`prepare_page` (RGB array in -> :class:`PreparedPage` out) finds the fine
skew and the quarter turn (see :mod:`ingest.geometry` for the convention), each
with a confidence, and applies them only when confident; otherwise the page is
left as scanned and a warning sends the record to review. The quarter turn is
decided by the OCR engine (``LineScorer``): it reads a few text-line crops under
each of the four hypotheses, and each crop's four readings vote
(:func:`rotation_evidence`).

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
from ingest.seal import SealMasks, paper_colour, seal_masks, shaded_paper

log = logging.getLogger("marriage_archive.ingest")

# Confidence in each crop's reading (one float per crop, 0..1).
LineScorer = Callable[[list[np.ndarray]], list[float]]

SKEW_MIN_CONFIDENCE = 0.15
FAMILY_MIN_CONFIDENCE = 0.30
FLIP_MIN_MARGIN = 0.5  # evidence lead per readable crop (see rotation_evidence)
CLEAR_MARGIN = 1.0  # a lead this large on the first crops needs no more reading
PROBE_STEP = 2  # lines read per scorer call, until the vote is clear
MAX_PROBE_CROPS = 6
PROBE_HEIGHT = 48
PROBE_MAX_WIDTH = 320  # the recognizer's native input width: about 7 characters
# A line crop padded by a quarter of its height on each side fills 48 x 320 at this length.
PROBE_WINDOW = PROBE_MAX_WIDTH / PROBE_HEIGHT * 1.5 - 0.5

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
    # Red seal ink is painted out for analysis and recognition (strokes under it
    # turn grey, ingest.seal); the masks are turned along with the page instead of
    # a second full-page colour warp.
    seal = seal_masks(rgb)
    paint = seal.paint
    paper = paper_colour(rgb)
    paper_gray = int(cv2.cvtColor(paper.reshape(1, 1, 3), cv2.COLOR_RGB2GRAY)[0, 0])
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    gray[paint > 0] = paper_gray
    scale = geometry.analysis_scale(gray.shape)
    mask = _analysis_mask(gray, scale)
    warnings: list[str] = []

    skew = geometry.estimate_skew(mask)
    skew_deg = skew.value
    if skew.confidence < SKEW_MIN_CONFIDENCE:
        skew_deg = 0.0
        warnings.append(WARN_SKEW)

    straight_mask = geometry.rotate_small(mask, -skew_deg, 0)
    straight = upright(rgb, 0, skew_deg)
    # The seal's masks and shade turn in ONE four-channel warp (bit-identical to one
    # warp each, measured and tested; the coordinates are computed once); a page
    # without seal ink has nothing to turn.
    masks = _straight_seal_masks(seal, skew_deg)
    straight_gray = cv2.cvtColor(straight, cv2.COLOR_RGB2GRAY)
    if masks is not None:
        # Linear interpolation spreads seal ink by a pixel: any coverage is painted.
        straight_paint = masks[0] > 0
        straight_gray[straight_paint] = paper_gray
    rotation, orientation_conf = _find_rotation(straight_mask, straight_gray, scale, scorer)
    if rotation is None and scorer is not None and skew_deg != 0.0:
        # Second look: the ink mask thresholded AFTER the deskew. The turned mask
        # grows every speck and stain rim by a pixel of grey, and on a speckled page
        # those blobs can crowd the text out of the probe's line candidates
        # (dev2 00029: six junk crops). Only an undecided page is read again, so a
        # decided page's answer never changes.
        rotation, orientation_conf = _find_rotation(
            _analysis_mask(straight_gray, scale), straight_gray, scale, scorer
        )
    if rotation is None:
        warnings.append(WARN_ORIENTATION)
        rotation = 0
    ocr_image = straight.copy()
    if masks is not None:
        ocr_image[straight_paint] = paper
        if seal.under_red.any():
            kept = masks[1] > 127
            ocr_image[kept] = straight[kept][:, :1]  # grey from the red channel
        if seal.under_seal.any():
            kept = masks[2] > 127
            ocr_image[kept] = shaded_paper(paper, masks[3][kept])
    return PreparedPage(
        image=geometry.quarter_turn_clockwise(straight, rotation),
        ocr_image=geometry.quarter_turn_clockwise(ocr_image, rotation),
        rotation=rotation,
        skew_deg=skew_deg,
        skew_confidence=skew.confidence,
        orientation_confidence=orientation_conf,
        warnings=warnings,
    )


def _analysis_mask(gray: np.ndarray, scale: float) -> np.ndarray:
    """The ink mask of a grey page at the analysis scale (skew and the probe's lines)."""
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return geometry.ink_mask(small)


def _straight_seal_masks(seal: SealMasks, skew_deg: float) -> tuple[np.ndarray, ...] | None:
    """(paint, under_red, under_seal, shade) turned by the skew, or None without seal ink.

    What one warp of each gives (borders 0, 0, 0, 255); an all-zero paint mask
    turns into an all-zero mask, so it is not turned at all.
    """
    if not (seal.paint.any() or seal.under_red.any() or seal.under_seal.any()):
        return None
    stacked = cv2.merge([seal.paint, seal.under_red, seal.under_seal, seal.shade])
    return tuple(cv2.split(geometry.rotate_small(stacked, -skew_deg, (0, 0, 0, 255))))


def _find_rotation(
    straight_mask: np.ndarray, straight_gray: np.ndarray, scale: float, scorer: LineScorer | None
) -> tuple[int | None, float]:
    """(rotation or None when not confident, confidence) of a deskewed page.

    Every hypothesis 0/90/180/270 is read: the line crops are turned by it, and
    a crop that then stands tall is taken as a column of vertical writing (the
    1950s forms) and laid out as a row of its character cells. Each crop's four
    readings vote (:func:`rotation_evidence`); the winner must lead the runner-up
    by FLIP_MIN_MARGIN per readable crop. Lines are read PROBE_STEP at a time, best
    first, until the vote is clear (recognition is most of the cost of preparing a
    page).
    """
    if scorer is None:
        return None, 0.0
    text = geometry.remove_rules(straight_mask)
    crops = _line_crops(straight_gray, _probe_blobs(text), scale)
    per_crop: list[dict[int, float]] = []
    for start in range(0, len(crops), PROBE_STEP):
        per_crop += _read_hypotheses(crops[start : start + PROBE_STEP], scorer)
        if _clear(*_vote(per_crop)):
            break
    rotation, margin, _used = decide_rotation(per_crop)
    return rotation, round(min(1.0, max(0.0, margin / (2 * CLEAR_MARGIN))), 3)


def decide_rotation(per_crop: list[dict[int, float]]) -> tuple[int | None, float, int]:
    """(rotation or None when not confident, winning margin, crops used) from readings.

    The probe's decision replayed on the four readings of crops in probe order:
    crops are taken PROBE_STEP at a time until the vote is clear, and the winner
    must lead by FLIP_MIN_MARGIN. ``_find_rotation`` reads only as many crops as
    this uses, so giving it more crops than were read changes nothing.
    """
    rotation, margin, readable, used = 0, 0.0, 0, 0
    for start in range(0, len(per_crop), PROBE_STEP):
        used = min(len(per_crop), start + PROBE_STEP)
        rotation, margin, readable = _vote(per_crop[:used])
        if _clear(rotation, margin, readable):
            break
    if not readable or margin < FLIP_MIN_MARGIN:
        return None, margin, used
    return rotation, margin, used


def _clear(_rotation: int, margin: float, readable: int) -> bool:
    """True when the vote so far needs no more reading."""
    return readable >= PROBE_STEP and margin >= CLEAR_MARGIN


def _read_hypotheses(crops: list[np.ndarray], scorer: LineScorer) -> list[dict[int, float]]:
    """Each crop's reading confidence under the four hypotheses (one scorer call)."""
    if not crops:
        return []
    batch = [_reading_row(geometry.quarter_turn_clockwise(c, r)) for r in ROTATIONS for c in crops]
    scores = scorer(batch)
    n = len(crops)
    return [{r: scores[i * n + k] for i, r in enumerate(ROTATIONS)} for k in range(n)]


def _vote(per_crop: list[dict[int, float]]) -> tuple[int, float, int]:
    """(winning rotation, its lead per readable crop, number of readable crops)."""
    readable = [s for s in per_crop if max(s.values()) >= READABLE_SCORE]
    if not readable:
        return 0, 0.0, 0
    votes = [rotation_evidence(s) for s in readable]
    evidence = {r: sum(v[r] for v in votes) / len(votes) for r in ROTATIONS}
    ranked = sorted(ROTATIONS, key=lambda r: evidence[r], reverse=True)
    log.debug("orientation evidence %s from %d readable crops", evidence, len(readable))
    return ranked[0], evidence[ranked[0]] - evidence[ranked[1]], len(readable)


# A crop is evidence only when one of its readings is this sure. PP-OCRv6 reads real
# text at 0.8+ under its upright or counter-clockwise hypothesis (dev2 crops: p10 of
# the upright reading 0.97 horizontal, 0.82 vertical) but gives stain rims, border
# rules and specks up to 0.7 (dev2 00029), which were voting at the former 0.3.
READABLE_SCORE = 0.8


def rotation_evidence(scores: dict[int, float]) -> dict[int, float]:
    """How well each truth 0/90/180/270 explains one crop's four readings.

    Reading hypothesis ``r`` shows the glyphs turned counter-clockwise by
    ``truth - r``. Truth ``h`` predicts a high score at ``h`` (upright glyphs), a
    fair one at ``h - 90`` (glyphs turned counter-clockwise: PP-OCR is trained to
    read them, for vertical text) and low ones at ``h + 90`` (turned clockwise) and
    ``h + 180`` (upside down): weights 2, 1, -1.5, -1.5. The upright reading
    counting twice keeps the evidence right when the counter-clockwise reading
    fails as well.

    Measured (session 15, PP-OCRv6 small, readable probe crops of dev2 by their
    truth; upright / counter-clockwise / clockwise / upside down, mean):
    horizontal print 0.99 / 0.90 / 0.42 / 0.48, 1950s vertical columns
    0.93 / 0.89 / 0.35 / 0.37. PP-OCRv6 gives turned-clockwise and upside-down
    glyphs the same fair garbage confidence (0.5-0.8 is common), so the two count
    alike; PP-OCRv4 (weights 2, 1, -1, -2 until session 15) almost never read
    upside-down glyphs, and with those weights PP-OCRv6 left upright pages with
    a thin lead (dev2: 4 pages uncertain, 38 right ones leading by less than 1).
    """
    return {
        h: 2 * scores[h]
        + scores[(h + 270) % 360]
        - 1.5 * scores[(h + 90) % 360]
        - 1.5 * scores[(h + 180) % 360]
        for h in ROTATIONS
    }


ROTATIONS = (0, 90, 180, 270)


def _probe_blobs(text: np.ndarray) -> list[geometry.LineBlob]:
    """The line candidates to read: the ones holding the most separate characters.

    Runs along the dominant writing direction first; both directions when the
    family is unclear. Rows of digit boxes and rule remnants are no text lines
    (:func:`geometry.character_count`); when nothing else is found the longest
    candidates are taken as they are.
    """
    glyph = geometry.glyph_size(text)
    if glyph < 4:
        return []
    # The blobs of both directions are found once: the family and the lines share them.
    found = {d: geometry.line_blobs(text, glyph, d) for d in (True, False)}
    family = geometry.family_of(found[True], found[False])
    directions = [family.value == 0]
    if family.confidence < FAMILY_MIN_CONFIDENCE:
        directions.append(not directions[0])
    lines = [
        f for d in directions for f in geometry.text_lines(text, glyph, d, PROBE_WINDOW, found[d])
    ]
    if lines:
        # Full probes first (about 7 characters fill one), the denser the better.
        full = PROBE_MAX_WIDTH // PROBE_HEIGHT
        lines.sort(key=lambda t: (min(t[1], full), t[2]), reverse=True)
        return [blob for blob, _count, _density in lines[:MAX_PROBE_CROPS]]
    blobs = [b for d in directions for b in found[d]]
    return sorted(blobs, key=lambda b: max(b.w, b.h), reverse=True)[:MAX_PROBE_CROPS]


def _line_crops(gray: np.ndarray, blobs: list[geometry.LineBlob], scale: float) -> list[np.ndarray]:
    """Full-resolution crops of the line candidates."""
    crops = []
    for blob in blobs:
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
    """Cut a column of vertical writing into character cells.

    Long strokes along the column (the rule a filled value is written beside) are
    ignored. The column is cut at its blank rows; pieces much shorter than a
    character are rejoined (二, 三 have inner gaps) and pieces holding several
    touching characters are split evenly (characters of vertical writing are
    about square: the ink's width is the character size).
    """
    _, binary = cv2.threshold(column, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    width = column.shape[1]
    rule_kernel = np.ones((max(3, round(1.5 * width)), 1), np.uint8)
    ink = cv2.subtract(binary, cv2.morphologyEx(binary, cv2.MORPH_OPEN, rule_kernel)) > 0
    inked_cols = np.flatnonzero(ink.sum(axis=0) > max(1, column.shape[0] // 50))
    size = width if inked_cols.size == 0 else int(inked_cols[-1] - inked_cols[0] + 1)
    size = max(width // 3, min(width, size))
    inked = ink.sum(axis=1) > max(1, width // 50)
    pieces: list[list[int]] = []
    for top, bottom in geometry.run_bounds(inked):
        if bottom - top < size // 5:  # specks
            continue
        if pieces and bottom - pieces[-1][0] <= 1.1 * size:
            pieces[-1][1] = bottom  # rejoin a character split at an inner gap
        else:
            pieces.append([top, bottom])
    cells = []
    pad = size // 10
    for top, bottom in pieces:
        parts = max(1, round((bottom - top) / size))
        step = (bottom - top) / parts
        for k in range(parts):
            y0, y1 = round(top + k * step), round(top + (k + 1) * step)
            cells.append(column[max(0, y0 - pad) : y1 + pad])
    if not cells:  # nothing but long strokes: cut at the pitch of the column's width
        cells = [column[y : y + size] for y in range(0, column.shape[0] - size // 2, size)]
    return cells


def _fit(cell: np.ndarray, size: int) -> np.ndarray:
    """Pad a (last, shorter) character cell to ``size`` x ``size`` with paper."""
    height = min(cell.shape[0], size)
    paper = int(np.percentile(cell, 90)) if cell.size else 255
    out = np.full((size, size), paper, dtype=cell.dtype)
    top = (size - height) // 2
    out[top : top + height] = cell[:height]
    return out
