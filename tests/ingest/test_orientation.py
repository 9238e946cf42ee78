"""Orientation: the per-crop vote, text-line selection, vertical columns, real synth pages.

The synth pages are drawn by our own generator with a forced geometry (the truth
is what synth applied, never what prepare_page found) and read by the real
RapidOCR engine. They are the cases bench/geometry.py found failing.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ingest import geometry
from ingest.prepare import (
    ROTATIONS,
    WARN_ORIENTATION,
    _character_cells,
    prepare_page,
    rotation_evidence,
)

UPRIGHT, TOLERATED, POOR = 0.95, 0.8, 0.05


def readings(truth: int, tolerated: float = TOLERATED) -> dict[int, float]:
    """Engine confidences under each hypothesis when the page's truth is ``truth``."""
    return {
        truth: UPRIGHT,
        (truth + 270) % 360: tolerated,  # glyphs turned counter-clockwise: read fairly
        (truth + 90) % 360: POOR,
        (truth + 180) % 360: POOR,
    }


def best(evidence: dict[int, float]) -> int:
    return max(evidence, key=lambda r: evidence[r])


@pytest.mark.parametrize("truth", ROTATIONS)
@pytest.mark.parametrize("tolerated", [0.99, TOLERATED, POOR])
def test_evidence_names_the_truth_whatever_the_counter_clockwise_reading(truth, tolerated) -> None:
    # The counter-clockwise artifact may even read better than the upright crop (0.99).
    evidence = rotation_evidence(readings(truth, tolerated))
    assert best(evidence) == truth
    runner_up = sorted(evidence.values())[-2]
    assert evidence[truth] - runner_up >= 0.5


def test_evidence_of_an_unreadable_crop_decides_nothing() -> None:
    evidence = rotation_evidence(dict.fromkeys(ROTATIONS, 0.6))
    assert len(set(evidence.values())) == 1


def test_symmetric_digits_read_both_ways_give_little_evidence() -> None:
    # "1000092010" reads almost as well upside down: 0 and 180 nearly tie.
    evidence = rotation_evidence({0: 0.80, 90: 0.0, 180: 0.75, 270: 0.0})
    assert abs(evidence[0] - evidence[180]) < 0.5


def _blocks(mask: np.ndarray, y: int, x0: int, n: int, size: int, gap: int) -> None:
    for k in range(n):
        x = x0 + k * (size + gap)
        cv2.rectangle(mask, (x, y), (x + size - 1, y + size - 1), 255, 2)
        cv2.line(mask, (x + 3, y + size // 2), (x + size - 4, y + size // 2), 255, 2)


def test_separate_characters_count_and_underlines_do_not_hide_them() -> None:
    mask = np.zeros((120, 400), np.uint8)
    _blocks(mask, 30, 20, 8, 20, 6)
    cv2.line(mask, (10, 54), (240, 54), 255, 2)  # the rule a value is written on
    blob = geometry.LineBlob(10, 28, 235, 30)
    assert geometry.character_count(mask, blob, 20.0, horizontal=True) in range(6, 11)  # ~8


def test_a_row_of_digit_boxes_is_not_a_text_line() -> None:
    mask = np.zeros((80, 500), np.uint8)
    for k in range(18):  # one printed frame: boxes sharing their sides
        cv2.rectangle(mask, (10 + k * 24, 20), (34 + k * 24, 46), 255, 2)
        cv2.putText(mask, str(k % 10), (16 + k * 24, 42), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 255, 2)
    blob = geometry.LineBlob(10, 20, 434, 27)
    assert geometry.character_count(mask, blob, 22.0, horizontal=True) == 0


def test_specks_along_a_fold_are_not_characters() -> None:
    mask = np.zeros((60, 600), np.uint8)
    for x in range(10, 590, 9):
        mask[30:32, x : x + 3] = 255
    blob = geometry.LineBlob(10, 20, 580, 22)
    assert geometry.character_count(mask, blob, 20.0, horizontal=True) == 0


def test_text_lines_are_cut_to_their_inkiest_stretch() -> None:
    mask = np.zeros((100, 900), np.uint8)
    _blocks(mask, 40, 500, 9, 20, 5)  # a line whose characters sit at its right end
    mask[40:60, 20:24] = 255  # a label far to the left, joined by the closing below
    found = geometry.text_lines(mask, 20.0, horizontal=True, window=9.0)
    assert found, "the characters form a text line"
    part, count, density = found[0]
    assert part.x >= 470 and part.w <= 9 * 24 and count >= 6 and density >= 0.5


def test_vertical_column_beside_a_rule_is_cut_into_square_cells() -> None:
    column = np.full((400, 60), 255, np.uint8)
    for k in range(8):  # touching characters: no blank row between them
        y, x = 10 + k * 45, 8 + 5 * (k % 2)
        cv2.rectangle(column, (x, y), (x + 40, y + 44), 0, 3)
    column[:, 56:58] = 0  # the rule beside a written value
    cells = _character_cells(column)
    assert len(cells) in (7, 8, 9)  # the ink's width (here 50 px) stands for the pitch (45)
    assert all(0.8 <= c.shape[0] / 45 <= 1.5 for c in cells)


def test_a_column_without_any_gap_is_cut_at_a_fixed_pitch() -> None:
    column = np.full((300, 50), 255, np.uint8)
    column[:, 10:40] = 0  # a solid bar: no blank row, nothing but "rules"
    cells = _character_cells(column)
    assert len(cells) >= 5 and all(c.shape[0] <= 60 for c in cells)


# Real pages: synth with forced geometry, read by RapidOCR. Each was a failure.
CASES = [
    # (era, layout, dpi, rotation, skew, seed): what failed before
    ("1950-55", "vertical", 200, 270, 10.55, 24),  # read as 180: cells cut badly
    ("1956-84", "certificate", 200, 0, 7.99, 26),  # read as 270 (confident)
    ("1950-55", "certificate", 200, 90, -3.53, 3),  # noisy: 180 on too few crops
    ("2000+", "boxes_above", 200, 90, 1.03, 19),  # digit boxes as probes: uncertain
    ("1985-99", "table_left", 300, 0, 2.46, 67),  # rule remnants as probes: uncertain
    ("1950-55", "vertical", 300, 0, -6.0, 5),
]


@pytest.fixture(scope="module")
def scorer():
    from ocr import get_engine
    from schemas.settings import load_settings

    engine = get_engine("rapidocr", load_settings({}))
    yield lambda crops: [conf for _text, conf in engine.recognize_lines(crops)]
    engine.close()


def synth_page(era: str, layout: str, dpi: int, rotation: int, skew: float, seed: int):
    from synth import make_record, scan_page

    rng = np.random.default_rng([seed, 7])
    spec = make_record(rng, f"orientation-{seed}", era, "marriage")
    shot = scan_page(spec, layout, dpi, rng, True, geometry=(rotation, skew))
    pixels = shot.pixels
    return cv2.cvtColor(pixels, cv2.COLOR_GRAY2RGB) if pixels.ndim == 2 else pixels


@pytest.mark.slow
@pytest.mark.parametrize(("era", "layout", "dpi", "rotation", "skew", "seed"), CASES)
def test_synth_page_is_made_upright(scorer, era, layout, dpi, rotation, skew, seed) -> None:
    prepared = prepare_page(synth_page(era, layout, dpi, rotation, skew, seed), scorer)
    assert WARN_ORIENTATION not in prepared.warnings
    assert prepared.rotation == rotation
    assert abs(prepared.skew_deg - skew) <= 0.5
