"""How values are written on the forms of each era: dates, numbers, script, labels.

Pure functions over strings. The 1950-55 era is written in traditional
characters; everything later in simplified. Label wording varies between form
printings, so each label has several variants the OCR side must accept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import cast

import numpy as np

_DIGITS = "〇一二三四五六七八九"


def _to_traditional_opencc(text: str) -> str:
    import opencc  # opencc-python-reimplemented

    return str(opencc.OpenCC("s2t").convert(text))


def _converter() -> Callable[[str], str]:
    """The schemas package's normalizer when it exists, else OpenCC directly."""
    try:
        from schemas.names import to_traditional as schema_to_traditional  # type: ignore
    except ImportError:  # depends on the build order of the team
        return _to_traditional_opencc
    return cast(Callable[[str], str], schema_to_traditional)


@lru_cache(maxsize=4096)
def to_traditional(text: str) -> str:
    """Simplified -> traditional script (characters outside the table stay)."""
    return _converter()(text)


def in_script(text: str, traditional: bool) -> str:
    """``text`` (simplified) in the script of the era."""
    return to_traditional(text) if traditional else text


def chinese_year(year: int, zero: str = "〇") -> str:
    """1953 -> 一九五三 (digit by digit, as years are written)."""
    return "".join(_DIGITS[int(d)] for d in str(year)).replace("〇", zero)


def chinese_number(n: int) -> str:
    """1..99 as counted: 12 -> 十二, 20 -> 二十, 31 -> 三十一."""
    if not 0 < n < 100:
        raise ValueError("chinese_number covers 1..99")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def chinese_date(d: date, zero: str = "〇") -> str:
    """一九五三年三月十二日."""
    return f"{chinese_year(d.year, zero)}年{chinese_number(d.month)}月{chinese_number(d.day)}日"


DATE_STYLES = ("chinese", "ymd_cn", "ymd_cn_padded", "dotted", "iso")


def format_date(d: date, style: str, zero: str = "〇") -> str:
    """A date as written in one of :data:`DATE_STYLES`."""
    if style == "chinese":
        return chinese_date(d, zero)
    if style == "ymd_cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "ymd_cn_padded":
        return f"{d.year}年{d.month:02d}月{d.day:02d}日"
    if style == "dotted":
        return f"{d.year}.{d.month}.{d.day}"
    if style == "iso":
        return d.isoformat()
    raise ValueError(f"unknown date style {style!r}")


def format_month(d: date, style: str) -> str:
    """Year and month only (出生年月 fields)."""
    if style == "chinese":
        return f"{chinese_year(d.year)}年{chinese_number(d.month)}月"
    if style == "dotted":
        return f"{d.year}.{d.month}"
    return f"{d.year}年{d.month}月"


def format_age(age: int, chinese: bool, traditional: bool) -> str:
    """An age as written: 二十五歲 / 25岁 / 25."""
    if chinese:
        return chinese_number(age) + ("歲" if traditional else "岁")
    return str(age)


# Label variants per field (simplified; converted for the traditional era).
LABELS: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "sex": ("性别",),
    "age": ("年龄", "年岁"),
    "birth": ("出生日期", "出生年月"),
    "id": ("身份证件号", "身份证号", "公民身份号码", "身份证件号码"),
    "ethnicity": ("民族",),
    "occupation": ("职业", "工作单位及职业"),
    "address": ("住址", "户籍所在地", "常住户口所在地"),
    "date": ("登记日期", "登记时间", "批准日期"),
    "cert": ("结婚证字号", "证书编号", "证号", "结婚证号"),
    "office": ("登记机关", "婚姻登记机关", "发证机关"),
    "husband": ("男方",),
    "wife": ("女方",),
}


def pick_labels(rng: np.random.Generator, traditional: bool, record_type: str) -> dict[str, str]:
    """One consistent label wording for one printed form."""
    out: dict[str, str] = {}
    for key, variants in LABELS.items():
        text = variants[int(rng.integers(len(variants)))]
        if key == "cert" and record_type == "divorce":
            text = text.replace("结婚", "离婚")
        out[key] = in_script(text, traditional)
    return out
