"""Choosing a party's ID among the ways its row was read (``ocr.id_choice``)."""

from __future__ import annotations

from functools import partial

import pytest

from ocr.id_choice import (
    RowReading,
    agreeing_confidence,
    choose_id,
    fits_printed_facts,
    settled,
)
from ocr.result import Reading
from schemas.model import FieldInfo, Party
from tests.ocr.forms import HUSBAND_ID, id18

FIFTEEN = "620722700912887"  # a valid 15-digit ID (1970-09-12, male)


def _r(source: str, *ids: str, conf: float = 0.9) -> RowReading:
    return RowReading(source, frozenset(ids), conf)


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        ([_r("row", HUSBAND_ID), _r("row")], (HUSBAND_ID, 0.9, 1)),
        # an 18-digit ID wins over 15-digit windows; two different ones: nothing
        ([_r("row", HUSBAND_ID, FIFTEEN), _r("cells", FIFTEEN)], (HUSBAND_ID, 0.9, 1)),
        ([_r("row", HUSBAND_ID), _r("detected", HUSBAND_ID[:-1] + "0")], None),
        ([_r("row", FIFTEEN), _r("cells", FIFTEEN, conf=1.0)], (FIFTEEN, 1.0, 2)),
        # 15 digits: a tie goes to the whole-row reading when it gives one value
        ([_r("row", FIFTEEN), _r("cells", "620722700912889")], (FIFTEEN, 0.9, 1)),
        ([_r("row", FIFTEEN, "620722700912889"), _r("cells")], None),
        # the kept crops (digits across the rules, which the row crops cut) break a tie
        ([_r("row", "620722700912889"), _r("kept", FIFTEEN)], (FIFTEEN, 0.9, 1)),
        ([_r("row"), _r("cells")], None),
        # a tie goes to a listed region first (620172: no such county), even against
        # the kept crops' value
        (
            [_r("kept", "620172581218275"), _r("elsewhere", "620722581218275")],
            ("620722581218275", 0.9, 1),
        ),
        # each value from one source: the one more readings give (two of the three
        # row crops); a tie of readings gives nothing
        (
            [_r("row", FIFTEEN), _r("row", "620722700912889"), _r("row", FIFTEEN)],
            (FIFTEEN, 0.9, 1),
        ),
        ([_r("row", FIFTEEN), _r("row", "620722700912889")], None),
        # two sources each, not one: the count of readings decides nothing
        (
            [
                _r("row", FIFTEEN),
                _r("row", FIFTEEN),
                _r("row", "620722700912889"),
                _r("cells", FIFTEEN),
                _r("detected", "620722700912889"),
            ],
            None,
        ),
    ],
)
def test_choose_id(readings, expected):
    assert choose_id(readings) == expected


@pytest.mark.parametrize(
    ("readings", "expected"),
    [
        # two sources read the same 15 digits: both would have to misread them alike
        ([_r("row", FIFTEEN, conf=0.8), _r("detected", FIFTEEN, conf=0.8)], 0.96),
        # the row's crops are one source (the same pixels): the surest of them counts once
        ([_r("row", FIFTEEN, conf=0.8), _r("row", FIFTEEN, conf=0.7)], 0.8),
        (
            [
                _r("row", FIFTEEN, conf=0.8),
                _r("row", FIFTEEN, conf=0.6),
                _r("cells", FIFTEEN, conf=0.9),
                _r("detected", FIFTEEN, conf=0.5),
            ],
            0.98,
        ),
        # a source that read another value lends nothing
        ([_r("row", FIFTEEN, conf=0.8), _r("cells", "620722700912889", conf=0.99)], 0.8),
        ([_r("cells", "620722700912889")], 0.0),
    ],
)
def test_agreeing_confidence(readings, expected):
    assert agreeing_confidence(readings, FIFTEEN) == pytest.approx(expected)


def _printed(birth_date: str, sex: str) -> Reading:
    reading = Reading(parties=[Party(role="husband", birth_date=birth_date, sex=sex)])
    reading.fields["parties[0].birth_date"] = FieldInfo(
        confidence=0.99, page=0, bbox=[0, 0, 1, 1], issues=[], source="ocr"
    )
    return reading


def test_two_18_digit_ids_are_settled_by_the_printed_birth_date_and_sex():
    # the husband's ID (1978-05-06, male) and a valid one a misread gave by chance
    other = id18("620722", "19780505", "123")
    readings = [
        RowReading("cells", frozenset({other}), 0.9),
        RowReading("kept", frozenset({HUSBAND_ID}), 0.8),
    ]
    assert choose_id(readings) is None
    printed = _printed("1978-05-06", "M")
    assert fits_printed_facts(printed, 0, HUSBAND_ID)
    assert not fits_printed_facts(printed, 0, other)
    assert choose_id(readings, partial(fits_printed_facts, printed, 0)) == (HUSBAND_ID, 0.8, 1)
    # nothing printed: neither fits better, no choice
    unprinted = Reading(parties=[Party(role="husband")])
    assert fits_printed_facts(unprinted, 0, other)
    assert choose_id(readings, partial(fits_printed_facts, unprinted, 0)) is None


def test_a_15_digit_tie_goes_to_the_value_that_fits_the_printed_birth_date():
    # two of the three row crops read a 6 of the year as 9 (7000017 00174)
    right, misread = "620722620409909", "620722920409909"
    readings = [_r("row", misread), _r("row", misread), _r("row", right)]
    assert choose_id(readings) == (misread, 0.9, 1)  # more readings, nothing printed
    printed = _printed("1962-04-09", "M")
    assert choose_id(readings, partial(fits_printed_facts, printed, 0)) == (right, 0.9, 1)


GUESSED = "612702197307221499"  # valid by chance: 620702… with its 0 lost and a mark read as 1


def _guessed(source: str, value: str) -> RowReading:
    return RowReading(source, frozenset({value}), 0.9, guessed=frozenset({value}))


def test_an_18_digit_id_read_plainly_beats_one_only_guessed():
    readings = [_guessed("row", GUESSED), _r("kept", HUSBAND_ID)]
    assert choose_id(readings) == (HUSBAND_ID, 0.9, 1)
    # two read plainly: nothing (as before)
    assert choose_id([_r("row", GUESSED), _r("kept", HUSBAND_ID)]) is None


def test_an_id_only_guessed_does_not_settle_the_row():
    assert not settled([_guessed("row", GUESSED)])
    assert settled([_guessed("row", HUSBAND_ID), _r("cells", HUSBAND_ID)])
    assert settled([_r("row", HUSBAND_ID)])
