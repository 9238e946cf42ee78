"""Taking the cell rules out of an ID row without cutting the digits written on them."""

from __future__ import annotations

import numpy as np
import pytest

from ocr.id_cells import read_cells
from ocr.id_rules import (
    crossed,
    ink_mask,
    inpaint_rules,
    remove_rules_keeping_strokes,
    rule_mask,
    ruleless_versions,
    strokes_cross_rules,
)
from ocr.reread import kept_detection, kept_row_readings, remove_vertical_rules, reread_ids
from ocr.result import Reading
from schemas.model import FieldInfo, Party
from tests.ocr.forms import HUSBAND_ID
from tests.ocr.id_rows import LABEL_BOX, boxed_id_row, over_left_rule

PAPER, INK = 240, 20


def _sheet(height: int = 60, width: int = 40) -> np.ndarray:
    return np.full((height, width, 3), PAPER, np.uint8)


def _with_rule(sheet: np.ndarray, x: int = 20) -> np.ndarray:
    sheet[:, x : x + 3] = INK  # a cell border over the whole height
    return sheet


def _dark(pixels: np.ndarray) -> bool:
    return bool((pixels < 128).all())


def test_a_lone_rule_is_painted_out_and_the_crop_is_left_alone():
    crop = _with_rule(_sheet())
    before = crop.copy()
    out = remove_rules_keeping_strokes(crop)
    assert not (out < 128).any()  # nothing but paper left
    assert (crop == before).all()  # a new array: the page is not changed


def test_a_stroke_crossing_a_rule_keeps_the_rule_pixels_it_crosses():
    crop = _with_rule(_sheet())
    crop[28:32, 8:34] = INK  # the bar of a digit written across the rule
    out = remove_rules_keeping_strokes(crop)
    assert _dark(out[28:32, 8:34])  # the whole bar, across the rule
    assert not (out[5:20, 19:24] < 128).any()  # the rule above the bar is gone
    assert not (out[40:, 19:24] < 128).any()


def test_a_stroke_that_only_touches_a_rule_does_not_keep_it():
    crop = _with_rule(_sheet())
    crop[28:32, 8:20] = INK  # ends at the rule from the left
    out = remove_rules_keeping_strokes(crop)
    assert _dark(out[28:32, 8:18])  # the stroke itself stays
    assert not (out[28:32, 21:23] < 128).any()  # the rule beside it does not


def test_digit_strokes_are_no_rules():
    crop = _with_rule(_sheet())
    crop[20:40, 5:8] = INK  # a 1: a third of the row's height
    rules = rule_mask(ink_mask(crop))
    assert rules[:, 19:24].all(axis=1).sum() == crop.shape[0]
    assert not rules[:, 5:8].any()
    # nothing crosses the rule, so nothing of it is kept
    assert not crossed(ink_mask(crop), rules).any()


def test_faint_blue_ink_counts_as_ink_in_a_bgr_crop():
    """Pages are BGR: a faint blue ballpoint stroke (B 240, G 180, R 140) is ink,
    darker than three quarters of white paper. Taken as RGB (blue weighed as red)
    it would come out lighter than that and the stroke would be lost."""
    crop = np.full((40, 40, 3), 255, np.uint8)
    crop[10:30, 18:22] = (240, 180, 140)
    ink = ink_mask(crop)
    assert ink[10:30, 18:22].all()
    assert ink.sum() == 20 * 4


def test_inpainting_draws_a_crossing_stroke_on_and_the_lone_rule_away():
    crop = _with_rule(_sheet())
    crop[28:32, 8:34] = INK
    out = inpaint_rules(crop)
    assert _dark(out[29:31, 19:24])  # the bar goes on across where the rule was
    assert not (out[5:20, 19:24] < 128).any()
    assert not (out[40:, 19:24] < 128).any()
    # a crop without rules comes back as it was
    blank = _sheet()
    assert (inpaint_rules(blank) == blank).all()
    assert len(ruleless_versions(crop)) == 2


def test_a_row_counts_as_written_across_its_rules_only_when_two_rules_are_crossed():
    crop = _with_rule(_with_rule(_sheet(width=80), 20), 50)
    assert not strokes_cross_rules(crop)  # rules alone: the versions add nothing
    crop[10:14, 8:34] = INK
    assert not strokes_cross_rules(crop)  # one rule crossed (a speck, a dash)
    crop[40:44, 40:64] = INK
    assert strokes_cross_rules(crop)
    assert not strokes_cross_rules(_sheet(width=80))  # no rules at all


def _unreadable_id() -> Reading:
    reading = Reading(parties=[Party(role="husband", birth_date="1978-05-06", sex="M")])
    reading.fields["parties[0].id_number"] = FieldInfo(
        confidence=0.0, page=0, bbox=list(LABEL_BOX), issues=["id_number_unreadable"], source="ocr"
    )
    return reading


def _strips(page: np.ndarray) -> list[np.ndarray]:
    x, y, _w, h = LABEL_BOX
    return [page[y - int(h * m) : y + h + int(h * m), x:] for m in (0.25, 0.5)]


@pytest.mark.slow
def test_digits_printed_across_the_rules_are_read_with_the_rules_taken_out(engines):
    page = boxed_id_row(HUSBAND_ID, place=over_left_rule)
    engine = engines["rapidocr"]
    # painting every rule pixel out cuts the digits: no valid ID from those crops
    cut = engine.recognize_lines([remove_vertical_rules(c) for c in _strips(page)])
    assert all(HUSBAND_ID not in text.replace(" ", "") for text, _ in cut)
    kept = kept_row_readings(_strips(page), engine)
    assert {r.source for r in kept} == {"kept"}
    assert any(HUSBAND_ID in r.ids for r in kept)
    # the engine's detection on the inpainted strip: the same source, and no other ID
    detected = kept_detection(_strips(page)[1], engine)
    assert detected.source == "kept"
    assert detected.ids <= {HUSBAND_ID}

    reading = _unreadable_id()
    assert reread_ids(reading, [page], engine) == 1
    assert reading.parties[0].id_number == HUSBAND_ID
    assert "id_reread" in reading.fields["parties[0].id_number"].issues


@pytest.mark.slow
def test_a_row_whose_check_character_fails_gives_no_id(engines):
    # the husband's ID with its last digit changed: the check character no longer
    # matches, and no other valid ID can be read from the row
    wrong = HUSBAND_ID[:-1] + str((int(HUSBAND_ID[-1]) + 1) % 10)
    reading = _unreadable_id()
    assert (
        reread_ids(reading, [boxed_id_row(wrong, place=over_left_rule)], engines["rapidocr"]) == 0
    )
    assert reading.parties[0].id_number is None
    assert "id_number_unreadable" in reading.fields["parties[0].id_number"].issues


@pytest.mark.slow
def test_a_15_digit_id_printed_across_the_rules_is_confirmed_by_its_cells_and_kept_crops(engines):
    # 620722700912887: born 1970-09-12, odd sequence (a man), as the form prints.
    # With the digits across the rules the row crops cut them; the kept crops read
    # the row, and its cells read it too, each digit's slot ending in the gap
    # beside its rule (ocr.id_cells): two sources and the printed facts confirm it
    fifteen = "620722700912887"
    page = boxed_id_row(fifteen, place=over_left_rule)
    assert read_cells(page, LABEL_BOX, engines["rapidocr"]).value == fifteen
    reading = _unreadable_id()
    reading.parties[0].birth_date = "1970-09-12"
    reading.fields["parties[0].birth_date"] = FieldInfo(
        confidence=0.99, page=0, bbox=[0, 0, 1, 1], issues=[], source="ocr"
    )
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[0].id_number == fifteen
    issues = reading.fields["parties[0].id_number"].issues
    assert "confirmed_by_second_reading" in issues
