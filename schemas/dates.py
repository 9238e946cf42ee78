"""Dates as written on registration forms, parsed into partial ISO strings.

Accepted (after NFKC, so full-width digits and punctuation work, and with
spaces ignored): ``1985-03-12``, ``1985.3.12``, ``1985/3/12``, ``19850312``,
``1985年3月12日`` (or ``号``, or ``曰``: OCR reads 日 as its look-alike),
``1985年3月``, ``1985年``, ``1985-03``, ``1985``,
and Chinese numerals ``一九五三年三月十二日`` / ``一九五三年十二月二十一日`` with
``〇 ○ 零 O o`` for zero in the year digits, ``廿``/``卅`` and ``元月``.

Rejected with a reason code (never guessed): two-digit years, month 13,
day 30 in February, years before ``min_year`` (1949 by default: the archive
begins with the PRC's first Marriage Law), and dates in the future.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

DATE_ERROR_TEXT: dict[str, str] = {
    "empty": "no date",
    "unparseable": "not a date in any form used on these registers",
    "two_digit_year": "the year has two digits: the century cannot be known",
    "bad_month": "the month is not between 1 and 12",
    "bad_day": "that day does not exist in that month",
    "before_min_year": "the date is before the archive's earliest year",
    "future": "the date is in the future",
}

_YEAR_DIGITS = {
    **{str(i): i for i in range(10)},
    **dict(zip("〇一二三四五六七八九", range(10), strict=True)),
    "○": 0,
    "零": 0,
    "O": 0,
    "o": 0,
    "Ｏ": 0,
    "◯": 0,
    "壹": 1,
    "贰": 2,
    "叁": 3,
    "肆": 4,
    "伍": 5,
    "陆": 6,
    "柒": 7,
    "捌": 8,
    "玖": 9,
    "两": 2,
}
_NUMERAL_CHARS = "".join(k for k in _YEAR_DIGITS if not k.isdigit()) + "十拾廿卅"
_NUM = rf"[0-9{_NUMERAL_CHARS}]"
_CJK_DATE = re.compile(
    rf"^(?P<y>{_NUM}{{2,4}})年(?:(?P<m>{_NUM}{{1,3}}|元)月(?:(?P<d>{_NUM}{{1,3}})[日曰号])?)?$"
)
_SEP_DATE = re.compile(r"^(?P<y>\d{2,4})(?:[-./](?P<m>\d{1,2})(?:[-./](?P<d>\d{1,2}))?)?$")
_COMPACT_DATE = re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class DateParse:
    """Result of :func:`parse_date`.

    ``value`` is ``"YYYY-MM-DD"``, ``"YYYY-MM"`` or ``"YYYY"`` (``None`` when
    rejected); ``precision`` is ``"day"``, ``"month"``, ``"year"`` or ``None``;
    ``errors`` are reason codes (see :data:`DATE_ERROR_TEXT`).
    """

    raw: str
    value: str | None
    precision: str | None
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.value is not None and not self.errors

    @property
    def messages(self) -> list[str]:
        """Human-readable reasons, in the order of ``errors``."""
        return [DATE_ERROR_TEXT.get(code, code) for code in self.errors]

    @property
    def as_date(self) -> date | None:
        """A ``datetime.date`` when the precision is a day."""
        return date.fromisoformat(self.value) if self.precision == "day" and self.value else None


def _numeral_value(text: str) -> int | None:
    """A month/day number in Arabic or Chinese numerals (十二, 二十一, 廿一, 卅)."""
    if text.isdigit():
        return int(text)
    text = text.replace("拾", "十").replace("廿", "二十").replace("卅", "三十")
    if "十" in text:
        tens_text, _, units_text = text.partition("十")
        if "十" in units_text or len(tens_text) > 1 or len(units_text) > 1:
            return None
        tens = _YEAR_DIGITS.get(tens_text, -1) if tens_text else 1
        units = _YEAR_DIGITS.get(units_text, -1) if units_text else 0
        return None if tens < 0 or units < 0 else tens * 10 + units
    if len(text) == 1 and text in _YEAR_DIGITS:
        return _YEAR_DIGITS[text]
    if len(text) == 2 and all(c in _YEAR_DIGITS for c in text):  # "一二" written digit-wise
        return _YEAR_DIGITS[text[0]] * 10 + _YEAR_DIGITS[text[1]]
    return None


def _year_value(text: str) -> tuple[int | None, int]:
    """(year, number of digits); each character is one digit."""
    digits = [_YEAR_DIGITS.get(ch) for ch in text]
    if any(d is None for d in digits):
        return None, len(text)
    return int("".join(str(d) for d in digits)), len(text)


def _normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub("", text)
    return text.replace("—", "-").replace("–", "-").replace("‐", "-").replace("－", "-")


def _split(text: str) -> tuple[int | None, int, int | None, int | None] | None:
    """(year, year digit count, month, day) or None when no pattern matches."""
    match = _COMPACT_DATE.match(text) or _SEP_DATE.match(text)
    if match:
        parts = match.groupdict()
        month = int(parts["m"]) if parts["m"] else None
        day = int(parts["d"]) if parts["d"] else None
        return int(parts["y"]), len(parts["y"]), month, day
    match = _CJK_DATE.match(text)
    if not match:
        return None
    year, ndigits = _year_value(match["y"])
    m_text = match["m"]
    month = 1 if m_text == "元" else (_numeral_value(m_text) if m_text else None)
    day = _numeral_value(match["d"]) if match["d"] else None
    if year is None or (m_text and month is None) or (match["d"] and day is None):
        return None
    return year, ndigits, month, day


def _check(year: int, month: int | None, day: int | None, today: date, min_year: int) -> str:
    """The first reason the date is implausible, or ''."""
    if month is not None and not 1 <= month <= 12:
        return "bad_month"
    if day is not None:
        try:
            date(year, month or 1, day)
        except ValueError:
            return "bad_day"
    if year < min_year:
        return "before_min_year"
    written = (year, month or 0, day or 0)
    now = (today.year, today.month if month else 0, today.day if day else 0)
    if written > now:
        return "future"
    return ""


def parse_date(text: str | None, *, today: date | None = None, min_year: int = 1949) -> DateParse:
    """Parse a date as written on a form into a partial ISO date, or say why not."""
    raw = text or ""
    cleaned = _normalize(raw)
    if not cleaned:
        return DateParse(raw, None, None, ["empty"])
    parts = _split(cleaned)
    if parts is None:
        return DateParse(raw, None, None, ["unparseable"])
    year, ndigits, month, day = parts
    if year is None or ndigits < 4:
        return DateParse(raw, None, None, ["two_digit_year" if ndigits == 2 else "unparseable"])
    reason = _check(year, month, day, today or date.today(), min_year)
    if reason:
        return DateParse(raw, None, None, [reason])
    if day is not None and month is not None:
        return DateParse(raw, f"{year:04d}-{month:02d}-{day:02d}", "day")
    if month is not None:
        return DateParse(raw, f"{year:04d}-{month:02d}", "month")
    return DateParse(raw, f"{year:04d}", "year")


# ---- arithmetic on partial dates -------------------------------------------------


def _bounds(iso: str) -> tuple[date, date]:
    """Earliest and latest day a partial ISO date can denote."""
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        d = date(*parts)
        return d, d
    if len(parts) == 2:
        year, month = parts
        last = (date(year + (month == 12), month % 12 + 1, 1) - date(year, month, 1)).days
        return date(year, month, 1), date(year, month, last)
    return date(parts[0], 1, 1), date(parts[0], 12, 31)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_at(birth: str | None, on: str | None) -> int | None:
    """Completed years (周岁) on ``on``; ``None`` when partial dates leave it ambiguous."""
    if not birth or not on:
        return None
    try:
        b_lo, b_hi = _bounds(birth)
        o_lo, o_hi = _bounds(on)
    except ValueError:
        return None
    youngest, oldest = _age(b_hi, o_lo), _age(b_lo, o_hi)
    return youngest if youngest == oldest and youngest >= 0 else None


def birth_year_from_age(
    age: int, registration_date: str, *, nominal: bool = False
) -> tuple[int, int]:
    """Range of birth years (inclusive) of someone ``age`` years old at registration.

    ``nominal=True`` reads the age as 虚岁 (counted from 1 at birth, +1 at each
    lunar new year), which widens the range by one year at each end of the
    calendar year.
    """
    reg_lo, reg_hi = _bounds(registration_date)
    if nominal:
        return reg_lo.year - age, reg_hi.year - age + 2
    # Born after (reg - (age+1) years) and on/before (reg - age years).
    lo = reg_lo.year - age - 1
    if (reg_lo.month, reg_lo.day) == (12, 31):
        lo += 1
    return lo, reg_hi.year - age


_CN_DIGITS = "〇一二三四五六七八九"


def _cn_number(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[units] if units else "")


def format_chinese_date(iso: str) -> str:
    """``1953-03-12`` -> ``一九五三年三月十二日`` (partial dates: ``一九五三年三月``)."""
    parts = [int(p) for p in iso.split("-")]
    out = "".join(_CN_DIGITS[int(d)] for d in f"{parts[0]:04d}") + "年"
    if len(parts) > 1:
        out += _cn_number(parts[1]) + "月"
    if len(parts) > 2:
        out += _cn_number(parts[2]) + "日"
    return out
