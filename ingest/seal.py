"""Red seal ink: find it and paint it out for recognition (the master keeps its colour).

Official seals (公章) are stamped in red over names and dates. Recognition reads
better without them, so a copy of the page has its red pixels painted with the
paper colour. Strokes under the seal must survive: red ink lets red light
through, so in the red channel a seal (and red printing: rules, ornaments)
stays above ~60% of the paper's brightness, while black or blue ink under it
stays dark. Red-looking pixels darker than that in the red channel are ink
under the seal; they are shown as grey from their red channel (what a scanner
with a red dropout lamp would see) instead of being painted over.
Measured on 40 records of a dev corpus: registration dates 75% -> 95% exact,
auto-accepted 37.5% -> 50% (docs/ocr.md).

Half-opaque stamp ink over faded print keeps the crossing bright in the red
channel, so a second rule compares each seal pixel with the seal ink around it:
darker than its neighbourhood's seal ink means a stroke under the seal, shown as
paper darkened by that ratio (:func:`ink_under_seal`; session 13: dates like
1977年4月1日 had lost the crossing part of their 4 and read 1977-01-01).
"""

from __future__ import annotations

from typing import NamedTuple

import cv2
import numpy as np

# OpenCV hue runs 0..179; red wraps around 0.
_RED_HUE_LOW, _RED_HUE_HIGH = 12, 165
_MIN_SATURATION = 70
_MIN_VALUE = 70


def red_ink_mask(rgb: np.ndarray) -> np.ndarray:
    """Boolean H x W mask of red seal ink in an RGB page."""
    # Red must dominate green/blue clearly (guards against brown stains). Both tests
    # are per pixel, so the hue is only looked at inside the box of the pixels where
    # red dominates (on dev pages ~0.2 of the page): the same mask, less conversion.
    r, g, b = cv2.split(rgb)
    dominant = np.asarray(cv2.subtract(r, cv2.max(g, b))) > 40  # subtract saturates at 0
    mask = np.zeros(rgb.shape[:2], bool)
    x, y, w, h = cv2.boundingRect(dominant.view(np.uint8))
    if not w:
        return mask
    box = np.s_[y : y + h, x : x + w]
    hsv = cv2.cvtColor(rgb[box], cv2.COLOR_RGB2HSV)
    low = cv2.inRange(hsv, (0, _MIN_SATURATION, _MIN_VALUE), (_RED_HUE_LOW, 255, 255))
    high = cv2.inRange(hsv, (_RED_HUE_HIGH, _MIN_SATURATION, _MIN_VALUE), (180, 255, 255))
    mask[box] = (cv2.bitwise_or(low, high) > 0) & dominant[box]
    return mask


def paper_colour(rgb: np.ndarray) -> np.ndarray:
    """The page's paper colour (per-channel 90th percentile of a sample)."""
    sample = rgb[::8, ::8].reshape(-1, 3)
    return np.percentile(sample, 90, axis=0).astype(np.uint8)


# Red channel below this share of the paper's: ink under the seal, not seal ink.
# 0.72 kept dark-red printed rules (R ~0.6 of paper) and lost the text lines on
# them; 0.5 painted out faded strokes (docs/ocr.md has the A/B).
DARK_UNDER_SEAL = 0.6


# A seal pixel whose channel sum is below this share of the seal ink around it
# (the mean over the seal's pixels in a LOCAL_SEAL_WINDOW square) has something
# dark under it: a stroke crossed by the seal. Stamp ink laid over a stroke hides
# it only partly (paint-like) or lets red through (filter-like): either way the
# pixel is darker than the seal ink next to it, in every channel. Fainter pixels
# (below LIKELY_UNDER_SEAL) are kept when they touch such a stroke (hysteresis):
# seal texture that faint alone stays seal.
DARKER_THAN_SEAL = 0.85
LIKELY_UNDER_SEAL = 0.92
LOCAL_SEAL_WINDOW = 31
# Stamp ink lets about half of what is under it show through: a stroke's contrast
# under the seal is stretched by this factor to look like the strokes around it.
SEAL_CONTRAST_GAIN = 2.0


class SealMasks(NamedTuple):
    """One page's seal: uint8 masks (255 = yes) and the shade of strokes under it."""

    paint: np.ndarray  # seal ink only: painted in the paper colour
    under_red: np.ndarray  # dark in the red channel (ink under red ink): grey from red
    under_seal: np.ndarray  # darker than the seal ink around it: paper times ``shade``
    shade: np.ndarray  # uint8, 255 = paper: a stroke's darkness relative to the seal


def ink_under_seal(rgb: np.ndarray, seal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mask of ``seal`` pixels darker than the seal ink around them, their shade 0..255).

    The shade treats the local seal ink like uneven lighting: a pixel's channel sum
    over the seal's around it, contrast stretched by SEAL_CONTRAST_GAIN (255 = paper;
    meaningful near the seal only). Only the box around the seal is computed.
    """
    found = np.zeros(seal.shape, bool)
    shade = np.full(seal.shape, 255, np.uint8)
    x, y, w, h = cv2.boundingRect(seal.astype(np.uint8))
    if not w:
        return found, shade
    reach = LOCAL_SEAL_WINDOW // 2 + 1
    box = np.s_[max(y - reach, 0) : y + h + reach, max(x - reach, 0) : x + w + reach]
    found[box], shade[box] = _ink_under_seal_in(rgb[box], seal[box])
    return found, shade


def _ink_under_seal_in(rgb: np.ndarray, seal: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r, g, b = cv2.split(rgb)
    total = cv2.add(cv2.add(r, g, dtype=cv2.CV_32F), b, dtype=cv2.CV_32F)
    inside = seal.astype(np.float32)
    size = (LOCAL_SEAL_WINDOW, LOCAL_SEAL_WINDOW)
    ink_sum = cv2.boxFilter(cv2.multiply(total, inside), -1, size, normalize=False)
    count = cv2.boxFilter(inside, -1, size, normalize=False)
    ratio = cv2.divide(cv2.multiply(total, count), ink_sum)  # 0 where no seal is near
    # 255 * (1 - gain * (1 - ratio)), saturated to 0..255
    gain = 255 * SEAL_CONTRAST_GAIN
    shade = cv2.addWeighted(ratio, gain, ratio, 0, 255 - gain, dtype=cv2.CV_8U)
    sure = seal & (ratio < DARKER_THAN_SEAL)
    if not sure.any():
        return sure, shade
    maybe = (seal & (ratio < LIKELY_UNDER_SEAL)).astype(np.uint8)
    count_labels, labels = cv2.connectedComponents(maybe, connectivity=8)
    touched = np.zeros(count_labels, bool)
    touched[labels[sure]] = True
    touched[0] = False
    return touched[labels], shade


def seal_masks(rgb: np.ndarray) -> SealMasks:
    """The page's seal masks: ink to paint with paper, and strokes under the seal to keep."""
    mask = red_ink_mask(rgb)
    if not mask.any():
        empty = np.zeros(rgb.shape[:2], np.uint8)
        return SealMasks(empty, empty, empty, np.full_like(empty, 255))
    kernel = np.ones((3, 3), np.uint8)
    grown = cv2.dilate(mask.astype(np.uint8) * 255, kernel)
    dark = (rgb[:, :, 0] < DARK_UNDER_SEAL * float(paper_colour(rgb)[0])).astype(np.uint8) * 255
    under_red = cv2.bitwise_and(grown, dark)
    stroke, shade = ink_under_seal(rgb, mask)
    stroke_grown = cv2.dilate(stroke.astype(np.uint8) * 255, kernel)
    under_seal = cv2.bitwise_and(cv2.bitwise_and(stroke_grown, grown), cv2.bitwise_not(dark))
    paint = cv2.bitwise_and(grown, cv2.bitwise_not(cv2.bitwise_or(dark, under_seal)))
    return SealMasks(paint, under_red, under_seal, shade)


def shaded_paper(paper: np.ndarray, shade: np.ndarray) -> np.ndarray:
    """N x 3 uint8: the paper colour darkened by N shades (255 = paper itself)."""
    return (paper[None, :].astype(np.float32) * (shade[:, None] / 255.0)).astype(np.uint8)


def suppress_red_seal(rgb: np.ndarray) -> np.ndarray:
    """A copy of ``rgb`` with red seal ink painted in the paper colour, strokes under it grey."""
    out = rgb.copy()
    masks = seal_masks(rgb)
    paint, under_red, under_seal = (m > 0 for m in masks[:3])
    paper = paper_colour(rgb)
    if paint.any():
        out[paint] = paper
    out[under_red] = rgb[under_red][:, :1]
    out[under_seal] = shaded_paper(paper, masks.shade[under_seal])
    return out
