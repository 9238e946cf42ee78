"""Dates in recognized text: pure functions, str in -> :class:`DateValue`.

A date is kept only when it is a real calendar date (1850-2100; registrations
start on :data:`EARLIEST_REGISTRATION`). Arabic and Chinese numerals are both
read. What a scan does to a written date is undone only where the result is
still one real date, and every such repair is reported on the value
(``normalized``; ``year_only_normalized`` when all of it was in the year, which
a second source such as the certificate's year can confirm; ``mark_repaired``
when a lost or misread 日 or separator was put back): O/0-style digit
confusions, specks read as punctuation or as a digit between numerals, a lost
leading 一 of 一九, a separator or 月 lost between year and month (when one
split of the digits is a real date), a lost month-day separator, one digit too
many in front of a registration year, and a 日 lost at the end of its box
(then only a day that cannot have lost a digit is kept).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ocr.values import (
    CN_DIGIT_CLASS,
    CN_DIGITS,
    CN_NUM_CLASS,
    DIGIT_CONFUSIONS,
    chinese_number,
    halfwidth,
)

EARLIEST_REGISTRATION = date(1949, 10, 1)


@dataclass(frozen=True)
class DateValue:
    """A date found in text: ISO (possibly partial), where it was, and how."""

    iso: str
    start: int
    end: int
    normalized: bool = False
    chinese: bool = False
    year_only_normalized: bool = False  # every undone confusion was in the year
    mark_repaired: bool = False  # a lost or misread 日 or separator was put back


def _real_date(year: int, month: int | None, day: int | None) -> bool:
    if not 1850 <= year <= 2100:
        return False
    if month is None:
        return True
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _iso(year: int, month: int | None, day: int | None) -> str:
    if month is None:
        return f"{year:04d}"
    if day is None:
        return f"{year:04d}-{month:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}"


_D = r"[0-9OoIlZSB!|]"
# A speck read as punctuation inside one number: between the two digits of a day
# (``2024-05-2.7``, not the 2nd followed by noise) or between Chinese numerals
# (``一，九五四年六月二十，一日``, _CN_SPECKS).
_SPECK = r"[,，.。、·]"
_ARABIC_DATE = re.compile(
    rf"(?<![0-9])({_D}{{4}})\s*(?:年|\.|-|/)\s*({_D}{{1,2}})\s*"
    rf"(?:(月|\.|-|/)\s*(?:({_D}{_SPECK}{_D}|{_D}{{1,2}})\s*(日?))?)?"
)
_CN_DATE = re.compile(
    rf"(?<![{CN_DIGIT_CLASS}])([{CN_DIGIT_CLASS}]{{3,4}})\s*年\s*([{CN_NUM_CLASS}]{{1,3}})\s*月"
    rf"(?:\s*([{CN_NUM_CLASS}]{{1,3}})\s*([日号號]|月(?=\s*$)|$))?"
)
# Space-separated year and month with an explicit month-day separator
# (``1994 11.14``, ``2002 12-26``): a separator the scan lost, read only with
# that second separator present.
_SPACED_DATE = re.compile(
    rf"(?<![0-9])({_D}{{4}})\s+({_D}{{1,2}})\s*([.\-/月])\s*({_D}{{1,2}})(?![0-9])\s*(日?)"
)
# A date whose separator between year and month was lost (``19937.11``: 1993.7.11)
# or whose 月 was (``1961年419日``): the year has four digits, so the digits after
# it split into month and day in at most one way that gives a real date
# (``1961年119日`` splits two ways, 1-19 or 11-9, and gives none).
_GLUED_MONTH = re.compile(
    rf"(?<![0-9])({_D}{{4}})({_D}{{1,2}})\s*([.\-/])\s*({_D}{{1,2}})(?![0-9]|\s*[.\-/]\s*[0-9])"
)
_LOST_MONTH_MARK = re.compile(rf"(?<![0-9])({_D}{{4}})\s*年\s*({_D}{{2,4}})\s*日")
# A date whose separator between month and day was lost (``2019-0510``) or crossed
# by a seal line and read ``+`` (``2007-01+02``). Without a separator, month and
# day must be two digits each, so the four digits split one way only.
_LOST_DAY_MARK = re.compile(
    rf"(?<![0-9])({_D}{{4}})\s*[.\-/]\s*(?:({_D}{{2}})({_D}{{2}})|({_D}{{1,2}})\s*\+\s*({_D}{{1,2}}))"
    r"(?![0-9])"
)
_CN_SPECKS = re.compile(rf"(?<=[{CN_NUM_CLASS}]){_SPECK}(?=[{CN_NUM_CLASS}])")
# An Arabic digit read between a Chinese-numeral year and its 年 (``一九六四9年``): a
# speck; the four numerals are the year.
# Likewise one between two Chinese numerals (``八月三十3一日``).
_CN_YEAR_STRAY = re.compile(
    r"(?<=[〇○零一二三四五六七八九]{4})[0-9](?=\s*年)"
    r"|(?<=[〇○零一二三四五六七八九十])[0-9](?=[〇○零一二三四五六七八九十])"
)


def _cn_year(numeral: str) -> tuple[int | None, bool]:
    """The year of a Chinese-numeral year; (year, True) when its leading 一 was misread.

    A registration year is 一九xx or 二〇xx: three numerals starting with 九
    (``九五一年``) can only be 一九五一 with the thin first stroke lost, and
    ``二九五二`` only 一九五二 with a speck read as a second stroke.
    """
    if len(numeral) == 3:
        if CN_DIGITS.get(numeral[0]) != 9:
            return None, False
        return chinese_number("一" + numeral), True
    if len(numeral) == 4 and numeral[0] == "二" and CN_DIGITS.get(numeral[1]) == 9:
        # 二九五二: no year is 29xx; the 一 of 一九 took a second stroke (a speck)
        return chinese_number("一" + numeral[1:]), True
    return chinese_number(numeral), False


def _day_complete(numeral: str) -> bool:
    """True when no numeral appended to ``numeral`` still gives a day of the month.

    A date whose 日 was lost at the end of its box may also have lost the end
    of its day: ``七月五`` is the 5th, but ``七月二`` may have been the 2nd or the 20s.
    """
    return all(
        (n := chinese_number(numeral + extra)) is None or n > 31 for extra in "一二三四五六七八九十"
    )


def _digits(raw: str) -> str | None:
    fixed = raw.translate(DIGIT_CONFUSIONS)
    return fixed if fixed.isdigit() else None


def _glued_dates(text: str) -> list[DateValue]:
    """Dates that lost the mark between year and month (see :data:`_GLUED_MONTH`),
    each ``normalized``: a separator was put back."""
    found = []
    for m in _GLUED_MONTH.finditer(text):
        parts = [_digits(g) for g in (m.group(1), m.group(2), m.group(4))]
        if None in parts:
            continue
        year, month, day = (int(str(g)) for g in parts)
        if _real_date(year, month, day):
            found.append(DateValue(_iso(year, month, day), m.start(), m.end(), normalized=True))
    for m in _LOST_MONTH_MARK.finditer(text):
        year_digits, rest = _digits(m.group(1)), _digits(m.group(2))
        if year_digits is None or rest is None:
            continue
        year = int(year_digits)
        splits = [
            (int(rest[:cut]), int(rest[cut:]))
            for cut in (1, 2)
            if cut < len(rest) and len(rest) - cut <= 2
        ]
        real = [(mo, d) for mo, d in splits if _real_date(year, mo, d)]
        if len(real) == 1:
            month, day = real[0]
            found.append(DateValue(_iso(year, month, day), m.start(), m.end(), normalized=True))
    return found


def _lost_day_marks(text: str) -> list[DateValue]:
    """Dates whose month-day separator was lost or read ``+`` (:data:`_LOST_DAY_MARK`),
    each ``normalized`` and ``mark_repaired``."""
    found = []
    for m in _LOST_DAY_MARK.finditer(text):
        month_day = (m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))
        parts = [_digits(g) for g in (m.group(1), *month_day)]
        if None in parts:
            continue
        year, month, day = (int(str(g)) for g in parts)
        if _real_date(year, month, day):
            iso = _iso(year, month, day)
            found.append(DateValue(iso, m.start(), m.end(), normalized=True, mark_repaired=True))
    return found


def completed_later(text: str, first: DateValue) -> DateValue | None:
    """The same year and month as ``first`` (a date read without its day), written
    again later in ``text`` WITH a day: ``1974.9李241974.9.24``, a struck-out date
    and its correction in one cell, where the first reading stopped at the strike.
    None when ``first`` has its day or nothing later completes it."""
    if len(first.iso) != 7:
        return None
    text = halfwidth(text)
    year, month = first.iso[:4], int(first.iso[5:7])
    pattern = rf"{year}\s*[.\-/年]\s*0?{month}\s*[.\-/月]\s*(\d{{1,2}})(?!\d)"
    for m in re.finditer(pattern, text[first.end :]):
        day = int(m.group(1))
        if _real_date(int(year), month, day):
            start = first.end + m.start()
            return DateValue(_iso(int(year), month, day), start, first.end + m.end())
    return None


def find_dates(text: str) -> list[DateValue]:
    """Every real calendar date written in ``text`` (Arabic or Chinese numerals)."""
    text = halfwidth(text)
    specked = bool(_CN_SPECKS.search(text) or _CN_YEAR_STRAY.search(text))
    if specked:
        text = _CN_YEAR_STRAY.sub("", _CN_SPECKS.sub("", text))
    found: list[DateValue] = []
    for m in _CN_DATE.finditer(text):
        year, year_lost = _cn_year(m.group(1))
        month = chinese_number(m.group(2))
        day = chinese_number(m.group(3)) if m.group(3) else None
        if m.group(3) and not m.group(4) and not _day_complete(m.group(3)):
            day = None  # 日 lost at the end of the box, and maybe more of the day
        if year is not None and month is not None and _real_date(year, month, day):
            # 一十 is no way to write a date's 10: a stroke of 二十 / 三十 was lost
            doubtful = any(g and "一十" in g for g in (m.group(2), m.group(3)))
            day_mark = m.group(4) == "月"  # 十二月二月: the day's 日 read 月, last in the text
            found.append(
                DateValue(
                    _iso(year, month, day),
                    m.start(),
                    m.end(),
                    normalized=specked or doubtful or year_lost or day_mark,
                    chinese=True,
                    year_only_normalized=year_lost and not (specked or doubtful or day_mark),
                    mark_repaired=day_mark,
                )
            )
    for m in _SPACED_DATE.finditer(text):
        raw = [m.group(1), m.group(2), m.group(4)]
        fixed = [g.translate(DIGIT_CONFUSIONS) for g in raw]
        if not all(g.isdigit() for g in fixed):
            continue
        year, month, day = (int(g) for g in fixed)
        if _real_date(year, month, day):
            found.append(DateValue(_iso(year, month, day), m.start(), m.end(), normalized=True))
    for m in _ARABIC_DATE.finditer(text):
        raw = [m.group(1), m.group(2), m.group(4)]
        day_specked = bool(raw[2] and re.search(_SPECK, raw[2]))
        if day_specked:
            raw[2] = re.sub(_SPECK, "", raw[2])
        fixed = [g.translate(DIGIT_CONFUSIONS) if g else None for g in raw]
        if not all(g is None or g.isdigit() for g in fixed):
            continue
        year, month = int(fixed[0] or 0), int(fixed[1] or 0)
        day = int(fixed[2]) if fixed[2] else None
        if day is not None and m.group(3) == "月" and not m.group(5) and day * 10 <= 31:
            day, raw[2] = None, None  # 1982年2月1: 日 lost, and maybe a digit of the day
        if not _real_date(year, month, day):
            continue
        in_parts = [g is not None and not g.isdigit() for g in raw]
        found.append(
            DateValue(
                _iso(year, month, day),
                m.start(),
                m.end(),
                normalized=any(in_parts) or day_specked,
                year_only_normalized=in_parts[0] and not (any(in_parts[1:]) or day_specked),
            )
        )
    found += _glued_dates(text)
    found += _lost_day_marks(text)
    found += _extra_leading_digit(text)
    # a month read without its day (``2019-05`` of ``2019-0510``) where a full date
    # starts at the same place is that date's beginning, not a date of its own
    full_starts = {(d.start, d.iso[:7]) for d in found if len(d.iso) == 10}
    found = [d for d in found if len(d.iso) == 10 or (d.start, d.iso[:7]) not in full_starts]
    found.sort(key=lambda d: d.start)
    return found


# A mark read as a digit right before a four-digit year (``72021年11月5日``,
# ``12021年12月22日``): the year is the last four digits when only they make a year
# a registration could have.
_EXTRA_LEAD = re.compile(r"(?<![0-9])([0-9])([0-9]{4})(?=\s*年)")


def is_registration_year(digits: str) -> bool:
    """True when the year ``digits`` is one a registration could have (1949 to now)."""
    return EARLIEST_REGISTRATION.year <= int(digits) <= date.today().year


def _extra_leading_digit(text: str) -> list[DateValue]:
    """Dates whose year carries one digit too many in front (see :data:`_EXTRA_LEAD`),
    each ``normalized``: a digit was dropped."""
    found = []
    for m in _EXTRA_LEAD.finditer(text):
        as_read, without_lead = (m.group(1) + m.group(2))[:4], m.group(2)
        if is_registration_year(as_read) or not is_registration_year(without_lead):
            continue
        for d in find_dates(text[m.start(2) :]):
            if d.start == 0:
                start, end = m.start(), m.start(2) + d.end
                found.append(DateValue(d.iso, start, end, normalized=True))
            break
    return found


def speck_in_year_only(text: str) -> DateValue | None:
    """The full date of ``text`` when its one repair is a speck inside its year.

    ``一九五，八年五月二十六日``: a comma read between the numerals of the year
    (before 年) and nowhere else, and nothing else undone (no lost leading 一, no
    ``一十``). The speck changes no numeral; the year as read still needs a second
    source (the certificate's year) before it is taken as sure. None otherwise.
    """
    text = halfwidth(text)
    cut = text.find("年")
    specks = [m.start() for m in _CN_SPECKS.finditer(text)]
    if cut < 0 or not specks or any(pos > cut for pos in specks):
        return None
    dates = [d for d in find_dates(_CN_SPECKS.sub("", text)) if len(d.iso) == 10]
    return dates[0] if dates and not dates[0].normalized else None
