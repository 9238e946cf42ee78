"""Reading an ID row cell by cell, and confirming 15-digit re-reads with it."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.id_cells import (
    LINE_HEIGHT,
    MIN_CELLS,
    bare_rules,
    cell_crops,
    cell_digits,
    cells_line,
    digits_of_line,
    even_cells,
    read_cells,
    rule_mask,
    rule_spans,
    slot_bounds,
    written_cells,
)
from ocr.id_choice import states_printed_facts
from ocr.reread import reread_ids
from ocr.result import Reading
from schemas.model import FieldInfo, Party
from tests.ocr.conftest import FONT
from tests.ocr.forms import HUSBAND_ID
from tests.ocr.id_rows import LABEL_BOX, boxed_id_row

# A valid 15-digit ID: region 620722, born 1970-09-12, sequence 887 (odd: male).
FIFTEEN = "620722700912887"


def test_evenly_spaced_rules_give_cells_and_other_gaps_do_not():
    rules = [(0, 1)] + [(100 + 50 * k, 101 + 50 * k) for k in range(5)] + [(400, 401)]
    # the first gap (the label's cell) and the last (past the row) are not cells
    assert even_cells(rules) == [(102 + 50 * k, 150 + 50 * k) for k in range(4)]
    assert even_cells([(5, 6)]) == []


def _ink(n: int = 1) -> np.ndarray:
    return np.zeros((10, 8 * n, 3), np.uint8)


EMPTY = np.zeros((0, 0, 3), np.uint8)


def test_written_cells_may_only_be_followed_by_empty_ones():
    assert len(written_cells([_ink(), _ink(), EMPTY, EMPTY]) or []) == 2  # 15 of 18 cells
    assert written_cells([_ink(), EMPTY, _ink()]) is None  # a digit lost between two
    assert written_cells([EMPTY, EMPTY]) is None  # nothing written


@pytest.mark.parametrize(
    ("text", "cells", "expected"),
    [
        ("620722700912887", 15, "620722700912887"),
        ("6 2 O 7", 4, "6207"),  # O read for 0: an OCR confusion undone
        ("620722700912887", 18, None),  # 3 written cells not read: no ID of 15
        ("62072270091288", 15, None),  # a digit lost
        ("62年7", 4, None),  # not a digit
        ("62072219780506123x", 18, "62072219780506123X"),
        ("6207X2", 6, None),  # X only as the last character
        # a speck read between two cells is no character of a cell; a mark in place
        # of a digit leaves a cell without one
        ("6 2 0 7 2 2 7 4 .0 8 22 1 8 4", 15, "620722740822184"),
        ("6 2 0 7 2 2 7 4 . 8 2 2 1 8 4", 15, None),
        ("6 2 0 = 2 2 1 9 7 8 0 5 0 6 1 2 3 5", 18, None),
    ],
)
def test_digits_of_line(text, cells, expected):
    assert digits_of_line(text, cells) == expected


def test_cells_line_sets_the_cells_side_by_side_on_one_height():
    line = cells_line([_ink(1), np.zeros((20, 8, 3), np.uint8)])
    assert line.shape[0] == LINE_HEIGHT
    assert line.shape[1] > 2 * LINE_HEIGHT * 8 // 20  # the cells and the paper between them


def test_a_row_without_cell_rules_has_no_cells():
    image = Image.new("RGB", (1500, 200), "white")
    ImageDraw.Draw(image).text((220, 60), FIFTEEN, fill="black", font=ImageFont.truetype(FONT, 36))
    assert cell_crops(np.array(image), LABEL_BOX) == []


def _reading(birth_date: str | None, sex: str | None, born_issues=()) -> Reading:
    reading = Reading(parties=[Party(role="husband", birth_date=birth_date, sex=sex)])
    reading.fields["parties[0].id_number"] = FieldInfo(
        confidence=0.0, page=0, bbox=list(LABEL_BOX), issues=["id_number_unreadable"], source="ocr"
    )
    if birth_date:
        reading.fields["parties[0].birth_date"] = FieldInfo(
            confidence=0.99, page=0, bbox=[0, 0, 1, 1], issues=list(born_issues), source="ocr"
        )
    return reading


@pytest.mark.parametrize(
    ("birth_date", "sex", "born_issues", "expected"),
    [
        ("1970-09-12", "M", (), True),
        ("1970-09-13", "M", (), False),  # another day printed
        ("1970-09-12", "F", (), False),  # the sequence is odd: a man's ID
        ("1970-09", "M", (), True),  # 出生年月: year and month printed, and they match
        ("1970-10", "M", (), False),
        ("1970", "M", (), False),  # a year alone confirms too little
        (None, "M", (), False),  # nothing printed to compare with
        ("1970-09-12", None, (), False),
        ("1970-09-12", "M", ("birth_date_from_id",), False),  # read from the ID itself
    ],
)
def test_an_id_states_the_printed_birth_date_and_sex(birth_date, sex, born_issues, expected):
    reading = _reading(birth_date, sex, born_issues)
    assert states_printed_facts(reading, 0, FIFTEEN) is expected


@pytest.mark.slow
def test_cells_are_read_one_by_one(engines):
    page = boxed_id_row(FIFTEEN)
    assert len(cell_crops(page, LABEL_BOX)) == 18
    assert read_cells(page, LABEL_BOX, engines["rapidocr"]).value == FIFTEEN
    assert read_cells(boxed_id_row(HUSBAND_ID), LABEL_BOX, engines["rapidocr"]).value == HUSBAND_ID
    blank = np.full((200, 1500, 3), 255, np.uint8)
    assert read_cells(blank, LABEL_BOX, engines["rapidocr"]).value is None


@pytest.mark.slow
def test_a_15_digit_reread_is_confirmed_only_by_cells_and_printed_facts(engines):
    page = boxed_id_row(FIFTEEN)
    confirmed = _reading("1970-09-12", "M")
    assert reread_ids(confirmed, [page], engines["rapidocr"]) == 1
    assert confirmed.parties[0].id_number == FIFTEEN
    issues = confirmed.fields["parties[0].id_number"].issues
    assert "confirmed_by_second_reading" in issues
    assert "id_reread_unconfirmed" not in issues
    # two sources agree and the form confirms the birth date, sex and region: sure
    # enough to be accepted (review's ID bar is 0.85)
    assert confirmed.fields["parties[0].id_number"].confidence >= 0.85

    # the same row, but the form prints another birth date: the ID is kept for review
    other = _reading("1970-09-21", "M")
    assert reread_ids(other, [page], engines["rapidocr"]) == 1
    assert other.parties[0].id_number == FIFTEEN
    assert "id_reread_unconfirmed" in other.fields["parties[0].id_number"].issues


@pytest.mark.slow
def test_a_15_digit_reread_with_an_unlisted_region_is_not_confirmed(engines):
    # 629999 is no county of the division table: nothing on the form confirms it
    unlisted = "629999700912887"
    reading = _reading("1970-09-12", "M")
    assert reread_ids(reading, [boxed_id_row(unlisted)], engines["rapidocr"]) == 1
    assert reading.parties[0].id_number == unlisted
    assert "id_reread_unconfirmed" in reading.fields["parties[0].id_number"].issues


def test_a_line_inside_a_cell_is_no_rule():
    rules = [(0, 1)] + [(100 + 50 * k, 101 + 50 * k) for k in range(5)] + [(400, 401)]
    # a long stroke found in the second cell: the cell is still one cell
    with_stroke = sorted([*rules, (170, 171)])
    assert even_cells(with_stroke) == even_cells(rules)


def _ruled_window(paper: int, rule: int, dash: int = 0) -> np.ndarray:
    """A grey window 120 px tall: rules 80 px tall every 50 px from x=20, drawn
    ``rule`` on ``paper``, broken every 10 px by ``dash`` px of paper."""
    gray = np.full((120, 400), paper, np.uint8)
    for k in range(8):
        gray[20:100, 20 + 50 * k : 22 + 50 * k] = rule
    for y in range(25, 100, 10):
        gray[y : y + dash, :] = paper
    return gray


@pytest.mark.parametrize(
    ("paper", "rule", "dash"),
    [
        (200, 40, 0),  # dark rules
        (200, 235, 0),  # lighter than the paper: red rules with the seal ink suppressed
        (210, 150, 4),  # faint and worn into dashes
    ],
)
def test_rules_are_found_dark_light_or_broken(paper, rule, dash):
    mask = rule_mask(_ruled_window(paper, rule, dash), 40)
    assert len(even_cells(rule_spans(mask))) == 7


def test_paper_grain_and_short_strokes_make_no_row_of_cells():
    rng = np.random.default_rng(7)
    gray = np.clip(rng.normal(200, 6, (120, 400)), 0, 255).astype(np.uint8)
    gray[40:75, 100:103] = 30  # a digit's stroke, shorter than the rules
    assert len(even_cells(rule_spans(rule_mask(gray, 40)))) < MIN_CELLS
    # the same grain over a ruled row: its cells are still found
    for k in range(8):
        gray[20:100, 20 + 50 * k : 22 + 50 * k] = 40
    assert len(even_cells(rule_spans(rule_mask(gray, 40)))) == 7


def test_rule_pixels_a_stroke_crosses_stay_the_digits():
    ink = np.zeros((40, 30), np.uint8)
    rules = np.zeros_like(ink)
    rules[:, 13:18] = 255  # the rule found, a pixel wider than its ink either side
    ink[:, 14:17] = 255  # the rule's ink
    ink[10:12, 5:25] = 255  # a stroke across it
    bare = bare_rules(ink, rules)
    assert not bare[10:12, 14:17].any()  # the crossing is the stroke's
    assert bare[20:40, 14:17].all()  # the rest of the rule is no digit's
    ink[25:35, 13:18] = 255  # the rule thickened: a stroke running along it ...
    ink[25:27, 18:24] = 255  # ... and leaving it (the arc of a 0 printed on the rule)
    assert not bare_rules(ink, rules)[25:35, 14:17].any()
    ink[25:27, 18:24] = 0  # a thick stretch of the rule alone is no digit's
    assert bare_rules(ink, rules)[25:35, 14:17].all()


def test_slots_end_in_the_gaps_beside_the_rules():
    # digits written about 4 px right of the rules at 0, 30, 60, 90, 18 px wide:
    # ink at 0-13, 26-43 and 56-73
    profile = np.zeros(100, int)
    for start in (-4, 26, 56):
        profile[max(0, start) : start + 18] = 5
    bounds = slot_bounds(profile, [0.0, 30.0, 60.0, 90.0], 12)
    assert 14 <= bounds[1] <= 25 and 44 <= bounds[2] <= 55  # in the gaps, not on a digit
    assert slot_bounds(np.zeros(100, int), [0.0, 30.0, 60.0], 12) == [0, 30, 60]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("paper", "rule"),
    [("#c8c8c8", "#ececec"), ("white", "#b4b4b4")],  # light rules on grey paper; faint ones
)
def test_cells_with_light_or_faint_rules_are_read(engines, paper, rule):
    page = boxed_id_row(HUSBAND_ID, paper=paper, rule=rule)
    assert read_cells(page, LABEL_BOX, engines["rapidocr"]).value == HUSBAND_ID


@pytest.mark.parametrize(
    ("text", "cells", "expected"),
    [
        ("6 2 0 7", 4, ["6", "2", "0", "7"]),
        ("6 2 二 ⑤ 0", 5, ["6", "2", None, None, "0"]),  # struck out, written again
        ("6 20 7 . 2", 5, ["6", "2", "0", "7", "2"]),  # two cells run together; a speck
        ("6 2 二 0", 5, None),  # the pieces do not add up to the cells
    ],
)
def test_cell_digits(text, cells, expected):
    assert cell_digits(text, cells) == expected


@pytest.mark.slow
def test_a_struck_out_birth_digit_is_filled_from_the_printed_date_and_held(engines):
    # FIFTEEN (born 1970-09-12, a man) with its year's first cell struck out and
    # written again: a mark the recognizer reads as no digit
    page = boxed_id_row(FIFTEEN[:6] + "≠" + FIFTEEN[7:])
    reading = _reading("1970-09-12", "M")
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[0].id_number == FIFTEEN
    assert "id_reread_unconfirmed" in reading.fields["parties[0].id_number"].issues
    # printed as another year: nothing to fill the cell with that the ID agrees with
    other = _reading("1971-09-12", "M")
    assert reread_ids(other, [page], engines["rapidocr"]) == 0
