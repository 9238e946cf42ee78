"""A name read inside a longer line gets its own confidence from a re-read of its crop.

RapidOCR scores a whole line: a name read from the certificate sentence
(``兹有贺喜明（男，28岁）与董静敏（女…``) carries the mean confidence of the
line's twenty-odd characters (0.83-0.95 on 1950s handwriting), not its own.
The name's characters are located in the line's box (:func:`ocr.layout.span_box`), that
crop is recognized again, and when the re-read holds the same name at the
re-read bar or more, the name takes that confidence
(``name_confirmed_by_reread``). A re-read that differs, is unsure or lost a
character confirms nothing: the name keeps the line's confidence and its review.

Measured on the dev corpora (see docs/extraction.md, "Names, 2026-11-30"): the
re-read is noisy (0.75-0.999 for one right name, depending on the crop), and a
rare character read as a common one can come back sure, hence the higher bar.
Names that are a whole line of their own are not re-read: the crop would be
the same image the engine already scored (the measured re-reads of wrong table
names came back the same, at the same confidence).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np

from ocr.crops import clip
from ocr.engine import OcrEngine
from ocr.layout import is_vertical
from ocr.result import Reading
from ocr.review import min_confidence
from schemas.model import FieldInfo
from schemas.names import simplify_name, traditional_spelling

log = logging.getLogger("marriage_archive.ocr")

# Context kept around a horizontal name, in line heights: one crop tight, one
# with a neighbour on each side (the position of the name is estimated).
CROP_MARGINS = (0.35, 0.9)
# Above and below: strokes that reach past the detected box are kept.
VERTICAL_MARGIN = 0.2
# A re-read confirms only when surer than a name read alone must be (0.96): the
# crop's place is estimated, and a rare character the model maps to a common one
# (谢兰𠮷 read 谢兰吉) came back at 0.87-0.974 depending on the crop, while right
# names re-read at 0.98-0.999 when the crop held them.
REREAD_MIN_CONFIDENCE = 0.98


def name_crops(page: np.ndarray, bbox: list[int], name: str) -> list[np.ndarray]:
    """Crops of the name's box for re-recognition, each one horizontal line of text.

    A vertical name's characters are cut out one by one and laid side by side
    (the recognizer reads left to right).
    """
    x, y, w, h = bbox
    if is_vertical((x, y, w, h), name):
        pitch = h / len(name)
        cells = [
            page[round(y + k * pitch) : round(y + (k + 1) * pitch), x : x + w]
            for k in range(len(name))
        ]
        rows = min(c.shape[0] for c in cells)
        if rows < 4 or any(c.shape[1] < 4 for c in cells):
            return []
        blank = np.full((rows, max(4, w // 4), *page.shape[2:]), 255, dtype=page.dtype)
        return [np.hstack([blank, *(c[:rows] for c in cells), blank])]
    crops = [margin_crop(page, bbox, margin) for margin in CROP_MARGINS]
    return [crop for crop in crops if crop.shape[0] >= 4 and crop.shape[1] >= 4]


def margin_crop(page: np.ndarray, bbox: list[int], margin: float) -> np.ndarray:
    """A horizontal name box widened by ``margin`` line heights each side and
    ``VERTICAL_MARGIN`` of its height above and below (clipped to the page)."""
    x, y, w, h = bbox
    pad, dy = round(margin * h), round(VERTICAL_MARGIN * h)
    return clip(page, x - pad, y - dy, x + w + pad, y + h + dy)


def holds_name(text: str, name: str) -> bool:
    """True when ``text`` contains ``name`` as read, or in the traditional script it is in."""
    n = len(name)
    for k in range(len(text) - n + 1):
        window = text[k : k + n]
        if window == name or traditional_spelling(window) == name:
            return True
    return False


def reread_names(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> int:
    """Re-read the names from their crops: unsure sentence names may be confirmed
    (:func:`confirm_sentence_names`), sure names are checked character by character
    (:func:`check_name_characters`). Returns how many names were confirmed."""
    confirmed = confirm_sentence_names(reading, pages, engine)
    check_name_characters(reading, pages, engine)
    return confirmed


def _read_in_one_call(
    engine: OcrEngine, todo: list[tuple[int, list[np.ndarray]]]
) -> list[tuple[int, list[tuple[str, float]]]]:
    """Recognize the crops of every party in ONE engine call; (party, its readings) in order."""
    results = engine.recognize_lines([crop for _, crops in todo for crop in crops])
    grouped, k = [], 0
    for i, crops in todo:
        grouped.append((i, results[k : k + len(crops)]))
        k += len(crops)
    return grouped


def _boxed_names(
    reading: Reading, pages: list[np.ndarray]
) -> Iterator[tuple[int, str, FieldInfo, np.ndarray, list[int]]]:
    """(party index, name, its field, its page, its box) for every name read with a box
    on one of ``pages``."""
    for i, party in enumerate(reading.parties):
        info = reading.fields.get(f"parties[{i}].name")
        if not party.name or info is None or info.bbox is None or info.page is None:
            continue
        if info.page < len(pages):
            yield i, party.name, info, pages[info.page], info.bbox


def confirm_sentence_names(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> int:
    """Re-read the unsure names read inside longer lines (see module doc); returns how
    many the re-read confirmed."""
    threshold = min_confidence("name")
    todo: list[tuple[int, list[np.ndarray]]] = []
    for i, name, info, page, bbox in _boxed_names(reading, pages):
        if info.confidence >= threshold or "from_sentence" not in info.issues:
            continue
        crops = name_crops(page, bbox, name)
        if crops:
            todo.append((i, crops))
    if not todo:
        return 0
    confirmed = 0
    for i, reads in _read_in_one_call(engine, todo):
        name = reading.parties[i].name or ""
        best = max((conf for text, conf in reads if holds_name(text, name)), default=0.0)
        if best >= max(threshold, REREAD_MIN_CONFIDENCE):
            info = reading.fields[f"parties[{i}].name"]
            info.confidence = round(max(info.confidence, best), 4)
            info.issues.append("name_confirmed_by_reread")
            confirmed += 1
    log.debug("names re-read: %s tried, %s confirmed", len(todo), confirmed)
    return confirmed


# A character cell of a sure name read alone must give back that character at
# least this sure. Measured on dev1-3 (328 names read at >= 0.96 outside sentences,
# exact cells): 8 of the 14 wrong names fail it (a lost character shows as two in
# one cell: 柴勇 -> 柴勇|勇堃; 𠮷 read 吉 in the line comes back 告 alone), 1 of the
# 314 right names does. Bars of 0.7 / 0.9 flagged 5 / 20 right names and caught 8 / 9.
CELL_MIN_CONFIDENCE = 0.5


def character_cells(page: np.ndarray, bbox: list[int], count: int) -> list[np.ndarray]:
    """One crop per character of a horizontal name box: equal cells of the box's
    height (a margin into the neighbours doubled the false alarms, measured)."""
    x, y, w, h = bbox
    pitch = w / count
    return [
        clip(page, round(x + k * pitch), y, round(x + (k + 1) * pitch), y + h) for k in range(count)
    ]


def cell_agrees(char: str, text: str, confidence: float) -> bool:
    """The cell read alone is the same character (either script), surely enough."""
    same = text == char or simplify_name(text) == simplify_name(char)
    return same and confidence >= CELL_MIN_CONFIDENCE


# A table name read a little below the bar (a whole cell between 0.90 and 0.96) whose
# every character, cut out and read alone, gives back that very character at 0.9 or
# more is confirmed (``name_confirmed_by_cells``). Measured on dev1-4 (530 records,
# names of 1956 on, outside sentences, docs/extraction.md "session 14"): of the
# names read 0.90-0.96, 3 pass it, all right; the wrong ones there each have a cell
# at 0.83 or less (侯娜王 for 侯娜𡈼: 侯 0.83; 邱是 for 邱旻: 晏 0.30; 毛莲荟: 套 0.85),
# while two agreeing readings (table and signature) did not separate (侯娜王 twice).
CONFIRM_FLOOR = 0.90
CONFIRM_CELL_CONFIDENCE = 0.9
# Handwritten traditional names of the first years: no confirmation measured safe there.
ERAS_NOT_CONFIRMED = (None, "1950-55")


def _confirmable(reading: Reading, info: FieldInfo) -> bool:
    """A name just below the bar on a simplified form of 1956 on (see CONFIRM_FLOOR)."""
    return (
        CONFIRM_FLOOR <= info.confidence < min_confidence("name")
        and reading.era not in ERAS_NOT_CONFIRMED
        and not reading.traditional
    )


def _confirmed_by_cells(name: str, reads: list[tuple[str, float]]) -> bool:
    return all(
        simplify_name(text) == simplify_name(ch) and conf >= CONFIRM_CELL_CONFIDENCE
        for ch, (text, conf) in zip(name, reads, strict=True)
    )


def check_name_characters(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> int:
    """Re-read each character of every name sure enough to be accepted, alone.

    The engine scores a line as a whole: a character dropped from a name (朱斌 for
    朱斌璡 in a box barely too wide) or a rare character answered as a common one
    (马建吉 for 马建𠮷 at 0.98) hides in the mean. Cut into one cell per character,
    a cell holding two characters reads as two, and a forced answer is often unsure
    or another character alone. A name with a cell that disagrees goes to review
    (``name_character_unconfirmed``). A name just below the bar whose every cell
    gives back its character surely is confirmed (``name_confirmed_by_cells``, see
    ``CONFIRM_FLOOR``). Horizontal boxes only. Returns how many were flagged.
    """
    threshold = min_confidence("name")
    todo: list[tuple[int, list[np.ndarray]]] = []
    for i, name, info, page, bbox in _boxed_names(reading, pages):
        if len(name) < 2 or (info.confidence < threshold and not _confirmable(reading, info)):
            continue
        if is_vertical(bbox, name) or "·" in name or "from_sentence" in info.issues:
            continue  # a sentence name's box is estimated: its cells would not hold one character
        cells = character_cells(page, bbox, len(name))
        if all(c.shape[0] >= 4 and c.shape[1] >= 4 for c in cells):
            todo.append((i, cells))
    if not todo:
        return 0
    flagged = 0
    for i, reads in _read_in_one_call(engine, todo):
        name = reading.parties[i].name or ""
        info = reading.fields[f"parties[{i}].name"]
        if info.confidence < threshold:
            if _confirmed_by_cells(name, reads):
                info.confidence = threshold
                info.issues.append("name_confirmed_by_cells")
            continue
        if not all(cell_agrees(ch, t, c) for ch, (t, c) in zip(name, reads, strict=True)):
            info.issues.append("name_character_unconfirmed")
            flagged += 1
    log.debug("name characters re-read: %s names, %s flagged", len(todo), flagged)
    return flagged
