"""Field extraction: recognized lines in, a :class:`~ocr.result.Reading` out (pure).

1. Cut lines into label and text segments (:mod:`ocr.layout`).
2. For every field label, take its value from the same line, the next box to
   the right on its row, or the box(es) below it in its column, and parse it
   with the field's content parser (:mod:`ocr.values`).
3. Give each party value a slot (:mod:`ocr.parties`), then roles from headings
   or from sex.
4. Content fallbacks where a label was not found: ID-number runs, certificate
   number patterns, the ``兹有 张三 与 李四 自愿结婚`` sentence.
The verdict (issues, review reasons) is :mod:`ocr.review`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ocr import values as V
from ocr.labels import PARTY_FIELDS
from ocr.layout import Segment, column_below, row_to_right, segment_lines
from ocr.parties import FIRST, SECOND, slot_of
from ocr.result import Reading, era_of
from ocr.rules import record_type_of
from schemas.model import TextLine


@dataclass
class Found:
    """One value read for one field, with its evidence."""

    key: str
    value: Any
    segment: Segment
    confidence: float
    issues: list[str] = field(default_factory=list)
    slot: str | None = None


def _parse_date(text: str) -> tuple[Any, list[str]] | None:
    found = V.find_dates(text)
    if not found:
        return None
    d = found[0]
    return d.iso, (["date_digits_normalized"] if d.normalized else [])


def _parse_id(text: str) -> tuple[Any, list[str]] | None:
    found = V.find_ids(text)
    if not found:
        return None
    v = found[0]
    if not v.valid:
        return v.printed, [f"id_{e}" for e in v.errors] or ["id_invalid"]
    return v.printed, (["id_digits_normalized"] if v.normalized else [])


def _parse_cert(text: str) -> tuple[Any, list[str]] | None:
    found = V.find_certificate_numbers(text)
    if found:
        return found[0].value, []
    raw = V.halfwidth(text).strip().replace(" ", "")
    if re.search(r"\d{2,}", raw) and len(raw) <= 30:
        return raw, ["certificate_no_unrecognized_format"]
    return None


def _simple(fn: Callable[[str], Any]) -> Callable[[str], tuple[Any, list[str]] | None]:
    def parse(text: str) -> tuple[Any, list[str]] | None:
        value = fn(text)
        return None if value is None else (value, [])

    return parse


PARSERS: dict[str, Callable[[str], tuple[Any, list[str]] | None]] = {
    "name": _simple(V.clean_name),
    "sex": _simple(V.find_sex),
    "birth_date": _parse_date,
    "age": _simple(V.find_age),
    "id_number": _parse_id,
    "ethnicity": _simple(V.clean_ethnicity),
    "registration_date": _parse_date,
    "certificate_no": _parse_cert,
    "office": _simple(V.clean_office),
}


def _value_segments(label: Segment, segments: list[Segment]) -> list[Segment]:
    nxt = segments[label.index + 1] if label.index + 1 < len(segments) else None
    if nxt is not None and nxt.line == label.line and nxt.label is None:
        return [nxt]
    right = row_to_right(label, segments, max_gap=12 * label.height)
    if right:
        return right
    return column_below(label, segments)


def _read_label(label: Segment, segments: list[Segment]) -> list[Found]:
    key = label.label.key if label.label else ""
    parse = PARSERS[key]
    out: list[Found] = []
    for seg in _value_segments(label, segments):
        parsed = parse(seg.text)
        if parsed is None:
            if not out and key in ("name", "sex", "id_number", "registration_date", "birth_date"):
                # The first value box does not read as this field: say so, never guess.
                out.append(Found(key, None, seg, 0.0, [f"{key}_unreadable"]))
            continue
        value, issues = parsed
        found = Found(key, value, seg, seg.confidence, list(issues))
        if key in PARTY_FIELDS:
            found.slot = slot_of(seg, label, segments)
        out.append(found)
        if key not in PARTY_FIELDS:
            break
    return out


def read_labelled(segments: list[Segment]) -> list[Found]:
    """Every value found next to a field label."""
    found: list[Found] = []
    for seg in segments:
        if seg.label is not None and seg.label.kind == "field":
            found += _read_label(seg, segments)
    return found


def _order_slots(found: list[Found]) -> None:
    """Values without a slot: the k-th value of a field (reading order) is party k."""
    by_key: dict[str, list[Found]] = {}
    for f in found:
        if f.key in PARTY_FIELDS:
            by_key.setdefault(f.key, []).append(f)
    for items in by_key.values():
        if all(f.slot is None for f in items) and len(items) <= 2:
            items.sort(key=lambda f: (f.segment.page, f.segment.top, f.segment.left))
            for k, f in enumerate(items):
                f.slot = FIRST if k == 0 else SECOND
                f.issues.append("party_by_order")


_PARAGRAPH = re.compile(
    r"(?:兹有|茲有|今有)\s*([\u3400-\u9fff]{2,4}?)\s*(?:[（(][^）)]{0,12}[）)])?\s*[与與和同]\s*"
    r"([\u3400-\u9fff]{2,4}?)\s*(?:[（(][^）)]{0,12}[）)])?\s*(?:自愿|自願|双方|雙方|申请|申請|经|經)"
)


def read_paragraph(lines: list[TextLine], segments: list[Segment]) -> list[Found]:
    """Names from the sentence ``兹有 张三 与 李四 自愿结婚`` (older certificates)."""
    text_by_line = [(i, line) for i, line in enumerate(lines)]
    for i, line in text_by_line:
        m = _PARAGRAPH.search(V.halfwidth(line.text))
        if not m:
            continue
        seg = next((s for s in segments if s.line == i), None)
        if seg is None:
            continue
        out = []
        for slot, group in ((FIRST, 1), (SECOND, 2)):
            name = V.clean_name(m.group(group))
            if name:
                out.append(
                    Found("name", name, seg, line.confidence * 0.95, ["name_from_sentence"], slot)
                )
        return out
    return []


def read_content(segments: list[Segment], used: set[int]) -> list[Found]:
    """Unlabelled ID numbers and certificate numbers anywhere on the pages."""
    out: list[Found] = []
    for seg in segments:
        if seg.label is not None or seg.index in used:
            continue
        for cert in V.find_certificate_numbers(seg.text):
            out.append(
                Found("certificate_no", cert.value, seg, seg.confidence, ["found_without_label"])
            )
        for idv in V.find_ids(seg.text):
            if idv.valid:
                issues = ["found_without_label"] + (
                    ["id_digits_normalized"] if idv.normalized else []
                )
                found = Found("id_number", idv.printed, seg, seg.confidence, issues)
                found.slot = slot_of(seg, seg, segments)
                out.append(found)
    return out


def extract_fields(lines: list[TextLine]) -> Reading:
    """Read every field of one record from its recognized lines (all pages)."""
    segments = segment_lines(lines)
    found = read_labelled(segments)
    used = {f.segment.index for f in found}
    have = {(f.key, f.slot) for f in found if f.value is not None}
    for extra in read_content(segments, used):
        if extra.key == "certificate_no" and any(k == "certificate_no" for k, _ in have):
            continue
        if extra.key == "id_number" and (extra.key, extra.slot) in have:
            continue
        found.append(extra)
    if not any(f.key == "name" and f.value for f in found):
        found += read_paragraph(lines, segments)
    _order_slots(found)
    from ocr.assemble import assemble

    reading = assemble(found, lines)
    reading.record_type = record_type_of(lines, reading.certificate_no)
    reading.era = era_of(reading.registration_date)
    return reading
