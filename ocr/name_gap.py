"""A spouse the certificate sentence lost to detection, read from the row's gap.

On a certificate the spouses are named in one sentence that runs over a few
rows (``兹有赵生生（男，1966年6月生，身份证号…）与哈静（女，…）自愿离婚…``). The
page's text detector sometimes loses the middle of a row, where the handwritten
fill-ins are (``…生）与 查花（女，``): the record keeps the first spouse and has no
name or sex for the other. :mod:`ocr.sentence_band` detects the whole band again
at larger scales; when that still leaves a spouse unnamed, the recognizer alone
reads what detection left out of the sentence's rows.

The rows are the lines from the opening (``兹有``) down to the continuation
(``自愿结婚``, ``婚姻法``…); the text block is as wide as those lines together. A
gap is a stretch of a row with no line in it, between two lines or between a
line and the block's edge, wider than ``GAP_HEIGHTS`` row heights. Each gap is
cut out (a little into its neighbours, where a glyph may have been halved) and
recognized in one engine call; the readings join the page's lines and the
fields are extracted again. Only the missing spouse's name and sex are taken
from that extraction, and only when the name was read inside a gap and the
other spouse reads as before: every other field stays the page's.

The name is flagged ``name_read_in_detection_gap`` (blocking): the gap's place
in the sentence is inferred, not detected, so a clerk confirms. Measured
(docs/extraction.md, "Session 17: names"): the three spouses lost this way on
dev5 and the stop-16 corpus come back right.
"""

from __future__ import annotations

import logging
import re

import numpy as np

from ocr.crops import clip
from ocr.engine import OcrEngine
from ocr.extract import extract_fields
from ocr.layout import is_vertical
from ocr.result import Reading
from ocr.sentence import OPENING
from schemas.model import TextLine

log = logging.getLogger("marriage_archive.ocr")

ISSUE = "name_read_in_detection_gap"
_CONTINUATION = re.compile(r"婚姻法|自[愿願][结結离離]婚|[发發][给給]此[证證]|申[请請]")
_CJK = re.compile(r"[\u3400-\u9fff]")
# A gap worth reading: wider than this many row heights (a spouse's name and its
# bracket take four or more; word spaces and the gaps around fill-ins less).
GAP_HEIGHTS = 2.5
# How far a gap's crop reaches into its neighbours and above/below the row, in row
# heights: a glyph the detector halved at a box edge is read whole.
SIDE_MARGIN = 0.3
VERTICAL_MARGIN = 0.2
# A gap reading below this confidence is noise (an empty stretch reads "" at 0).
MIN_GAP_CONFIDENCE = 0.5


def _rows(lines: list[TextLine]) -> list[list[TextLine]]:
    """Lines grouped into rows (overlapping vertically by half the smaller height),
    top to bottom, each left to right."""
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda ln: (ln.bbox[1], ln.bbox[0])):
        row = next((r for r in rows if any(_same_row(a, line) for a in r)), None)
        if row is None:
            rows.append([line])
        else:
            row.append(line)
    return [sorted(r, key=lambda ln: ln.bbox[0]) for r in rows]


def _same_row(a: TextLine, b: TextLine) -> bool:
    top = max(a.bbox[1], b.bbox[1])
    bottom = min(a.bbox[1] + a.bbox[3], b.bbox[1] + b.bbox[3])
    return bottom - top >= 0.5 * min(a.bbox[3], b.bbox[3])


def sentence_rows(lines: list[TextLine]) -> list[list[TextLine]]:
    """The rows of one page's certificate sentence, from the opening's row down to
    the continuation's; [] when the page shows no whole sentence or is vertical."""
    if not lines or sum(is_vertical(tuple(ln.bbox), ln.text) for ln in lines) > len(lines) / 2:
        return []
    opening = next((ln for ln in lines if OPENING.search(ln.text)), None)
    if opening is None:
        return []
    below = [ln for ln in lines if ln.bbox[1] >= opening.bbox[1] - opening.bbox[3] / 2]
    end = next(
        (ln for ln in sorted(below, key=lambda ln: ln.bbox[1]) if _CONTINUATION.search(ln.text)),
        None,
    )
    if end is None:
        return []
    top, bottom = opening.bbox[1], end.bbox[1] + end.bbox[3]
    band = [ln for ln in lines if top <= ln.bbox[1] + ln.bbox[3] / 2 <= bottom]
    return _rows(band)


def row_gaps(rows: list[list[TextLine]]) -> list[tuple[int, int, int, int]]:
    """``(x0, y0, x1, y1)`` of every stretch of a sentence row that holds no line and
    is wider than ``GAP_HEIGHTS`` row heights (between lines, or between a line and
    the edge of the sentence's text block)."""
    lines = [ln for row in rows for ln in row]
    if not lines:
        return []
    left = min(ln.bbox[0] for ln in lines)
    right = max(ln.bbox[0] + ln.bbox[2] for ln in lines)
    gaps = []
    for row in rows:
        height = sorted(ln.bbox[3] for ln in row)[len(row) // 2]
        top = min(ln.bbox[1] for ln in row)
        bottom = max(ln.bbox[1] + ln.bbox[3] for ln in row)
        edges = [left, *(v for ln in row for v in (ln.bbox[0], ln.bbox[0] + ln.bbox[2])), right]
        for x0, x1 in zip(edges[0::2], edges[1::2], strict=True):
            if x1 - x0 > GAP_HEIGHTS * height:
                gaps.append((x0, top, x1, bottom))
    return gaps


def _gap_box(gap: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = gap
    h = y1 - y0
    return (
        x0 - SIDE_MARGIN * h,
        y0 - VERTICAL_MARGIN * h,
        x1 + SIDE_MARGIN * h,
        y1 + VERTICAL_MARGIN * h,
    )


def _missing_spouse(reading: Reading) -> int | None:
    """The index of the one spouse with no name when the other was read from the
    certificate sentence; None otherwise."""
    named = [i for i, p in enumerate(reading.parties) if p.name]
    unnamed = [i for i, p in enumerate(reading.parties) if not p.name]
    if len(reading.parties) != 2 or len(named) != 1 or len(unnamed) != 1:
        return None
    info = reading.fields.get(f"parties[{named[0]}].name")
    if info is None or "from_sentence" not in info.issues:
        return None
    return unnamed[0]


def gap_lines(
    lines: list[TextLine], pages: list[np.ndarray], page: int, engine: OcrEngine
) -> list[TextLine]:
    """The sentence's gaps on ``page`` read by the recognizer alone, as lines (one
    engine call); gaps read as nothing or as noise are left out."""
    gaps = row_gaps(sentence_rows([ln for ln in lines if ln.page == page]))
    crops, boxes = [], []
    for gap in gaps:
        x0, y0, x1, y1 = _gap_box(gap)
        crop = clip(pages[page], x0, y0, x1, y1)
        if crop.shape[0] >= 4 and crop.shape[1] >= 4:
            crops.append(crop)
            boxes.append(gap)
    if not crops:
        return []
    out = []
    for (x0, y0, x1, y1), (text, confidence) in zip(
        boxes, engine.recognize_lines(crops), strict=True
    ):
        if confidence >= MIN_GAP_CONFIDENCE and _CJK.search(text):
            bbox = [int(x0), int(y0), int(x1 - x0), int(y1 - y0)]
            out.append(TextLine(text=text, bbox=bbox, confidence=confidence, page=page))
    return out


def _inside(bbox: list[int] | None, line: TextLine) -> bool:
    if bbox is None:
        return False
    x, y, w, h = bbox
    lx, ly, lw, lh = line.bbox
    cx, cy = x + w / 2, y + h / 2
    return lx <= cx <= lx + lw and ly <= cy <= ly + lh


def read_missing_spouse(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> bool:
    """Name (and sex, when missing) the spouse the sentence lost to detection, from
    the sentence rows' gaps (see module doc). Returns True when a name was taken."""
    missing = _missing_spouse(reading)
    if missing is None:
        return False
    other = 1 - missing
    info = reading.fields[f"parties[{other}].name"]
    if info.page is None or info.page >= len(pages):
        return False
    extra = gap_lines(reading.lines, pages, info.page, engine)
    if not extra:
        return False
    again = extract_fields([*reading.lines, *extra])
    role = reading.parties[missing].role
    found = next((k for k, p in enumerate(again.parties) if p.role == role and p.name), None)
    if found is None or len(again.parties) != 2:
        return False
    kept = again.parties[1 - found]
    if kept.role != reading.parties[other].role or kept.name != reading.parties[other].name:
        return False
    name_info = again.fields.get(f"parties[{found}].name")
    if name_info is None or not any(_inside(name_info.bbox, ln) for ln in extra):
        return False
    party, new = reading.parties[missing], again.parties[found]
    party.name, party.name_simplified = new.name, new.name_simplified
    reading.fields[f"parties[{missing}].name"] = name_info.model_copy(
        update={"issues": [*name_info.issues, ISSUE]}
    )
    sex_info = again.fields.get(f"parties[{found}].sex")
    if party.sex is None and new.sex is not None and sex_info is not None:
        party.sex = new.sex
        reading.fields[f"parties[{missing}].sex"] = sex_info.model_copy(
            update={"issues": [*sex_info.issues, ISSUE]}
        )
    log.debug("spouse read in a sentence gap: %s", new.name)
    return True
