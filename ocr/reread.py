"""Re-reading ID numbers printed in per-digit cells when detection lost a digit.

Text detection often misses a lone narrow digit (``1``) in a row of boxed
digits, leaving 14 or 17 characters. Recognition of the whole strip (the
detected digits' box, widened by a few digit pitches) usually reads all of
them. The result is kept only if it is a valid ID; an 18-digit re-read is
confirmed by its check character, a 15-digit one (no check character) stays
flagged for review.
"""

from __future__ import annotations

import re

import numpy as np

from ocr import values as V
from ocr.engine import OcrEngine
from ocr.result import Reading

_RETRY_ISSUES = ("id_number_unreadable", "id_bad_length")


def _strip(page: np.ndarray, bbox: list[int]) -> np.ndarray:
    x, y, w, h = bbox
    pitch = max(h, 1)
    height, width = page.shape[:2]
    x0, x1 = max(0, x), min(width, x + w + 3 * pitch)
    y0, y1 = max(0, y - h // 4), min(height, y + h + h // 4)
    return page[y0:y1, x0:x1]


def reread_ids(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> int:
    """Re-read unreadable ID fields from a widened strip; returns how many were recovered."""
    recovered = 0
    for i, party in enumerate(reading.parties):
        key = f"parties[{i}].id_number"
        info = reading.fields.get(key)
        if info is None or info.bbox is None or info.page is None or info.page >= len(pages):
            continue
        if not any(issue in info.issues for issue in _RETRY_ISSUES):
            continue
        crop = _strip(pages[info.page], info.bbox)
        if not crop.size:
            continue
        (text, conf), *_ = engine.recognize_lines([crop])
        # digit cells come back spaced out ("6 2 0 7 …"): only the check decides
        found = [v for v in V.find_ids(re.sub(r"\s+", "", text)) if v.valid]
        if not found:
            continue
        party.id_number = found[0].printed
        info.issues = [i for i in info.issues if i not in _RETRY_ISSUES] + ["id_reread"]
        if len(found[0].printed) == 15:
            info.issues.append("id_reread_unconfirmed")
        info.confidence = round(conf, 4)
        recovered += 1
    return recovered
