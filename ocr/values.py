"""Reading field values out of recognized text: pure functions, str in -> value out.

These functions find a value inside noisy OCR text (``"二十五歲"``, ``"高民婚字第032号"``,
``"：段琴𠮷"``) and say how they got it. OCR digit confusions (O/0, l/1, I/1, Z/2,
S/5, B/8, ×/X) are only undone where a validator then confirms the result (ID
check digit, a real calendar date), and the caller is told so (``normalized=True``)
to weigh confidence accordingly.

This module holds the text helpers every finder shares (half-width folding, the
digit confusions, Chinese numerals) and the finders of the small fields:
certificate numbers, age, sex, names, ethnicity and office. Dates are read in
:mod:`ocr.date_values`, ID numbers in :mod:`ocr.id_values`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Characters OCR engines put in place of digits (only applied inside digit runs).
DIGIT_CONFUSIONS = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "Q": "0",
        "D": "0",
        "ρ": "0",  # a 0 printed across a cell rule (PP-OCRv6)
        "〇": "0",
        "○": "0",
        "°": "0",  # a 0 printed high in its cell
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
    {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
    | {"\u3000": " "}
    # a digit printed low or high in its cell read as a sub- or superscript
    # (``62072375102420₄``, ``6 2 07 2 ² 70…``)
    | dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉", "01234567890123456789", strict=True))
)
CN_DIGITS = {
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
CN_DIGIT_CLASS = "〇○零Oo0Ｏ一二三四五六七八九两壹贰貳叁參肆伍陆陸柒捌玖"
CN_NUM_CLASS = CN_DIGIT_CLASS + "十拾廿"


def halfwidth(text: str) -> str:
    """Full-width ASCII (``１２：``) to half-width; ideographic space to space;
    sub- and superscript digits to digits."""
    return text.translate(_FULLWIDTH)


def chinese_number(text: str) -> int | None:
    """``"二十五"`` -> 25, ``"十二"`` -> 12, ``"一九"`` -> 19; None if not a number."""
    text = text.replace("拾", "十").replace("廿", "二十")
    if not text or any(ch not in CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        value = 0
        for ch in text:
            value = value * 10 + CN_DIGITS[ch]
        return value
    tens, _, ones = text.partition("十")
    if "十" in ones or len(tens) > 1 or len(ones) > 1:
        return None
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


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


_AGE = re.compile(rf"(?<![0-9])(\d{{1,3}}|[{CN_NUM_CLASS}]{{1,4}})\s*(?:周岁|週歲|岁|歲)?")


def _ages(text: str) -> Iterator[tuple[int, bool]]:
    """Every plausible age written in ``text``, and whether it carries its 岁/歲."""
    for m in _AGE.finditer(halfwidth(text).strip()):
        raw = m.group(1)
        value = int(raw) if raw.isdigit() else chinese_number(raw)
        if value is not None and 12 <= value <= 110:
            yield value, bool(re.search("[岁歲]", m.group(0)))


def find_age(text: str) -> int | None:
    """An age written as ``25``, ``25岁`` or ``二十五歲``; None when absent or implausible."""
    return next((value for value, _marked in _ages(text)), None)


def corrected_age(text: str) -> int | None:
    """The later of two different ages, each written with its 岁/歲, in one cell
    (``四十七歲四十八歲``: a struck-out age and its correction, the first reading going
    through the strike); None when the cell holds one age."""
    ages = [value for value, marked in _ages(text) if marked]
    return ages[-1] if len(set(ages)) > 1 else None


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
_AGENCY_WORDS = re.compile(r"政府|民政|政科|政局|政股|委员|委員|登记|登記|办事|辦事|公所")
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

    unit = OFFICE_UNIT.search(value)
    if unit is None or not OFFICE_END.search(value) or not agency_is_known(value):
        return False
    # a place before its level (县民政局 lost it), and no agency words in it
    # (七政科高臺縣…: a neighbour's scrap read before the office)
    place = value[: unit.start()]
    return bool(place) and not _AGENCY_WORDS.search(place)
