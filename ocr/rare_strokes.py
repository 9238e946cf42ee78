"""A rare name character told from its look-alike by the lengths of its strokes.

The recognizer has no class for 𠮷 or 𡈼 and answers 吉, 王 or 壬 for them, sure
(``ocr/rare_names.py``): such a name goes to review. The pairs differ in which
horizontal stroke is the longer one, which a recognizer trained on other text
ignores but the ink shows:

* 吉 is 士 over 口: its first horizontal stroke is LONGER than the second; 𠮷 is
  土 over 口: shorter (Noto faces: 吉 1.11-1.17, 𠮷 0.80-0.89; scans of the dev
  corpora 0.83-0.94 for 𠮷).
* 𡈼 is 丿 over 土: three strokes across, the bottom one the longest and the top
  one short. 王's top stroke is nearly as long as its bottom one (0.90 in Noto),
  壬's middle one is its longest.

So the name's value is written with the rare character when the strokes say so
with a margin (:func:`rare_by_strokes`), and otherwise left as read. Either way
the name stays held for a clerk (``name_rare_lookalike`` still fires on a rare
character, ``ocr/review.py``): the strokes give the clerk the likelier value, they
do not accept it. Measured in docs/extraction.md "Session 21". What it cannot do:
faces that draw the two alike (AR PL UKai and UMing have no 𠮷 at all), bold faces
whose 丿 is as long as a stroke across (Noto Sans Bold: 𡈼's top at 0.83 of its
bottom), vertical names and names whose box holds more than the name.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.layout import is_vertical
from ocr.rare_names import RARE_LOOKALIKES
from ocr.result import Reading
from schemas.names import simplify_name, split_name

JI, TING = "\U00020bb7", "\U0002123c"  # 𠮷, 𡈼
# A row belongs to a stroke across the glyph when it holds a run of ink this long
# (share of the glyph's ink width); the 口 and 丿 rows hold shorter runs.
STROKE_RUN = 0.3
# 吉 -> 𠮷: the first stroke at most this share of the second (吉 >= 1.11, 𠮷 <= 0.94).
JI_RATIO = 0.95
# 王 / 壬 -> 𡈼: the top stroke at most this share of the bottom one (王 0.90).
TING_TOP = 0.75


def horizontal_strokes(glyph: np.ndarray) -> tuple[list[tuple[int, int, int]], int, int]:
    """The strokes across one character's image, top to bottom, as ``(first row,
    end row, longest run of ink)`` in the ink's own box, and that box's width and
    height. Ink is what Otsu's threshold calls dark."""
    gray = glyph if glyph.ndim == 2 else cv2.cvtColor(glyph, cv2.COLOR_RGB2GRAY)
    if gray.size == 0:
        return [], 0, 0
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    ys, xs = np.nonzero(binary)
    if len(ys) == 0:
        return [], 0, 0
    ink = binary[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1] > 0
    height, width = ink.shape
    runs = [_longest_run(row) for row in ink]
    strokes: list[tuple[int, int, int]] = []
    y = 0
    while y < height:
        if runs[y] > STROKE_RUN * width:
            start = y
            while y < height and runs[y] > STROKE_RUN * width:
                y += 1
            longest = max(runs[start:y])
            if strokes and _one_slanted_stroke(strokes[-1], (start, y, longest), width, height):
                start = strokes.pop()[0]
            strokes.append((start, y, max(runs[start:y])))
        else:
            y += 1
    return strokes, width, height


def _one_slanted_stroke(
    above: tuple[int, int, int], below: tuple[int, int, int], width: int, height: int
) -> bool:
    """Two bands that are one slanted stroke (丿 crosses the rows in steps): touching,
    or close and both short (the strokes across 士 and 土 are 0.6 of the width or more)."""
    gap = below[0] - above[1]
    short = max(above[2], below[2]) < 0.5 * width
    return gap <= 1 or (short and gap <= 0.08 * height)


def _longest_run(row: np.ndarray) -> int:
    """The longest run of True in ``row``."""
    padded = np.concatenate(([False], row, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return int((edges[1::2] - edges[0::2]).max()) if len(edges) else 0


def rare_by_strokes(glyph: np.ndarray, read: str) -> str | None:
    """The rare character ``glyph`` shows where the recognizer read ``read`` (𠮷 for
    吉, 𡈼 for 王 or 壬), or None when its strokes do not say so with a margin."""
    strokes, width, height = horizontal_strokes(glyph)
    if read == "吉" and len(strokes) >= 3:
        (_, _, w1), (s2, _, w2) = strokes[0], strokes[1]
        upper = s2 <= 0.55 * height  # both strokes of 士 / 土 above the 口
        if upper and max(w1, w2) >= 0.6 * width and w1 <= JI_RATIO * w2:
            return JI
    if read in ("王", "壬") and len(strokes) == 3:
        top, middle, bottom = (w for _, _, w in strokes)
        if bottom >= max(top, middle) and bottom >= 0.8 * width and top <= TING_TOP * bottom:
            return TING
    return None


def glyph_box(bbox: list[int], name: str, index: int) -> tuple[int, int, int, int]:
    """The ``index``-th character's share of a horizontal name's box (x0, y0, x1, y1):
    equal parts, the box holding the name alone."""
    x, y, w, h = bbox
    return x + index * w // len(name), y, x + (index + 1) * w // len(name), y + h


def resolve_rare_characters(reading: Reading, pages: list[np.ndarray]) -> int:
    """Write the rare character into every horizontal name whose look-alike's strokes
    show it (``name_rare_by_strokes``); returns how many characters were written."""
    written = 0
    for i, party in enumerate(reading.parties):
        name = party.name or ""
        info = reading.fields.get(f"parties[{i}].name")
        if len(name) < 2 or info is None or info.bbox is None or info.page is None:
            continue
        if info.page >= len(pages) or is_vertical(tuple(info.bbox), name):
            continue
        surname, _given = split_name(name)
        chars = list(name)
        for k in range(len(surname), len(name)):
            if chars[k] not in RARE_LOOKALIKES:
                continue
            x0, y0, x1, y1 = glyph_box(info.bbox, name, k)
            rare = rare_by_strokes(pages[info.page][y0:y1, x0:x1], chars[k])
            if rare is not None:
                chars[k] = rare
        if chars != list(name):
            written += sum(a != b for a, b in zip(chars, name, strict=True))
            party.name = "".join(chars)
            party.name_simplified = simplify_name(party.name)
            info.issues.append("name_rare_by_strokes")
    return written
