"""Reading an ID number from its cells: a second reading of a row of per-digit cells.

Review forms print the ID as a row of boxes, one digit each. The row re-read
(``ocr/reread.py``) recognizes the whole strip as one line, rules painted out;
here every digit is cut out of its cell, its ink cut tightly (specks and
rule stubs dropped), scaled to one height and set with its
neighbours at an even spacing in a line of its own, which is recognized once:
digits written high, low or against a rule are read on an even baseline. A
15-digit ID has no check character: this reading, together with the printed
birth date and sex the ID states, is what confirms a row reading.

The cells are found from the page, never from template coordinates: rules are
thin vertical lines much taller than the text of the row's label (a digit
written in a cell is about as tall as that text), spaced evenly, darker or
lighter than the paper (a red rule once the seal ink is suppressed), whole or
worn into dashes. A row of digits may sit off its rules (the printer's feed, a
hand's drift): a digit's slot ends at the emptiest column near each rule, and
the rule's pixels a digit runs across or along stay the digit's.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import cv2
import numpy as np

from ocr import values as V
from ocr.crops import clip
from ocr.engine import OcrEngine
from ocr.id_text import valid_ids

# A cell rule is at least this many label heights tall; the search window
# reaches this many label heights above and below the label's row.
RULE_HEIGHTS = 1.5
WINDOW_HEIGHTS = 1.5
# Cells are spaced evenly: a gap between rules this far from the median is no cell.
SPACING_TOLERANCE = 0.25
# A pixel is ink when it is darker than this share of the paper's brightness.
INK_SHARE = 0.75
# A row of fewer cells is no ID row (15 digits at least, a few may be lost).
MIN_CELLS = 12
# A rule differs from the paper beside it by this many grey levels at least.
RULE_CONTRAST = 16
# Rule pixels this close (columns) to a stroke belong to the digit across the rule.
STROKE_REACH = 1
# Ink this many pixels wider than a rule, across it, is a stroke running inside it.
WIDENED = 2
# A digit's slot ends this share of a cell width from its rule at most.
SLOT_REACH = 0.4


def gray_of(crop: np.ndarray) -> np.ndarray:
    """A page crop (BGR, as pages are) in grey; a grey crop as it is."""
    return crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)


def rule_spans(mask: np.ndarray) -> list[tuple[int, int]]:
    """Runs of adjacent columns of ``mask`` that hold any set pixel: ``(first, last)``."""
    cols = np.flatnonzero(mask.any(axis=0))
    spans: list[tuple[int, int]] = []
    for c in cols.tolist():
        if spans and c - spans[-1][1] <= 2:
            spans[-1] = (spans[-1][0], c)
        else:
            spans.append((c, c))
    return spans


def even_cells(rules: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spaces between consecutive rules that are spaced like the row's cells.

    The median gap between rules is the cell width; gaps that differ from it by
    more than ``SPACING_TOLERANCE`` (the label's cell, the space after the row)
    are not cells. A line found inside a cell (a digit's long stroke, a pen
    mark) is no rule: a rule closer to the one before than a cell width allows
    is passed over. Returns ``(left, right)`` of each cell's inside.
    """
    if len(rules) < 2:
        return []
    width = float(np.median([b[0] - a[1] - 1 for a, b in itertools.pairwise(rules)]))
    cells, i = [], 0
    while i < len(rules) - 1:
        left, j = rules[i][1] + 1, i + 1
        while j < len(rules) - 1 and rules[j][0] - left < (1 - SPACING_TOLERANCE) * width:
            j += 1
        if abs((rules[j][0] - left) - width) <= SPACING_TOLERANCE * width:
            cells.append((left, rules[j][0]))
        i = j
    return cells


def _run_through(column: np.ndarray, row: int) -> tuple[int, int] | None:
    """First and last row of the run of set pixels of ``column`` that holds ``row``."""
    if not 0 <= row < len(column) or not column[row]:
        return None
    unset = np.flatnonzero(~column)
    above, below = unset[unset < row], unset[unset > row]
    return (int(above[-1]) + 1 if len(above) else 0), (
        int(below[0]) - 1 if len(below) else len(column) - 1
    )


def _cell_rows(rules: np.ndarray, lefts: list[int], middle: int) -> tuple[int, int]:
    """Top and bottom of the cells: the median run, through the row's middle, of the
    rules left of each cell (other table lines in the window are ignored)."""
    runs = [_run_through(rules[:, max(0, c - 1)] > 0, middle) for c in lefts]
    found = [r for r in runs if r is not None]
    if not found:
        return 0, 0
    return int(np.median([a for a, _ in found])), int(np.median([b for _, b in found]))


def _digit_crop(inside: np.ndarray, mask: np.ndarray, h: int) -> np.ndarray:
    """The ink of one cell, tightly cut and padded with the paper's colour (the
    recognizer scales a crop to a fixed height: a small digit in a tall empty cell
    reads badly); an empty array when the cell holds no more than specks."""
    wide = max(3, int(0.8 * mask.shape[1]))
    lines = cv2.morphologyEx(
        mask, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (wide, 1))
    )
    mask = cv2.subtract(mask, lines)  # a horizontal rule's stub inside the cell
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    keep = [
        stats[i] for i in range(1, count) if stats[i][cv2.CC_STAT_AREA] >= max(4, (h * h) // 60)
    ]
    if not keep:
        return inside[:0, :0]
    x0 = min(s[cv2.CC_STAT_LEFT] for s in keep)
    y0 = min(s[cv2.CC_STAT_TOP] for s in keep)
    x1 = max(s[cv2.CC_STAT_LEFT] + s[cv2.CC_STAT_WIDTH] for s in keep)
    y1 = max(s[cv2.CC_STAT_TOP] + s[cv2.CC_STAT_HEIGHT] for s in keep)
    # faint strokes (the thin diagonal of a 4) may fall below the speck size: the
    # cell's own pixels around the ink are kept, then paper added up to the padding
    pad = max(3, (y1 - y0) // 3)
    digit = inside[max(0, y0 - pad) : y1 + pad, max(0, x0 - pad) : x1 + pad]
    paper = inside[mask == 0]
    colour = [int(v) for v in np.median(paper, axis=0)] if len(paper) else [255, 255, 255]
    pad = max(2, pad // 2)
    return cv2.copyMakeBorder(digit, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=colour)


def rule_mask(gray: np.ndarray, h: int) -> np.ndarray:
    """The tall vertical rules of a grey window (255 on a rule), darker or lighter
    than the paper, whole or broken (pure).

    A rule is a thin vertical line: it stands out from the paper beside it
    (black-hat / top-hat with a short horizontal element), by ``RULE_CONTRAST``
    at least, and runs ``RULE_HEIGHTS`` label heights tall once gaps of a fifth
    of a label height are closed. Red rules come out lighter than the paper once
    the seal ink is suppressed (ingest.seal), worn or faint print breaks them
    into dashes; wide horizontal rules and the text of the row give no such line.
    """
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (max(7, h // 4) | 1, 1))
    dark = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, across)
    light = cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, across)
    line = np.where(np.maximum(dark, light) >= RULE_CONTRAST, 255, 0).astype(np.uint8)
    closed = cv2.morphologyEx(line, cv2.MORPH_CLOSE, _vertical(max(3, h // 5)))
    return cv2.morphologyEx(closed, cv2.MORPH_OPEN, _vertical(max(3, int(RULE_HEIGHTS * h))))


def _vertical(length: int) -> np.ndarray:
    return cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))


def bare_rules(ink: np.ndarray, rules: np.ndarray) -> np.ndarray:
    """The pixels of ``rules`` that belong to no digit (pure).

    A digit written across a rule shares pixels with it. A rule's row is the
    digit's where a stroke meets the rule from both sides (within
    ``STROKE_REACH`` columns), or where the ink across the rule is wider than the
    rule itself (by ``WIDENED`` pixels: the left arc of a 0, 6 or 9 printed on
    the rule runs inside it and thickens it), and only where that ink hangs
    together with a stroke off the rule. A digit that merely touches a rule keeps
    none of it (a stub read as a ``1`` beside it); the rest of the rule is no
    part of any digit.
    """
    strokes = cv2.bitwise_and(ink, cv2.bitwise_not(rules)) > 0
    bare = rules > 0
    for left, right in rule_spans(rules):
        before = strokes[:, max(0, left - STROKE_REACH) : left].any(axis=1)
        after = strokes[:, right + 1 : right + 1 + STROKE_REACH].any(axis=1)
        across = (ink[:, left : right + 1] > 0).sum(axis=1)
        widened = across >= np.median(across) + WIDENED
        bare[(before & after) | widened, left : right + 1] = False
    # what is kept must hang together with a stroke off the rule
    count, labels = cv2.connectedComponents(np.where(bare, 0, ink).astype(np.uint8), connectivity=8)
    with_stroke = np.zeros(count, bool)
    with_stroke[np.unique(labels[strokes])] = True
    return bare | ((ink > 0) & (rules > 0) & ~with_stroke[labels])


def slot_bounds(profile: np.ndarray, rules_at: list[float], reach: int) -> list[int]:
    """Where one written digit ends and the next begins, near each rule (pure).

    Digits are written one per cell, but the whole row may sit off the printed
    rules (printer feed) and a hand drifts: each bound is the emptiest column of
    the ink ``profile`` within ``reach`` of its rule: the rule itself when no
    column is emptier, else the middle of the emptiest run nearest the rule.
    Bounds that would not increase fall back to the rules themselves.
    """
    bounds = []
    for r in rules_at:
        lo, hi = max(0, int(r) - reach), min(len(profile), int(r) + reach + 1)
        if hi <= lo:
            bounds.append(int(r))
            continue
        window = profile[lo:hi]
        least = np.flatnonzero(window == window.min())
        if int(r) - lo in least:  # the rule itself is as empty as it gets
            bounds.append(int(r))
            continue
        runs = np.split(least, np.flatnonzero(np.diff(least) > 1) + 1)
        middles: list[float] = [lo + (int(run[0]) + int(run[-1])) / 2 for run in runs]
        nearest = min(middles, key=lambda m: abs(m - r))
        bounds.append(int(nearest + 0.5))
    if any(b <= a for a, b in itertools.pairwise(bounds)):
        return [int(r) for r in rules_at]
    return bounds


def cell_crops(page: np.ndarray, bbox: list[int], across_rules: bool = False) -> list[np.ndarray]:
    """Each cell of the ID row at ``bbox`` (the label's row, from the label's right):
    the digit written in it, tightly cut and padded with paper (an empty array for
    an empty cell); no cells when no evenly spaced rules are found.

    ``across_rules=False`` cuts each cell between its rules and drops every rule
    pixel; ``True`` lets a digit's slot end in the gap near each rule and keeps
    the rule pixels a digit runs across or along (``bare_rules``, ``slot_bounds``):
    that reads rows printed off their rules, and adds rule stubs beside digits
    that merely touch one, so ``read_cells`` reads both."""
    x, y, _w, h = bbox
    top = y - int(WINDOW_HEIGHTS * h)
    window = clip(page, x, top, page.shape[1], y + h + int(WINDOW_HEIGHTS * h))
    if window.size == 0 or h <= 0:
        return []
    gray = gray_of(window)
    rules = rule_mask(gray, h)
    cells = even_cells(rule_spans(rules))
    if len(cells) < MIN_CELLS:
        return []
    y0, y1 = _cell_rows(rules, [left for left, _ in cells], y - max(0, top) + h // 2)
    if y1 - y0 < h:
        return []
    # ink: clearly darker than the paper (Otsu would split the dark rules from
    # faint pencil or grey print and lose the digits)
    paper = float(np.median(gray))
    inset = max(2, h // 10)
    band = slice(y0 + inset, y1 - inset)
    dark = np.where(gray[band] < INK_SHARE * paper, 255, 0).astype(np.uint8)
    width = float(np.median([b - a for a, b in cells]))
    # the box's top and bottom rules (a digit written high or low touches them)
    long = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, int(0.8 * width)), 1))
    ink = cv2.subtract(dark, cv2.morphologyEx(dark, cv2.MORPH_OPEN, long))
    wide_rules = cv2.dilate(rules[band], np.ones((1, 3), np.uint8))
    bare = bare_rules(ink, wide_rules) if across_rules else wide_rules > 0
    ink[bare] = 0
    inside = window[band].copy()
    if inside.size == 0:
        return []
    colour = np.median(inside[(ink == 0) & ~bare], axis=0) if (ink == 0).any() else 255
    inside[bare] = colour
    if not across_rules:
        return [_digit_crop(inside[:, a:b], ink[:, a:b], h) for a, b in cells]
    rules_at = [cells[0][0] - 1.5] + [
        (a[1] + b[0]) / 2 if b[0] - a[1] < width / 3 else a[1] + 1.5
        for a, b in itertools.pairwise(cells)
    ]
    ends = slot_bounds(ink.sum(axis=0), [*rules_at, cells[-1][1] + 1.5], int(SLOT_REACH * width))
    return [_digit_crop(inside[:, a:b], ink[:, a:b], h) for a, b in itertools.pairwise(ends)]


def written_cells(crops: list[np.ndarray]) -> list[np.ndarray] | None:
    """The cells that hold ink, when they are the first ones of the row.

    Empty cells may only trail (a 15-digit ID in an 18-cell row); an empty cell
    between written ones (a digit lost to the scan) gives None.
    """
    written = [c for c in crops if c.size]
    if not written or any(not c.size for c in crops[: len(written)]):
        return None
    return written


# Specks read as marks of their own between two cells (``7 4 .0 8``: PP-OCRv6 reads
# a scanner speck in the gap); dropped before the count. A mark read in place of a
# digit leaves one character too few, and the count still rejects the line.
_MARKS = re.compile(r"[.,:;'`·・。，、_~^*#\"]")


def digits_of_line(text: str, cells: int) -> str | None:
    """The ID a line of ``cells`` written cells reads as: one digit (a final ``X``)
    per cell, OCR confusions undone and specks between cells dropped; None when the
    count or a character is off."""
    chars = re.sub(r"\s+", "", V.halfwidth(text)).translate(V.DIGIT_CONFUSIONS)
    chars = _MARKS.sub("", chars)
    if len(chars) != cells or not re.fullmatch(r"[0-9]+X?", chars):
        return None
    return chars


def cell_digits(text: str, cells: int) -> list[str | None] | None:
    """Each written cell's digit in a cells line that came back spaced cell by
    cell, None for a cell read as no digit (a struck-out digit, a blot); None
    when the pieces read do not add up to ``cells`` (pure).

    A piece of digits stands for as many cells (the recognizer now and then
    runs two cells together); any other piece for one cell; specks read as marks
    of their own are dropped.
    """
    out: list[str | None] = []
    for piece in V.halfwidth(text).split():
        chars = _MARKS.sub("", piece.translate(V.DIGIT_CONFUSIONS))
        if not chars:
            continue
        if re.fullmatch(r"[0-9]+X?", chars):
            out += list(chars)
        else:
            out.append(None)
    return out if len(out) == cells else None


@dataclass(frozen=True)
class CellsReading:
    """What a row's cells read: the ID (None when no line gave one digit per
    written cell), the recognizer's confidence in it, each cell's digit
    (``cell_digits``) and the digits every cut gave (``repaired_by_birth_date``
    looks at them)."""

    value: str | None = None
    confidence: float = 0.0
    cells: tuple[str | None, ...] | None = None
    digits: tuple[str, ...] = ()


def read_cells(page: np.ndarray, bbox: list[int], engine: OcrEngine) -> CellsReading:
    """The ID number read from the row's cells, set in one line of their own
    (``cells_line``); nothing when the row has no cells.

    The cells are cut both ways (``cell_crops``) and both lines are read in one
    call: the cut between the rules is taken when it reads a valid ID, else the
    cut across the rules when that one does, else whatever the first gives."""
    lines, counts = [], []
    for across in (False, True):
        written = written_cells(cell_crops(page, bbox, across_rules=across))
        if written is not None:
            lines.append(cells_line(written))
            counts.append(len(written))
    if not lines:
        return CellsReading()
    texts = engine.recognize_lines(lines)
    per_cell = next(
        (d for (text, _), n in zip(texts, counts, strict=True) if (d := cell_digits(text, n))),
        None,
    )
    read = [(digits_of_line(text, n), conf) for (text, conf), n in zip(texts, counts, strict=True)]
    cells = tuple(per_cell) if per_cell else None
    digits = tuple(d for d, _ in read if d)
    chosen = next(((d, c) for d, c in read if d and valid_ids(d)), read[0])
    if not chosen[0]:
        return CellsReading(cells=cells, digits=digits)
    return CellsReading(chosen[0], chosen[1], cells, digits)


# Height the written cells are scaled to before they are set in one line, and
# the paper left between two of them (in that height): wide enough that the
# recognizer reads a digit per cell, and no neighbour's ink in any cell.
LINE_HEIGHT = 48
GAP = 0.6


def cells_line(crops: list[np.ndarray]) -> np.ndarray:
    """The written cells, each scaled to ``LINE_HEIGHT``, side by side on paper (pure).

    One line costs the recognizer about as much as one of its cells would alone,
    so the row is read once instead of cell by cell.
    """
    scaled = [
        cv2.resize(c, (max(1, round(c.shape[1] * LINE_HEIGHT / c.shape[0])), LINE_HEIGHT))
        for c in crops
    ]
    paper = [
        int(v) for v in np.median(np.vstack([s.reshape(-1, s.shape[-1]) for s in scaled]), axis=0)
    ]
    gap = np.full((LINE_HEIGHT, int(GAP * LINE_HEIGHT), scaled[0].shape[-1]), paper, np.uint8)
    parts = [gap]
    for s in scaled:
        parts += [s, gap]
    return np.hstack(parts)
