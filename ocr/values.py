"""Reading field values out of recognized text: pure functions, str in -> value out.

These functions find a value inside noisy OCR text (``"1978年5月6日生"``,
``"身份证号:62O7221978O506123X"``) and say how they got it. OCR digit
confusions (O/0, l/1, I/1, Z/2, S/5, B/8, ×/X) are only undone where a
validator then confirms the result (ID check digit, a real calendar date), and
the caller is told so (``normalized=True``) to weigh confidence accordingly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from schemas.idnumber import IdCheck, normalize_id, parse_id

# Characters OCR engines put in place of digits (only applied inside digit runs).
DIGIT_CONFUSIONS = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "Q": "0",
        "D": "0",
        "〇": "0",
        "○": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "i": "1",
        "!": "1",
        "Z": "2",
        "z": "2",
        "S": "5",
        "s": "5",
        "B": "8",
        "b": "6",
        "g": "9",
        "q": "9",
        "×": "X",
        "x": "X",
        "Ｘ": "X",
    }
)
_FULLWIDTH = str.maketrans(
    {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
)
_CN_DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "O": 0,
    "o": 0,
    "0": 0,
    "Ｏ": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "貳": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "參": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "陸": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
_CN_DIGIT_CLASS = "〇○零Oo0Ｏ一二三四五六七八九两壹贰貳叁參肆伍陆陸柒捌玖"
_CN_NUM_CLASS = _CN_DIGIT_CLASS + "十拾廿"
EARLIEST_REGISTRATION = date(1949, 10, 1)


def halfwidth(text: str) -> str:
    """Full-width ASCII (``１２：``) to half-width; ideographic space to space."""
    return text.translate(_FULLWIDTH)


def chinese_number(text: str) -> int | None:
    """``"二十五"`` -> 25, ``"十二"`` -> 12, ``"一九"`` -> 19; None if not a number."""
    text = text.replace("拾", "十").replace("廿", "二十")
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        value = 0
        for ch in text:
            value = value * 10 + _CN_DIGITS[ch]
        return value
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


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
    rf"(?<![{_CN_DIGIT_CLASS}])([{_CN_DIGIT_CLASS}]{{3,4}})\s*年\s*([{_CN_NUM_CLASS}]{{1,3}})\s*月"
    rf"(?:\s*([{_CN_NUM_CLASS}]{{1,3}})\s*([日号號]|月(?=\s*$)|$))?"
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
_CN_SPECKS = re.compile(rf"(?<=[{_CN_NUM_CLASS}]){_SPECK}(?=[{_CN_NUM_CLASS}])")
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
        if _CN_DIGITS.get(numeral[0]) != 9:
            return None, False
        return chinese_number("一" + numeral), True
    if len(numeral) == 4 and numeral[0] == "二" and _CN_DIGITS.get(numeral[1]) == 9:
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


@dataclass(frozen=True)
class IdValue:
    """An ID-number candidate found in text, as printed and validated."""

    printed: str
    valid: bool
    errors: tuple[str, ...]
    start: int
    end: int
    normalized: bool = False


_ID_CHARS = "0-9OoIlZSBDQ|xX×Ｘ"
_ID_TOKEN = re.compile(rf"[{_ID_CHARS}]+")
_ID_JOIN = re.compile(r"[\s-]{0,2}")


def _id_runs(text: str) -> list[tuple[str, int, int]]:
    """Digit-like runs of 15 or 18 characters; up to 3 tokens split by spaces or hyphens join."""
    tokens = [(m.group(0), m.start(), m.end()) for m in _ID_TOKEN.finditer(text)]
    runs = []
    for i in range(len(tokens)):
        joined, start, end = tokens[i]
        if len(joined) in (15, 18):
            runs.append((joined, start, end))
            continue
        for j in range(i + 1, min(i + 3, len(tokens))):
            between = text[end : tokens[j][1]]
            if not _ID_JOIN.fullmatch(between):
                break
            joined += tokens[j][0]
            end = tokens[j][2]
            if len(joined) in (15, 18):
                runs.append((joined, start, end))
                break
            if len(joined) > 18:
                break
    return runs


def find_ids(text: str) -> list[IdValue]:
    """ID-number candidates (15 or 18 characters) in ``text``, best first.

    A run is kept as printed when it validates; otherwise OCR confusions are
    undone and the run is kept only if the result validates (``normalized``).
    Invalid digit runs of the right length are returned too (``valid=False``)
    so that a misread ID is reported, never silently dropped.
    """
    text = halfwidth(text)
    out: list[IdValue] = []
    for run, start, end in _id_runs(text):
        printed = run.upper() if run[-1] in "xX" else run
        check = parse_id(printed)
        if check.valid and not printed.isalnum():
            # ``parse_id`` drops marks it does not know: ``620|7|2|2770204300`` (cell
            # rules read as ``|``) validates as its 15 digits. The value is those digits
            # (normalized), never the 18 characters read: as printed it would pass for
            # an 18-digit ID and skip the confirmation a 15-digit one needs.
            out.append(IdValue(normalize_id(printed), True, (), start, end, normalized=True))
            continue
        if check.valid:
            out.append(IdValue(printed, True, (), start, end))
            continue
        fixed = run.translate(DIGIT_CONFUSIONS)
        fixed_check = parse_id(fixed) if fixed != printed else check
        if fixed_check.valid:
            out.append(IdValue(fixed, True, (), start, end, normalized=True))
        elif sum(ch.isdigit() for ch in run) >= len(run) - 1:
            out.append(IdValue(fixed, False, tuple(fixed_check.errors), start, end))
    out.sort(key=lambda v: (not v.valid, v.normalized))
    return out


_CERT_MODERN = re.compile(
    r"(?<![A-Z])(B?[JL])\s*[-－—]?\s*(\d{6})\s*[-－—]\s*(\d{4})\s*[-－—]\s*(\d{3,7})(?!\d)"
)
_CERT_LOCAL = re.compile(
    r"([(（]\s*\d{2,4}\s*[)）])?\s*([\u4e00-\u9fff]{1,5}字)\s*第\s*(\d{1,6})\s*[号號]"
)


@dataclass(frozen=True)
class CertValue:
    """A certificate number found in text."""

    value: str
    start: int
    end: int
    kind: str  # "modern" or "local"


def find_certificate_numbers(text: str) -> list[CertValue]:
    """Certificate numbers in ``text``: ``J620722-2005-000123`` and ``高民婚字第032号`` forms."""
    text = halfwidth(text)
    found = []
    for m in _CERT_MODERN.finditer(text):
        value = f"{m.group(1)}{m.group(2)}-{m.group(3)}-{m.group(4)}"
        found.append(CertValue(value, m.start(), m.end(), "modern"))
    for m in _CERT_LOCAL.finditer(text):
        prefix = re.sub(r"\s", "", m.group(1) or "").replace("（", "(").replace("）", ")")
        value = f"{prefix}{m.group(2)}第{m.group(3)}号"
        if "號" in m.group(0):
            value = value[:-1] + "號"
        found.append(CertValue(value, m.start(), m.end(), "local"))
    return found


_AGE = re.compile(rf"(?<![0-9])(\d{{1,3}}|[{_CN_NUM_CLASS}]{{1,4}})\s*(?:周岁|週歲|岁|歲)?")


def find_age(text: str) -> int | None:
    """An age written as ``25``, ``25岁`` or ``二十五歲``; None when absent or implausible."""
    text = halfwidth(text).strip()
    for m in _AGE.finditer(text):
        raw = m.group(1)
        value = int(raw) if raw.isdigit() else chinese_number(raw)
        if value is not None and 12 <= value <= 110:
            return value
    return None


def find_sex(text: str) -> str | None:
    """``"男"`` -> "M", ``"女"`` -> "F"; None if the text is not one sex."""
    text = re.sub(r"[\s:：.,，。()（）□☑√✓]", "", halfwidth(text))
    text = text.removesuffix("性")
    if text in ("男", "M", "男方"):
        return "M"
    if text in ("女", "F", "女方"):
        return "F"
    return None


_NAME_STRIP = re.compile(
    r"^[\s:：;；,，.。、·•()（）\[\]【】|_\-—]+|[\s:：;；,，.。、·•()（）\[\]【】|_\-—]+$"
)


def is_cjk(ch: str) -> bool:
    """True for CJK ideographs, including the extension blocks (rare name characters)."""
    cp = ord(ch)
    return (
        0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or 0x20000 <= cp <= 0x3FFFF or ch in "〇"
    )


def clean_name(text: str) -> str | None:
    """The name inside ``text``: punctuation trimmed; None unless 2-6 CJK characters."""
    value = _NAME_STRIP.sub("", halfwidth(text)).replace(" ", "").replace("·", "")
    if not 2 <= len(value) <= 6 or not all(is_cjk(ch) for ch in value):
        return None
    return value


# The 56 ethnic groups of GB 3304, as their simplified names without 族.
ETHNIC_GROUPS = frozenset(
    [
        "汉",
        "蒙古",
        "回",
        "藏",
        "维吾尔",
        "苗",
        "彝",
        "壮",
        "布依",
        "朝鲜",
        "满",
        "侗",
        "瑶",
        "白",
        "土家",
        "哈尼",
        "哈萨克",
        "傣",
        "黎",
        "傈僳",
        "佤",
        "畲",
        "高山",
        "拉祜",
        "水",
        "东乡",
        "纳西",
        "景颇",
        "柯尔克孜",
        "土",
        "达斡尔",
        "仫佬",
        "羌",
        "布朗",
        "撒拉",
        "毛南",
        "仡佬",
        "锡伯",
        "阿昌",
        "普米",
        "塔吉克",
        "怒",
        "乌孜别克",
        "俄罗斯",
        "鄂温克",
        "德昂",
        "保安",
        "裕固",
        "京",
        "塔塔尔",
        "独龙",
        "鄂伦春",
        "赫哲",
        "门巴",
        "珞巴",
        "基诺",
    ]
)


def clean_ethnicity(text: str) -> str | None:
    """The ethnic group as its standard simplified name: ``"漢族"`` / ``"汉"`` -> ``"汉"``.

    Unlike names, an ethnicity is a category from a fixed list (GB 3304), so it is
    normalized (simplified script, without the ``族`` suffix) and must be on the
    list: an OCR fragment such as ``藏五藏族`` is no ethnicity. None otherwise.
    """
    from schemas.names import to_simplified

    value = _NAME_STRIP.sub("", halfwidth(text)).replace(" ", "")
    if not 1 <= len(value) <= 6 or not all(is_cjk(ch) for ch in value):
        return None
    value = to_simplified(value)
    value = value[:-1] if len(value) > 1 and value.endswith("族") else value
    return value if value in ETHNIC_GROUPS else None


# An issuing office names its administrative level (province, city, county,
# district, banner, township …) before the agency: 高台县民政局, not 高台民政局;
# and ends with the agency: a government, civil-affairs bureau or section,
# (revolutionary, people's) committee, registry or sub-district office.
OFFICE_UNIT = re.compile(r"[省市县縣区區旗州盟乡鄉镇鎮]|街道")
OFFICE_END = re.compile(
    r"(?:政府|民政局|民政科|民政股|委员会|委員會|登记处|登記處|办事处|辦事處|公所)$"
)


def clean_office(text: str) -> str | None:
    """An office name such as ``高台县民政局``; None unless 3+ CJK characters naming
    an administrative level (县, 市, 省, 区, 乡, 镇 …) and ending with an agency:
    ``高台民政局`` lost its 县, ``高台县革命会`` its 委员. A name read twice keeps its
    valid copy (:func:`ocr.office.undoubled_office`)."""
    from ocr.office import undoubled_office

    value = _NAME_STRIP.sub("", halfwidth(text)).replace(" ", "")
    if len(value) < 3 or not all(is_cjk(ch) or ch in "()（）" for ch in value):
        return None
    single = undoubled_office(value, _valid_office)
    return single if single is not None and _valid_office(single) else None


def _valid_office(value: str) -> bool:
    """A level, an agency at the end, and only agency words after the last level
    (``高台县大民委员会``: 人 read 大, :func:`ocr.office.agency_is_known`)."""
    from ocr.office import agency_is_known

    return bool(OFFICE_UNIT.search(value) and OFFICE_END.search(value)) and agency_is_known(value)


def id_states_birth_date(check: IdCheck, printed: str) -> bool:
    """True when the valid ID ``check`` states the printed birth date ``printed``.

    At least the year and month must be printed (出生年月 forms give no day); those
    must match the ID's date.
    """
    return (
        check.valid
        and check.birth_date is not None
        and len(printed) >= 7
        and check.birth_date.isoformat().startswith(printed)
    )
