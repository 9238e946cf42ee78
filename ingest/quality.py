"""Capture-quality checks after DA/T 31-2017 (pure functions on arrays).

DA/T 31-2017 asks for at least 200 dpi, and 300 dpi for dense or handwritten
material. Our handwritten eras are the registrations before 1985; the era is only
known after reading, so :func:`resolution_warnings` takes the registration year.
Blur is measured as the variance of the Laplacian on the strokes (paper is
ignored, so an empty margin does not make a sharp page look blurred), at a fixed
150 dpi scale so the number does not depend on the scan resolution.
Noise (speckle, salt-and-pepper, sensor grain) is measured the other way round:
on the paper only (strokes and their edges are ignored, so a dense page does not
look noisy), as the mean distance of each pixel from the median of its 3x3
neighbourhood, at the same 150 dpi scale. It is measured on the scan as loaded,
not on the prepared page: deskewing interpolates (smooths) the grain by an amount
that depends on the angle, and the red-seal clean-up repaints paper.
"""

from __future__ import annotations

import cv2
import numpy as np

MIN_DPI = 200
MIN_DPI_HANDWRITTEN = 300
HANDWRITTEN_BEFORE_YEAR = 1985
BLUR_MIN_SCORE = 150.0
_BLUR_DPI = 150
NOISE_MAX_SCORE = 5.0
_NOISE_DPI = 150
_INK_BELOW_PAPER = 40  # grey levels under the local paper level that count as a stroke

WARN_LOW_DPI = "low_resolution"
WARN_LOW_DPI_HANDWRITTEN = "low_resolution_handwritten"
WARN_BLURRY = "blurry"
WARN_NOISY = "noisy"


def blur_score(gray: np.ndarray, dpi: int) -> float:
    """Variance of the Laplacian over ink strokes at 150 dpi (higher = sharper)."""
    scale = min(1.0, _BLUR_DPI / max(dpi, 1))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    lap = cv2.Laplacian(small, cv2.CV_64F, ksize=3)
    _, ink = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    near_ink = cv2.dilate(ink, np.ones((3, 3), np.uint8)) > 0
    if near_ink.sum() < 100:
        return 0.0
    return float(lap[near_ink].var())


def blur_warnings(gray: np.ndarray, dpi: int) -> list[str]:
    """``["blurry"]`` when the strokes are soft (rescan with focus/cleaned glass)."""
    return [WARN_BLURRY] if blur_score(gray, dpi) < BLUR_MIN_SCORE else []


def noise_score(gray: np.ndarray, dpi: int) -> float:
    """Mean grey-level jump of paper pixels against their 3x3 median, at 150 dpi.

    Higher = noisier. ``gray`` is the uint8 grey scan as loaded; a page with
    almost no paper left to measure scores 0 (no evidence of noise).
    """
    scale = min(1.0, _NOISE_DPI / max(dpi, 1))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    # Strokes are found on the despeckled copy against the local paper level (the
    # brightest value around), so specks do not become "ink" and a stain or a
    # scanner bed does not either: both are their own local level. A 3x3 median
    # keeps strokes of 2 px (a 5x5 one erased fine print, whose edges then counted).
    despeckled = cv2.medianBlur(small, 3)
    paper_level = cv2.dilate(despeckled, np.ones((15, 15), np.uint8))
    ink = despeckled.astype(np.int16) < paper_level.astype(np.int16) - _INK_BELOW_PAPER
    paper = cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)) == 0
    if paper.sum() < 1000:
        return 0.0
    return float(cv2.absdiff(small, despeckled)[paper].mean())


def noise_warnings(gray: np.ndarray, dpi: int) -> list[str]:
    """``["noisy"]`` when the paper is covered in speckle or grain (rescan cleaner)."""
    return [WARN_NOISY] if noise_score(gray, dpi) > NOISE_MAX_SCORE else []


def resolution_warnings(dpi: int, registration_year: int | None) -> list[str]:
    """Resolution warnings for a page captured at ``dpi``.

    Pages of unknown year are held to the handwritten minimum (the stricter rule),
    since a misread year must not lower the bar.
    """
    if dpi < MIN_DPI:
        return [WARN_LOW_DPI]
    handwritten = registration_year is None or registration_year < HANDWRITTEN_BEFORE_YEAR
    if handwritten and dpi < MIN_DPI_HANDWRITTEN:
        return [WARN_LOW_DPI_HANDWRITTEN]
    return []


RESCAN_ADVICE = {
    WARN_LOW_DPI: "rescan at >= 300 dpi",
    WARN_LOW_DPI_HANDWRITTEN: "handwritten record: rescan at >= 300 dpi",
    WARN_BLURRY: "page is blurred: clean the scanner glass and rescan",
    WARN_NOISY: (
        "page is covered in specks or grain: clean the glass and rescan at >= 300 dpi "
        "in grey or colour (not dithered black-and-white), with the scanner's despeckle "
        "filter on (off, if it is already on and makes the grain)"
    ),
}
