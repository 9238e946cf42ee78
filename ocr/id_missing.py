"""Where the ID number of a party that extraction found no value for is written (pure).

Extraction leaves a party's ID without a field at all when its ID label has no
value line beside it: detection dropped a handwritten number in a certificate
sentence (``身份证号 ____ ）自愿结婚``), or a speck read inside a table value
(``6·20722581022916``) made it no ID. The box is found from the ID label and the
party's own values, never from template coordinates:

* a table with one column per spouse (the parties' names on one row): the ID
  label's row, inside the party's column (from its name's left to the other
  party's column, or the page's edge);
* a sentence: the first ID label after the party's name in reading order (and
  before the next party's name), from the label's right to the next text on its
  row, when there is room for 15 digits.

``ocr.reread`` reads the box through its usual sources and acceptance rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocr.layout import Segment, is_vertical, same_row, segment_lines
from ocr.result import Reading, era_of
from schemas.model import FieldInfo

# Eras whose forms print no ID number (design.md "Domain facts").
_ERAS_WITHOUT_IDS = ("1950-55", "1956-84")
# Room a 15-digit number needs beside its label, in label heights (digits are
# about half as wide as they are tall, handwritten ones wider).
MIN_ROOM = 8.0


@dataclass(frozen=True)
class ValueBox:
    """The row an ID is read from: page, left, top, height; ``right`` None = the page's edge."""

    page: int
    left: int
    top: int
    height: int
    right: int | None

    def bbox(self, page_width: int) -> list[int]:
        """``[x, y, w, h]`` with the page's width for an open right edge."""
        right = page_width if self.right is None else self.right
        return [self.left, self.top, max(1, right - self.left), self.height]


def _name_box(reading: Reading, i: int) -> FieldInfo | None:
    info = reading.fields.get(f"parties[{i}].name")
    if info is None or info.bbox is None or info.page is None:
        return None
    return info


def _as_segment(info: FieldInfo) -> Segment:
    assert info.bbox is not None and info.page is not None
    x, y, w, h = info.bbox
    return Segment(-1, "", (x, y, w, h), info.confidence, info.page, -1)


def _id_labels(reading: Reading, page: int) -> list[Segment]:
    return [
        s
        for s in segment_lines(reading.lines)
        if s.label is not None
        and s.label.key == "id_number"
        and s.page == page
        and not is_vertical(s.bbox, s.text)
    ]


def _column_box(
    reading: Reading, name: Segment, other: Segment, other_id: FieldInfo | None
) -> ValueBox | None:
    """The ID label's row inside the party's column of a two-column table."""
    labels = [s for s in _id_labels(reading, name.page) if s.right <= min(name.left, other.left)]
    if other_id is not None and other_id.bbox is not None and other_id.page == name.page:
        taken = _as_segment(other_id)
        labels = [s for s in labels if same_row(s, taken)]
    if len(labels) != 1:
        return None  # no label left of the columns, or several rows to choose from
    label = labels[0]
    pad = label.height
    right = other.left - pad // 2 if other.left > name.left else None
    left = name.left - pad
    return ValueBox(name.page, left, label.top, label.height, right)


def _after(a: Segment, b: Segment) -> bool:
    """True when ``a`` comes after ``b`` in horizontal reading order."""
    if same_row(a, b):
        return a.left >= b.right - b.height
    return a.cy > b.cy


def _sentence_box(
    reading: Reading, name: Segment, next_name: Segment | None, page_width: int
) -> ValueBox | None:
    """Right of the first ID label after the party's name, when nothing is read there."""
    segments = segment_lines(reading.lines)
    labels = [s for s in _id_labels(reading, name.page) if _after(s, name)]
    if next_name is not None and _after(next_name, name):
        labels = [s for s in labels if not _after(s, next_name)]
    if not labels:
        return None
    label = min(labels, key=lambda s: (s.cy, s.left))
    beside = [
        s
        for s in segments
        if s.page == label.page
        and s.index != label.index
        and same_row(s, label)
        and s.left >= label.right - label.height // 2
    ]
    right = min((s.left for s in beside), default=None)
    if (page_width if right is None else right) - label.right < MIN_ROOM * label.height:
        return None
    return ValueBox(label.page, label.right, label.top, label.height, right)


def missing_id_box(reading: Reading, i: int, page_width: int) -> ValueBox | None:
    """The box party ``i``'s ID is written in, when extraction found no value for it.

    None when the party has an ID field already, its form's era prints no IDs,
    its name was not read, or no ID label gives a single box.
    """
    if reading.parties[i].id_number is not None or f"parties[{i}].id_number" in reading.fields:
        return None
    if era_of(reading.registration_date) in _ERAS_WITHOUT_IDS:
        return None
    own = _name_box(reading, i)
    if own is None:
        return None
    name = _as_segment(own)
    others = [(j, _name_box(reading, j)) for j in range(len(reading.parties)) if j != i]
    for j, info in others:
        if info is None or info.page != name.page:
            continue
        other = _as_segment(info)
        if same_row(name, other) and abs(other.left - name.left) > 2 * name.height:
            return _column_box(reading, name, other, reading.fields.get(f"parties[{j}].id_number"))
    after = [
        _as_segment(info)
        for _j, info in others
        if info is not None and info.page == name.page and _after(_as_segment(info), name)
    ]
    next_name = min(after, key=lambda s: (s.cy, s.left), default=None)
    return _sentence_box(reading, name, next_name, page_width)
