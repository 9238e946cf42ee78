"""Label matching: exact wordings in either script, and labels OCR misread by one character."""

from __future__ import annotations

import pytest

from ocr import assess, extract_fields
from ocr.labels import find_labels
from tests.ocr.forms import line, two_column_form


def _keys(text: str) -> list[str]:
    return [hit.key for hit in find_labels(text)]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("婚姻登记机腿：民政局", "office"),  # 關 read as 腿
        ("发澄机关：", "office"),
        ("出生日朗1978年5月6日", "birth_date"),
        ("登记日其：2005年3月12日", "registration_date"),
        ("年崴", "age"),  # 歲 read as 崴
        ("登記時間：", "registration_date"),
    ],
)
def test_labels_with_a_misread_character(text, key):
    assert _keys(text) == [key]


@pytest.mark.parametrize(
    "text",
    [
        "结婚证申请书",  # a title, not 结婚证号 with one wrong character
        "甘肃省婚姻登记机腿",  # a misread label must start its box
        "高台县民政局",
        "姓各：张三",  # short wordings are never matched loosely
    ],
)
def test_text_that_is_not_a_label(text):
    assert _keys(text) == []


def test_a_misread_registration_label_still_yields_the_date():
    lines = [
        line("登记日其：2005年3月12日", 200, 250) if ln.text.startswith("登记日期") else ln
        for ln in two_column_form()
    ]
    reading = assess(extract_fields(lines))
    assert reading.registration_date == "2005-03-12"
    assert reading.review_reasons == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("姮姻登记机关：民政局", "office"),  # the first character misread
        ("婚烟登记机关：", "office"),  # the second one
        ("公民身份号玛：110101", "id_number"),  # the last one
    ],
)
def test_a_misread_first_second_or_last_character(text, key):
    assert _keys(text) == [key]


def test_two_misread_characters_are_no_label():
    assert _keys("发澄机腿：") == []
    assert _keys("姮烟登记机腿：民政局") == []


def test_repeated_calls_give_equal_fresh_answers():
    first = find_labels("姓名：张三 性别：男")
    assert [(h.key, h.start, h.end) for h in first] == [("name", 0, 2), ("sex", 6, 8)]
    first.clear()  # a caller changing its list must not change the next answer
    again = find_labels("姓名：张三 性别：男")
    assert [(h.key, h.start, h.end) for h in again] == [("name", 0, 2), ("sex", 6, 8)]
    assert again is not find_labels("姓名：张三 性别：男")
