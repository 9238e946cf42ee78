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
