"""A sure table name whose character no reading is sure of goes to review.

Rare name characters (生僻字) outside GB2312 are a known problem of China's civil
registries: 𠮷, 琎, 𡈼, 旻 are written on certificates, and a recognizer forced onto
its alphabet answers them as look-alikes (吉, 进, 王, 晏), often with a high line
score. A name that is a table cell of its own is the whole line, so the line's
score is the name's mean and hides one doubtful character (董峰吉 for 董峰𠮷 read
at 0.994).

Three readings of each character are compared, all from the prepared page and
the recognizer's own per-character probabilities
(:class:`~ocr.engine.CharacterReader`):

1. the character in its line (the name's cell re-read as a whole);
2. the character's own cell (the name box cut into equal cells, as
   :func:`ocr.name_reread.character_cells` does);
3. the same cell with a margin into its neighbours and above and below
   (``PAD_WIDTH`` / ``PAD_HEIGHT``): a tight cell cuts strokes of a right
   character and makes it unsure, a margin gives them back, while a glyph the
   model has no class for stays unsure or turns into another character.

A character is confirmed when one reading is sure of it (its line probability
>= ``LINE_SURE``, or one cell reads that very character, in either script, at
>= ``CELL_SURE``). A name with a character no reading confirms gets
``name_character_unsure`` (blocking). Nothing is learnt from a list of rare
characters: only the recognizer's doubt, measured three ways.

Measured on dev1-4 (docs/extraction.md "session 13: names").
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np

from ocr.crops import clip
from ocr.engine import CharacterReader, OcrEngine
from ocr.layout import is_vertical
from ocr.name_characters import holding_line, line_crop
from ocr.name_reread import character_cells
from ocr.result import Reading
from ocr.review import min_confidence
from schemas.names import simplify_name

log = logging.getLogger("marriage_archive.ocr")

# A character's probability in its line that confirms it by itself.
LINE_SURE = 0.99
# A cell read alone as the same character at this probability confirms it.
CELL_SURE = 0.8
# The padded cell's margin: a share of the cell's width on each side, of the
# box's height above and below.
PAD_WIDTH = 0.12
PAD_HEIGHT = 0.15
MIN_SIDE = 4


def padded_cells(page: np.ndarray, bbox: list[int], count: int) -> list[np.ndarray]:
    """One crop per character of a horizontal name box, each with a margin of
    ``PAD_WIDTH`` of a cell into its neighbours and ``PAD_HEIGHT`` of the box's
    height above and below (clipped to the page)."""
    x, y, w, h = bbox
    pitch = w / count
    dx, dy = PAD_WIDTH * pitch, PAD_HEIGHT * h
    return [
        clip(page, x + k * pitch - dx, y - dy, x + (k + 1) * pitch + dx, y + h + dy)
        for k in range(count)
    ]


def line_probabilities(chars: list[tuple[str, float]], name: str) -> list[float] | None:
    """The name's characters' probabilities in a decoded line where the line
    holds the name (the surest place when more than one); None when it does not."""
    text = "".join(ch for ch, _ in chars)
    n, best = len(name), None
    for k in range(len(text) - n + 1):
        if simplify_name(text[k : k + n]) == simplify_name(name):
            probs = [p for _, p in chars[k : k + n]]
            if best is None or min(probs) > min(best):
                best = probs
    return best


def cell_probability(char: str, cell: list[tuple[str, float]]) -> float:
    """The probability of a cell read alone as ``char`` (either script); 0.0 when
    it reads anything else (another character, two, or nothing)."""
    text = "".join(ch for ch, _ in cell)
    if len(cell) != 1 or simplify_name(text) != simplify_name(char):
        return 0.0
    return cell[0][1]


def unsure_characters(
    name: str,
    line: list[float] | None,
    cells: list[list[tuple[str, float]]],
    padded: list[list[tuple[str, float]]],
) -> list[int]:
    """Positions of ``name``'s characters that no reading confirms (see module doc).

    ``line``: the name's characters' probabilities in their line (None: the line
    did not hold the name, so it confirms nothing); ``cells`` / ``padded``: each
    character's cell read alone, tight and with a margin.
    """
    unsure = []
    for k, char in enumerate(name):
        in_line = line is not None and line[k] >= LINE_SURE
        in_cell = any(
            k < len(reads) and cell_probability(char, reads[k]) >= CELL_SURE
            for reads in (cells, padded)
        )
        if not (in_line or in_cell):
            unsure.append(k)
    return unsure


def _sure_table_names(
    reading: Reading, pages: list[np.ndarray]
) -> Iterator[tuple[int, str, np.ndarray, list[int], list[int] | None]]:
    """(party index, name, page, name box, holding line's box) of every name that
    is sure, read outside a sentence, horizontal and at least two characters."""
    for i, party in enumerate(reading.parties):
        key = f"parties[{i}].name"
        info = reading.fields.get(key)
        name = party.name or ""
        if info is None or info.bbox is None or info.page is None or info.page >= len(pages):
            continue
        if len(name) < 2 or "·" in name or info.confidence < min_confidence(key):
            continue
        if "from_sentence" in info.issues or is_vertical(tuple(info.bbox), name):
            continue
        line = holding_line(reading.lines, info.page, info.bbox, name)
        yield i, name, pages[info.page], info.bbox, None if line is None else line.bbox


Decoded = list[tuple[str, float]]


def weigh_names(
    reading: Reading, pages: list[np.ndarray], engine: CharacterReader
) -> list[tuple[int, str, list[float] | None, list[Decoded], list[Decoded]]]:
    """(party index, name, its characters' probabilities in their line, its cells
    read alone, its padded cells read alone) for every sure table name whose crops
    could be cut; all of them read in one engine call."""
    todo: list[tuple[int, str, bool, int, int]] = []
    crops: list[np.ndarray] = []
    for i, name, page, bbox, line_box in _sure_table_names(reading, pages):
        group = character_cells(page, bbox, len(name)) + padded_cells(page, bbox, len(name))
        if line_box is not None:
            group.append(line_crop(page, line_box))
        if any(c.shape[0] < MIN_SIDE or c.shape[1] < MIN_SIDE for c in group):
            continue
        todo.append((i, name, line_box is not None, len(crops), len(group)))
        crops += group
    if not todo:
        return []
    decoded = engine.recognize_characters(crops)
    out = []
    for i, name, has_line, start, size in todo:
        reads = decoded[start : start + size]
        n = len(name)
        line = line_probabilities(reads[-1], name) if has_line else None
        out.append((i, name, line, reads[:n], reads[n : 2 * n]))
    return out


def flag_unsure_names(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> int:
    """Flag every sure table name with a character no reading confirms
    (``name_character_unsure``, blocking; see the module doc). One engine call per
    record; nothing for engines that cannot score characters. Returns how many
    names were flagged."""
    if not isinstance(engine, CharacterReader):
        return 0
    weighed = weigh_names(reading, pages, engine)
    flagged = 0
    for i, name, line, cells, padded in weighed:
        if unsure_characters(name, line, cells, padded):
            reading.fields[f"parties[{i}].name"].issues.append("name_character_unsure")
            flagged += 1
    log.debug("name characters weighed: %s names, %s unsure", len(weighed), flagged)
    return flagged
