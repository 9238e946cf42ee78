"""A struck-out name followed by its correction in one cell: the correction is the name."""

from __future__ import annotations

import pytest

from ocr import assess, extract_fields
from ocr.name_corrections import corrected_name, name_span
from tests.ocr.forms import line, two_column_form


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("何英镇何英丹", "何英丹"),  # the last character corrected
        ("刘琴香龚琴香", "龚琴香"),  # the surname corrected
        ("夏军陈夏军志", "夏军志"),
        ("王芳李芳", "李芳"),  # a two-character name, surname corrected
    ],
)
def test_a_struck_name_and_its_correction_give_the_correction(value: str, expected: str) -> None:
    assert corrected_name(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "张建国",  # one name
        "才让卓玛",  # a Tibetan name of four characters: halves share no place
        "欧阳振华",  # compound surname
        "李秀英李秀英",  # the same name twice is no correction
        "张建国王",  # unequal halves: not read as a pair
        "何英镇每英丹",  # the second half does not begin with a surname
    ],
)
def test_a_name_that_is_no_correction_pair_is_left_alone(value: str) -> None:
    assert corrected_name(value) is None


def test_a_transliterated_name_with_a_middle_dot_is_one_name() -> None:
    assert corrected_name("马丽马丽", raw="马丽·马丽") is None


def test_name_span_finds_the_last_copy_across_spaces() -> None:
    text = "夏军陈  夏 军志"
    start, end = name_span(text, "夏军志") or (0, 0)
    assert text[start:end].replace(" ", "") == "夏军志"
    assert start == 5  # after the two spaces
    assert name_span("张建国", "李秀英") is None


def _with_wife_cell(text: str) -> list:
    lines = [ln for ln in two_column_form() if ln.text != "李秀英"]
    return [*lines, line(text, 1550, 480, conf=0.93)]


def test_the_wife_cell_with_a_struck_name_reads_the_correction_and_goes_to_review() -> None:
    reading = assess(extract_fields(_with_wife_cell("李秀莲 李秀英")))
    wife = next(p for p in reading.parties if p.role == "wife")
    assert wife.name == "李秀英"
    info = reading.fields["parties[1].name"]
    assert "name_struck_out_before" in info.issues
    assert info.bbox is not None and info.bbox[0] > 1550  # the correction's part of the cell
    assert any("name_struck_out_before" in r for r in reading.review_reasons)


def test_a_plain_name_cell_gets_no_correction_issue() -> None:
    reading = assess(extract_fields(two_column_form()))
    assert not any("name_struck_out_before" in i for f in reading.fields.values() for i in f.issues)
