"""The printed labels of marriage-registration forms, in both scripts.

Labels are what extraction anchors on (never pixel positions of one template).
Each field has several wordings seen on forms of different decades and
printers. Lines are folded to simplified script character by character before
matching (OCR output mixes scripts: ``離婚證号``), and any spacing between a
label's characters is allowed (``姓　　名``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# field key -> wordings (simplified). Longer wordings win over shorter ones.
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "sex": ("性别",),
    "birth_date": ("出生日期", "出生年月日", "出生年月", "出生时间", "生日"),
    "age": ("年龄", "年岁", "岁数"),
    "id_number": (
        "公民身份号码",
        "公民身份证号码",
        "公民身份证号",
        "身份证件号码",
        "身份证件号",
        "身份证号码",
        "身份证号",
        "身份号码",
        "证件号码",
        # The rest of 身份证号 when a row break split it (…生，身 / 份证号6207…): without
        # these, 证号 inside it read as the certificate number's label (7000010 00034).
        "份证号码",
        "份证号",
    ),
    "ethnicity": ("民族",),
    "registration_date": (
        "结婚登记日期",
        "离婚登记日期",
        "登记日期",
        "登记时间",
        "批准日期",
        "发证日期",
        "办理日期",
        "领证日期",
    ),
    "certificate_no": (
        "结婚证字号",
        "离婚证字号",
        "结婚证号",
        "离婚证号",
        "证书编号",
        "证书号码",
        "证书号",
        "证号",
        "证书字号",
    ),
    "office": ("婚姻登记机关", "登记机关", "发证机关", "登记单位"),
}
# Labels of things we do not extract: they end the value of the label before them.
OTHER_LABELS: tuple[str, ...] = (
    "工作单位及职业",
    "工作单位",
    "职业",
    "常住户口所在地",
    "户籍所在地",
    "户口所在地",
    "住址",
    "文化程度",
    "婚姻状况",
    "婚前状况",
    "备注",
    "照片",
    "申请人签名",
    "当事人签名",
    "签名",
    "登记员",
    "审查意见",
    "国籍",
    "联系电话",
    "电话",
    "籍贯",
    "文化",
)
# Party headings: the block, column or row of one spouse.
HEADING_LABELS: dict[str, tuple[str, ...]] = {
    "husband": ("男方", "男方情况", "丈夫"),
    "wife": ("女方", "女方情况", "妻子"),
}
STANDALONE = "other"

PARTY_FIELDS = ("name", "sex", "birth_date", "age", "id_number", "ethnicity")
RECORD_FIELDS = ("registration_date", "certificate_no", "office")


@lru_cache(maxsize=1)
def _t2s():  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    folded = _t2s().convert(ch)
    return folded if len(folded) == 1 else ch


def fold(text: str) -> str:
    """Character-by-character traditional -> simplified (same length, same offsets).

    OCR output mixes scripts (``離婚證号``); labels are matched on the folded text.
    """
    return "".join(_fold_char(ch) for ch in text)


@lru_cache(maxsize=1)
def _label_table() -> list[tuple[str, str, str]]:
    """``(kind, key, wording)`` for every (simplified) wording, longest first."""
    table: list[tuple[str, str, str]] = []
    for key, words in FIELD_LABELS.items():
        table += [("field", key, w) for w in words]
    table += [("other", STANDALONE, w) for w in OTHER_LABELS]
    for key, words in HEADING_LABELS.items():
        table += [("heading", key, w) for w in words]
    table.sort(key=lambda t: -len(t[2]))
    return table


@lru_cache(maxsize=1)
def _label_regex() -> tuple[re.Pattern[str], dict[str, tuple[str, str]]]:
    lookup: dict[str, tuple[str, str]] = {}
    parts = []
    for kind, key, word in _label_table():
        if word in lookup:
            continue
        lookup[word] = (kind, key)
        parts.append(r"[ \t\u3000]*".join(re.escape(ch) for ch in word))
    return re.compile("|".join(parts)), lookup


@dataclass(frozen=True)
class LabelHit:
    """A label found inside a line of text: its kind, field key and span."""

    kind: str  # "field", "heading" or "other"
    key: str  # field key ("name", ...), "husband"/"wife", or "other"
    start: int
    end: int


# Characters OCR puts in place of a label's character (歲 read 崴, 期 read 朗 / 其):
# label matching only, values are never rewritten with this table.
LABEL_CONFUSIONS = str.maketrans({"崴": "岁", "朗": "期", "其": "期", "問": "间"})
# A label read with one wrong character is still a label when it is long enough
# (4+ characters), starts its box and is followed by a separator, a digit or nothing.
FUZZY_MIN_LENGTH = 4
_LABEL_END = " \t\u3000:：;；,，、|_"


def _match_text(text: str) -> str:
    return fold(text).translate(LABEL_CONFUSIONS)


def find_labels(text: str) -> list[LabelHit]:
    """Every label in ``text``, left to right, longest wording first, no overlaps.

    Exact wordings (any script, spacing allowed) first; then, in the text no
    exact label covers, a long wording with one misread character at the start
    of the box (``婚姻登记机腿：``, ``出生日朗1978年``).
    """
    return list(_labels_of(text))


# The answer depends on the text alone (the tables are constants) and the same line
# texts come back often: extraction runs twice a record and the re-reads look at the
# same lines again (~800 calls a record, most of it the fuzzy match). A bounded memo.
@lru_cache(maxsize=4096)
def _labels_of(text: str) -> tuple[LabelHit, ...]:
    pattern, lookup = _label_regex()
    folded = _match_text(text)
    hits = []
    for m in pattern.finditer(folded):
        word = re.sub(r"[ \t\u3000]", "", m.group(0))
        kind, key = lookup[word]
        hits.append(LabelHit(kind, key, m.start(), m.end()))
    if not hits or hits[0].start > 0:
        end = hits[0].start if hits else len(folded)
        fuzzy = _fuzzy_label(folded[:end])
        if fuzzy is not None:
            hits.insert(0, fuzzy)
    return tuple(hits)


def _fuzzy_label(text: str) -> LabelHit | None:
    """A long label with exactly one misread CJK character, starting the text."""
    start = len(text) - len(text.lstrip(_LABEL_END))
    for kind, key, word in _label_table():
        end = start + len(word)
        if len(word) < FUZZY_MIN_LENGTH or end > len(text):
            continue
        # One misread character leaves the first or the second one right.
        if text[start] != word[0] and text[start + 1] != word[1]:
            continue
        piece = text[start:end]
        wrong = [i for i, (a, b) in enumerate(zip(piece, word, strict=True)) if a != b]
        if len(wrong) != 1 or not "\u4e00" <= piece[wrong[0]] <= "\u9fff":
            continue
        after = text[end : end + 1]
        if not after or after in _LABEL_END or after.isascii():
            return LabelHit(kind, key, start, end)
    return None
