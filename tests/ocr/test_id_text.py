"""The text rules of a re-read ID row (ocr/id_text.py): pure, no engine."""

from __future__ import annotations

import re

import pytest

from ocr.id_text import (
    filled_from_printed,
    guessed_ids,
    repaired_by_birth_date,
    restored_lost_digit,
    valid_ids,
)
from schemas.idnumber import parse_id
from tests.ocr.forms import HUSBAND_ID, WIFE_ID, id18
from tests.ocr.id_rows import EIGHTS, TWO_MISREAD, YEAR_MISREAD

FIFTEEN = "620722700912887"  # a valid 15-digit ID (1970-09-12, male)
# HUSBAND_ID (620722197805061235) with both its 1s read as the stubs a cell rule leaves
ONES_ON_RULES = HUSBAND_ID[:6] + "-" + HUSBAND_ID[7:14] + "-" + HUSBAND_ID[15:]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (" ".join(HUSBAND_ID), {HUSBAND_ID}),  # spaced-out cells
        ("1" + FIFTEEN, {FIFTEEN}),  # a border read as 1 before the first cell
        ("01" + HUSBAND_ID, {HUSBAND_ID}),
        (HUSBAND_ID[:-1] + ("0" if HUSBAND_ID[-1] != "0" else "1"), set()),  # check fails
        ("62072219800819251", set()),  # a digit lost
        (HUSBAND_ID[:2] + "#" + HUSBAND_ID[2:], {HUSBAND_ID}),  # a speck read between cells
        (HUSBAND_ID[:2] + "=" + HUSBAND_ID[2:-1] + " " + HUSBAND_ID[-1], {HUSBAND_ID}),
        (HUSBAND_ID[:2] + "年" + HUSBAND_ID[3:], set()),  # a character in place of a digit
        # 20 digits once the marks are dropped: no window of them is a reading
        ("9" + HUSBAND_ID[:5] + "." + HUSBAND_ID[5:] + "9", set()),
        ("1" + HUSBAND_ID[:5] + "." + HUSBAND_ID[5:], {HUSBAND_ID}),  # one border read as 1
        (FIFTEEN[:4] + "#" + FIFTEEN[4:], set()),  # 15 digits: no check character to confirm
        (FIFTEEN[:12] + "." + FIFTEEN[12:], {FIFTEEN}),  # a speck read as a dot between digits
        (FIFTEEN[:1] + "·" + FIFTEEN[1:], {FIFTEEN}),
        (FIFTEEN[:12] + "=" + FIFTEEN[12:], set()),  # a strike mark: a corrected digit
        (FIFTEEN[:12] + "." + FIFTEEN[13:], set()),  # a dot in place of a digit: 14 left
        ("1" + FIFTEEN[:12] + "." + FIFTEEN[12:] + "1", set()),  # no window of a longer run
        (FIFTEEN[:6] + ".." + FIFTEEN[6:], set()),  # two marks in one gap: no speck
        # an 18-digit row with one digit read as two: no 15 of its digits are an ID
        ("6 2 0 7 2 2 1 9 7 13 0 5 0 6 1 2 3 65", set()),
        # a 1 written on a cell rule, gone with the rule: its stub read as a dash or colon
        (ONES_ON_RULES, {HUSBAND_ID}),
        (ONES_ON_RULES.replace("-", "："), {HUSBAND_ID}),
        ("6 2 0 7 2 2 - 9 7 8 0 5 0 6 : 2 3 5", {HUSBAND_ID}),
        (HUSBAND_ID[:2] + "-" + HUSBAND_ID[3:], set()),  # a mark for another digit: check fails
        ("-" + HUSBAND_ID[1:], set()),  # a mark only between two digits
        (ONES_ON_RULES.replace("-", "--", 1), set()),  # two marks in one gap: no one digit
        (HUSBAND_ID[:6] + "=" + HUSBAND_ID[7:], set()),  # a strike mark: a corrected digit
        (FIFTEEN[:10] + "-" + FIFTEEN[11:], set()),  # 15 digits: no check character
        # cell rules read as ``|`` around digits: the 15 digits, as digits only (a
        # value 18 characters long would pass as an 18-digit one, never confirmed)
        (FIFTEEN[:3] + "|" + FIFTEEN[3] + "|" + FIFTEEN[4] + "|" + FIFTEEN[5:], {FIFTEEN}),
    ],
)
def test_valid_ids_in_a_reread_row(text, expected):
    assert valid_ids(text) == expected


OTHER_FIFTEEN = "620722670910994"  # 1967-09-10, female


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a strip across a row that prints both parties' IDs side by side
        (FIFTEEN + OTHER_FIFTEEN, {FIFTEEN, OTHER_FIFTEEN}),
        (FIFTEEN[:9] + "." + FIFTEEN[9:] + OTHER_FIFTEEN, {FIFTEEN, OTHER_FIFTEEN}),
        (HUSBAND_ID + " " + WIFE_ID, {HUSBAND_ID, WIFE_ID}),
        (FIFTEEN + "9" + OTHER_FIFTEEN[1:], {FIFTEEN}),  # each half validates on its own
        (FIFTEEN + OTHER_FIFTEEN + "1", set()),  # 31 digits: not two IDs back to back
        (FIFTEEN[:14] + OTHER_FIFTEEN, set()),  # a digit lost: 29
    ],
)
def test_two_ids_side_by_side_are_read_as_their_halves(text, expected):
    assert valid_ids(text) == expected


def test_fifteen_digits_of_a_valid_18_digit_run_are_no_reading_of_their_own():
    # 19 digits read: a border as a trailing digit; its windows hold the valid ID
    # and, 3 digits in, a 15-digit window that happens to be a valid date
    eighteen = id18("620722", "19870406", "186")
    assert parse_id(eighteen[4:] + "2").valid  # 221987 040618 632: a valid 15-digit ID
    assert valid_ids(eighteen + "2") == {eighteen}


def test_ids_read_only_by_taking_marks_for_ones_are_guessed():
    # a 0 lost beside a mark, the mark read as 1: 612702… for 620702…, and the check
    # character passes by chance
    lost = "6 -2 70 219 7 3 07 2 21 49 9"
    assert valid_ids(lost) == guessed_ids(lost) == {"612702197307221499"}
    assert parse_id("612702197307221499").valid
    assert guessed_ids(ONES_ON_RULES) == {HUSBAND_ID}
    assert guessed_ids(" ".join(HUSBAND_ID)) == set()  # read plainly
    assert guessed_ids(HUSBAND_ID[:2] + "#" + HUSBAND_ID[2:]) == set()  # a mark dropped
    # a struck digit read as I, the 0 beside it lost (7000015 00148): I taken for 1
    struck = "6I272 2198801 063 9 59"
    assert guessed_ids(struck) == valid_ids(struck) == {"612722198801063959"}
    assert guessed_ids("62O722198812095286") == {"620722198812095286"}  # O for 0
    assert guessed_ids("620722198812095286") == set()


def test_no_more_than_two_dashes_are_read_as_ones():
    three = id18("620722", "19810101", "234")  # three 1s between digits: 19810101
    assert [i for i, ch in enumerate(three) if ch == "1"][:3] == [6, 9, 11]
    marked = three[:6] + "-" + three[7:9] + "-" + three[10:11] + "-" + three[12:]
    assert valid_ids(marked) == set()
    assert valid_ids(three[:6] + "-" + three[7:9] + "-" + three[10:]) == {three}


@pytest.mark.parametrize(
    ("texts", "birth_date", "sex", "expected"),
    [
        ([YEAR_MISREAD], "1988-08-28", "F", {EIGHTS}),
        ([" ".join(TWO_MISREAD)], "1988-08-28", "F", {EIGHTS}),  # spaced cells, two digits
        ([TWO_MISREAD[:8] + "3" + TWO_MISREAD[9:]], "1988-08-28", "F", set()),  # three
        ([YEAR_MISREAD], "1988-08", "F", set()),  # the printed day unknown: nothing to repair
        ([YEAR_MISREAD], "1988-08-28", "M", set()),  # the sex digit states another sex
        ([EIGHTS[:15] + "9" + EIGHTS[16:]], "1988-08-28", "F", set()),  # a sequence digit
        (["1" + YEAR_MISREAD], "1988-08-28", "F", set()),  # 19 characters: no 18-digit row
        ([YEAR_MISREAD[:15]], "1988-08-28", "F", set()),  # 15 digits: no check character
    ],
)
def test_birth_digits_repaired_to_the_printed_date(texts, birth_date, sex, expected):
    assert parse_id(YEAR_MISREAD).errors == ["check_digit"]  # the row gives no ID as read
    assert repaired_by_birth_date(texts, birth_date, sex) == expected


def test_unread_birth_cells_are_filled_from_the_printed_birth_date():
    # 620725590607267: born 1959-06-07, odd sequence (a man); the year's two
    # cells struck out and written again, read as no digit
    cells = [*list("620725"), None, None, *list("0607267")]
    assert filled_from_printed(cells, "1959-06", "M") == "620725590607267"
    assert filled_from_printed(cells, "1959-06", "F") is None  # the sequence says a man
    assert filled_from_printed(cells, "1959", "M") is None  # a year alone is too little printed
    day = [*list("6207255906"), None, *list("7267")]
    assert filled_from_printed(day, "1959-06", "M") is None  # the day is not printed
    assert filled_from_printed(day, "1959-06-07", "M") == "620725590607267"
    # a 15-digit ID has no check character: an unread cell outside the birth digits stays unread
    assert filled_from_printed([*list("62072559060726"), None], "1959-06-07", "M") is None
    assert filled_from_printed(list("620725590607267"), "1959-06-07", "M") is None  # nothing unread


def test_one_unread_cell_of_an_18_digit_id_takes_the_digit_its_check_character_allows():
    value = id18("620722", "19780506", "123")
    for k in (2, 15, 17):  # the region, the sequence, the check character itself
        cells: list[str | None] = list(value)
        cells[k] = None
        assert filled_from_printed(cells, "1978-05-06", "M") == value
    two = [None, None, *value[2:]]
    assert filled_from_printed(two, "1978-05-06", "M") is None  # two unknowns, one check
    cells = list(value)
    cells[15] = None
    assert filled_from_printed(cells, "1978-05-07", "M") is None  # another day printed


def test_letters_read_for_digits_are_undone_before_a_repair():
    # a 0 printed across a cell rule reads as ρ; the year's 6 as 5
    read = "6 2 ρ 7 2 2 1 9 7 5 ρ 4 2 7 4 6 9 9"
    assert repaired_by_birth_date([read], "1976-04-27", "M") == {"620722197604274699"}
    # a rule read as | stays a border around the run
    assert repaired_by_birth_date(["|620722197504274699|"], "1976-04-27", "M") == {
        "620722197604274699"
    }


HOME = frozenset({"620722"})


def test_a_digit_lost_at_a_strike_is_put_back_there():
    value = id18("620723", "19751006", "581")  # a man born 1975-10-06
    struck = value[:11] + "≠" + value[12:]  # the 0 of the month struck, read as a mark
    assert len(re.sub(r"[^0-9]", "", struck)) == 17
    assert restored_lost_digit([struck], "1975-10", "M") == {value}
    assert restored_lost_digit([" ".join(struck)], "1975-10", "M") == {value}  # spaced cells
    assert restored_lost_digit([struck], "1975-10", "F") == set()  # the sequence says a man
    assert restored_lost_digit([struck], "1975-11", "M") == set()  # another month printed
    assert restored_lost_digit([value[:11] + value[12:]], "1975-10", "M") == set()  # no mark
    # two marks: no single place for the digit
    twice = value[:3] + "#" + value[3:11] + "≠" + value[12:]
    assert restored_lost_digit([twice], "1975-10", "M") == set()


def test_a_correction_written_beside_a_struck_digit_covers_the_next_one():
    # 620722…: the 2 struck and written again beside it, over the 0, which is lost;
    # the row reads 6=2722…: the lost digit is after the 2, not at the mark
    value = "620722198801063959"  # a man born 1988-01-06 (stop 22, 7000015 00148)
    read = "6=2722198801063959"
    at_mark = "612722198801063959"  # the digit put at the mark: valid and listed too
    assert parse_id(value).valid and parse_id(at_mark).valid and not parse_id(at_mark).warnings
    # the two differ in their region only: the home region settles it, else none
    assert restored_lost_digit([read], "1988-01", "M", HOME) == {value}
    assert restored_lost_digit([read], "1988-01", "M") == set()
    assert restored_lost_digit([read], "1988-01", "M", frozenset({"612722"})) == {at_mark}


def test_a_bare_run_one_digit_short_needs_the_full_printed_birth_date():
    value = id18("620722", "20001025", "670")  # a woman born 2000-10-25
    short = value[:6] + value[7:]  # the 2 of the year lost: 620722000102567…
    assert restored_lost_digit([short], "2000-10-25", "F") == {value}
    assert restored_lost_digit([short], "2000-10", "F") == set()  # the day is not printed
    # a sequence digit lost: the check character places a digit at several places
    # after the birth digits (…256703, …251603, …256033): a reading that allows two
    # values gives none
    seq_lost = value[:15] + value[16:]
    assert restored_lost_digit([seq_lost], "2000-10-25", "F") == set()


def test_a_fifteen_digit_row_settles_a_region_tie_on_the_home_region():
    value = "620722590506923"  # a man born 1959-05-06
    read = "62=722590506923"  # the 0 read as a mark
    assert parse_id("622722590506923").valid and not parse_id("622722590506923").warnings
    assert restored_lost_digit([read], "1959-05", "M") == set()  # 620722 or 622722
    assert restored_lost_digit([read], "1959-05", "M", HOME) == {value}
    assert restored_lost_digit([read], "1959-05", "M", frozenset({"620725"})) == set()


def test_a_mark_among_every_digit_of_a_row_is_dropped():
    # 620722741011831 (a man born 1974-10-11) read with a strike mark among its digits
    assert restored_lost_digit(["6207227 4101 18≠31"], "1974-10-11", "M") == {"620722741011831"}
    assert restored_lost_digit(["6207227 4101 18≠31"], "1974-10-12", "M") == set()
