"""Red seal ink: find it and paint it out for recognition (the master keeps its colour).

Official seals (公章) are stamped in red over names and dates. Recognition reads
better without them, so a copy of the page has its red pixels painted with the
paper colour. Dark (black/blue) strokes under the seal are not red and survive.
"""

from __future__ import annotations

import cv2
import numpy as np

# OpenCV hue runs 0..179; red wraps around 0.
_RED_HUE_LOW, _RED_HUE_HIGH = 12, 165
_MIN_SATURATION = 70
_MIN_VALUE = 70


def red_ink_mask(rgb: np.ndarray) -> np.ndarray:
    """Boolean H x W mask of red seal ink in an RGB page."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV)
    low = cv2.inRange(hsv, (0, _MIN_SATURATION, _MIN_VALUE), (_RED_HUE_LOW, 255, 255))
    high = cv2.inRange(hsv, (_RED_HUE_HIGH, _MIN_SATURATION, _MIN_VALUE), (180, 255, 255))
    red_hue = cv2.bitwise_or(low, high)
    # Red must also dominate green/blue clearly (guards against brown stains).
    r, g, b = cv2.split(rgb)
    dominance = cv2.subtract(r, cv2.max(g, b))  # saturates at 0
    return (red_hue > 0) & (np.asarray(dominance) > 40)


def paper_colour(rgb: np.ndarray) -> np.ndarray:
    """The page's paper colour (per-channel 90th percentile of a sample)."""
    sample = rgb[::8, ::8].reshape(-1, 3)
    return np.percentile(sample, 90, axis=0).astype(np.uint8)


def seal_paint_mask(rgb: np.ndarray) -> np.ndarray:
    """uint8 mask (255 = paint with paper) of red seal ink, its rim, never dark strokes."""
    mask = red_ink_mask(rgb)
    if not mask.any():
        return np.zeros(rgb.shape[:2], np.uint8)
    # Grow the mask by one pixel to catch the anti-aliased rim of the strokes...
    grown = cv2.dilate(mask.astype(np.uint8) * 255, np.ones((3, 3), np.uint8))
    # ...but never over dark strokes that the seal covers.
    light = np.asarray(cv2.max(cv2.max(rgb[:, :, 0], rgb[:, :, 1]), rgb[:, :, 2])) >= 90
    return cv2.bitwise_and(grown, light.astype(np.uint8) * 255)


def suppress_red_seal(rgb: np.ndarray) -> np.ndarray:
    """A copy of ``rgb`` with red seal ink painted in the paper colour."""
    out = rgb.copy()
    paint = seal_paint_mask(rgb) > 0
    if paint.any():
        out[paint] = paper_colour(rgb)
    return out
