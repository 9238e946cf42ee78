"""Where a sign-off date stands when it did not parse: the slot under the issuing office."""

from __future__ import annotations

import pytest

from ocr.date_reread import reread_registration_date
from ocr.layout import segment_lines
from ocr.regdate import date_like, signoff_date_slots
from ocr.result import Reading
from tests.ocr.conftest import render_page
from tests.ocr.forms import line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一九五年一月十六日", True),  # the 〇 lost
        ("十三年一月一", True),
        ("1987.7421", True),
        ("高臺縣人民政府民政科", False),
        ("兹有王明男年二十五歲與李芳女年二十二歲", False),  # a sentence, not a date
        ("年", False),
    ],
)
def test_date_like(text, expected):
    assert date_like(text) is expected


def _signoff(date_text: str) -> list:
    return [
        line("结婚证", 800, 60),
        line("高臺縣人民政府民政科", 700, 900),
        line(date_text, 700, 990),
    ]


def test_the_unparsed_date_under_the_office_is_the_slot():
    slots = signoff_date_slots(segment_lines(_signoff("一九五年一月十六日")))
    assert [s.text for s in slots] == ["一九五年一月十六日"]


def test_a_sign_off_date_that_parsed_is_no_slot():
    assert signoff_date_slots(segment_lines(_signoff("一九五〇年一月十六日"))) == []


def test_no_slot_without_an_office():
    assert signoff_date_slots(segment_lines([line("一九五年一月十六日", 700, 990)])) == []


@pytest.mark.slow
def test_a_sign_off_date_that_lost_a_numeral_is_read_from_its_crop(engines):
    lines = _signoff("一九五〇年一月十六日")
    page = render_page(lines, size=(1400, 1100))
    lines[2] = lines[2].model_copy(update={"text": "一九五年一月十六日"})  # 〇 lost page-wide
    reading = Reading(certificate_no="高民婚字第132號")
    reading.lines = lines
    assert reread_registration_date(reading, [page], engines["rapidocr"])
    assert reading.registration_date == "1950-01-16"


@pytest.mark.slow
def test_a_sign_off_crop_that_contradicts_the_page_fills_nothing(engines):
    lines = _signoff("一九五〇年一月十六日")
    page = render_page(lines, size=(1400, 1100))
    lines[2] = lines[2].model_copy(update={"text": "一九五年二月十六日"})  # 二月: not this date
    reading = Reading(certificate_no="高民婚字第132號")
    reading.lines = lines
    assert not reread_registration_date(reading, [page], engines["rapidocr"])
    assert reading.registration_date is None
