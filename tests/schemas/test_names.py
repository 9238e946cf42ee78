"""Name folding, pinyin, look-alikes and query classification."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.names import (
    KEY_KINDS,
    LOOKALIKE_GROUPS,
    LOOKALIKES,
    is_cjk,
    lookalike_key,
    name_keys,
    normalize_query_name,
    pinyin_initials,
    pinyin_primary,
    pinyin_variants,
    script_twin,
    simplify_name,
    split_name,
    to_simplified,
    to_traditional,
    traditional_spelling,
)

# Deterministic budget: the machine is shared, so no wall-clock deadline.
PROPERTY = settings(max_examples=60, deadline=None)

# Rare characters from CJK Extension B, C, E, G that OpenCC does not know.
RARE = ["𠀀", "𪚥", "𬌗", "𰻝", "𠮷"]


@pytest.mark.parametrize(
    ("traditional", "simplified"),
    [
        ("張曉明", "张晓明"),
        ("劉德華", "刘德华"),
        ("歐陽鋒", "欧阳锋"),
        ("蕭薔", "萧蔷"),
        ("葉麗", "叶丽"),
        ("張", "张"),
        ("张晓明", "张晓明"),  # already simplified: unchanged
    ],
)
def test_to_simplified(traditional: str, simplified: str) -> None:
    assert to_simplified(traditional) == simplified
    assert simplify_name(traditional) == simplified


def test_surname_zhong_folds_to_the_form_registers_use() -> None:
    assert to_simplified("鍾馗") == "锺馗"  # OpenCC's choice (2013 standard)
    assert simplify_name("鍾馗") == simplify_name("钟馗") == "钟馗"


def test_to_traditional() -> None:
    assert to_traditional("张晓明") == "張曉明"
    assert to_simplified(to_traditional("刘德华")) == "刘德华"


@pytest.mark.parametrize("rare", RARE)
def test_rare_characters_pass_intact(rare: str) -> None:
    assert to_simplified("王" + rare) == "王" + rare
    assert to_traditional("王" + rare) == "王" + rare
    keys = name_keys("張" + rare + "明")
    assert keys["simplified"] == ["张" + rare + "明"]
    assert keys["given"] == [rare + "明"]


def test_name_exceptions_to_opencc() -> None:
    # OpenCC folds 乾 to 干; in names it is qián and simplified Chinese keeps 乾.
    assert to_simplified("趙乾") == "赵干"
    assert simplify_name("趙乾") == "赵乾"
    # 於 is a surname of its own; inside a given name it folds to 于.
    assert simplify_name("於丹") == "於丹"
    assert simplify_name("張於") == "张于"


@pytest.mark.parametrize(
    ("name", "surname", "given"),
    [
        ("张晓明", "张", "晓明"),
        ("張曉明", "张", "晓明"),
        ("王芳", "王", "芳"),
        ("欧阳小明", "欧阳", "小明"),
        ("歐陽鋒", "欧阳", "锋"),
        ("司马光", "司马", "光"),
        ("诸葛亮", "诸葛", "亮"),
        ("上官婉儿", "上官", "婉儿"),
        ("东方朔", "东方", "朔"),
        ("皇甫嵩", "皇甫", "嵩"),
        ("尉迟恭", "尉迟", "恭"),
        ("公孙策", "公孙", "策"),
        ("慕容复", "慕容", "复"),
        ("夏侯惇", "夏侯", "惇"),
        ("万俟卨", "万俟", "卨"),
        ("司马", "司", "马"),  # two characters: 司 + 马, not a bare compound surname
        ("张", "", "张"),
        ("", "", ""),
        ("阿依古丽·买买提", "", "阿依古丽·买买提"),
        ("张 晓 明", "张", "晓明"),  # OCR spaces
    ],
)
def test_split_name(name: str, surname: str, given: str) -> None:
    assert split_name(name) == (surname, given)


@pytest.mark.parametrize(
    ("name", "expected", "also"),
    [
        ("张晓明", "zhangxiaoming", set()),
        ("張曉明", "zhangxiaoming", set()),
        ("单雄信", "shanxiongxin", {"danxiongxin"}),
        ("曾国藩", "zengguofan", {"cengguofan"}),
        ("解缙", "xiejin", {"jiejin"}),
        ("仇英", "qiuying", {"chouying"}),
        ("区小兰", "ouxiaolan", {"quxiaolan"}),
        ("朴正熙", "piaozhengxi", set()),
        ("查良镛", "zhaliangyong", set()),
        ("盖聂", "genie", set()),
        ("繁钦", "poqin", set()),
        ("覃小玲", "qinxiaoling", set()),
        ("尉迟恭", "yuchigong", set()),
        ("万俟卨", "moqixie", set()),
        ("欧阳锋", "ouyangfeng", set()),
        ("吕芳", "lvfang", {"lufang", "lyufang"}),
        ("女娲", "nvwa", {"nuwa", "nyuwa"}),
    ],
)
def test_pinyin_reads_polyphonic_surnames_as_surnames(name: str, expected: str, also: set) -> None:
    variants = pinyin_variants(name)
    assert pinyin_primary(name) == expected
    assert {expected} | also <= variants
    assert all(v.isascii() and v.islower() and " " not in v for v in variants)


def test_pinyin_initials() -> None:
    assert pinyin_initials("张晓明") == {"zxm"}
    assert pinyin_initials("欧阳小明") == {"oxm"}
    assert "sxx" in pinyin_initials("单雄信")
    assert pinyin_initials("") == set()


def test_unknown_characters_stay_in_pinyin_keys() -> None:
    # A private-use character has no reading: it stays as itself.
    assert pinyin_primary("王\ue000") == "wang\ue000"


def test_lookalike_table_is_a_partition_of_simplified_characters() -> None:
    seen: set[str] = set()
    for group in LOOKALIKE_GROUPS:
        assert len(group) >= 2
        assert not seen & set(group), group
        seen |= set(group)
        for ch in group:
            assert is_cjk(ch)
            assert to_simplified(ch) == ch, ch  # applied after folding
    assert set(LOOKALIKES) == seen


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("王己", "王已"),
        ("王巳", "王己"),
        ("曹明", "章明"),
        ("曺明", "曹明"),
        ("玉兰", "王兰"),
        ("张士", "张土"),
        ("李未", "李末"),
        ("侯勇", "候勇"),
        ("戊辰", "戌辰"),
        ("凤英", "风英"),
        ("張己", "张已"),  # folding happens first
    ],
)
def test_lookalike_key_joins_ocr_confusions(a: str, b: str) -> None:
    assert lookalike_key(a) == lookalike_key(b)
    assert name_keys(a)["lookalike"] == name_keys(b)["lookalike"]


def test_lookalike_key_keeps_different_names_apart() -> None:
    assert lookalike_key("张晓明") != lookalike_key("李晓明")
    assert lookalike_key("张晓明") == "张晓明"


def test_name_keys_shape() -> None:
    keys = name_keys("張曉明")
    assert list(keys) == list(KEY_KINDS)
    assert keys == {
        "printed": ["張曉明"],
        "simplified": ["张晓明"],
        "pinyin": ["zhangxiaoming"],
        "initials": ["zxm"],
        "lookalike": ["张晓明"],
        "surname": ["张"],
        "given": ["晓明"],
    }
    assert name_keys(None) == {kind: [] for kind in KEY_KINDS}
    assert name_keys("  ") == {kind: [] for kind in KEY_KINDS}


def test_name_keys_returns_a_fresh_dict() -> None:
    first = name_keys("张晓明")
    first["pinyin"].append("tampered")
    assert "tampered" not in name_keys("张晓明")["pinyin"]


def test_both_scripts_share_every_folded_key() -> None:
    trad, simp = name_keys("歐陽鋒"), name_keys("欧阳锋")
    for kind in KEY_KINDS:
        if kind != "printed":
            assert trad[kind] == simp[kind], kind


def test_printed_key_is_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Zoë")
    assert name_keys(decomposed)["printed"] == ["Zoë"]
    # NFC keeps a Kangxi radical as printed; the folded keys read it as the ideograph.
    keys = name_keys("王⼈")  # KANGXI RADICAL MAN
    assert keys["printed"] == ["王⼈"]
    assert keys["simplified"] == ["王人"]


# (traditional, simplified) pairs of characters common in names, plus characters
# written the same in both scripts.
CHAR_PAIRS = [
    ("張", "张"),
    ("劉", "刘"),
    ("陳", "陈"),
    ("楊", "杨"),
    ("黃", "黄"),
    ("趙", "赵"),
    ("歐", "欧"),
    ("陽", "阳"),
    ("馬", "马"),
    ("曉", "晓"),
    ("華", "华"),
    ("麗", "丽"),
    ("國", "国"),
    ("軍", "军"),
    ("紅", "红"),
    ("蘭", "兰"),
    ("鳳", "凤"),
    ("偉", "伟"),
    ("王", "王"),
    ("李", "李"),
    ("明", "明"),
    ("芳", "芳"),
    ("司", "司"),
    ("单", "单"),
    ("曾", "曾"),
    ("解", "解"),
    ("仇", "仇"),
    ("區", "区"),
    ("周", "周"),
    ("吴", "吴"),
]
name_pairs = st.lists(st.sampled_from(CHAR_PAIRS), min_size=1, max_size=4)


@PROPERTY
@given(name_pairs)
def test_name_keys_deterministic_and_script_invariant(pairs: list) -> None:
    traditional = "".join(t for t, _ in pairs)
    name = "".join(s for _, s in pairs)
    keys = name_keys(name)
    assert keys == name_keys(name)
    trad_keys = name_keys(traditional)
    for kind in KEY_KINDS:
        if kind != "printed":
            assert keys[kind] == trad_keys[kind], kind
    surname = keys["surname"][0] if keys["surname"] else ""
    assert surname + keys["given"][0] == keys["simplified"][0]
    for full in keys["pinyin"]:
        assert full.isascii() and full.isalpha() and full.islower()


@PROPERTY
@given(st.text(max_size=20))
def test_name_keys_never_raise(name: str) -> None:
    keys = name_keys(name)
    assert set(keys) == set(KEY_KINDS)


# ---- queries --------------------------------------------------------------------


def test_query_in_either_script_looks_up_folded_keys() -> None:
    for text in ("張曉明", "张晓明", " 张 晓明 "):
        q = normalize_query_name(text)
        assert q.kind == "cjk" and not q.errors
        assert q.lookups["simplified"] == ["张晓明"]
        assert q.lookups["pinyin"] == ["zhangxiaoming"]
        assert q.lookups["lookalike"] == ["张晓明"]


def test_single_character_query_is_a_surname() -> None:
    assert normalize_query_name("張").lookups == {"surname": ["张"]}


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("zhangxiaoming", "zhangxiaoming"),
        ("Zhang Xiaoming", "zhangxiaoming"),
        ("ZHANG XIAOMING", "zhangxiaoming"),
        ("zhāng xiǎomíng", "zhangxiaoming"),
        ("zhang1 xiao3 ming2", "zhangxiaoming"),
        ("lü fang", "lvfang"),
        ("lu:fang", "lvfang"),
        ("lv fang", "lvfang"),
        ("Lyu Fang", "lyufang"),
        ("xi'an", "xian"),
    ],
)
def test_latin_pinyin_queries(text: str, first: str) -> None:
    q = normalize_query_name(text)
    assert q.kind == "pinyin"
    assert q.lookups["pinyin"][0] == first


def test_latin_query_also_tries_given_name_first_order() -> None:
    q = normalize_query_name("Xiaoming Zhang")
    assert "zhangxiaoming" in q.lookups["pinyin"]


def test_latin_query_u_form_of_v() -> None:
    assert "lufang" in normalize_query_name("lü fang").lookups["pinyin"]


@pytest.mark.parametrize("text", ["zxm", "ZXM", "z x m", "sxx"])
def test_initials_queries(text: str) -> None:
    q = normalize_query_name(text)
    assert q.kind == "initials"
    assert q.lookups["initials"][0] == text.lower().replace(" ", "")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        (None, "empty"),
        ("   ", "empty"),
        ("张*明", "bad_chars"),
        ('"张晓明"', "bad_chars"),
        ("id_number:*", "bad_chars"),
        ("张xm", "bad_chars"),
        ("/zh.*/", "bad_chars"),
        ("qqqqqq", "not_pinyin"),
        ("张" * 65, "too_long"),
    ],
)
def test_invalid_queries_are_refused_with_a_reason(text: str | None, reason: str) -> None:
    q = normalize_query_name(text)
    assert q.kind == "invalid"
    assert q.errors == [reason]
    assert q.lookups == {}


@PROPERTY
@given(st.text(max_size=80))
def test_query_classifier_never_raises(text: str) -> None:
    q = normalize_query_name(text)
    assert q.kind in {"cjk", "pinyin", "initials", "invalid"}
    assert bool(q.errors) == (q.kind == "invalid")
    for values in q.lookups.values():
        for value in values:
            assert value and "*" not in value and ":" not in value and '"' not in value


def test_concurrent_first_use_gives_identical_keys() -> None:
    from concurrent.futures import ThreadPoolExecutor

    names_list = ["張曉明", "歐陽鋒", "劉德華", "趙乾", "單雄信"] * 20
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda n: name_keys(n)["simplified"], names_list))
    assert results == [name_keys(n)["simplified"] for n in names_list]


@PROPERTY
@given(
    st.text(
        alphabet=st.one_of(
            st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
            st.characters(min_codepoint=0x20000, max_codepoint=0x323AF),
        ),
        max_size=6,
    )
)
def test_script_conversion_never_loses_a_character(text: str) -> None:
    assert len(to_simplified(text)) == len(text)
    assert len(to_traditional(text)) == len(text)
    for ch in text:
        if ord(ch) >= 0x2B740:  # Ext D and later: no key of OpenCC t2s (checked)
            assert ch in to_simplified(text)


@pytest.mark.parametrize(
    ("read", "printed"),
    [
        ("蒋敏淑", "蔣敏淑"),  # one simplified-only character with one traditional form
        ("刘丹燕", "劉丹燕"),
        ("吴蘭", "吳蘭"),  # a mix: the traditional characters stay
        ("劉丹燕", "劉丹燕"),  # already traditional
        ("王𠮷", "王𠮷"),  # an extension-B character OpenCC does not know stays
    ],
)
def test_traditional_spelling_of_a_name_read_in_simplified(read, printed):
    assert traditional_spelling(read) == printed


@pytest.mark.parametrize("read", ["钟荣明", "范兴", "张发"])
def test_traditional_spelling_is_refused_when_a_character_has_two_forms(read):
    # 钟: 鍾 (a surname) or 鐘 (bell); 范: 范 (the surname) or 範; 发: 發 or 髮
    assert traditional_spelling(read) is None


@pytest.mark.parametrize(
    ("ch", "twin"),
    [("鲁", "魯"), ("魯", "鲁"), ("黃", "黄"), ("张", "張")],
)
def test_a_character_with_one_form_in_each_script_has_a_twin(ch, twin):
    assert script_twin(ch) == twin


@pytest.mark.parametrize("ch", ["王", "𠮷", "升", "昇", "发", "發", "范"])
def test_no_twin_for_a_character_alike_in_both_scripts_or_with_two_forms(ch):
    # 王 and 𠮷 are written alike; 升 is 升 or 昇 in traditional script, 发 is 發 or 髮
    assert script_twin(ch) is None
