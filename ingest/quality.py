"""Capture-quality checks after DA/T 31-2017 (pure functions on arrays).

DA/T 31-2017 asks for at least 200 dpi, and 300 dpi for dense or handwritten
material. Our handwritten eras are the registrations before 1985; the era is only
known after reading, so :func:`resolution_warnings` takes the registration year.
Blur is measured as the variance of the Laplacian on the strokes (paper is
ignored, so an empty margin does not make a sharp page look blurred), at a fixed
150 dpi scale so the number does not depend on the scan resolution.
"""

from __future__ import annotations

import cv2
import numpy as np

MIN_DPI = 200
MIN_DPI_HANDWRITTEN = 300
HANDWRITTEN_BEFORE_YEAR = 1985
BLUR_MIN_SCORE = 150.0
_BLUR_DPI = 150

WARN_LOW_DPI = "low_resolution"
WARN_LOW_DPI_HANDWRITTEN = "low_resolution_handwritten"
WARN_BLURRY = "blurry"


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
}
