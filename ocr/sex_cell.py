"""A party's sex the page reading missed, read again from its own cell.

The sex cell holds one character, 男 or 女, and the page detection loses such a
lone glyph more often than any other value (a small box beside a printed label),
or reads it with a speck glued on (``七男``). When extraction leaves a party
without a sex, its cell is cut from the prepared page and read alone:

* the box extraction found but could not parse (``sex_unreadable``), or
* the cell the party's own ``性别`` label points at: right of the label on the
  row of the party's name (``姓名 张三 性别 _``), or under the party's name on
  the label's row (a table with one column per party).

The reading is taken only when it holds exactly one sex character, at most one
other character beside it (a speck, a stroke of the rule), and that character
is the one the party's role states (a husband 男, a wife 女). A reading that
contradicts the role is not written: the record stays in review without a sex,
as before; nothing here infers the sex from the role alone. A sex taken here is
labelled ``sex_reread`` (the clerk sees where it came from; not blocking).
"""

from __future__ import annotations

import re
from typing import Literal

import numpy as np

from ocr.crops import clip
from ocr.engine import OcrEngine
from ocr.layout import Segment, is_vertical, same_row, segment_lines
from ocr.result import Reading
from schemas.model import FieldInfo, Role

Sex = Literal["M", "F"]
SEX_OF: dict[str, Sex] = {"男": "M", "女": "F"}
ROLE_SEX: dict[Role, Sex] = {Role.HUSBAND: "M", Role.WIFE: "F"}
# The cell's reading must be at least this sure: a lone 男 / 女 reads at 0.95+;
# the same bar as any value read from the page (ocr/review.py MIN_CONFIDENCE).
MIN_CONFIDENCE = 0.9
# How far right of its label a row's sex cell may lie, in label heights (the
# value column of a printed table starts 3-5 heights after a two-character label).
ROW_REACH = 8.0
# How far below a party's name its column's sex row may lie, in name heights.
COLUMN_REACH = 4.0
_NOISE = re.compile(r"[\s:：;；.,，。、·•()（）\[\]【】|_\-—'\"‘’“”□☑√✓]")


def sex_in_cell(text: str) -> Sex | None:
    """ "M" / "F" when ``text`` holds exactly one sex character and at most one other
    character (punctuation aside); None otherwise (``男女``, ``女汉族``, empty)."""
    text = _NOISE.sub("", text).removeprefix("性别").removeprefix("性別")
    found = [ch for ch in text if ch in SEX_OF]
    if len(found) != 1 or len(text) > 2:
        return None
    return SEX_OF[found[0]]


def reread_sex(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> int:
    """Fill the sex of each party extraction left without one from its cell's own
    reading (module docstring). Returns how many were filled."""
    segments: list[Segment] | None = None
    filled = 0
    for index, party in enumerate(reading.parties):
        expected = ROLE_SEX.get(party.role)
        if party.sex is not None or expected is None:
            continue
        if segments is None:
            segments = segment_lines(reading.lines)
        key = f"parties[{index}].sex"
        for page_no, box in _cells(reading, index, segments):
            if not 0 <= page_no < len(pages):
                continue
            crop = clip(pages[page_no], *box)
            if crop.shape[0] < 8 or crop.shape[1] < 8:
                continue
            text, confidence = engine.recognize_lines([crop])[0]
            if sex_in_cell(text) != expected or confidence < MIN_CONFIDENCE:
                continue
            party.sex = expected
            x0, y0, x1, y1 = (round(v) for v in box)
            reading.fields[key] = FieldInfo(
                confidence=round(confidence, 4),
                page=page_no,
                bbox=[x0, y0, max(1, x1 - x0), max(1, y1 - y0)],
                issues=["sex_reread"],
                source="ocr",
            )
            filled += 1
            break
    return filled


Box = tuple[float, float, float, float]  # x0, y0, x1, y1 on the prepared page


def _cells(reading: Reading, index: int, segments: list[Segment]) -> list[tuple[int, Box]]:
    """Where party ``index``'s sex may be written, most specific first."""
    cells: list[tuple[int, Box]] = []
    info = reading.fields.get(f"parties[{index}].sex")
    if info is not None and info.bbox and info.page is not None:
        x, y, w, h = info.bbox
        pad = 0.2 * h
        cells.append((info.page, (x - pad, y - pad, x + w + pad, y + h + pad)))
    name = reading.fields.get(f"parties[{index}].name")
    if name is None or not name.bbox or name.page is None:
        return cells
    labels = [
        s
        for s in segments
        if s.label is not None
        and s.label.key == "sex"
        and s.page == name.page
        and not is_vertical(s.bbox, s.text)
    ]
    box = _beside_on_name_row(name, labels, segments) or _under_name(name, labels)
    if box is not None:
        cells.append((name.page, box))
    return cells


def _name_segment(name: FieldInfo) -> Segment:
    assert name.bbox is not None and name.page is not None
    x, y, w, h = name.bbox
    return Segment(index=-1, text="", bbox=(x, y, w, h), confidence=1.0, page=name.page, line=-1)


def _beside_on_name_row(
    name: FieldInfo, labels: list[Segment], segments: list[Segment]
) -> Box | None:
    """The cell right of the nearest 性别 label on the name's row, up to the next label."""
    seg = _name_segment(name)
    on_row = [s for s in labels if same_row(seg, s) and s.left >= seg.right]
    if not on_row:
        return None
    label = min(on_row, key=lambda s: s.left)
    end = label.right + ROW_REACH * label.height
    nxt = [
        s.left
        for s in segments
        if s.label is not None and same_row(label, s) and s.left > label.right
    ]
    if nxt:
        end = min(end, min(nxt))
    pad = 0.4 * label.height
    return (label.right, label.top - pad, end, label.bottom + pad)


def _under_name(name: FieldInfo, labels: list[Segment]) -> Box | None:
    """The party's column (its name's span) on the row of the nearest 性别 label below."""
    seg = _name_segment(name)
    below = [
        s
        for s in labels
        if s.top >= seg.top + 0.5 * seg.height
        and s.top - seg.bottom <= COLUMN_REACH * seg.height
        and s.right <= seg.left + seg.height
    ]
    if not below:
        return None
    label = min(below, key=lambda s: s.top)
    pad = 0.4 * label.height
    return (
        seg.left - seg.height,
        label.top - pad,
        seg.right + seg.height,
        label.bottom + pad,
    )
