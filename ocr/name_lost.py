"""A sentence name that lost a character the recognizer has no class for.

A certificate sentence (``兹有钱明（男…）与夏红𠀾（女…``) holds a name whose last
character is outside the recognizer's alphabet: PP-OCRv6 small has no 𠀾 and reads
the line ``…与夏红（女…`` at 0.98, the glyph simply gone. The name's box is placed
in the line from the text as read (:func:`ocr.layout.span_box`), so the lost glyph
sits where the box puts the bracket.

The name's crop with a margin of ``WIDE_MARGIN`` line heights each side is
recognized again: a right name comes back followed by what the line shows after
it (``有钱明（男``), a name that lost a glyph by a character the line does not
have there (``与夏红荟``: the lost 𠀾 read as a look-alike). Such a name goes to
review (``name_character_lost``, blocking). A re-read that ends with the name, or
does not hold it, says nothing.

Measured on the stop-15 fresh corpus's two such names and dev2/dev5 (docs/extraction.md
"session 16").
"""

from __future__ import annotations

import logging

import numpy as np

from ocr.engine import OcrEngine
from ocr.layout import is_vertical
from ocr.name_characters import holding_line
from ocr.name_reread import CROP_MARGINS, margin_crop
from ocr.result import Reading
from schemas.names import is_cjk, simplify_name

log = logging.getLogger("marriage_archive.ocr")

# The re-read crop's margin left and right, in line heights: name_reread's wide crop.
WIDE_MARGIN = CROP_MARGINS[-1]
# Characters the line may show after a name before its next word: brackets,
# commas, spaces, a dot.
_PUNCTUATION = set("（()），,、。.：:；; ·\"'“”")


def following(text: str, name: str) -> str | None:
    """What ``text`` shows right after ``name`` (first place it holds the name,
    either script), spaces left out; None when the text does not hold the name."""
    n, key = len(name), simplify_name(name)
    for k in range(len(text) - n + 1):
        if simplify_name(text[k : k + n]) == key:
            return text[k + n :].replace(" ", "")
    return None


def _same(a: str, b: str) -> bool:
    return a == b or simplify_name(a) == simplify_name(b)


def lost_after(line_text: str, reread: str, name: str) -> bool:
    """True when the re-read shows, right after ``name``, a CJK character where the
    line shows something else: neither the line's next character nor, past its
    punctuation, its next word (see the module doc). A line that ends with the
    name says nothing (the re-read may reach the next row)."""
    in_line = following(line_text, name)
    again = following(reread, name)
    if not in_line or not again or not is_cjk(again[0]):
        return False
    word = in_line.lstrip("".join(_PUNCTUATION))
    return not _same(again[0], in_line[0]) and not (word and _same(again[0], word[0]))


def flag_lost_characters(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> int:
    """Flag every horizontal sentence name whose wide re-read shows a character
    the line lost after it (``name_character_lost``, blocking). One engine call
    per record; returns how many names were flagged."""
    todo: list[tuple[int, str, str, np.ndarray]] = []
    for i, party in enumerate(reading.parties):
        info = reading.fields.get(f"parties[{i}].name")
        name = party.name or ""
        if info is None or info.bbox is None or info.page is None or info.page >= len(pages):
            continue
        if len(name) < 2 or "from_sentence" not in info.issues:
            continue
        if is_vertical(tuple(info.bbox), name):
            continue
        line = holding_line(reading.lines, info.page, info.bbox, name)
        if line is None:
            continue
        crop = margin_crop(pages[info.page], info.bbox, WIDE_MARGIN)
        if crop.shape[0] >= 4 and crop.shape[1] >= 4:
            todo.append((i, name, line.text, crop))
    if not todo:
        return 0
    reads = engine.recognize_lines([crop for *_rest, crop in todo])
    flagged = 0
    for (i, name, text, _crop), (again, _conf) in zip(todo, reads, strict=True):
        if lost_after(text, again, name):
            reading.fields[f"parties[{i}].name"].issues.append("name_character_lost")
            flagged += 1
    log.debug("sentence names re-read wide: %s, %s lost a character", len(todo), flagged)
    return flagged
