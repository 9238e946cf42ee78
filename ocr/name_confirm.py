"""A name read below the bar, confirmed by two re-reads of its own crop.

RapidOCR scores a name by the mean of its characters in the line the page
detection gave. That line's crop is tight (no margin around the glyphs) and, for
a sentence name, holds twenty-odd other characters: a right name often comes
out at 0.64-0.95 (萧山 with 萧 at 0.64 in a cell crop cut close to the stroke,
黄学东 answered 黃学东 on a simplified form). The name's own crop, cut again
with a margin around it (:func:`ocr.name_reread.margin_crop`, a tight and a
wide margin), is recognized twice more; each character's own probability in
each re-read is the recognizer's CTC output (:class:`~ocr.engine.CharacterReader`).

A name is confirmed (``name_confirmed_by_crops``, not blocking) when BOTH
re-reads hold the name and every one of its characters reaches
``CHARACTER_BAR`` in both. The glyphs the recognizer has no class for fail it:
a forced answer is unstable from crop to crop (𠀾 read 套, 荟 or 雲 by turns,
below 0.9) or weak. A name that lost a glyph can come back sure every time
(穆義 for 穆義𠁞, the glyph read as a dot in the cell ``穆義·``), so a name read
in a table cell is confirmed only when its cell is as narrow as its characters
(``NAME_WIDTH_LIMIT``, the bar of ``name_box_wider_than_text``) and holds no
other text, and when both re-reads show the name and nothing else (a glyph the
detected box left out shows beside it); a sentence name's lost glyph is the
business of ``ocr/name_lost.py``, which runs after this step, as do the
per-character checks of sure names (``ocr/name_reread.py``,
``ocr/name_characters.py``, ``ocr/name_evidence.py``): a confirmed name is a
sure name to them.

Measured on the held names of seeds 7000005/8/9/10 (docs/extraction.md,
"Session 18: acceptance").
"""

from __future__ import annotations

import logging

import numpy as np

from ocr.engine import OcrEngine
from ocr.extract import NAME_WIDTH_LIMIT
from ocr.layout import is_vertical
from ocr.name_characters import NAME_CHARACTER_BAR, character_probabilities
from ocr.name_reread import CROP_MARGINS, margin_crop
from ocr.result import Reading
from ocr.review import NON_BLOCKING, min_confidence
from schemas.model import FieldInfo, TextLine
from schemas.names import simplify_name, traditional_spelling

log = logging.getLogger("marriage_archive.ocr")

# Every character of the name, in each re-read: the bar a sentence name's weakest
# character needs (ocr/name_characters.py). Right names confirmed on the dev
# corpora sit at 0.97-1.0 in both crops; the forced answers for 𠀾 reached 0.89.
CHARACTER_BAR = NAME_CHARACTER_BAR


def same_name(window: str, name: str, traditional: bool) -> bool:
    """``window`` is ``name`` as read: equal, its traditional spelling, or on a form
    in simplified script the same characters in either script (黃学东 for 黄学东)."""
    if window == name or traditional_spelling(window) == name:
        return True
    return not traditional and simplify_name(window) == name


def weakest_in_reading(
    chars: list[tuple[str, float]], name: str, traditional: bool
) -> float | None:
    """The lowest probability among the name's characters where the decoded text holds
    the name (the best such place); None when it does not hold it."""
    text = "".join(ch for ch, _ in chars)
    n, best = len(name), None
    for k in range(len(text) - n + 1):
        if same_name(text[k : k + n], name, traditional):
            weakest = min(p for _, p in chars[k : k + n])
            best = weakest if best is None else max(best, weakest)
    return best


def reads_only(chars: list[tuple[str, float]], name: str) -> bool:
    """The reading is the name and nothing else (spaces aside): a table cell's crop
    with a margin that shows another character (``汪慧X``) holds a glyph the
    detected box left out."""
    return len("".join(ch for ch, _ in chars if not ch.isspace())) == len(name)


def cell_of(
    lines: list[TextLine], info: FieldInfo, name: str, traditional: bool
) -> TextLine | None:
    """The recognized line that is the name's cell: on the name's page, holding the
    centre of its box, its text (spaces aside) nothing but the name."""
    assert info.bbox is not None
    x, y, w, h = info.bbox
    cx, cy = x + w / 2, y + h / 2
    for ln in lines:
        lx, ly, lw, lh = ln.bbox
        if ln.page != info.page or not (lx <= cx <= lx + lw and ly <= cy <= ly + lh):
            continue
        text = ln.text.replace(" ", "")
        if len(text) == len(name) and same_name(text, name, traditional):
            return ln  # no mark beside it either: ``穆義·`` for 穆義𠁞 read the lost glyph as a dot
    return None


def fills_its_cell(line: TextLine, name: str) -> bool:
    """The cell is no wider than its characters (see ``NAME_WIDTH_LIMIT``)."""
    return line.bbox[2] <= NAME_WIDTH_LIMIT * len(name) * line.bbox[3]


def _candidate(reading: Reading, info: FieldInfo | None, name: str, pages: int) -> bool:
    """A horizontal name of two characters or more, below the bar, with no blocking issue."""
    if info is None or info.bbox is None or info.page is None or info.page >= pages:
        return False
    if len(name) < 2 or "·" in name or info.confidence >= min_confidence("name"):
        return False
    if any(issue not in NON_BLOCKING for issue in info.issues):
        return False  # held anyway: nothing to confirm
    if is_vertical(tuple(info.bbox), name):
        return False
    if "from_sentence" in info.issues:
        return True
    cell = cell_of(reading.lines, info, name, reading.traditional)
    return cell is not None and fills_its_cell(cell, name)


def confirm_names_by_crops(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> int:
    """Confirm the unsure names whose two margin crops both read them with every
    character at ``CHARACTER_BAR`` or more (see the module doc). One engine call per
    record with such a name; returns how many names were confirmed."""
    todo: list[tuple[int, list[np.ndarray]]] = []
    in_cells: set[int] = set()
    for i, party in enumerate(reading.parties):
        key, name = f"parties[{i}].name", party.name or ""
        info = reading.fields.get(key)
        if not _candidate(reading, info, name, len(pages)):
            continue
        assert info is not None and info.bbox is not None and info.page is not None
        crops = [margin_crop(pages[info.page], info.bbox, m) for m in CROP_MARGINS]
        if all(c.shape[0] >= 4 and c.shape[1] >= 4 for c in crops):
            todo.append((i, crops))
            if "from_sentence" not in info.issues:
                in_cells.add(i)
    if not todo:
        return 0
    decoded = character_probabilities(
        engine, [np.ascontiguousarray(c) for _, crops in todo for c in crops], script_twins=True
    )
    if decoded is None:
        return 0
    confirmed, k = 0, 0
    for i, crops in todo:
        reads, k = decoded[k : k + len(crops)], k + len(crops)
        name = reading.parties[i].name or ""
        weakest = [weakest_in_reading(chars, name, reading.traditional) for chars in reads]
        if i in in_cells and not all(reads_only(chars, name) for chars in reads):
            continue  # a cell's crop showing more than the name: a glyph outside its box
        if all(w is not None and w >= CHARACTER_BAR for w in weakest):
            info = reading.fields[f"parties[{i}].name"]
            info.confidence = round(min(w for w in weakest if w is not None), 4)
            info.issues.append("name_confirmed_by_crops")
            confirmed += 1
    log.debug("unsure names re-read from two crops: %s tried, %s confirmed", len(todo), confirmed)
    return confirmed
