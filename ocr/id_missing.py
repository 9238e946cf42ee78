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
  row, when there is room for 15 digits;
* a sentence whose ID label ends its row (``…25岁，身份证号``, or split across the
  row break: ``…生，身``) when the page detection lost the row after it, or that
  row's start: the start of that row. The row is lost when the next row
  detected lies more than one and a half row pitches below (the pitch measured
  on the sentence's own rows), its start when its first text begins far right
  of the sentence's left margin; the box is that row, from the sentence's left
  margin, about an ID's width long (the number opens the row; further right
  the other spouse's details follow);
* a sentence whose party's row was read only up to its name
  (``兹有寇山忠（男，``, the age, label and number after it lost): the rest of
  that row, when the other spouse's name was read on a later row.

A party whose own row gives no ID may find it stated on another line of the
record: the certificate of a two-page record repeats the table's facts
(``身份证號 620722690906280`` under a table whose cells read nothing).
``ids_held_by_nobody`` lists the valid IDs read on the record's lines that no
party holds; ``ocr.reread`` gives one to a party only when it states that
party's printed birth date and sex and not the other's.

``ocr.reread`` reads the box through its usual sources and acceptance rules.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from ocr.id_values import find_ids
from ocr.labels import FIELD_LABELS
from ocr.layout import Segment, group_rows, is_vertical, same_row, segment_lines, span_box
from ocr.result import Reading, era_of
from schemas.idnumber import normalize_id
from schemas.model import FieldInfo, TextLine

# Eras whose forms print no ID number (design.md "Domain facts").
_ERAS_WITHOUT_IDS = ("1950-55", "1956-84")
# Room a 15-digit number needs beside its label, in label heights (digits are
# about half as wide as they are tall, handwritten ones wider).
MIN_ROOM = 8.0
# The start of a lost row read for an ID its label announced at the end of the row
# before, in label heights: an 18-digit handwritten number with the row's indent
# (15 digits measured 9 heights on certificate rows), not much of what follows it.
NEXT_ROW_ROOM = 14.0
# A row was lost between two detected rows whose centres lie this many row pitches
# apart or more; beyond the upper bound the gap is no sentence's (more than two rows).
LOST_ROW_GAP = 1.6
MAX_LOST_GAP = 3.6
# An ID label split by the row break leaves its opening at the row's end (``生，身``).
_SPLIT_LABELS = sorted(
    {w[:k] for w in FIELD_LABELS["id_number"] for k in range(1, len(w)) if "身" in w[:k]},
    key=len,
    reverse=True,
)


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


def _split_label(segment: Segment) -> tuple[Segment, int] | None:
    """The opening of an ID label that ends ``segment`` (``生，身``) and how many of its
    characters the next row holds (the shortest wording's rest: ``身`` + ``份证号``)."""
    if segment.label is not None:
        return None
    for head in _SPLIT_LABELS:
        if segment.text.endswith(head):
            start = len(segment.text) - len(head)
            box = span_box(segment.text, segment.bbox, start, len(segment.text))
            rest = min(len(w) - len(head) for w in FIELD_LABELS["id_number"] if w.startswith(head))
            return Segment(segment.index, head, box, segment.confidence, segment.page, -1), rest
    return None


def _rows(segments: list[Segment], page: int) -> list[list[Segment]]:
    """The page's horizontal segments in rows, top to bottom (any box of a row
    overlapping the next one joins it, as ``ocr.sentence.page_text`` groups them)."""
    ordered = sorted(
        (s for s in segments if s.page == page and not is_vertical(s.bbox, s.text)),
        key=lambda s: (s.top, s.left),
    )
    return group_rows(ordered)


def _centre(row: list[Segment]) -> float:
    return statistics.median(s.cy for s in row)


def next_row_box(
    segments: list[Segment], name: Segment | None, label: Segment, rest: int = 0
) -> ValueBox | None:
    """The start of the row after ``label`` when detection lost it (module doc).

    ``label`` must end its row. The pitch is the closest spacing of two
    consecutive rows from the row above the party's name (the label's row when
    the name was not read) to the row after the gap; rows closer than a label
    height are one row drawn twice. When the next row detected lies
    ``LOST_ROW_GAP`` pitches below or more, the row between was lost: its start
    is the box. When it lies closer but its first text starts far right of the
    sentence's left margin (room for 15 digits), the start of that row was lost:
    the box is the row up to that text. Otherwise None. ``rest``: characters of a
    split label the next row opens with.
    """
    rows = _rows(segments, label.page)
    k = next((j for j, row in enumerate(rows) if any(s.index == label.index for s in row)), None)
    first = k
    if name is not None:
        first = next((j for j, row in enumerate(rows) if any(same_row(s, name) for s in row)), k)
    if k is None or first is None or first > k or k + 1 >= len(rows):
        return None
    if any(s.index != label.index and s.left >= label.right - label.height // 2 for s in rows[k]):
        return None  # text after the label on its row: the row does not end with it
    centres = [_centre(row) for row in rows]
    spacings = [
        centres[j + 1] - centres[j]
        for j in range(max(0, first - 1), min(k + 2, len(rows) - 1))
        if j != k and centres[j + 1] - centres[j] >= label.height
    ]
    if not spacings:
        return None
    pitch, gap = min(spacings), centres[k + 1] - centres[k]
    margin = min(s.left for row in rows[first : k + 3] for s in row)
    left = max(0, margin - label.height)
    right = left + round((NEXT_ROW_ROOM + rest) * label.height)
    if gap < LOST_ROW_GAP * pitch:
        after = rows[k + 1]
        start = min(s.left for s in after)
        if start - margin < MIN_ROOM * label.height:
            return None  # the next row was read from its start
        top, bottom = min(s.top for s in after), max(s.bottom for s in after)
        return ValueBox(label.page, left, top, bottom - top, min(right, start))
    if gap > MAX_LOST_GAP * pitch:
        return None
    centre = centres[k] + (gap / 2 if gap < 2.5 * pitch else pitch)
    height = max(1, round(pitch / 2))
    return ValueBox(label.page, left, round(centre - height / 2), height, right)


def _label_after(
    reading: Reading, segments: list[Segment], name: Segment, next_name: Segment | None
) -> tuple[Segment, int] | None:
    """The first ID label (or a split label's opening, with the characters it left
    for the next row) after the party's name and before the next party's name."""
    labels = [(s, 0) for s in _id_labels(reading, name.page) if _after(s, name)]
    splits = [
        _split_label(s) for s in segments if s.page == name.page and not is_vertical(s.bbox, s.text)
    ]
    labels += [split for split in splits if split is not None and _after(split[0], name)]
    if next_name is not None and _after(next_name, name):
        labels = [(s, rest) for s, rest in labels if not _after(s, next_name)]
    return min(labels, key=lambda found: (found[0].cy, found[0].left), default=None)


def _next_name(reading: Reading, i: int, name: Segment) -> Segment | None:
    """The other party's name when it comes after party ``i``'s in reading order."""
    others = [_name_box(reading, j) for j in range(len(reading.parties)) if j != i]
    after = [
        _as_segment(info)
        for info in others
        if info is not None and info.page == name.page and _after(_as_segment(info), name)
    ]
    return min(after, key=lambda s: (s.cy, s.left), default=None)


def _sentence_boxes(
    reading: Reading, name: Segment, next_name: Segment | None, page_width: int, in_sentence: bool
) -> list[ValueBox]:
    """Right of the first ID label after the party's name when nothing is read there,
    then, for a name read in the certificate sentence (``in_sentence``), the start
    of the next row when the label ends its row and that row was lost."""
    segments = segment_lines(reading.lines)
    found = _label_after(reading, segments, name, next_name)
    if found is None:
        return []
    label, rest = found
    beside = [
        s
        for s in segments
        if s.page == label.page
        and s.index != label.index
        and same_row(s, label)
        and s.left >= label.right - label.height // 2
    ]
    right = min((s.left for s in beside), default=None)
    boxes = []
    room = (page_width if right is None else right) - label.right
    if not rest and room >= MIN_ROOM * label.height:
        boxes.append(ValueBox(label.page, label.right, label.top, label.height, right))
    below = next_row_box(segments, name, label, rest) if in_sentence and not beside else None
    return boxes + ([below] if below is not None else [])


def row_rest_box(
    segments: list[Segment], name: Segment, others: list[Segment | None]
) -> ValueBox | None:
    """The rest of the party's name row in the certificate sentence when detection
    lost it (``兹有寇山忠（男，`` read, ``22 岁，身份证号 620722620512381`` not).

    The row must end, after the name, ``MIN_ROOM`` name heights or more short of
    the sentence's right margin (the rightmost text of that row and the next
    two); the box is that stretch. Only when every other party's name was read
    and none lies on this row: the rest of the row then holds this party's
    details only (the next party's begin on a later row). None otherwise.
    """
    if any(other is None for other in others):
        return None  # the other spouse's place in the sentence is unknown
    rows = _rows(segments, name.page)
    k = next((j for j, row in enumerate(rows) if any(same_row(s, name) for s in row)), None)
    if k is None:
        return None
    if any(other is not None and same_row(other, name) for other in others):
        return None
    end = max(s.right for s in rows[k])
    margin = max(s.right for row in rows[k : k + 3] for s in row)
    if margin - end < MIN_ROOM * name.height:
        return None
    return ValueBox(name.page, end, name.top, name.height, margin + name.height)


def missing_id_boxes(reading: Reading, i: int, page_width: int) -> list[ValueBox]:
    """The boxes party ``i``'s ID may be written in, most likely first, when extraction
    found no value for it.

    Empty when the party has an ID field already, its form's era prints no IDs,
    its name was not read, or no ID label gives a box.
    """
    if reading.parties[i].id_number is not None or f"parties[{i}].id_number" in reading.fields:
        return []
    if era_of(reading.registration_date) in _ERAS_WITHOUT_IDS:
        return []
    own = _name_box(reading, i)
    if own is None:
        return []
    name = _as_segment(own)
    others = [(j, _name_box(reading, j)) for j in range(len(reading.parties)) if j != i]
    for j, info in others:
        if info is None or info.page != name.page:
            continue
        other = _as_segment(info)
        if same_row(name, other) and abs(other.left - name.left) > 2 * name.height:
            box = _column_box(reading, name, other, reading.fields.get(f"parties[{j}].id_number"))
            return [box] if box is not None else []
    in_sentence = "from_sentence" in own.issues
    boxes = _sentence_boxes(reading, name, _next_name(reading, i, name), page_width, in_sentence)
    rest = None
    if in_sentence:
        names = [None if info is None else _as_segment(info) for _j, info in others]
        rest = row_rest_box(segment_lines(reading.lines), name, names)
    return boxes + ([rest] if rest is not None else [])


def lost_row_box(reading: Reading, i: int) -> ValueBox | None:
    """The start of the row after party ``i``'s ID label in the certificate sentence
    (its name read there) when extraction found the label but no value for it
    (``id_number_unreadable``: nothing beside the label, or a box below it that
    holds no number) and the label ends its row with that row, or its start,
    lost (``next_row_box``). The label is the first one after the party's name,
    as for a missing field."""
    info = reading.fields.get(f"parties[{i}].id_number")
    if info is None or info.page is None or "id_number_unreadable" not in info.issues:
        return None
    if reading.parties[i].id_number is not None:
        return None
    if era_of(reading.registration_date) in _ERAS_WITHOUT_IDS:
        return None
    own = _name_box(reading, i)
    if own is None or own.page != info.page or "from_sentence" not in own.issues:
        return None
    name = _as_segment(own)
    segments = segment_lines(reading.lines)
    found = _label_after(reading, segments, name, _next_name(reading, i, name))
    if found is None:
        return None
    return next_row_box(segments, name, *found)


def ids_held_by_nobody(reading: Reading) -> list[tuple[str, TextLine]]:
    """The valid ID numbers read on the record's lines that no party holds, each
    with the line it was read on (one pair per line and value), as digits only.

    Empty for eras whose forms print no IDs.
    """
    if era_of(reading.registration_date) in _ERAS_WITHOUT_IDS:
        return []
    held = {normalize_id(p.id_number) for p in reading.parties if p.id_number}
    out: list[tuple[str, TextLine]] = []
    for line in reading.lines:
        values = {normalize_id(v.printed) for v in find_ids(line.text) if v.valid}
        out += [(value, line) for value in sorted(values - held)]
    return out
