"""Personal names: script folding, pinyin, look-alike keys (pure functions).

Names on these forms are 2-4 CJK characters, so edit distance is useless for
matching; instead every name is *expanded* into keys (:func:`name_keys`) and a
record matches a query when one of its keys equals one of the query's keys.
The same function runs at index time and at query time in every search
backend, so it is deterministic and cached.

Decisions (see docs/validators.md):

* Script folding uses OpenCC ``t2s`` and keeps every character OpenCC does not
  know (rare CJK Extension B+ characters pass intact). For names only,
  :func:`simplify_name` keeps ``乾`` (in names it is always *qián*, which
  simplified Chinese writes 乾; OpenCC would give 干), keeps a leading ``於``
  (a surname in its own right, kept by the 2013 通用规范汉字表) and folds
  ``锺`` to ``钟`` (how mainland registers write the surname Zhong).
* Pinyin is lowercase, toneless, without spaces; ``ü`` is emitted as ``v``,
  ``u`` and ``yu`` (pinyin input, older passports and post-2012 passports).
  The surname is read with its surname reading (单 shan, 曾 zeng, ...), plus the
  common reading for polyphones people often misread.
* Characters pypinyin does not know stay as themselves inside pinyin keys.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin

# ---- script ------------------------------------------------------------------------


@cache
def _converter(config: str):  # type: ignore[no-untyped-def]
    import opencc  # imported lazily: building the converter reads its dictionaries

    converter = opencc.OpenCC(config)
    # OpenCC loads its dictionaries on the first convert(); do it here, before the
    # object is shared, so concurrent first calls (web threads) never see a
    # half-loaded dictionary chain.
    converter.convert("中")
    return converter


def _convert(text: str, config: str) -> str:
    if not text:
        return text
    out = _converter(config).convert(text)
    if len(out) != len(text):
        # OpenCC only maps characters one to one for names; if a phrase rule ever
        # changes the length, fall back to character-by-character conversion so
        # that no character (rare ones included) is lost.
        out = "".join(_converter(config).convert(ch) or ch for ch in text)
    return out


def to_simplified(text: str) -> str:
    """Traditional -> simplified (OpenCC t2s); characters OpenCC does not know stay."""
    return _convert(text, "t2s")


def to_traditional(text: str) -> str:
    """Simplified -> traditional (OpenCC s2t); characters OpenCC does not know stay."""
    return _convert(text, "s2t")


@cache
def _s2t_candidates() -> dict[str, tuple[str, ...]]:
    """OpenCC's simplified -> traditional character table (every candidate, in order)."""
    from pathlib import Path

    import opencc

    table: dict[str, tuple[str, ...]] = {}
    path = Path(opencc.__file__).parent / "dictionary" / "STCharacters.txt"
    for row in path.read_text(encoding="utf-8").splitlines():
        simplified, _, forms = row.partition("\t")
        if simplified and forms:
            table[simplified] = tuple(forms.split())
    return table


def traditional_spelling(name: str) -> str | None:
    """The one traditional-script spelling of ``name``, or None when it is ambiguous.

    OCR models trained mostly on simplified text answer simplified characters for
    many traditional glyphs (蔣 read as 蒋). On a form printed in traditional
    script such a name can be written back, but only character by character where
    the simplified character has exactly one traditional form (蒋 -> 蔣, 刘 -> 劉);
    钟 (鍾 or 鐘), 范 (範 or 范), 发 (發 or 髮) make the name ambiguous: None.
    """
    table = _s2t_candidates()
    out = []
    for ch in clean_name(name):
        forms = table.get(ch, (ch,))
        if len(forms) != 1:
            return None
        out.append(forms[0])
    return "".join(out)


def script_twin(ch: str) -> str | None:
    """The same character in the other script when the pair is one to one (鲁 <-> 魯,
    黄 <-> 黃); None for a character written alike in both scripts, or whose
    simplified form has more than one traditional form (升: 升 or 昇; 发: 發 or 髮)."""
    table = _s2t_candidates()
    forms = table.get(ch)
    if forms is not None:
        return forms[0] if len(forms) == 1 and forms[0] != ch else None
    simplified = to_simplified(ch)
    if simplified != ch and table.get(simplified) == (ch,):
        return simplified
    return None


# Characters that OpenCC folds but that names keep (why: module docstring).
_NAME_KEEP_ANYWHERE = frozenset("乾")
_NAME_KEEP_AS_SURNAME = frozenset("於")
# OpenCC gives 锺 for 鍾 (the 2013 standard's surname form), but nearly every
# mainland register and ID card writes the surname Zhong as 钟: fold to that.
_NAME_FOLD = {"锺": "钟"}

_DOTS = re.compile(r"[·•‧・⋅∙．.]")
_SPACE = re.compile(r"\s+")


def clean_name(name: str | None, form: str = "NFKC") -> str:
    """Unicode ``form`` (NFKC folds full-width letters and Kangxi radicals), no
    whitespace, one kind of middle dot."""
    if not name:
        return ""
    text = unicodedata.normalize(form, name)  # type: ignore[arg-type]
    text = _SPACE.sub("", text)
    return _DOTS.sub("·", text).strip("·")


@lru_cache(maxsize=65536)
def simplify_name(name: str) -> str:
    """The simplified form of a name (``name_simplified`` of the record model)."""
    text = clean_name(name)
    out = list(to_simplified(text))
    for i, ch in enumerate(text):
        if ch in _NAME_KEEP_ANYWHERE or (i == 0 and ch in _NAME_KEEP_AS_SURNAME):
            out[i] = ch
    return "".join(_NAME_FOLD.get(ch, ch) for ch in out)


# ---- surnames ----------------------------------------------------------------------

# Two-character surnames (复姓), simplified script.
_COMPOUND_SURNAMES_TEXT = """
欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 夏侯 长孙 宇文 司徒 司空 令狐 轩辕
端木 独孤 南宫 西门 万俟 闻人 赫连 澹台 公冶 宗政 濮阳 太史 申屠 钟离 呼延 淳于
百里 东郭 左丘 拓跋 第五 梁丘 公羊 谷梁 乐正 漆雕 壤驷 巫马 司寇 亓官 仲孙 羊舌
微生 公良 公西 贺兰
"""
COMPOUND_SURNAMES: frozenset[str] = frozenset(_COMPOUND_SURNAMES_TEXT.split())

# Surname readings of polyphonic characters, preferred first. Only the first
# character of a name is read this way.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "仇": ("qiu",),
    "区": ("ou",),
    "朴": ("piao",),
    "查": ("zha",),
    "盖": ("ge",),
    "繁": ("po",),
    "覃": ("qin",),
    "尉迟": ("yuchi",),
    "万俟": ("moqi",),
    "长孙": ("zhangsun",),
    "乐": ("yue", "le"),
    "翟": ("zhai", "di"),
    "召": ("shao",),
    "缪": ("miao",),
    "秘": ("bi",),
    "种": ("chong",),
    "折": ("she",),
    "黑": ("he",),
    "员": ("yun",),
    "句": ("gou",),
    "阚": ("kan",),
    "隗": ("wei",),
    "尉": ("wei",),
    "郇": ("huan", "xun"),
    "冼": ("xian",),
    "洗": ("xian",),
    "任": ("ren",),
    "华": ("hua",),
    "相": ("xiang",),
    "车": ("che",),
    "石": ("shi",),
    "柏": ("bai",),
    "薄": ("bo",),
    "宿": ("su",),
    "重": ("chong",),
    "那": ("na",),
    "能": ("nai",),
    "过": ("guo",),
    "瞿": ("qu",),
    "贲": ("ben",),
    "逄": ("pang",),
    "沈": ("shen",),
    "曲": ("qu",),
    "燕": ("yan",),
    "纪": ("ji",),
    "蔺": ("lin",),
}

# Polyphones whose everyday reading is also accepted at the surname position:
# people (and other systems) often romanize them that way.
_SURNAME_COMMON_TOO = frozenset("单曾解仇区朴查盖覃翟乐缪种")


def split_name(name: str | None) -> tuple[str, str]:
    """(surname, given name), both simplified. Compound surnames need >= 3 characters.

    Names with a middle dot (e.g. 阿依古丽·买买提) and single characters have no
    separable surname: ``("", name)``.
    """
    text = simplify_name(name or "")
    if len(text) < 2 or "·" in text:
        return "", text
    if len(text) >= 3 and text[:2] in COMPOUND_SURNAMES:
        return text[:2], text[2:]
    return text[:1], text[1:]


# ---- pinyin ----------------------------------------------------------------------------

_MAX_VARIANTS = 32
_U_FORMS = ("v", "u", "yu")


def _strip_tone(reading: str) -> str:
    decomposed = unicodedata.normalize("NFD", reading).replace("u\u0308", "v")
    decomposed = decomposed.replace("U\u0308", "v")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def _u_forms(syllable: str) -> list[str]:
    if "v" not in syllable:
        return [syllable]
    return [syllable.replace("v", form) for form in _U_FORMS]


# Characters common in given names that are read two ways in names. Only these
# get a second reading: pypinyin's full heteronym lists (明 meng, 信 shen, ...)
# would flood pinyin search with readings nobody uses in a name.
GIVEN_NAME_READINGS: dict[str, tuple[str, ...]] = {
    "乐": ("le", "yue"),
    "行": ("xing", "hang"),
    "长": ("chang", "zhang"),
    "重": ("zhong", "chong"),
    "朝": ("zhao", "chao"),
    "传": ("chuan", "zhuan"),
    "单": ("dan", "shan"),
    "柏": ("bai", "bo"),
    "蔚": ("wei", "yu"),
    "都": ("du", "dou"),
    "茜": ("qian", "xi"),
    "奇": ("qi", "ji"),
    "会": ("hui", "kuai"),
    "和": ("he", "huo"),
    "强": ("qiang", "jiang"),
    "尉": ("wei", "yu"),
    "贾": ("jia", "gu"),
    "参": ("can", "shen"),
    "曾": ("zeng", "ceng"),
    "藏": ("zang", "cang"),
}


def _each_char(chars: str) -> list[str]:
    """pypinyin ``errors`` handler: a character without a reading stays itself."""
    return list(chars)


def _char_readings(text: str) -> list[list[str]]:
    """Per character: the reading in context first, then a curated second reading."""
    context = lazy_pinyin(text, style=Style.NORMAL, errors=_each_char)  # type: ignore[arg-type]
    if len(context) != len(text):  # defensive: keep one reading per character
        context = [
            lazy_pinyin(ch, style=Style.NORMAL, errors=_each_char)[0]  # type: ignore[arg-type]
            for ch in text
        ]
    out = []
    for ch, first in zip(text, context, strict=True):
        readings = [_strip_tone(first) or ch]
        for other in GIVEN_NAME_READINGS.get(ch, ()):
            if other not in readings:
                readings.append(other)
        out.append(readings)
    return out


def _surname_readings(surname: str) -> list[str]:
    fixed = SURNAME_READINGS.get(surname)
    common = ["".join(r[0] for r in _char_readings(surname))]
    if fixed is None:
        return common
    readings = list(fixed)
    if surname in _SURNAME_COMMON_TOO and common[0] not in readings:
        readings.append(common[0])
    return readings


def _syllable_options(name: str) -> list[list[str]]:
    """One list of alternative syllables per position (surname is one position)."""
    text = simplify_name(name).replace("·", "")
    if not text:
        return []
    surname, given = split_name(text)
    options: list[list[str]] = []
    if surname:
        options.append(_surname_readings(surname))
    options.extend(_char_readings(given) if given else [])
    expanded = []
    for alternatives in options:
        forms: list[str] = []
        for reading in alternatives:
            forms.extend(f for f in _u_forms(reading) if f not in forms)
        expanded.append(forms)
    return expanded


@lru_cache(maxsize=65536)
def _pinyin_tuple(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    options = _syllable_options(name)
    if not options:
        return (), ()
    full: list[str] = []
    initials: list[str] = []
    for combo in itertools.islice(itertools.product(*options), _MAX_VARIANTS):
        joined = "".join(combo)
        if joined not in full:
            full.append(joined)
        init = "".join(s[0] for s in combo)
        if init not in initials:
            initials.append(init)
    return tuple(full), tuple(initials)


def pinyin_variants(name: str) -> set[str]:
    """Every plausible toneless pinyin of a name, e.g. ``{"zhangxiaoming"}``.

    The first element of :func:`pinyin_primary` is the preferred reading.
    """
    return set(_pinyin_tuple(name or "")[0])


def pinyin_primary(name: str) -> str:
    """The single preferred pinyin reading ("" for an empty name)."""
    full = _pinyin_tuple(name or "")[0]
    return full[0] if full else ""


def pinyin_initials(name: str) -> set[str]:
    """First letters of each syllable, e.g. ``{"zxm"}`` (one per reading variant)."""
    return set(_pinyin_tuple(name or "")[1])


# ---- look-alike characters ----------------------------------------------------------

# Groups of characters that OCR engines (and tired eyes) confuse, simplified
# script, canonical representative first. Each pair differs by one short stroke,
# a dot or a stroke length; they come from the common OCR-confusion lists used for
# Chinese post-correction (e.g. SIGHAN similar-shape sets) and from the design
# note (己/已, 曹/章). A character may belong to one group only.
LOOKALIKE_GROUPS: tuple[str, ...] = (
    "己已巳",  # open/half/closed hook
    "王玉主",  # dot
    "土士",  # stroke length
    "未末",  # stroke length
    "日曰",  # width
    "人入八",
    "天夭",
    "大太犬",  # dot
    "贝见",
    "刀力",
    "戊戌戍",
    "于干千",
    "凤风",
    "侯候",  # surname 侯 vs 候: one stroke
    "今令",
    "免兔",
    "午牛",
    "乌鸟",
    "宇字",
    "晴睛",
    "冶治",
    "准淮",
    "折析",
    "汩汨",
    "崇祟",
    "亨享",
    "母毋",
    "辨辩辫",
    "曹曺章",  # design.md lists 曹/章; 曺 is the variant form of 曹
    "仑仓",
    "卯卬",
    "斤斥",
    "壶壸",
    "拔拨",
    "刺剌",
    "徒徙",
    "失矢",
    "史吏",
    "田由甲申",
    "白自",
    "旦且",
)

LOOKALIKES: dict[str, str] = {ch: group[0] for group in LOOKALIKE_GROUPS for ch in group}


def lookalike_key(name: str) -> str:
    """Each character of the simplified name replaced by its look-alike representative."""
    return "".join(LOOKALIKES.get(ch, ch) for ch in simplify_name(name or ""))


# ---- keys ------------------------------------------------------------------------------

KEY_KINDS: tuple[str, ...] = (
    "printed",
    "simplified",
    "pinyin",
    "initials",
    "lookalike",
    "surname",
    "given",
)


@lru_cache(maxsize=65536)
def _keys_tuple(name: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    printed = clean_name(name, "NFC")
    if not printed:
        return tuple((kind, ()) for kind in KEY_KINDS)
    simplified = simplify_name(printed)
    surname, given = split_name(printed)
    full, initials = _pinyin_tuple(printed)
    keys = {
        "printed": (printed,),
        "simplified": (simplified,),
        "pinyin": tuple(sorted(full)),
        "initials": tuple(sorted(initials)),
        "lookalike": (lookalike_key(printed),),
        "surname": (surname,) if surname else (),
        "given": (given,) if given else (),
    }
    return tuple((kind, keys[kind]) for kind in KEY_KINDS)


def name_keys(name: str | None) -> dict[str, list[str]]:
    """All match keys of a name, by kind (see :data:`KEY_KINDS`); a fresh dict each call.

    Used identically at index time and at query time. Empty kinds are ``[]``.
    """
    return {kind: list(values) for kind, values in _keys_tuple(name or "")}


# ---- queries ---------------------------------------------------------------------------

MAX_QUERY_CHARS = 64
_TONE_DIGITS = re.compile(r"(?<=[a-zv])[1-5]")
_LATIN_SEPARATORS = re.compile(r"[\s'’\-_.·]+")


def is_cjk(ch: str) -> bool:
    """True for CJK unified ideographs (all extensions), compatibility ideographs and 〇."""
    cp = ord(ch)
    return (
        0x3400 <= cp <= 0x4DBF
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x323AF
        or cp == 0x3007
    )


@cache
def _syllables() -> frozenset[str]:
    from pypinyin.pinyin_dict import pinyin_dict

    found = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            found.add(_strip_tone(reading))
    found.update(("lyu", "nyu"))  # passport spelling of lü / nü since 2012
    return frozenset(s for s in found if s.isascii() and s.isalpha() and len(s) <= 6)


def is_pinyin(text: str) -> bool:
    """True when ``text`` (lowercase, toneless, no spaces) splits into pinyin syllables."""
    syllables = _syllables()
    n = len(text)
    reachable = [True] + [False] * n
    for end in range(1, n + 1):
        for start in range(max(0, end - 6), end):
            if reachable[start] and text[start:end] in syllables:
                reachable[end] = True
                break
    return n > 0 and reachable[n]


@dataclass(frozen=True)
class NameQuery:
    """What a name query means: its kind and the keys to look up, by key kind.

    ``kind`` is ``"cjk"``, ``"pinyin"``, ``"initials"`` or ``"invalid"`` (then
    ``errors`` says why and ``lookups`` is empty).
    """

    text: str
    kind: str
    lookups: dict[str, list[str]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _latin_forms(text: str) -> list[str]:
    """Toneless lowercase forms of a latin query, ü as v (and the u form too)."""
    lowered = unicodedata.normalize("NFKC", text).lower().replace("u:", "v").replace("ü", "v")
    lowered = _strip_tone(lowered)
    lowered = _TONE_DIGITS.sub("", lowered)
    tokens = [t for t in _LATIN_SEPARATORS.split(lowered) if t]
    forms = ["".join(tokens)]
    if len(tokens) == 2:  # "Xiaoming Zhang": given name first, as on passports
        forms.append(tokens[1] + tokens[0])
    out: list[str] = []
    for form in forms:
        for variant in (form, form.replace("v", "u")):
            if variant and variant not in out:
                out.append(variant)
    return out


def normalize_query_name(text: str | None) -> NameQuery:
    """Classify a name query (CJK in either script, or latin pinyin / initials).

    CJK: look up ``simplified``, ``lookalike`` and ``pinyin`` keys (plus ``surname``
    for a single character). Latin: ``pinyin`` when the text splits into pinyin
    syllables, else ``initials`` for 2-4 letters. Anything else is ``invalid``.
    """
    raw = text or ""
    if len(raw) > MAX_QUERY_CHARS:
        return NameQuery(raw, "invalid", errors=["too_long"])
    cleaned = clean_name(raw)
    if not cleaned:
        return NameQuery(raw, "invalid", errors=["empty"])
    if all(is_cjk(ch) or ch == "·" for ch in cleaned):
        keys = name_keys(cleaned)
        if len(cleaned) == 1:
            return NameQuery(raw, "cjk", {"surname": keys["simplified"]})
        lookups = {kind: keys[kind] for kind in ("simplified", "lookalike", "pinyin")}
        return NameQuery(raw, "cjk", lookups)
    forms = _latin_forms(raw)
    if not forms or not all(f.isascii() and f.isalpha() for f in forms):
        return NameQuery(raw, "invalid", errors=["bad_chars"])
    pinyin_forms = [f for f in forms if is_pinyin(f)]
    if pinyin_forms:
        return NameQuery(raw, "pinyin", {"pinyin": pinyin_forms})
    if 2 <= len(forms[0]) <= 4:
        return NameQuery(raw, "initials", {"initials": [forms[0]]})
    return NameQuery(raw, "invalid", errors=["not_pinyin"])
