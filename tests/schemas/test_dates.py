"""Dates as written on the forms: every accepted spelling, every rejection reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.dates import (
    DATE_ERROR_TEXT,
    age_at,
    birth_year_from_age,
    format_chinese_date,
    parse_date,
)

# Deterministic budget: the machine is shared, so no wall-clock deadline.
PROPERTY = settings(max_examples=60, deadline=None)

TODAY = date(2026, 6, 15)

VALID = [
    ("1985-03-12", "1985-03-12", "day"),
    ("1985.3.12", "1985-03-12", "day"),
    ("1985/3/12", "1985-03-12", "day"),
    ("1985-3-12", "1985-03-12", "day"),
    ("19850312", "1985-03-12", "day"),
    ("1985年3月12日", "1985-03-12", "day"),
    ("1985年03月12日", "1985-03-12", "day"),
    ("1985年3月12号", "1985-03-12", "day"),
    ("1985年3月12曰", "1985-03-12", "day"),  # 曰 for 日: a look-alike OCR misread
    ("1985年3月", "1985-03", "month"),
    ("1985年", "1985", "year"),
    ("1985-03", "1985-03", "month"),
    ("1985.3", "1985-03", "month"),
    ("1985", "1985", "year"),
    ("一九五三年三月十二日", "1953-03-12", "day"),
    ("一九五三年十二月二十一日", "1953-12-21", "day"),
    ("一九五三年十月十日", "1953-10-10", "day"),
    ("一九五三年三月三十一日", "1953-03-31", "day"),
    ("一九五〇年一月一日", "1950-01-01", "day"),
    ("一九五○年一月一日", "1950-01-01", "day"),  # ○ WHITE CIRCLE
    ("一九五零年一月一日", "1950-01-01", "day"),
    ("一九五O年一月一日", "1950-01-01", "day"),  # latin capital O
    ("一九五o年一月一日", "1950-01-01", "day"),
    ("一九五〇年元月五日", "1950-01-05", "day"),
    ("一九五三年廿一月", None, None),  # placeholder replaced below (month 21)
    ("一九五三年三月廿一日", "1953-03-21", "day"),
    ("一九五三年三月卅日", "1953-03-30", "day"),
    ("一九五三年三月", "1953-03", "month"),
    ("一九五三年", "1953", "year"),
    ("１９８５年３月１２日", "1985-03-12", "day"),  # full-width digits
    ("１９８５－０３－１２", "1985-03-12", "day"),  # full-width dash
    ("1985 年 3 月 12 日", "1985-03-12", "day"),
    (" 1985 . 3 . 12 ", "1985-03-12", "day"),
    ("二〇〇〇年二月二十九日", "2000-02-29", "day"),  # leap year
    ("1949-10-01", "1949-10-01", "day"),
    ("2026-06-15", "2026-06-15", "day"),  # today
    ("2026-06", "2026-06", "month"),
    ("2026", "2026", "year"),
]
VALID = [v for v in VALID if v[1] is not None]

INVALID = [
    ("", "empty"),
    ("   ", "empty"),
    ("hello", "unparseable"),
    ("1985-03-12-01", "unparseable"),
    ("1985年3月12", "unparseable"),  # day without 日
    ("198年", "unparseable"),
    ("一九五三年三十三十月", "unparseable"),
    ("张三", "unparseable"),
    ("85年3月12日", "two_digit_year"),
    ("85.3.12", "two_digit_year"),
    ("1985-13-01", "bad_month"),
    ("1985-00-10", "bad_month"),
    ("一九八五年十三月", "bad_month"),
    ("一九五三年廿一月", "bad_month"),
    ("1985-02-30", "bad_day"),
    ("1985-04-31", "bad_day"),
    ("1985-01-00", "bad_day"),
    ("1900-02-29", "bad_day"),  # not a leap year, and also before 1949: day wins
    ("1985年2月30日", "bad_day"),
    ("一九八五年二月三十日", "bad_day"),
    ("1948-12-31", "before_min_year"),
    ("1948", "before_min_year"),
    ("一九○○年", "before_min_year"),
    ("2026-06-16", "future"),
    ("2026-07", "future"),
    ("2027", "future"),
    ("2099年1月1日", "future"),
]


@pytest.mark.parametrize(("text", "value", "precision"), VALID)
def test_accepts_every_spelling_used_on_forms(text: str, value: str, precision: str) -> None:
    result = parse_date(text, today=TODAY)
    assert (result.value, result.precision, result.errors) == (value, precision, [])
    assert result.ok


@pytest.mark.parametrize(("text", "reason"), INVALID)
def test_rejects_with_the_right_reason(text: str, reason: str) -> None:
    result = parse_date(text, today=TODAY)
    assert result.value is None and not result.ok
    assert result.errors == [reason]
    assert result.messages == [DATE_ERROR_TEXT[reason]]


def test_min_year_is_configurable() -> None:
    assert parse_date("1930年", today=TODAY, min_year=1900).value == "1930"
    assert parse_date("1930年", today=TODAY).errors == ["before_min_year"]


def test_none_and_as_date() -> None:
    assert parse_date(None).errors == ["empty"]
    assert parse_date("1985-03-12", today=TODAY).as_date == date(1985, 3, 12)
    assert parse_date("1985-03", today=TODAY).as_date is None


@PROPERTY
@given(st.dates(min_value=date(1949, 1, 1), max_value=TODAY))
def test_iso_and_chinese_forms_round_trip(day: date) -> None:
    iso = day.isoformat()
    assert parse_date(iso, today=TODAY).value == iso
    assert parse_date(format_chinese_date(iso), today=TODAY).value == iso
    dotted = f"{day.year}.{day.month}.{day.day}"
    assert parse_date(dotted, today=TODAY).value == iso
    assert parse_date(f"{day.year}年{day.month}月{day.day}日", today=TODAY).value == iso


@PROPERTY
@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(2200, 1, 1)))
def test_future_days_are_always_rejected(day: date) -> None:
    assert parse_date(day.isoformat(), today=TODAY).errors == ["future"]


@PROPERTY
@given(st.text(max_size=30))
def test_never_raises_and_value_is_partial_iso(text: str) -> None:
    result = parse_date(text, today=TODAY)
    assert (result.value is None) == bool(result.errors)
    if result.value:
        assert len(result.value) in (4, 7, 10)


def test_format_chinese_date_table() -> None:
    assert format_chinese_date("1953-03-12") == "一九五三年三月十二日"
    assert format_chinese_date("1953-12-21") == "一九五三年十二月二十一日"
    assert format_chinese_date("1950-10-10") == "一九五〇年十月十日"
    assert format_chinese_date("1950-01-30") == "一九五〇年一月三十日"
    assert format_chinese_date("1953-03") == "一九五三年三月"
    assert format_chinese_date("1953") == "一九五三年"


AGES = [
    ("1953-03-12", "1975-03-11", 21),
    ("1953-03-12", "1975-03-12", 22),
    ("1953-03", "1975-06-01", 22),
    ("1953", "1975-06-01", None),  # 21 or 22: ambiguous
    ("1953-06", "1975-06-15", None),
    ("1980-02-29", "2001-02-28", 20),
    ("1980-02-29", "2001-03-01", 21),
    (None, "1975-06-01", None),
    ("1953-03-12", "garbage", None),
    ("1990-01-01", "1980-01-01", None),  # born after the date
]


@pytest.mark.parametrize(("birth", "on", "age"), AGES)
def test_age_at(birth: str | None, on: str, age: int | None) -> None:
    assert age_at(birth, on) == age


@pytest.mark.parametrize(
    ("age", "registration", "expected"),
    [
        (25, "1953-03-12", (1927, 1928)),
        (25, "1953", (1927, 1928)),
        (25, "1953-12-31", (1928, 1928)),
        (25, "1953-01-01", (1927, 1928)),
        (20, "1955-06", (1934, 1935)),
    ],
)
def test_birth_year_from_age_table(age: int, registration: str, expected: tuple) -> None:
    assert birth_year_from_age(age, registration) == expected


@PROPERTY
@given(
    st.dates(min_value=date(1880, 1, 1), max_value=date(1940, 12, 31)),
    st.dates(min_value=date(1950, 1, 1), max_value=date(1955, 12, 31)),
)
def test_birth_year_range_contains_the_true_birth_year(birth: date, reg: date) -> None:
    age = age_at(birth.isoformat(), reg.isoformat())
    assert age is not None
    lo, hi = birth_year_from_age(age, reg.isoformat())
    assert lo <= birth.year <= hi
    lo_y, hi_y = birth_year_from_age(age, str(reg.year))
    assert lo_y <= birth.year <= hi_y
    n_lo, n_hi = birth_year_from_age(age + 1, reg.isoformat(), nominal=True)
    assert n_lo <= birth.year <= n_hi
