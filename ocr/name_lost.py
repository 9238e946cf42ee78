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

The re-read misses a glyph the recognizer decodes as nothing in both crops, and
it skips vertical sentences. So the name's holding line is also read with each
character's place (``character_frames``): a lost glyph leaves a wider step
between its neighbours, a glyph read as a dot takes a full step, a glyph forced
onto a class is read unsure (``step_after``). Measured on dev 7000013/7000014
(docs/extraction.md "Session 20").
"""

from __future__ import annotations

import logging
from itertools import pairwise

import numpy as np

from ocr.engine import CharacterReader, OcrEngine
from ocr.layout import is_vertical
from ocr.name_characters import holding_line, line_crop
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


# A step between two characters' first CTC frames this many times the line's step
# from one CJK character to the next: a character between them decoded as nothing
# (鄒巧 at frames 93, 97, then 女 at 105, the line's step 4). Right names next to a
# bracket step 1.5 at most (吳勇 at 12, 16, then （ at 22).
LOST_STEP = 1.8
# A character right after the name this unsure: a glyph the recognizer has no
# class for, forced onto one (曾仁𠀾 read 曾仁云, 云 at 0.17, where the page's
# reading of the line showed nothing).
FORCED_CHARACTER = 0.5
# An opening bracket's ink sits to the right of its place: the step from a right
# name to it reaches 2.0 (谭琴霞 at 34, 36, 38, then （ at 42, the line's step 2).
BRACKET_STEP = 2.5
_OPENING = set("（(［[〔【")
# Marks passed over when measuring the step after a name: a speck (王山贵.(男, a
# step of 2 after 贵, the line's 3), or a glyph with no class read as a dot (穆娜𠁞
# read 穆娜·（女: a full step on either side of the dot, which flags the name).
_DOTS = set("·•.．・")
# CJK steps a line needs before its step is trusted.
MIN_STEPS = 2


def cjk_step(chars: list[tuple[str, float, int]]) -> float | None:
    """The line's median step between two CJK characters in a row (digits and
    punctuation are narrower); None when it has fewer than ``MIN_STEPS``."""
    steps = [b[2] - a[2] for a, b in pairwise(chars) if is_cjk(a[0]) and is_cjk(b[0])]
    return float(np.median(steps)) if len(steps) >= MIN_STEPS else None


def _takes_a_place(chars: list[tuple[str, float, int]], j: int, pitch: float) -> bool:
    """True when the dot at ``j`` is a character's step from both neighbours."""
    return chars[j][2] - chars[j - 1][2] >= pitch and chars[j + 1][2] - chars[j][2] >= pitch


def step_after(chars: list[tuple[str, float, int]], name: str) -> bool:
    """True when the line's characters, as the recognizer placed them, leave room
    for a character inside ``name`` or right after it (past any dot: a step of
    ``LOST_STEP`` times the line's CJK step, ``cjk_step``; ``BRACKET_STEP`` to
    an opening bracket), or show right after it a dot a full step from both its
    neighbours or a character read below ``FORCED_CHARACTER``. A line that does not hold
    the name, or ends with it, says nothing; so does a line with too few CJK
    characters to give a step."""
    text = "".join(ch for ch, _, _ in chars)
    n, key = len(name), simplify_name(name)
    pitch = cjk_step(chars)
    if pitch is None:
        return False
    for k in range(len(text) - n):
        if simplify_name(text[k : k + n]) != key:
            continue
        if is_cjk(text[k + n]) and chars[k + n][1] < FORCED_CHARACTER:
            return True
        nxt = next((j for j in range(k + n, len(text)) if text[j] not in _DOTS), None)
        if nxt is None:
            return False  # the line ends with the name (and a dot)
        if nxt == k + n + 1 and _takes_a_place(chars, k + n, pitch):
            return True
        places = [chars[j][2] for j in range(k, k + n)]
        after = BRACKET_STEP if text[nxt] in _OPENING else LOST_STEP
        return any(b - a > LOST_STEP * pitch for a, b in pairwise(places)) or (
            chars[nxt][2] - places[-1] > after * pitch
        )
    return False


def _lost_by_steps(todo: list[tuple[int, str, np.ndarray]], engine: OcrEngine) -> set[int]:
    """The parties whose holding line's character places leave room for a lost one
    (``step_after``); nothing for an engine that cannot place characters."""
    if not todo or not isinstance(engine, CharacterReader):
        return set()
    placed = engine.character_frames([crop for *_rest, crop in todo])
    return {i for (i, name, _), chars in zip(todo, placed, strict=True) if step_after(chars, name)}


def flag_lost_characters(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> int:
    """Flag every sentence name whose holding line's character places leave room
    for a lost one (``step_after``), or, horizontal, whose wide re-read shows a
    character the line lost after it (``name_character_lost``, blocking). Two
    engine calls per record at most; returns how many names were flagged."""
    todo: list[tuple[int, str, str, np.ndarray]] = []
    lines: list[tuple[int, str, np.ndarray]] = []
    for i, party in enumerate(reading.parties):
        info = reading.fields.get(f"parties[{i}].name")
        name = party.name or ""
        if info is None or info.bbox is None or info.page is None or info.page >= len(pages):
            continue
        if len(name) < 2 or "from_sentence" not in info.issues:
            continue
        line = holding_line(reading.lines, info.page, info.bbox, name)
        if line is None:
            continue
        whole = line_crop(pages[info.page], line.bbox)
        if whole.shape[0] >= 4 and whole.shape[1] >= 4:
            lines.append((i, name, whole))
        if is_vertical(tuple(info.bbox), name):
            continue
        crop = margin_crop(pages[info.page], info.bbox, WIDE_MARGIN)
        if crop.shape[0] >= 4 and crop.shape[1] >= 4:
            todo.append((i, name, line.text, crop))
    reads = engine.recognize_lines([crop for *_rest, crop in todo]) if todo else []
    lost = _lost_by_steps(lines, engine)
    lost |= {
        i
        for (i, name, text, _crop), (again, _conf) in zip(todo, reads, strict=True)
        if lost_after(text, again, name)
    }
    for i in sorted(lost):
        reading.fields[f"parties[{i}].name"].issues.append("name_character_lost")
    flagged = len(lost)
    log.debug("sentence names re-read wide: %s, %s lost a character", len(todo), flagged)
    return flagged
