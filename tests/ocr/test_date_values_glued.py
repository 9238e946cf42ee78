"""Dates that lost the mark between year and month: put back only where one split is real."""

from __future__ import annotations

import pytest

from ocr.date_values import find_dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19937.11", "1993-07-11"),  # 1993.7.11, the first dot lost
        ("199311.6", "1993-11-06"),
        ("2005-3-12", "2005-03-12"),  # nothing lost: as before
        ("1961年419日", "1961-04-19"),  # 月 lost: 41 is no month, so 4-19
    ],
)
def test_a_lost_separator_is_put_back_when_one_split_gives_a_real_date(text, expected):
    full = [d for d in find_dates(text) if len(d.iso) == 10]
    assert [d.iso for d in full] == [expected]
    assert full[0].normalized is ("19937" in text or "199311" in text or "419" in text)


@pytest.mark.parametrize(
    "text",
    [
        "1961年119日",  # 1-19 or 11-9: no way to tell
        "1993713.11",  # 713 is no month
        "19931.11.5",  # three numbers after the year: which mark was lost is unknown
        "620722199311061234",  # an ID number's digits
        "19930.11",  # month 0
    ],
)
def test_no_full_date_is_made_up_from_an_ambiguous_or_impossible_split(text):
    full = [d.iso for d in find_dates(text) if len(d.iso) == 10 and d.normalized]
    assert full == []


def test_a_date_with_its_separator_restored_is_marked_as_repaired():
    (date,) = [d for d in find_dates("登记日期：19937.11") if len(d.iso) == 10]
    assert date.iso == "1993-07-11" and date.normalized and not date.year_only_normalized


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("登记时间：72021年11月5日", "2021-11-05"),  # a mark read as 7 before the year
        ("12021年12月22日", "2021-12-22"),
    ],
)
def test_a_digit_too_many_before_a_registration_year_is_dropped(text, expected):
    (date,) = [d for d in find_dates(text) if len(d.iso) == 10]
    assert date.iso == expected and date.normalized


@pytest.mark.parametrize(
    "text",
    [
        "19952年3月1日",  # 1995 is a year already: which digit is extra is unknown
        "32150年3月1日",  # 2150 is no registration year
    ],
)
def test_no_digit_is_dropped_when_the_year_is_unclear(text):
    assert [d for d in find_dates(text) if len(d.iso) == 10] == []


def test_a_chinese_year_written_29xx_is_19xx_with_a_speck_on_its_first_stroke():
    (date,) = find_dates("二九五二年七月十八日")
    assert date.iso == "1952-07-18"
    assert date.normalized and date.year_only_normalized  # needs a second source
    (plain,) = find_dates("二〇〇五年三月十二日")
    assert plain.iso == "2005-03-12" and not plain.normalized


def test_a_digit_read_between_a_chinese_year_and_its_nian_is_a_speck():
    (date,) = find_dates("一九六四9年三月一日")
    assert date.iso == "1964-03-01" and date.normalized
    assert find_dates("1964年3月1日")[0].normalized is False  # Arabic years: untouched


def test_a_digit_read_between_two_chinese_numerals_is_a_speck():
    (date,) = find_dates("一九五四年八月三十3一日")
    assert date.iso == "1954-08-31" and date.normalized
    assert find_dates("一九2年六月一日") == []  # 2 stands for lost numerals: no year
