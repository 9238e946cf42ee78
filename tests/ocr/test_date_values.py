"""Dates in OCR text (ocr/date_values.py): dates as written on forms (table and
property tests), and dates whose scan lost a stroke or a separator: read, but never
as sure as a clean date."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocr.date_values import completed_later, find_dates, speck_in_year_only
from schemas.dates import format_chinese_date


@settings(deadline=None)
@given(st.dates(min_value=date(1949, 10, 1), max_value=date(2030, 12, 31)))
def test_chinese_numeral_dates_read_back(day):
    text = format_chinese_date(day.isoformat())
    assert [d.iso for d in find_dates("登记日期：" + text)] == [day.isoformat()]


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
    assert find_dates(text)[0].iso == expected


@pytest.mark.parametrize(
    "text", ["1985年13月2日", "1985年2月30日", "85.3.12", "一九五年九月二十九日"]
)
def test_impossible_or_incomplete_dates_are_not_read(text):
    assert [d for d in find_dates(text) if len(d.iso) == 10] == []


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
    assert [d.iso for d in find_dates(text)] == [expected]


def test_a_year_confusion_is_reported_apart_from_month_and_day_ones():
    (year_only,) = find_dates("196!年9月11日")
    assert (year_only.iso, year_only.normalized, year_only.year_only_normalized) == (
        "1961-09-11",
        True,
        True,
    )
    (in_day,) = find_dates("1961年9月1l日")
    assert in_day.normalized and not in_day.year_only_normalized


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("九五一年八月二十日", "1951-08-20"),  # the thin leading 一 of 一九五一 lost
        ("——九五二年九月二十六日", "1952-09-26"),  # the leading 一 read as a dash
        ("批准日期：九六五年五月二十七日", "1965-05-27"),
    ],
)
def test_a_chinese_year_that_lost_its_leading_yi_is_read_and_flagged_in_the_year(text, expected):
    (found,) = find_dates(text)
    assert found.iso == expected
    assert found.normalized and found.year_only_normalized  # the year needs a second source


@pytest.mark.parametrize("text", ["五一年八月二十日", "一九五年九月二十九日", "二五一年八月二十日"])
def test_a_three_numeral_year_not_starting_with_jiu_is_not_a_year(text):
    assert [d for d in find_dates(text) if len(d.iso) == 10] == []


def test_specks_between_chinese_numerals_are_dropped_and_the_date_flagged():
    (found,) = find_dates("一，九五四年六月二十，一日")
    assert found.iso == "1954-06-21"
    assert found.normalized and not found.year_only_normalized


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1994 11.14", "1994-11-14"),
        ("登记时间：2002 12-26", "2002-12-26"),
        ("2002 12月26日", "2002-12-26"),
    ],
)
def test_a_lost_separator_between_year_and_month_is_read_when_the_day_has_one(text, expected):
    (found,) = find_dates(text)
    assert (found.iso, found.normalized) == (expected, True)


@pytest.mark.parametrize("text", ["1994 11", "1994 1114", "620722 8 12"])
def test_space_separated_numbers_without_a_day_separator_are_no_date(text):
    assert [d for d in find_dates(text) if len(d.iso) == 10] == []


def test_yi_shi_in_a_date_is_a_lost_stroke_and_goes_to_review():
    # nobody writes the 10th as 一十日: 二十 or 三十 lost a stroke
    (doubtful,) = find_dates("一九五一年四月一十日")
    assert doubtful.normalized and not doubtful.year_only_normalized
    (clean,) = find_dates("一九五一年十一月十日")
    assert (clean.iso, clean.normalized) == ("1951-11-10", False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一九五，八年五月二十六日", "1958-05-26"),
        ("登记日期：一，九五四年六月二十一日", "1954-06-21"),
        ("一九.六二年十二月二十三日", "1962-12-23"),
    ],
)
def test_a_speck_only_inside_the_year_is_told_apart(text, expected):
    found = speck_in_year_only(text)
    assert found is not None and found.iso == expected and not found.normalized


@pytest.mark.parametrize(
    "text",
    [
        "一九五八年五月二十六日",  # no speck: nothing to tell
        "一，九五四年六月二十，一日",  # a speck in the day as well
        "一九五八年五，月二十六日",  # not between numerals: no speck at all
        "九，五一年八月二十日",  # the year's leading 一 lost as well
        "一九五，八年五月",  # no day: no full date
    ],
)
def test_other_repairs_are_not_a_speck_in_the_year(text):
    assert speck_in_year_only(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-2.7", "2024-05-27"),  # a speck read between the two digits of the day
        ("批准日期：2024.05.2，7日", "2024-05-27"),
        ("2024年05月1·9日", "2024-05-19"),
    ],
)
def test_a_speck_inside_an_arabic_day_is_one_number_and_flagged(text, expected):
    (found,) = find_dates(text)
    assert (found.iso, found.normalized, found.year_only_normalized) == (expected, True, False)


def test_a_speck_inside_a_day_never_leaves_its_first_digit_as_the_day():
    # 5 and 8 around a speck make no day of the month: no date, rather than the 5th
    assert [d.iso for d in find_dates("1990-1-5，8")] == []
    # a speck after a whole day is no part of it
    (found,) = find_dates("2024-05-27.")
    assert (found.iso, found.normalized) == ("2024-05-27", False)


def test_a_struck_out_date_and_its_correction_in_one_cell_give_the_correction():
    # 1974.9.24 struck through and written again beside it; the strike turned the
    # first day into 李 and the reading stopped at the year and month
    text = "1974.9李241974.9.24"
    (first,) = find_dates(text)
    assert first.iso == "1974-09"
    later = completed_later(text, first)
    assert later is not None and later.iso == "1974-09-24"


@pytest.mark.parametrize(
    "text",
    [
        "1974.9",  # a year-month form: nothing later
        "1974.9.24",  # already whole
        "1974.9李241975.9.24",  # a later date of another year completes nothing
        "1974.9李24 1974.9.31",  # no 31 September
        "1974.9李24 1974.9.245",  # a day of three digits is no day
    ],
)
def test_only_a_later_whole_date_of_the_same_month_completes_one(text):
    first = find_dates(text)[0]
    assert completed_later(text, first) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-0510", "2019-05-10"),  # the month-day separator lost
        ("：2019-0510专用音", "2019-05-10"),  # in a crop, beside a label's colon and the seal
        ("2007-01+02", "2007-01-02"),  # a seal line across the separator, read +
        ("2007.1+2", "2007-01-02"),
        ("一九五五年十二月二月", "1955-12-02"),  # the day's 日, last, read 月
    ],
)
def test_a_lost_or_misread_day_mark_is_put_back_and_flagged(text, expected):
    (found,) = find_dates(text)
    assert found.iso == expected
    assert found.normalized and found.mark_repaired and not found.year_only_normalized


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-051", "2019-05"),  # three digits split two ways: only the month is read
        ("2019-05101", "2019-05"),  # five digits: no month and day
        ("2019-1310", None),  # no 13th month: nothing put back
        ("J620722-2019-002094", None),  # a certificate number's serial is no month and day
        ("一九五五年十二月二月三日", "1955-12"),  # a 月 before more text is no lost 日
    ],
)
def test_a_day_mark_is_put_back_only_where_one_split_gives_a_real_date(text, expected):
    found = find_dates(text)
    assert (found[0].iso if found else None) == expected
    assert not any(d.mark_repaired for d in found)


def test_a_date_written_as_printed_is_no_mark_repair():
    (found,) = find_dates("2019-05-10")
    assert not found.normalized and not found.mark_repaired
