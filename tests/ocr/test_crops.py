"""ocr.crops.clip: a padded box cut from a page never wraps around or runs off it."""

from __future__ import annotations

import numpy as np

from ocr.crops import clip

PAGE = np.arange(20 * 30).reshape(20, 30)  # 20 rows, 30 columns; value = row * 30 + col


def test_a_box_inside_the_page_is_cut_exactly() -> None:
    crop = clip(PAGE, 5, 2, 9, 4)
    assert crop.shape == (2, 4)
    assert crop[0, 0] == 2 * 30 + 5 and crop[-1, -1] == 3 * 30 + 8


def test_a_box_over_the_top_left_corner_keeps_the_part_on_the_page() -> None:
    crop = clip(PAGE, -4, -3, 3, 2)  # negative indices must not wrap to the far edge
    assert crop.shape == (2, 3) and crop[0, 0] == 0


def test_a_box_past_the_bottom_right_stops_at_the_edge() -> None:
    crop = clip(PAGE, 27, 18, 40, 25)
    assert crop.shape == (2, 3) and crop[-1, -1] == 19 * 30 + 29


def test_fractional_corners_are_truncated_and_a_box_off_the_page_is_empty() -> None:
    assert clip(PAGE, 1.9, 1.2, 4.7, 3.99).shape == (2, 3)
    assert clip(PAGE, 31, 0, 40, 5).size == 0
