"""Reading values out of OCR text: table tests and property tests (Hypothesis)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr import values as V
from schemas.dates import format_chinese_date
from schemas.idnumber import check_char

CONFUSE = {"0": "O", "1": "l", "5": "S", "8": "B", "2": "Z"}


@st.composite
def valid_ids(draw):
    birth = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2005, 12, 31)))
    first17 = "620722" + birth.strftime("%Y%m%d") + draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    return first17 + check_char(first17)


@settings(deadline=None)
@given(valid_ids(), st.sampled_from(["身份证号：", "公民身份号码 ", "", "号码:"]))
def test_a_valid_id_is_found_as_printed_inside_label_text(id18, prefix):
    found = V.find_ids(prefix + id18 + " 男")
    assert found, (prefix, id18)
    assert found[0].printed == id18 and found[0].valid and not found[0].normalized


@settings(deadline=None)
@given(valid_ids(), st.integers(min_value=0, max_value=16))
def test_an_ocr_confusion_is_undone_only_when_the_check_digit_confirms(id18, position):
    digit = id18[position]
    if digit not in CONFUSE:
        return
    misread = id18[:position] + CONFUSE[digit] + id18[position + 1 :]
    found = V.find_ids(misread)
    assert found[0].printed == id18 and found[0].normalized


@settings(deadline=None)
@given(valid_ids(), st.integers(min_value=0, max_value=16), st.integers(1, 9))
def test_a_wrong_digit_is_reported_invalid_never_repaired(id18, position, delta):
    wrong_digit = str((int(id18[position]) + delta) % 10)
    wrong = id18[:position] + wrong_digit + id18[position + 1 :]
    found = V.find_ids(wrong)
    assert found and found[0].printed == wrong
    assert not found[0].valid


def test_a_run_with_cell_rules_read_as_bars_is_kept_as_its_digits():
    """``620|7|2|2770204300``: 15 valid digits between bars, 18 characters as read. The
    value is the 15 digits, marked normalized, never the 18 characters with their bars
    (which would pass for an 18-digit ID and skip the 15-digit confirmation)."""
    found = V.find_ids("620|7|2|2770204300")
    assert [(v.printed, v.valid, v.normalized) for v in found] == [("620722770204300", True, True)]


@settings(deadline=None)
@given(st.dates(min_value=date(1949, 10, 1), max_value=date(2030, 12, 31)))
def test_chinese_numeral_dates_read_back(day):
    text = format_chinese_date(day.isoformat())
    assert [d.iso for d in V.find_dates("登记日期：" + text)] == [day.isoformat()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1985.3.12", "1985-03-12"),
        ("1985年03月12日", "1985-03-12"),
        ("1985-03-12", "1985-03-12"),
        ("1990年5月", "1990-05"),
        ("一九五三年三月十二日", "1953-03-12"),
        ("一九五○年十二月二十一日", "1950-12-21"),
        ("l985.3.l2", "1985-03-12"),
    ],
)
def test_dates_as_written_on_forms(text, expected):
    assert V.find_dates(text)[0].iso == expected


@pytest.mark.parametrize(
    "text", ["1985年13月2日", "1985年2月30日", "85.3.12", "一九五年九月二十九日"]
)
def test_impossible_or_incomplete_dates_are_not_read(text):
    assert [d for d in V.find_dates(text) if len(d.iso) == 10] == []


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
    [
        ("一九七四年七月五", "1974-07-05"),  # 日 lost; no day is 五X
        ("一九五四年七月十二", "1954-07-12"),
        ("一九五四年七月二", "1954-07"),  # may have been 二十…: the day is not kept
        ("一九五四年七月二十", "1954-07"),
        ("1982年2月1", "1982-02"),
        ("1982年2月12", "1982-02-12"),
        ("1974年7月5", "1974-07-05"),
        ("1985.3.1", "1985-03-01"),  # dotted dates carry no 日
    ],
)
def test_a_date_that_lost_its_ri_keeps_only_a_day_that_cannot_be_longer(text, expected):
    assert [d.iso for d in V.find_dates(text)] == [expected]


def test_a_year_confusion_is_reported_apart_from_month_and_day_ones():
    (year_only,) = V.find_dates("196!年9月11日")
    assert (year_only.iso, year_only.normalized, year_only.year_only_normalized) == (
        "1961-09-11",
        True,
        True,
    )
    (in_day,) = V.find_dates("1961年9月1l日")
    assert in_day.normalized and not in_day.year_only_normalized


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
    ],
)
def test_an_office_names_its_level_and_ends_with_its_agency(text, expected):
    assert V.clean_office(text) == expected
