"""ocr: OCR engines behind one interface, and field extraction from recognized text.

Public surface::

    OcrEngine                          the engine protocol (recognize_page, recognize_lines, close)
    LineScoringEngine                  an engine with a cheaper score_lines (orientation probe)
    get_engine(name, settings)         "rapidocr" (default) | "tesseract"; else ToolUnavailable
    probe_engines()                    {name: None if usable, else why not}
    other_engine_name(name)            the engine used as second opinion
    read_record(pages, engine, second_opinion=None) -> Reading
    extract_fields(lines) -> Reading   pure: recognized lines in, fields out (no verdict)
    assess(reading) -> Reading         content checks and review reasons
    Reading, era_of, ERAS

Engines are expensive to build: make one per worker process and reuse it.
"""

from ocr.engine import (
    ENGINE_NAMES,
    LineScoringEngine,
    OcrEngine,
    get_engine,
    other_engine_name,
    probe_engines,
)
from ocr.extract import extract_fields
from ocr.reading import read_record, recognize_pages
from ocr.result import ERAS, Reading, era_of
from ocr.review import assess

__all__ = [
    "ENGINE_NAMES",
    "ERAS",
    "LineScoringEngine",
    "OcrEngine",
    "Reading",
    "assess",
    "era_of",
    "extract_fields",
    "get_engine",
    "other_engine_name",
    "probe_engines",
    "read_record",
    "recognize_pages",
]
