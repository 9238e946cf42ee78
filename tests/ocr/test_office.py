"""The issuing office as printed: doubled readings, misread agency words, a lost
character of the place (ocr/office.py, ocr/values.py clean_office, ocr/rules.py)."""

from __future__ import annotations

import pytest

from ocr import assess, extract_fields
from ocr import values as V
from ocr.office import agency_is_known, place_misread, undoubled_office
from ocr.result import FieldInfo, Reading
from ocr.rules import office_place_checked
from schemas.model import TextLine


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the label's value and the seal's copy merged: the misread copy is no office
        ("高台三人民委员会高台县人民委员会", "高台县人民委员会"),
        ("高台县革命委员社高台县革命委员会", "高台县革命委员会"),
        ("高台县大民委五会高台县人民委员会", "高台县人民委员会"),
        # the same office read twice alike
        ("高台县民政局高台县民政局", "高台县民政局"),
        # two different valid offices: which one signed is not known
        ("高台县人民委员会临泽县人民委员会", None),
        # the agency read twice after one place
        ("高台县人民委员会委员会", None),
    ],
)
def test_an_office_read_twice_keeps_only_its_valid_copy(text, expected):
    assert V.clean_office(text) == expected


@pytest.mark.parametrize(
    "office",
    [
        "高台县人民委员会",
        "甘肃省高台县民政局婚姻登记处",
        "高臺縣人民政府民政科",
        "高台县革命委员会",
    ],
)
def test_offices_as_printed_are_kept_whole(office):
    assert V.clean_office(office) == office
    assert undoubled_office(office, lambda _: True) == office


@pytest.mark.parametrize(
    ("office", "known"),
    [
        ("高台县人民委员会", True),
        ("张掖市民政局婚姻登记处", True),
        ("城关镇人民政府", True),
        ("高台县大民委员会", False),  # 人 read 大: 大民 is no agency word
        ("高台县人民委五会", False),
        ("高台县人民政府政府", False),  # a word repeated
        ("人民委员会", False),  # no administrative unit
    ],
)
def test_the_agency_after_the_place_is_made_of_agency_words(office, known):
    assert agency_is_known(office) is known


def test_a_misread_agency_word_is_no_office():
    assert V.clean_office("高台县大民委员会") is None


@pytest.mark.parametrize(
    ("office", "others", "misread"),
    [
        # 台 lost: the addresses print 高台县
        ("高县革命委员会", ["常住户口所在地", "高台县城关镇友好村"], True),
        # a character misread: the seal reads 高台县
        ("商台县人民政府", ["高台县人民政府"], True),
        ("甘肃省高县民政局婚姻登记处", ["甘肃省高台县新坝镇"], True),
        # the place as read is printed elsewhere too
        ("高台县人民委员会", ["高台县新坝镇五一村", "高县"], False),
        # the rest of the form names no place: nothing to compare with
        ("高县革命委员会", ["男方", "一九六八年四月二十四日"], False),
        # another county entirely (two characters apart) is no misread of it
        ("高台县民政局", ["临泽县沙河镇"], False),
    ],
)
def test_an_office_place_the_form_names_otherwise_is_a_misread(office, others, misread):
    assert place_misread(office, others) is misread


def _line(text: str, top: int) -> TextLine:
    return TextLine(text=text, confidence=0.99, bbox=[10, top, 300, 30], page=0)


def _reading(office: str) -> Reading:
    reading = Reading(office=office)
    reading.fields["office"] = FieldInfo(
        confidence=0.99, page=0, bbox=None, issues=[], source="ocr"
    )
    return reading


def test_an_office_that_lost_a_character_of_its_county_is_flagged():
    lines = [
        _line("发证机关：高县革命委员会", 10),
        _line("常住户口所在地 高台县新坝镇五一村", 60),
    ]
    reading = _reading("高县革命委员会")
    assert office_place_checked(reading, lines) is True
    assert "office_place_unconfirmed" in reading.fields["office"].issues


def test_an_office_the_form_confirms_is_not_flagged():
    lines = [
        _line("发证机关：高台县革命委员会", 10),
        _line("常住户口所在地 高台县新坝镇五一村", 60),
    ]
    reading = _reading("高台县革命委员会")
    assert office_place_checked(reading, lines) is False
    assert reading.fields["office"].issues == []


def _form(office: str) -> list[TextLine]:
    def line(text: str, top: int, left: int = 10) -> TextLine:
        return TextLine(text=text, bbox=[left, top, 400, 30], confidence=0.99)

    return [
        line("结婚登记审查处理表", 10),
        line("常住户口所在地", 60),
        line("高台县新坝镇五一村", 60, 450),
        line("发证机关", 110),
        line(office, 110, 450),
        line("登记日期", 160),
        line("1968年4月24日", 160, 450),
    ]


def test_the_verdict_empties_an_office_that_lost_a_character_of_its_place():
    reading = assess(extract_fields(_form("高县革命委员会")))
    assert reading.office is None
    assert "office_place_unconfirmed" in reading.fields["office"].issues
    assert reading.registration_date == "1968-04-24"  # the rest of the record is read


def test_the_verdict_keeps_an_office_its_form_confirms():
    reading = assess(extract_fields(_form("高台县革命委员会")))
    assert reading.office == "高台县革命委员会"
    assert "office_place_unconfirmed" not in reading.fields["office"].issues


def test_the_verdict_empties_an_office_that_lost_the_head_of_its_place():
    # 台县 is read nowhere on the form but as the tail of 高台县
    reading = assess(extract_fields(_form("台县革命委员会")))
    assert reading.office is None
    assert "office_place_unconfirmed" in reading.fields["office"].issues
    # a place the form names standing on its own (after the province's 省) is no tail
    assert not place_misread("高台县民政局", ["甘肃省高台县新坝镇"])
