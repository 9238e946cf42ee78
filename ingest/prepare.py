"""Page preparation: make a scanned page upright and straight, never worse.

:func:`prepare_page` (RGB array in -> :class:`PreparedPage` out) finds the fine
skew and the quarter turn (see :mod:`ingest.geometry` for the convention), each
with a confidence, and applies them only when confident; otherwise the page is
left as scanned and a warning sends the record to review. 0 vs 180 degrees is
decided by the OCR engine: the engine reads a few text-line crops upright and
upside down, and the reading it is surer of wins (``LineScorer``).

The prepared colour image (kept for clerks and for field boxes) and the
recognition image (red seals painted out, :mod:`ingest.seal`) share one geometry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from ingest import geometry
from ingest.seal import paper_colour, suppress_red_seal

# Confidence in each crop's reading (one float per crop, 0..1).
LineScorer = Callable[[list[np.ndarray]], list[float]]

SKEW_MIN_CONFIDENCE = 0.15
FAMILY_MIN_CONFIDENCE = 0.30
FLIP_MIN_MARGIN = 0.08
MAX_PROBE_CROPS = 4
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
    """(rotation or None when not confident, confidence) of a deskewed page."""
    text = geometry.remove_rules(straight_mask)
    family = geometry.line_family(text)
    families = [int(family.value)]
    if family.confidence < FAMILY_MIN_CONFIDENCE:
        families.append(90 - int(family.value))
    if scorer is None:
        return None, 0.0
    glyph = geometry.glyph_size(text)
    readings: list[tuple[float, int]] = []
    for fam in families:
        blobs = geometry.line_blobs(text, glyph, horizontal=(fam == 0))
        crops = _line_crops(straight_gray, blobs, scale, fam)
        if not crops:
            continue
        # One recognizer call for both readings: the crops, then the same crops upside down.
        scores = scorer(crops + [np.ascontiguousarray(c[::-1, ::-1]) for c in crops])
        upright_score, flipped_score = _mean(scores[: len(crops)]), _mean(scores[len(crops) :])
        # A family-90 crop turned clockwise reads upright if the page is at 90.
        readings += [(upright_score, fam), (flipped_score, (fam + 180) % 360)]
    if not readings:
        return None, 0.0
    readings.sort(reverse=True)
    best_score, best_rotation = readings[0]
    margin = best_score - readings[1][0] if len(readings) > 1 else 0.0
    confidence = round(min(1.0, max(0.0, margin / (2 * FLIP_MIN_MARGIN))), 3)
    if margin < FLIP_MIN_MARGIN:
        return None, confidence
    return best_rotation, confidence


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else 0.0


def _line_crops(
    gray: np.ndarray, blobs: list[geometry.LineBlob], scale: float, family: int
) -> list[np.ndarray]:
    """Full-resolution crops of the widest line candidates, turned to read left-to-right."""
    longest = sorted(blobs, key=lambda b: max(b.w, b.h), reverse=True)[:MAX_PROBE_CROPS]
    crops = []
    for blob in longest:
        pad = max(2, round(min(blob.w, blob.h) * 0.25))
        x0 = max(0, round((blob.x - pad) / scale))
        y0 = max(0, round((blob.y - pad) / scale))
        x1 = min(gray.shape[1], round((blob.x + blob.w + pad) / scale))
        y1 = min(gray.shape[0], round((blob.y + blob.h + pad) / scale))
        crop = gray[y0:y1, x0:x1]
        if crop.size == 0:
            continue
        if family == 90:
            crop = cv2.rotate(crop, cv2.ROTATE_90_CLOCKWISE)
        crops.append(_limit_size(crop))
    return crops


def _limit_size(crop: np.ndarray) -> np.ndarray:
    """Scale a line crop to the recognizer's input height and cut it short (saves time)."""
    if crop.shape[0] > PROBE_HEIGHT:
        factor = PROBE_HEIGHT / crop.shape[0]
        crop = cv2.resize(crop, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    if crop.shape[1] > PROBE_MAX_WIDTH:
        # Keep the middle: labels at a line's start are the same on every form.
        start = (crop.shape[1] - PROBE_MAX_WIDTH) // 2
        crop = crop[:, start : start + PROBE_MAX_WIDTH]
    return np.ascontiguousarray(crop)
