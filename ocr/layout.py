"""Form geometry from recognized lines: label and text segments, rows, columns.

A recognized line may hold several labels and values (``姓名：张三  性别：男``);
:func:`segment_lines` cuts it into label and text segments, each with a box
estimated from its share of the line's characters. Neighbour searches work on
those segments and only on relative geometry (same row, to the right, below),
so they hold for any form drawn with labels beside or above their values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ocr.labels import LabelHit, find_labels
from schemas.model import TextLine

# Stray dots (``性别·``, ``·男``: a speck or a printed bullet read as a middle dot)
# separate as spaces do; they are never part of a label or of a value.
_SEPARATORS = " \t\u3000:：;；,，、|_·•・"


@dataclass(frozen=True)
class Segment:
    """A label or a piece of text on one page, with its (estimated) box."""

    index: int
    text: str
    bbox: tuple[int, int, int, int]
    confidence: float
    page: int
    line: int
    label: LabelHit | None = None
    follows_label: bool = False  # text right after a label inside the same line
    whole_line: bool = False  # the segment is its whole line: its box was measured, not estimated

    @property
    def left(self) -> int:
        return self.bbox[0]

    @property
    def right(self) -> int:
        return self.bbox[0] + self.bbox[2]

    @property
    def top(self) -> int:
        return self.bbox[1]

    @property
    def bottom(self) -> int:
        return self.bbox[1] + self.bbox[3]

    @property
    def height(self) -> int:
        return max(1, self.bbox[3])

    @property
    def cx(self) -> float:
        return self.bbox[0] + self.bbox[2] / 2

    @property
    def cy(self) -> float:
        return self.bbox[1] + self.bbox[3] / 2


def is_vertical(bbox: list[int] | tuple[int, ...], text: str) -> bool:
    """A line written top to bottom (竖排): much taller than wide, several characters."""
    return len(text) >= 2 and bbox[3] > 1.5 * bbox[2]


def _sub_bbox(line: TextLine, start: int, end: int) -> tuple[int, int, int, int]:
    x, y, w, h = line.bbox
    n = max(1, len(line.text))
    if is_vertical(line.bbox, line.text):
        y0, y1 = y + round(h * start / n), y + round(h * end / n)
        return (x, y0, w, max(1, y1 - y0))
    x0 = x + round(w * start / n)
    x1 = x + round(w * end / n)
    return (x0, y, max(1, x1 - x0), h)


# Width of a character relative to a CJK one: digits, Latin and ASCII punctuation
# are about half as wide (measured on printed and handwritten sentence lines).
NARROW_WIDTH = 0.55


def _width(ch: str) -> float:
    return NARROW_WIDTH if ch.isascii() else 1.0


def span_box(
    text: str, bbox: tuple[int, int, int, int], start: int, end: int
) -> tuple[int, int, int, int]:
    """The box of ``text[start:end]`` inside a line box holding ``text``.

    Horizontal lines: characters take their width (CJK 1, ASCII about half);
    vertical lines (竖排): equal cells.
    """
    x, y, w, h = bbox
    if is_vertical(bbox, text):
        pitch = h / max(1, len(text))
        return (x, round(y + start * pitch), w, max(1, round((end - start) * pitch)))
    widths = [_width(ch) for ch in text]
    scale = w / max(sum(widths), 1e-6)
    x0 = x + sum(widths[:start]) * scale
    x1 = x + sum(widths[:end]) * scale
    return (round(x0), y, max(1, round(x1 - x0)), h)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _SEPARATORS:
        start += 1
    while end > start and text[end - 1] in _SEPARATORS:
        end -= 1
    return start, end


def segment_lines(lines: list[TextLine]) -> list[Segment]:
    """Cut every line into label and text segments (in line order)."""
    segments: list[Segment] = []
    for line_no, line in enumerate(lines):
        text = line.text
        cursor = 0
        after_label = False
        pieces: list[tuple[int, int, LabelHit | None, bool]] = []
        for hit in find_labels(text):
            s, e = _trimmed(text, cursor, hit.start)
            if e > s:
                pieces.append((s, e, None, after_label))
            pieces.append((hit.start, hit.end, hit, False))
            cursor, after_label = hit.end, True
        s, e = _trimmed(text, cursor, len(text))
        if e > s:
            pieces.append((s, e, None, after_label))
        for s, e, piece_label, follows in pieces:
            segments.append(
                Segment(
                    index=len(segments),
                    text=text[s:e],
                    bbox=_sub_bbox(line, s, e),
                    confidence=line.confidence,
                    page=line.page,
                    line=line_no,
                    label=piece_label,
                    follows_label=follows,
                    whole_line=len(pieces) == 1 and e - s == len(text.strip()),
                )
            )
    return segments


def same_row(a: Segment, b: Segment) -> bool:
    """True when the two boxes overlap vertically by at least half the smaller height."""
    overlap = min(a.bottom, b.bottom) - max(a.top, b.top)
    return a.page == b.page and overlap >= 0.5 * min(a.height, b.height)


def group_rows(
    ordered: Iterable[Segment], same: Callable[[Segment, Segment], bool] = same_row
) -> list[list[Segment]]:
    """Segments in reading order grouped into rows (columns, with ``same`` for columns).

    A segment joins the row being built when it is on the same row as ANY of its
    boxes, not only the first: handwritten fill-ins sit a little above or below the
    print, and their boxes overlap their neighbours only.
    """
    rows: list[list[Segment]] = []
    for seg in ordered:
        if rows and any(same(other, seg) for other in rows[-1]):
            rows[-1].append(seg)
        else:
            rows.append([seg])
    return rows


def row_to_right(label: Segment, segments: list[Segment], max_gap: float) -> list[Segment]:
    """Segments on the label's row to its right, nearest first, up to the next label.

    ``max_gap`` bounds the space between consecutive segments (not the distance
    to the label), so a table row ``姓名 | 张三 | 李四`` yields both values.
    """
    row = [
        s
        for s in segments
        if s.index != label.index and same_row(label, s) and s.left >= label.right - label.height
    ]
    row.sort(key=lambda s: s.left)
    out: list[Segment] = []
    edge = label.right
    for seg in row:
        if seg.label is not None or seg.left - edge > max_gap:
            break
        out.append(seg)
        edge = max(edge, seg.right)
    return out


def column_below(label: Segment, segments: list[Segment], max_rows: float = 2.6) -> list[Segment]:
    """Segments in the label's column below it, top first, up to the next label.

    The column of a segment is the label on the label's row whose centre is
    nearest to the segment's centre, so header-row tables (labels in one row,
    one row of values per spouse) split into the right columns.
    """
    header = [s for s in segments if s.label is not None and same_row(label, s)]
    below = []
    for s in segments:
        if (
            s.page != label.page
            or s.index == label.index
            or s.top < label.bottom - 0.3 * label.height
        ):
            continue
        nearest = min(header, key=lambda h: abs(h.cx - s.cx), default=label)
        overlaps = (
            min(s.right, label.right + label.height) - max(s.left, label.left - label.height) > 0
        )
        if nearest.index == label.index and overlaps:
            below.append(s)
    below.sort(key=lambda s: s.top)
    out: list[Segment] = []
    last_bottom = label.bottom
    for seg in below:
        if seg.top - last_bottom > max_rows * label.height:
            break
        if seg.label is not None:
            break
        out.append(seg)
        last_bottom = max(last_bottom, seg.bottom)
    return out


_DIGITISH = set("0123456789XxOoIl|")


def _is_digit_box(seg: Segment) -> bool:
    text = seg.text.replace(" ", "")
    return seg.label is None and 0 < len(text) <= 3 and all(ch in _DIGITISH for ch in text)


def merge_digit_boxes(segments: list[Segment]) -> list[Segment]:
    """Join runs of one-digit boxes (IDs printed in per-digit cells) into one segment.

    ``segments`` must be one row or column of values in reading order; a run ends
    at a gap wider than three glyph heights.
    """
    out: list[Segment] = []
    run: list[Segment] = []

    def flush() -> None:
        if len(run) >= 4:
            x0, y0 = min(s.left for s in run), min(s.top for s in run)
            x1, y1 = max(s.right for s in run), max(s.bottom for s in run)
            first = run[0]
            out.append(
                Segment(
                    index=first.index,
                    text="".join(s.text.replace(" ", "") for s in run),
                    bbox=(x0, y0, x1 - x0, y1 - y0),
                    confidence=min(s.confidence for s in run),
                    page=first.page,
                    line=first.line,
                )
            )
        else:
            out.extend(run)
        run.clear()

    for seg in segments:
        if _is_digit_box(seg) and (not run or seg.left - run[-1].right <= 3 * seg.height):
            run.append(seg)
            continue
        flush()
        if _is_digit_box(seg):
            run.append(seg)
        else:
            out.append(seg)
    flush()
    return out


def next_in_reading_order(
    anchor: Segment, segments: list[Segment], rows: float = 3.0
) -> list[Segment]:
    """Unlabelled segments after ``anchor`` in reading order, nearest first.

    Under it (overlapping its span) in horizontal writing; in the next columns to
    its left (overlapping its height) in vertical writing.
    """
    if is_vertical(anchor.bbox, anchor.text):
        width = anchor.bbox[2]
        left = [
            s
            for s in segments
            if s.page == anchor.page
            and s.label is None
            and s.index != anchor.index
            and anchor.left - rows * width <= s.right <= anchor.left + 0.3 * width
            and min(s.bottom, anchor.bottom) - max(s.top, anchor.top) > 0
        ]
        return sorted(left, key=lambda s: -s.right)
    out = [
        s
        for s in segments
        if s.page == anchor.page
        and s.label is None
        and s.index != anchor.index
        and anchor.bottom - 0.3 * anchor.height <= s.top <= anchor.bottom + rows * anchor.height
        and min(s.right, anchor.right) - max(s.left, anchor.left) > 0
    ]
    return sorted(out, key=lambda s: s.top)
