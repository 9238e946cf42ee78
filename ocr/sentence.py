"""The certificate sentence: ``兹有张三（男，二十五岁）与李四（女，…）自愿结婚``.

Certificates name both spouses in one sentence instead of labelled boxes. The
wording varies by decade and printer, and OCR loses punctuation at line ends,
so the sentence is read piece by piece rather than with one rigid pattern:

* ``兹有`` (茲有, 今有; OCR: 玆有, 慈有) opens it;
* a party is a name (2-4 characters) right before its sex ``男`` / ``女``, with
  or without the bracket: ``张三（男，…）``, ``張三男年二十五歲住…`` (1950s);
* what follows the sex, up to the closing bracket or the connector
  ``与`` / ``與`` before the next party (any one character right after the
  bracket: OCR reads 與 as 興 or 奥), holds the age
  (``二十五岁``, ``年二十五歲``, ``25岁``), the birth date (``1978年5月6日生``) and
  the ID number (``身份证号620722…``).

An age is read only when something closes it (岁, the bracket, a comma, 住):
a bare numeral at a line break may have lost a digit.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ocr import values as V
from ocr.date_values import find_dates
from ocr.found import Found
from ocr.id_values import find_ids
from ocr.layout import Segment, group_rows, is_vertical, same_row, span_box
from ocr.parties import HUSBAND, WIFE

_CJK = r"[\u3400-\u9fff\U00020000-\U0003ffff]"
# The sentence's opening 兹有 (茲有; 玆 / 慈 as OCR reads 兹; 今有 on some forms).
OPENING = re.compile(r"[兹茲玆慈今]有")
# A stray mark may stand between the name and its bracket (寇兵卫.（男, 张三，男，,
# 尹云淑"(女: a speck or the fill-in line's end read as a quote).
_MARK = r"[.．·、,，\"'“”‘’]?"
_PARTY = re.compile(rf"(?P<name>{_CJK}{{2,4}}?){_MARK}[（(]?(?P<sex>[男女])(?!方)")
# 与 / 與 (read 興 or 奥 by OCR): after a closing bracket any one character is the connector;
# a speck read there (`）!与欧阳桂（女`) is skipped first, so that 与 is not taken into the name.
_CONNECTOR = re.compile(
    rf"(?:[与與和同及興]|(?<=[）)])[!！.．·、,，:：;；]?[与與]|(?<=[）)])\S)"
    rf"(?={_CJK}{{2,4}}?{_MARK}[（(]?[男女](?!方))"
)
_END = re.compile(r"[）)]|自[愿願]?[结結离離]|申[请請]|的婚姻|[双雙]方")
# The unit 歲 / 岁 as OCR answers it on handwriting (崴, 葳, 蕨, 茂, 威): measured on the
# dev corpora (二十四蕨）, 二十八茂); the numeral before it is what counts.
_AGE_UNIT = "岁歲崴葳蕨茂威"
_AGE = re.compile(
    rf"^[，,、（(]*年?(?P<age>[0-9一二三四五六七八九十]{{1,4}})(?:[周週]?[{_AGE_UNIT}]|[）),，住])"
)
_REACH = 90  # characters a party's details may span
# The first party's sex right after the opening, when its name did not read.
_OPENING_SEX = re.compile(r"[^男女]{0,6}?[（(]?[男女]")


def page_text(segments: list[Segment], page: int) -> tuple[str, list[tuple[int, Segment]]]:
    """The page's text in reading order (rows top to bottom, left to right), no spaces.

    Fill-in underscores are dropped. Returns the text and ``(start offset,
    segment)`` pairs to map matches back to boxes.
    """
    on_page = [s for s in segments if s.page == page]
    vertical = sum(is_vertical(s.bbox, s.text) for s in on_page) > len(on_page) / 2
    if vertical:  # 竖排: columns right to left, each top to bottom
        segs = sorted(on_page, key=lambda s: (-s.right, s.top))
        same = _same_column
    else:
        segs = sorted(on_page, key=lambda s: (s.top, s.left))
        same = same_row
    text, spans = "", []
    for row in group_rows(segs, same):
        for seg in sorted(row, key=lambda s: s.top if vertical else s.left):
            spans.append((len(text), seg))
            plain = V.halfwidth(seg.text).replace("(", "（").replace(")", "）")
            text += re.sub(r"[\s_]", "", plain)
    return text, spans


def _same_column(a: Segment, b: Segment) -> bool:
    overlap = min(a.right, b.right) - max(a.left, b.left)
    return overlap >= 0.5 * min(a.bbox[2], b.bbox[2])


def _segment_at(spans: list[tuple[int, Segment]], offset: int) -> Segment:
    current = spans[0][1]
    for start, seg in spans:
        if start > offset:
            break
        current = seg
    return current


def _line_end(spans: list[tuple[int, Segment]], offset: int, length: int) -> int:
    """Where the text of the line holding ``offset`` ends in the page text."""
    line = _segment_at(spans, offset).line
    return next((s for s, seg in spans if s > offset and seg.line != line), length)


def _details(rest: str, base: int, closed: bool, add: _Adder) -> None:
    """Age, birth date and ID number from the text after a party's sex.

    ``closed``: the text ends at the party's closing bracket or the connector,
    so a date in it is the party's; otherwise only a date marked ``生`` is.
    """
    ids = [v for v in find_ids(rest) if v.valid]
    if ids:
        add("id_number", ids[0].printed, base + ids[0].start)
        rest = rest[: ids[0].start]
    dates = find_dates(rest)
    if dates and not dates[0].normalized and (closed or rest[dates[0].end :].startswith("生")):
        add("birth_date", dates[0].iso, base + dates[0].start)
        return
    m = _AGE.match(rest)
    if m:
        age = V.find_age(m.group("age"))
        if age is not None:
            add("age", age, base + m.start("age"))


class _Adder:
    def __init__(self, slot: str, spans: list[tuple[int, Segment]], out: list[Found]):
        self.slot, self.spans, self.out = slot, spans, out

    def __call__(self, key: str, value: object, offset: int) -> None:
        seg = _segment_at(self.spans, offset)
        confidence = seg.confidence
        if key == "name":
            confidence = _weakest(self.spans, offset, len(str(value)))
            seg = _name_segment(seg, self.spans, offset, len(str(value)))
        self.out.append(Found(key, value, seg, confidence, ["from_sentence"], self.slot))


def _weakest(spans: list[tuple[int, Segment]], offset: int, length: int) -> float:
    """The lowest confidence of the segments ``text[offset:offset + length]`` spans: a
    name cut across two boxes is only as sure as the less sure one."""
    held = [
        seg.confidence
        for k, (start, seg) in enumerate(spans)
        if start < offset + length
        and (spans[k + 1][0] if k + 1 < len(spans) else offset + length) > offset
    ]
    return min(held, default=_segment_at(spans, offset).confidence)


def _name_segment(
    seg: Segment, spans: list[tuple[int, Segment]], offset: int, length: int
) -> Segment:
    """The segment narrowed to the name's own box (for the clerk and the name re-read)."""
    start = next(s for s, sp in reversed(spans) if sp is seg and s <= offset)
    kept = [k for k, ch in enumerate(seg.text) if not re.match(r"[\s_\u3000]", ch)]
    local = offset - start
    if local < 0 or local + length > len(kept):
        return seg
    first, last = kept[local], kept[local + length - 1] + 1
    return replace(seg, bbox=span_box(seg.text, seg.bbox, first, last), whole_line=False)


def _party(
    text: str, m: re.Match[str], end: int, bounded: bool, spans: list[tuple[int, Segment]]
) -> list[Found]:
    """One party's name, sex and details; ``bounded``: ``end`` is the connector."""
    out: list[Found] = []
    slot = HUSBAND if m.group("sex") == "男" else WIFE
    add = _Adder(slot, spans, out)
    name = V.clean_name(m.group("name"))
    if name:
        add("name", name, m.start("name"))
    add("sex", "M" if slot == HUSBAND else "F", m.start("sex"))
    rest = text[m.end() : end]
    closing = _END.search(rest)
    if closing:
        rest = rest[: closing.start() + (1 if closing.group(0) in "）)" else 0)]
    closed = bool(closing and closing.group(0) in "）)") or bounded
    address = rest.find("住")
    if address >= 0:  # 1950s: 年二十五歲住高臺縣…, the address ends the details
        rest = rest[: address + 1]
    _details(rest, m.end(), closed, add)
    return out


def sentence_on_page(text: str, spans: list[tuple[int, Segment]]) -> list[Found]:
    """Both parties from one page's text (see the module docstring); [] if not there."""
    opened = OPENING.search(text)
    if not opened:
        return []
    first = _PARTY.match(text, opened.end())
    if not first:
        return _second_party_only(text, opened.end(), spans)
    connector = _CONNECTOR.search(text, first.end(), first.end() + _REACH)
    second = _PARTY.match(text, connector.end()) if connector else None
    if connector is None or second is None:
        # OCR lost the rest, maybe a whole line: what follows on later lines may be
        # the other party's (its ID, its birth date). On the sex's own line a date
        # marked 生 or a closed age is still this party's (兹有额尔敦（男，一九六五年…生，).
        end = _line_end(spans, first.start("sex"), len(text))
        keep = ("name", "sex", "birth_date", "age")
        return [f for f in _party(text, first, end, False, spans) if f.key in keep]
    if first.group("sex") == second.group("sex"):
        return []
    end = min(len(text), second.end() + _REACH)
    return _party(text, first, connector.start(), True, spans) + _party(
        text, second, end, False, spans
    )


def _second_party_only(text: str, start: int, spans: list[tuple[int, Segment]]) -> list[Found]:
    """The party after the connector when the first one's name did not read
    (``兹有#（男，49岁）与安月（女，…``): the first party's sex and details are left
    unread rather than given to a name that is not there."""
    opening_sex = _OPENING_SEX.match(text, start)
    if not opening_sex:
        return []
    connector = _CONNECTOR.search(text, opening_sex.end(), opening_sex.end() + _REACH)
    second = _PARTY.match(text, connector.end()) if connector else None
    if second is None or second.group("sex") == opening_sex.group(0)[-1]:
        return []
    return _party(text, second, min(len(text), second.end() + _REACH), False, spans)


def read_sentence(segments: list[Segment]) -> list[Found]:
    """Both parties from the certificate sentence of every page that has one."""
    out: list[Found] = []
    for page in sorted({s.page for s in segments}):
        text, spans = page_text(segments, page)
        if spans:
            out += sentence_on_page(text, spans)
    return out
