"""The page-geometry convention of design.md, proven on pictures.

rotation = quarter turn by which the content is turned COUNTER-clockwise from
upright; skew_deg counter-clockwise positive; turning the scan clockwise by
rotation + skew_deg makes it upright.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from synth import place_on_scanner
from synth.content import make_record
from synth.layouts import render_layout
from synth.page import scan_page


def _page_with_top_marker(h: int = 300, w: int = 200) -> np.ndarray:
    page = np.full((h, w), 255, np.uint8)
    page[10:40, w // 2 - 15 : w // 2 + 15] = 0  # a black square at the top centre
    return page


def _marker_centre(img: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(img < 128)
    return float(xs.mean()) / img.shape[1], float(ys.mean()) / img.shape[0]


@pytest.mark.parametrize(
    ("rotation", "where"),
    # Turning a page counter-clockwise by 90 brings its top to the left edge.
    [(0, "top"), (90, "left"), (180, "bottom"), (270, "right")],
)
def test_quarter_turns_move_the_top_marker_counter_clockwise(rotation, where):
    scan = place_on_scanner(_page_with_top_marker(), rotation, 0.0, bed=255)
    x, y = _marker_centre(scan)
    found = {
        "top": y < 0.2 and 0.4 < x < 0.6,
        "bottom": y > 0.8 and 0.4 < x < 0.6,
        "left": x < 0.2 and 0.4 < y < 0.6,
        "right": x > 0.8 and 0.4 < y < 0.6,
    }
    assert found[where], (x, y)
    if rotation in (90, 270):
        assert scan.shape == (200, 300)


def test_positive_skew_turns_content_counter_clockwise():
    # A point above the centre moves LEFT when the page turns counter-clockwise.
    scan = place_on_scanner(_page_with_top_marker(), 0, 10.0, bed=255)
    x, _ = _marker_centre(scan)
    assert x < 0.45
    scan = place_on_scanner(_page_with_top_marker(), 0, -10.0, bed=255)
    x, _ = _marker_centre(scan)
    assert x > 0.55


def test_skewed_sheet_stays_whole_inside_the_frame():
    page = np.zeros((300, 200), np.uint8)  # all ink: every pixel of the sheet counts
    scan = place_on_scanner(page, 0, 15.0, bed=255)
    assert scan.shape[0] > 300 and scan.shape[1] > 200
    assert abs(int((scan < 128).sum()) - 300 * 200) < 0.03 * 300 * 200


def _undo(scan: np.ndarray, rotation: int, skew: float) -> np.ndarray:
    """Turn clockwise by rotation + skew, as design.md says a reader should."""
    upright = np.rot90(scan, k=-(rotation // 90))  # k<0: clockwise
    h, w = upright.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -skew, 1.0)  # negative = clockwise
    return cv2.warpAffine(upright, m, (w, h), borderValue=255)


def _darkness(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    grey = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    return 255.0 - cv2.resize(grey, size, interpolation=cv2.INTER_AREA).astype(np.float64)


@pytest.mark.parametrize(
    ("seed", "rotation", "skew"),
    [(11, 0, 4.0), (12, 90, -3.0), (13, 180, 2.5), (14, 270, 12.0), (15, 0, -14.0)],
)
def test_truth_geometry_undoes_a_real_rendered_page(seed, rotation, skew):
    """Undoing the recorded rotation/skew of a real scan brings back the upright form."""
    spec = make_record(np.random.default_rng(seed), "r", "2000+", "marriage")
    clean = np.asarray(render_layout("review_form", spec, 100, np.random.default_rng(seed)).image)
    shot = scan_page(
        spec,
        "review_form",
        100,
        np.random.default_rng(seed),
        lossy_output=True,
        geometry=(rotation, skew),
    )
    assert (shot.rotation, shot.skew_deg) == (rotation, skew)
    fixed = _undo(shot.pixels, shot.rotation, shot.skew_deg)
    # crop the sheet (the frame grew around the skewed sheet) and compare with the clean form
    h, w = clean.shape[:2]
    fh, fw = fixed.shape[:2]
    top, left = (fh - h) // 2, (fw - w) // 2
    sheet = fixed[max(0, top) : top + h, max(0, left) : left + w]
    size = (60, 85)
    ref = _darkness(clean, size).ravel()
    got = _darkness(sheet, size).ravel()
    upside = _darkness(np.rot90(sheet, 2), size).ravel()
    corr = float(np.corrcoef(ref, got)[0, 1])
    assert corr > 0.5, (shot.rotation, shot.skew_deg, corr)
    assert corr > float(np.corrcoef(ref, upside)[0, 1]) + 0.2
