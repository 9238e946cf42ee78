"""The second opinion's verdict on one field: only a confident, valid disagreement blocks."""

from __future__ import annotations

import pytest

from ocr.review import NON_BLOCKING
from ocr.second_opinion import verdict
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
    ],
)
def test_verdict(key, value, text, conf, expected):
    assert verdict(key, value, text, conf) == expected


def test_only_a_confident_valid_disagreement_blocks():
    assert "second_opinion_disagrees" not in NON_BLOCKING
    assert {"second_opinion_unsure", "second_opinion_empty"} <= NON_BLOCKING
