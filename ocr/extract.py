"""Field extraction: recognized lines in, a :class:`~ocr.result.Reading` out (pure).

1. Cut lines into label and text segments (:mod:`ocr.layout`).
2. For every field label, take its value from the same line, the next box to
   the right on its row, or the box(es) below it in its column, and parse it
   with the field's content parser (:mod:`ocr.values`, :mod:`ocr.date_values`,
   :mod:`ocr.id_values`).
3. Give each party value a slot (:mod:`ocr.parties`), then roles from headings
   or from sex.
4. Content fallbacks where a label was not found: ID-number runs, certificate
   number patterns, the ``兹有 张三 与 李四 自愿结婚`` sentence.
The verdict (issues, review reasons) is :mod:`ocr.review`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ocr import values as V
from ocr.date_values import completed_later, find_dates
from ocr.found import Found
from ocr.id_values import find_ids
from ocr.labels import PARTY_FIELDS
from ocr.layout import (
    Segment,
    column_below,
    is_vertical,
    merge_digit_boxes,
    next_in_reading_order,
    row_to_right,
    same_row,
    segment_lines,
    span_box,
)
from ocr.name_corrections import corrected_name, name_span
from ocr.parties import FIRST, SECOND, slot_of, slots_in_line
from ocr.regdate import (
    read_signoff_dates,
    reconcile_registration_dates,
)
from ocr.result import Reading, era_of
from ocr.rules import (
    certificate_year,
    in_document_script,
    is_traditional_document,
    names_in_document_script,
    names_in_simplified_script,
    office_in_simplified_script,
    office_place_checked,
    record_type_of,
)
from ocr.sentence import read_sentence
from ocr.signature import read_signatures
from schemas.model import TextLine


def _parse_date(text: str) -> tuple[Any, list[str]] | None:
    found = find_dates(text)
    if not found:
        return None
    d = found[0]
    later = completed_later(text, d)
    if later is not None:
        # a struck-out date and its correction: the correction, for a clerk to check
        return later.iso, ["date_struck_out_before"]
    if d.year_only_normalized:
        return d.iso, ["date_year_normalized"]
    return d.iso, (["date_digits_normalized"] if d.normalized else [])


def _parse_age(text: str) -> tuple[Any, list[str]] | None:
    later = V.corrected_age(text)
    if later is not None:
        # a struck-out age and its correction: the correction, for a clerk to check
        return later, ["age_struck_out_before"]
    age = V.find_age(text)
    return None if age is None else (age, [])


def _parse_id(text: str) -> tuple[Any, list[str]] | None:
    found = find_ids(text)
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
    "age": _parse_age,
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
    if is_vertical(label.bbox, label.text):
        return next_in_reading_order(label, segments)[:2]
    right = row_to_right(label, segments, max_gap=20 * label.height)
    if right:
        return merge_digit_boxes(right)
    return merge_digit_boxes(column_below(label, segments))


def _row_span(label: Segment, values: list[Segment]) -> Segment:
    """The whole value area of a label's row (digit cells included), for a re-read."""
    on_row = [v for v in values if same_row(label, v)]
    if not on_row:
        return values[0]
    x0 = label.right
    x1 = max(v.right for v in on_row)
    y0 = min(v.top for v in [label, *on_row])
    y1 = max(v.bottom for v in [label, *on_row])
    return replace(on_row[0], bbox=(x0, y0, max(1, x1 - x0), y1 - y0))


# A recognized name box this much wider than its characters (each about as wide
# as the box is high) held a character that recognition dropped (蘇志傑 -> 蘇志).
# Measured on synth: read names 0.57-0.90, names missing a character 1.21-1.28.
NAME_WIDTH_LIMIT = 1.1
# How far right of an ID label its value row is searched again when nothing
# was detected there: 18 digit cells with their spacing, in label heights.
ID_ROW_HEIGHTS = 30


def _box_wider_than_text(seg: Segment) -> bool:
    chars = len(seg.text.strip())
    return seg.whole_line and chars > 0 and seg.bbox[2] > NAME_WIDTH_LIMIT * chars * seg.height


def _after_correction(seg: Segment, value: str, issues: list[str]) -> tuple[Segment, str, list]:
    """A cell holding a struck-out name and its correction: the correction, with its
    own (estimated) box (:mod:`ocr.name_corrections`); otherwise unchanged."""
    name = corrected_name(value, seg.text)
    if name is None:
        return seg, value, issues
    span = name_span(seg.text, name)
    if span is not None:
        seg = replace(seg, bbox=span_box(seg.text, seg.bbox, *span), text=name, whole_line=False)
    return seg, name, [*issues, "name_struck_out_before"]


def _read_label(label: Segment, segments: list[Segment]) -> list[Found]:
    key = label.label.key if label.label else ""
    parse = PARSERS[key]
    out: list[Found] = []
    candidates = _value_segments(label, segments)
    if not candidates and key == "id_number" and not is_vertical(label.bbox, label.text):
        # Nothing detected beside the label (per-digit cells are easily missed):
        # point the re-read (ocr/reread.py) at the row where the digits belong.
        strip = (label.right, label.top, ID_ROW_HEIGHTS * label.height, label.height)
        candidates = [replace(label, bbox=strip, label=None, text="")]
    for seg in candidates:
        parsed = parse(seg.text)
        if parsed is None:
            if not out and key in ("name", "sex", "id_number", "registration_date", "birth_date"):
                # The first value box does not read as this field: say so, never guess.
                where = _row_span(label, candidates) if key == "id_number" else seg
                out.append(Found(key, None, where, 0.0, [f"{key}_unreadable"]))
            continue
        value, issues = parsed
        if key == "name" and _box_wider_than_text(seg):
            issues = [*issues, "name_box_wider_than_text"]
        if key == "name":
            seg, value, issues = _after_correction(seg, value, issues)
        out.append(Found(key, value, seg, seg.confidence, list(issues)))
        if key not in PARTY_FIELDS or len(out) == 2:
            break
    if key in PARTY_FIELDS:
        if len(out) == 2:
            slots = slots_in_line([f.segment for f in out], label, segments)
            for f, slot in zip(out, slots, strict=True):
                f.slot = slot
        else:
            for f in out:
                f.slot = slot_of(f.segment, label, segments)
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
        for idv in find_ids(seg.text):
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
    found += read_sentence(segments)
    found += read_signatures(segments)
    found += read_signoff_dates(found, segments)
    certs = [str(f.value) for f in found if f.key == "certificate_no" and f.value]
    reconcile_registration_dates(found, certificate_year(certs[0]) if certs else None)
    _order_slots(found)
    from ocr.assemble import assemble, birth_dates_from_ids

    traditional = is_traditional_document(lines)
    reading = assemble(found, lines, traditional)
    if not any(s.label is not None and s.label.key == "birth_date" for s in segments):
        birth_dates_from_ids(reading)
    reading.traditional = traditional
    if reading.certificate_no:
        reading.certificate_no = in_document_script(reading.certificate_no, reading.traditional)
    if reading.traditional:
        names_in_document_script(reading)
    reading.record_type = record_type_of(lines, reading.certificate_no)
    reading.era = era_of(reading.registration_date)
    if not reading.traditional and reading.era not in (None, "1950-55"):
        names_in_simplified_script(reading)  # a simplified form, by its script and its date
        office_in_simplified_script(reading)
    office_place_checked(reading, lines)
    return reading
