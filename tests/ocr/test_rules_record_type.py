"""The record type from a page's wording and from a local certificate number."""

from __future__ import annotations

import pytest

from ocr.review import assess
from ocr.rules import (
    in_document_script,
    local_certificate_kind,
    record_type_of,
    type_from_wording,
)
from tests.ocr.forms import line


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("高民離字第037號", "divorce"),  # 1950s, traditional script
        ("(82)高离字第83号", "divorce"),
        ("（61）高民婚字第781号", "marriage"),
        ("高民字第037號", None),  # the kind was lost: nothing to tell
        ("J620722-2005-000123", None),  # a modern number says it by its prefix
        (None, None),
    ],
)
def test_a_local_certificate_number_names_its_kind(number, expected):
    assert local_certificate_kind(number) == expected


def _vertical_divorce(first_column: str, second_column: str, title: str) -> list:
    """A 1950s vertical divorce certificate read column by column (right to left)."""
    return [
        line(title, 1900, 280),
        line("高民字第037號", 1750, 330),  # 離 lost from the number
        line(first_column, 1600, 300),
        line(second_column, 1450, 300),
    ]


@pytest.mark.parametrize(
    ("second_column", "expected"),
    [
        ("離婚經查合於中華人民共和國婚姻法的規定發給此證", "divorce"),  # 自願 lost
        ("离婚，经审查符合婚姻法的规定，发给此证", "divorce"),
        ("結婚經查合於中華人民共和國婚姻法的規定發給此證", "marriage"),
        ("结婚，经审查符合婚姻法的规定，发给此证", "marriage"),
    ],
)
def test_the_sentence_continued_in_the_next_column_names_the_type(second_column, expected):
    # the column ending 自 and the next starting 離婚經查: the strong 自願離婚 is cut
    lines = _vertical_divorce("兹有王明男年二十五歲與李芳女年二十二歲自", second_column, "潍婚證")
    assert type_from_wording(lines) == expected
    assert record_type_of(lines, "高民字第037號") == expected


def test_a_previous_status_is_no_record_type():
    lines = [line("婚姻状况：离婚，经审查", 100, 100), line("高民字第037號", 100, 200)]
    assert type_from_wording(lines) is None
    assert record_type_of(lines, "高民字第037號") == "unknown"


def test_a_type_known_only_from_a_local_number_goes_to_review():
    from ocr.extract import extract_fields

    lines = [
        line("高民離字第053號", 1750, 330),
        line("兹有王明男年二十五歲與李芳女年二十二歲", 1600, 300),
    ]
    reading = extract_fields(lines)
    assert reading.record_type == "divorce"
    assess(reading)
    assert "record_type: record_type_from_certificate_only" in reading.review_reasons


def test_a_local_certificate_number_is_written_in_the_script_of_its_form():
    # PP-OCRv6 reads the 号 of a simplified form as 號 now and then (7000018 00011)
    assert in_document_script("(96)高民婚字第329號", traditional=False) == "(96)高民婚字第329号"
    assert in_document_script("(72)高婚字第764号", traditional=False) == "(72)高婚字第764号"
    assert in_document_script("高民婚字第032号", traditional=True) == "高民婚字第032號"
    # a national number has no script to follow
    assert in_document_script("J620722-2005-000123", traditional=True) == "J620722-2005-000123"
