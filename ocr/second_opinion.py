"""Second opinion: re-read the fields where one misread digit matters with the other engine.

ID numbers, dates and certificate numbers are cropped tightly from the
prepared page (the field's box, padded) and recognized by a second engine in
one batch per page. When its reading parses to a different value, the field
gets ``second_opinion_disagrees`` and the record goes to review; an empty or
unparseable second reading is recorded (``second_opinion_empty``) but does not
block on its own. docs/ocr.md has the measurement of what this catches.
"""

from __future__ import annotations

import logging
import re

import numpy as np

from ocr import values as V
from ocr.engine import OcrEngine
from ocr.result import Reading

log = logging.getLogger("marriage_archive.ocr")

_CHECKED = re.compile(r"^(registration_date|certificate_no|parties\[\d\]\.(id_number|birth_date))$")


def _value_of(reading: Reading, key: str) -> str | None:
    if key.startswith("parties["):
        party = reading.parties[int(key[8])]
        value = getattr(party, key.split(".", 1)[1])
    else:
        value = getattr(reading, key)
    return None if value is None else str(value)


def crop_field(page: np.ndarray, bbox: list[int]) -> np.ndarray:
    """The field's box with a margin of half a line height (more on the sides)."""
    x, y, w, h = bbox
    pad_y, pad_x = max(2, h // 4), max(4, h)
    height, width = page.shape[:2]
    x0, y0 = max(0, x - pad_x), max(0, y - pad_y)
    x1, y1 = min(width, x + w + pad_x), min(height, y + h + pad_y)
    return page[y0:y1, x0:x1]


def reads_as(key: str, text: str) -> list[str]:
    """Every value of the field's kind that ``text`` can be read as."""
    if key.endswith("id_number"):
        return [v.printed for v in V.find_ids(text)]
    if key.endswith("date"):
        return [d.iso for d in V.find_dates(text)]
    certs = [c.value for c in V.find_certificate_numbers(text)]
    return certs or [V.halfwidth(text).replace(" ", "")]


def apply_second_opinion(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> int:
    """Re-read the checked fields with ``engine``; flag disagreements. Returns fields checked."""
    jobs: dict[int, list[tuple[str, np.ndarray]]] = {}
    for key, info in reading.fields.items():
        if not _CHECKED.match(key) or info.bbox is None or info.page is None:
            continue
        if _value_of(reading, key) is None or info.page >= len(pages):
            continue
        crop = crop_field(pages[info.page], info.bbox)
        if crop.size:
            jobs.setdefault(info.page, []).append((key, crop))
    checked = 0
    for page_jobs in jobs.values():
        texts = engine.recognize_lines([crop for _, crop in page_jobs])
        for (key, _), (text, _conf) in zip(page_jobs, texts, strict=True):
            checked += 1
            value = _value_of(reading, key)
            candidates = reads_as(key, text) if text else []
            issues = reading.fields[key].issues
            if not candidates:
                issues.append("second_opinion_empty")
            elif value in candidates:
                issues.append("second_opinion_agrees")
            else:
                issues.append("second_opinion_disagrees")
    log.debug("second opinion (%s): %s fields", engine.name, checked)
    return checked
