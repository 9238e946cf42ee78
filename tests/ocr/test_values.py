"""The small fields read out of OCR text (ocr/values.py): certificate numbers, ages,
names, ethnicities and offices."""

from __future__ import annotations

import pytest

from ocr import values as V


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("结婚证字号：J620722-2005-000123", "J620722-2005-000123"),
        ("BL620722-2010-000012", "BL620722-2010-000012"),
        ("证书编号（98）高民婚字第067号", "(98)高民婚字第067号"),
        ("高民離字第621號", "高民離字第621號"),
    ],
)
def test_certificate_numbers(text, expected):
    assert V.find_certificate_numbers(text)[0].value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("25", 25),
        ("25岁", 25),
        ("二十五歲", 25),
        ("十八", 18),
        ("三十", 30),
        ("5", None),
        ("", None),
    ],
)
def test_ages(text, expected):
    assert V.find_age(text) == expected


def test_names_keep_rare_characters_and_reject_non_names():
    assert V.clean_name("：段琴𠮷") == "段琴𠮷"
    assert V.clean_name("张") is None
    assert V.clean_name("张3") is None
    assert V.clean_ethnicity("漢族") == "汉"
    assert V.clean_ethnicity("裕固族") == "裕固"


@pytest.mark.parametrize(
    ("text", "expected"),
    [("漢族", "汉"), ("蒙古族", "蒙古"), ("维吾尔", "维吾尔"), ("藏五藏族", None), ("汊族", None)],
)
def test_an_ethnicity_must_be_one_of_the_56_groups(text, expected):
    assert V.clean_ethnicity(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("高台县民政局", "高台县民政局"),
        ("甘肃省高台县民政局婚姻登记处", "甘肃省高台县民政局婚姻登记处"),
        ("高臺縣人民政府", "高臺縣人民政府"),
        ("高台民政局婚姻登记处", None),  # 县 lost: no administrative level
        ("高台县革命会", None),  # 委员 lost: no agency at the end
        ("民政府民", None),
        ("县民政局", None),  # the place lost
        ("七政科高臺縣人民政府民政科", None),  # a scrap with agency words before the place
        ("张掖市甘州区民政局", "张掖市甘州区民政局"),
    ],
)
def test_an_office_names_its_level_and_ends_with_its_agency(text, expected):
    assert V.clean_office(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("四十七歲四十八歲", 48),  # a struck-out age, then its correction
        ("47岁48岁", 48),
        ("二十五歲", None),
        ("二十歲 二十歲", None),  # the same age twice is no correction
        ("25岁 26", None),  # only one of them is written as an age
    ],
)
def test_corrected_ages(text, expected):
    assert V.corrected_age(text) == expected


def test_halfwidth_turns_sub_and_superscript_digits_into_digits():
    assert V.halfwidth("２０₀５年³月") == "2005年3月"
