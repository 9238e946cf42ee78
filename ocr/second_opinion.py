"""Second opinion: re-read the fields where one misread digit matters with the other engine.

ID numbers, dates and certificate numbers are cropped tightly from the
prepared page (the field's box, padded) and recognized by a second engine in
one batch per page. When its reading is itself a confident, valid value of
the field's kind (an ID whose check character matches, a real full date, a
certificate number of a known form) and differs, the field gets
``second_opinion_disagrees`` and the record goes to review. A different but
unsure or invalid reading (``second_opinion_unsure``) and an empty one
(``second_opinion_empty``) are recorded and do not block: measured on the
benchmark corpus, Tesseract's misreads of good crops, not the first engine's
errors, were what sent records to review. docs/ocr.md has the measurement.
"""

from __future__ import annotations

import logging
import re

import numpy as np

from ocr import values as V
from ocr.crops import clip
from ocr.date_values import find_dates
from ocr.engine import OcrEngine
from ocr.id_values import find_ids, id_states_birth_date
from ocr.result import Reading
from schemas.idnumber import parse_id

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
    return clip(page, x - pad_x, y - pad_y, x + w + pad_x, y + h + pad_y)


def reads_as(key: str, text: str) -> list[str]:
    """Every value of the field's kind that ``text`` can be read as."""
    if key.endswith("id_number"):
        return [v.printed for v in find_ids(text)]
    if key.endswith("date"):
        return [d.iso for d in find_dates(text)]
    certs = [c.value for c in V.find_certificate_numbers(text)]
    return certs or [V.halfwidth(text).replace(" ", "")]


# A second reading below this confidence is not evidence against the first one.
SECOND_MIN_CONFIDENCE = 0.8


def _valid_readings(key: str, text: str, value: str) -> list[str]:
    """Readings of ``text`` that are complete, valid values of the field's kind."""
    if key.endswith("id_number"):
        return [v.printed for v in find_ids(text) if v.valid]
    if key.endswith("date"):
        return [d.iso for d in find_dates(text) if len(d.iso) >= len(value)]
    # as complete as the value, too: ``高民婚字第334号`` from ``(〈93)高民婚字第334号`` is
    # the value with its year lost, no other number
    return [
        c.value
        for c in V.find_certificate_numbers(text)
        if c.value == value or not value.endswith(c.value)
    ]


def verdict(key: str, value: str, text: str, confidence: float) -> str:
    """The issue a second reading ``text`` (at ``confidence``) gives the field's ``value``."""
    candidates = reads_as(key, text) if text.strip() else []
    if not candidates:
        return "second_opinion_empty"
    if value in candidates:
        return "second_opinion_agrees"
    if confidence >= SECOND_MIN_CONFIDENCE and _valid_readings(key, text, value):
        return "second_opinion_disagrees"
    return "second_opinion_unsure"


# ID issues that leave an ID unsettled: its birth date then confirms nothing.
_UNSETTLED_ID = ("id_reread_unconfirmed", "id_number_unreadable", "id_bad_length")


def stated_by_id(reading: Reading, i: int) -> bool:
    """True when party ``i``'s printed birth date is the one its valid ID states.

    The birth-date box and the ID row are read apart from each other: when both
    give the same date, the first engine read it twice, and another engine's
    different reading of the birth-date crop alone does not outweigh that.
    A birth date filled from the ID, or an ID left unsettled, confirms nothing.
    """
    party = reading.parties[i]
    born = reading.fields.get(f"parties[{i}].birth_date")
    id_info = reading.fields.get(f"parties[{i}].id_number")
    if not party.birth_date or not party.id_number or born is None or id_info is None:
        return False
    if "birth_date_from_id" in born.issues or any(x in id_info.issues for x in _UNSETTLED_ID):
        return False
    return id_states_birth_date(parse_id(party.id_number), party.birth_date)


def outvoted(reading: Reading, key: str, issue: str) -> str:
    """``second_opinion_unsure`` for a disagreement about a birth date that the
    party's own ID states as well (two readings of the first engine, in two
    boxes, against one of the second); the issue unchanged otherwise.

    Measured under PP-OCRv6 (docs/extraction.md, session 15): every birth date
    the second opinion held on the dev corpora was right and stated by its ID
    (Tesseract reading ``一九六三年十月`` for a printed ``一九六二年十月`` at 0.83).
    """
    match = re.match(r"^parties\[(\d)\]\.birth_date$", key)
    if issue != "second_opinion_disagrees" or match is None:
        return issue
    if not stated_by_id(reading, int(match.group(1))):
        return issue
    log.debug("second opinion outvoted on %s: the ID states the birth date", key)
    return "second_opinion_unsure"


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
        for (key, _), (text, conf) in zip(page_jobs, texts, strict=True):
            checked += 1
            value = _value_of(reading, key) or ""
            issue = outvoted(reading, key, verdict(key, value, text or "", conf))
            reading.fields[key].issues.append(issue)
    log.debug("second opinion (%s): %s fields", engine.name, checked)
    return checked
