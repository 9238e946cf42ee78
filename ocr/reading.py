"""Reading one record: recognize its prepared pages, extract fields, check them."""

from __future__ import annotations

import logging

import numpy as np

from ocr.date_reread import reread_registration_date
from ocr.engine import OcrEngine
from ocr.extract import extract_fields
from ocr.name_characters import confirm_names_by_characters
from ocr.name_confirm import confirm_names_by_crops
from ocr.name_evidence import flag_unsure_names
from ocr.name_gap import read_missing_spouse
from ocr.name_lost import flag_lost_characters
from ocr.name_reread import reread_names
from ocr.rare_strokes import resolve_rare_characters
from ocr.reread import reread_ids
from ocr.result import Reading
from ocr.review import assess
from ocr.second_opinion import apply_second_opinion
from ocr.sentence_band import recover_sentence_lines
from ocr.sex_cell import reread_sex
from schemas.model import TextLine

log = logging.getLogger("marriage_archive.ocr")


def recognize_pages(pages: list[np.ndarray], engine: OcrEngine) -> list[TextLine]:
    """All lines of all pages, each line carrying its page index."""
    lines: list[TextLine] = []
    for index, page in enumerate(pages):
        for line in engine.recognize_page(page):
            lines.append(line.model_copy(update={"page": index}))
    return lines


def read_record(
    pages: list[np.ndarray],
    engine: OcrEngine,
    second_opinion: OcrEngine | None = None,
    lines: list[TextLine] | None = None,
) -> Reading:
    """Read one record from its prepared pages (upright, deskewed, seal ink suppressed).

    Bounding boxes refer to those pages' pixels. With ``second_opinion`` the ID
    numbers, dates and certificate number are re-read by that engine and a
    disagreement sends the record to review. Unreadable IDs and the registration
    date are re-read from crops of their own (ocr/reread.py, ocr/date_reread.py);
    a certificate sentence the page detection lost is detected again in its band
    (ocr/sentence_band.py).
    ``lines``: the pages' lines when already recognized (``recognize_pages``);
    the re-reads still run on ``pages``.
    """
    if lines is None:
        lines = recognize_pages(pages, engine)
    lines = recover_sentence_lines(lines, pages, engine)
    reading = extract_fields(lines)
    reread_ids(reading, pages, engine)
    reread_registration_date(reading, pages, engine)
    read_missing_spouse(reading, pages, engine)
    confirm_names_by_crops(reading, pages, engine)
    reread_sex(reading, pages, engine)
    reread_names(reading, pages, engine)
    confirm_names_by_characters(reading, pages, engine)
    flag_unsure_names(reading, pages, engine)
    flag_lost_characters(reading, pages, engine)
    if second_opinion is not None:
        apply_second_opinion(reading, pages, second_opinion)
    resolve_rare_characters(reading, pages)
    assess(reading)
    log.debug("record read: %s lines, %s review reasons", len(lines), len(reading.review_reasons))
    return reading
