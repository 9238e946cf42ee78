"""Reading an ID row cell by cell, and confirming 15-digit re-reads with it."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.id_cells import (
    LINE_HEIGHT,
    cell_crops,
    cells_line,
    digits_of_line,
    even_cells,
    read_cells,
    written_cells,
)
from ocr.reread import reread_ids, states_printed_facts
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
    assert read_cells(page, LABEL_BOX, engines["rapidocr"])[0] == FIFTEEN
    assert read_cells(boxed_id_row(HUSBAND_ID), LABEL_BOX, engines["rapidocr"])[0] == HUSBAND_ID
    blank = np.full((200, 1500, 3), 255, np.uint8)
    assert read_cells(blank, LABEL_BOX, engines["rapidocr"]) == (None, 0.0)


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
