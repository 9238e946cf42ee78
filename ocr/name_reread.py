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

import numpy as np

from ocr.engine import OcrEngine
from ocr.layout import is_vertical
from ocr.result import Reading
from ocr.review import min_confidence
from schemas.names import traditional_spelling

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
    height, width = page.shape[:2]
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
    crops = []
    top, bottom = (
        max(0, y - round(VERTICAL_MARGIN * h)),
        min(height, y + h + round(VERTICAL_MARGIN * h)),
    )
    for margin in CROP_MARGINS:
        pad = round(margin * h)
        crop = page[top:bottom, max(0, x - pad) : min(width, x + w + pad)]
        if crop.shape[0] >= 4 and crop.shape[1] >= 4:
            crops.append(crop)
    return crops


def holds_name(text: str, name: str) -> bool:
    """True when ``text`` contains ``name`` as read, or in the traditional script it is in."""
    n = len(name)
    for k in range(len(text) - n + 1):
        window = text[k : k + n]
        if window == name or traditional_spelling(window) == name:
            return True
    return False


def reread_names(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> int:
    """Re-read the unsure names read inside longer lines (see module doc); returns how
    many the re-read confirmed."""
    threshold = min_confidence("name")
    todo: list[tuple[int, list[np.ndarray]]] = []
    for i, party in enumerate(reading.parties):
        info = reading.fields.get(f"parties[{i}].name")
        if not party.name or info is None or info.bbox is None or info.page is None:
            continue
        if info.confidence >= threshold or "from_sentence" not in info.issues:
            continue
        if info.page >= len(pages):
            continue
        crops = name_crops(pages[info.page], info.bbox, party.name)
        if crops:
            todo.append((i, crops))
    if not todo:
        return 0
    results = engine.recognize_lines([c for _, crops in todo for c in crops])
    confirmed, k = 0, 0
    for i, crops in todo:
        reads, k = results[k : k + len(crops)], k + len(crops)
        name = reading.parties[i].name or ""
        best = max((conf for text, conf in reads if holds_name(text, name)), default=0.0)
        if best >= max(threshold, REREAD_MIN_CONFIDENCE):
            info = reading.fields[f"parties[{i}].name"]
            info.confidence = round(max(info.confidence, best), 4)
            info.issues.append("name_confirmed_by_reread")
            confirmed += 1
    log.debug("names re-read: %s tried, %s confirmed", len(todo), confirmed)
    return confirmed
