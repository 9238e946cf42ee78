"""The second opinion's verdict on one field: only a confident, valid disagreement blocks."""

from __future__ import annotations

import pytest

from ocr.result import Reading
from ocr.review import NON_BLOCKING
from ocr.second_opinion import outvoted, stated_by_id, verdict
from schemas.model import FieldInfo, Party, Role
from tests.ocr.forms import HUSBAND_ID, WIFE_ID

WRONG_CHECK = HUSBAND_ID[:-1] + ("0" if HUSBAND_ID[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("key", "value", "text", "conf", "expected"),
    [
        ("parties[0].id_number", HUSBAND_ID, HUSBAND_ID, 0.9, "second_opinion_agrees"),
        ("parties[0].id_number", HUSBAND_ID, WIFE_ID, 0.9, "second_opinion_disagrees"),
        ("parties[0].id_number", HUSBAND_ID, WIFE_ID, 0.5, "second_opinion_unsure"),
        ("parties[0].id_number", HUSBAND_ID, WRONG_CHECK, 0.95, "second_opinion_unsure"),
        ("parties[0].id_number", HUSBAND_ID, "", 0.0, "second_opinion_empty"),
        ("registration_date", "2005-03-12", "2005年3月12日", 0.9, "second_opinion_agrees"),
        ("registration_date", "2005-03-12", "2005年3月17日", 0.9, "second_opinion_disagrees"),
        ("registration_date", "2005-03-12", "2005年3月", 0.9, "second_opinion_unsure"),
        ("registration_date", "2005-03-12", "高台县", 0.9, "second_opinion_empty"),
        (
            "certificate_no",
            "J620722-2005-000123",
            "J620722-2005-000128",
            0.9,
            "second_opinion_disagrees",
        ),
        ("certificate_no", "J620722-2005-000123", "J62O722 2005", 0.9, "second_opinion_unsure"),
        # the year prefix lost (a stray mark read inside it): less complete, no other number
        (
            "certificate_no",
            "(93)高民婚字第334号",
            "号:(〈93)高民婚字第334号",
            0.83,
            "second_opinion_unsure",
        ),
        (
            "certificate_no",
            "(93)高民婚字第334号",
            "(93)高民婚字第384号",
            0.83,
            "second_opinion_disagrees",
        ),
        (
            "certificate_no",
            "(93)高民婚字第334号",
            "(98)高民婚字第334号",
            0.83,
            "second_opinion_disagrees",
        ),
    ],
)
def test_verdict(key, value, text, conf, expected):
    assert verdict(key, value, text, conf) == expected


def test_only_a_confident_valid_disagreement_blocks():
    assert "second_opinion_disagrees" not in NON_BLOCKING
    assert {"second_opinion_unsure", "second_opinion_empty"} <= NON_BLOCKING


# The husband's ID states 1978-05-06 (tests/ocr/forms.py); the form prints his
# birth date, read on its own in another box.
def _husband(birth_date: str, id_number: str = HUSBAND_ID, **issues: list[str]) -> Reading:
    reading = Reading(parties=[Party(role=Role.HUSBAND, sex="M")])
    reading.parties[0].birth_date = birth_date
    reading.parties[0].id_number = id_number
    for field, found in (
        ("birth_date", issues.get("born", [])),
        ("id_number", issues.get("id", [])),
    ):
        reading.fields[f"parties[0].{field}"] = FieldInfo(
            confidence=0.99, page=0, bbox=[0, 0, 10, 10], issues=list(found), source="ocr"
        )
    return reading


BORN = "parties[0].birth_date"


def test_a_disagreement_about_a_birth_date_its_id_states_does_not_block():
    # two readings of the first engine (the birth-date box and the ID row) give
    # 1978-05; the second engine's 1979-05 on the birth-date crop alone is outvoted
    reading = _husband("1978-05")
    assert stated_by_id(reading, 0)
    assert outvoted(reading, BORN, "second_opinion_disagrees") == "second_opinion_unsure"
    assert outvoted(reading, BORN, "second_opinion_agrees") == "second_opinion_agrees"


@pytest.mark.parametrize(
    "reading",
    [
        _husband("1979-05"),  # the ID states another year: nothing confirms the box
        _husband("1978"),  # the year alone: the month is not checked
        _husband("1978-05", born=["birth_date_from_id"]),  # filled from the ID: one reading
        _husband("1978-05", id=["id_reread", "id_reread_unconfirmed"]),  # an unsettled ID
        _husband("1978-05", id_number=WRONG_CHECK),  # its check character fails
    ],
)
def test_a_disagreement_stays_blocking_when_the_id_does_not_confirm_the_birth_date(reading):
    assert not stated_by_id(reading, 0)
    assert outvoted(reading, BORN, "second_opinion_disagrees") == "second_opinion_disagrees"


def test_only_birth_dates_are_outvoted_by_the_id():
    reading = _husband("1978-05")
    for key in ("parties[0].id_number", "registration_date", "certificate_no"):
        assert outvoted(reading, key, "second_opinion_disagrees") == "second_opinion_disagrees"
