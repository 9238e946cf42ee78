"""Reading an ID number from its cells: a second reading of a row of per-digit cells.

Review forms print the ID as a row of boxes, one digit each. The row re-read
(``ocr/reread.py``) recognizes the whole strip as one line, rules painted out;
here every cell is cut out between its vertical rules, its ink cut tightly
(specks and rule stubs dropped), scaled to one height and set with its
neighbours at an even spacing in a line of its own, which is recognized once:
digits written high, low or against a rule are read on an even baseline. A
15-digit ID has no check character: this reading, together with the printed
birth date and sex the ID states, is what confirms a row reading.

The cells are found from the ink, never from template coordinates: rules are
vertical strokes much taller than the text of the row's label (a digit written
in a cell is about as tall as that text), spaced evenly.
"""

from __future__ import annotations

import itertools
import re

import cv2
import numpy as np

from ocr import values as V
from ocr.crops import clip
from ocr.engine import OcrEngine

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
    are not cells. Returns ``(left, right)`` of each cell's inside.
    """
    if len(rules) < 2:
        return []
    gaps = [(a[1] + 1, b[0]) for a, b in itertools.pairwise(rules)]
    width = float(np.median([b - a for a, b in gaps]))
    return [(a, b) for a, b in gaps if abs((b - a) - width) <= SPACING_TOLERANCE * width]


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


def cell_crops(page: np.ndarray, bbox: list[int]) -> list[np.ndarray]:
    """Each cell of the ID row at ``bbox`` (the label's row, from the label's right),
    its inside padded with white; empty when no evenly spaced rules are found."""
    x, y, _w, h = bbox
    top = y - int(WINDOW_HEIGHTS * h)
    window = clip(page, x, top, page.shape[1], y + h + int(WINDOW_HEIGHTS * h))
    if window.size == 0 or h <= 0:
        return []
    gray = gray_of(window)
    # ink: clearly darker than the paper (Otsu would split the dark rules from
    # faint pencil or grey print and lose the digits)
    paper = float(np.median(gray))
    ink = np.where(gray < INK_SHARE * paper, 255, 0).astype(np.uint8)
    tall = max(3, int(RULE_HEIGHTS * h))
    rules = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, tall))
    )
    cells = even_cells(rule_spans(rules))
    if len(cells) < MIN_CELLS:
        return []
    y0, y1 = _cell_rows(rules, [left for left, _ in cells], y - max(0, top) + h // 2)
    if y1 - y0 < h:
        return []
    # the rules' own ink (and a pixel either side) is no part of any digit
    ink[cv2.dilate(rules, np.ones((1, 3), np.uint8)) > 0] = 0
    inset = max(2, h // 10)
    out = []
    for left, right in cells:
        # digits written close to a rule touch it: only the top and bottom are inset
        inside = window[y0 + inset : y1 - inset, left:right]
        mask = ink[y0 + inset : y1 - inset, left:right]
        if inside.size == 0:
            return []
        out.append(_digit_crop(inside, mask, h))
    return out


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


def read_cells(page: np.ndarray, bbox: list[int], engine: OcrEngine) -> tuple[str | None, float]:
    """The ID number read from the row's cells, set in one line of their own
    (``cells_line``), with the recognizer's confidence; ``(None, 0.0)`` when the row
    has no cells or the reading is not one digit per written cell."""
    written = written_cells(cell_crops(page, bbox))
    if written is None:
        return None, 0.0
    text, conf = engine.recognize_lines([cells_line(written)])[0]
    digits = digits_of_line(text, len(written))
    return (digits, conf) if digits else (None, 0.0)


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
