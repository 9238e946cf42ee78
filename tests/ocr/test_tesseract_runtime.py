"""Tesseract in this process (libtesseract's C API) against a process per call (pytesseract).

The gate for the library runtime is that it reads exactly what the
``tesseract`` program reads: same texts, same boxes, same confidences.
"""

from __future__ import annotations

import ctypes.util

import numpy as np
import pytest

from ocr.tesseract_engine import (
    LibraryTesseract,
    TesseractEngine,
    choose_tesseract_runtime,
    parse_tsv,
)
from schemas.errors import ToolTimeout, ToolUnavailable
from schemas.settings import load_settings
from tests.ocr.conftest import render_line, render_page
from tests.ocr.forms import HUSBAND_ID, WIFE_ID, two_column_form


@pytest.fixture(scope="module")
def both():
    built = {
        runtime: TesseractEngine(load_settings(environ={}, tesseract_runtime=runtime))
        for runtime in ("library", "process")
    }
    yield built
    for engine in built.values():
        engine.close()


def test_auto_runs_tesseract_in_this_process_when_the_library_loads():
    engine = TesseractEngine(load_settings(environ={}))
    try:
        assert engine.runtime == "library"
    finally:
        engine.close()


def test_library_reads_stacked_crops_exactly_as_the_tesseract_program(both):
    crops = [render_line(t) for t in (HUSBAND_ID, "2005年3月12日", WIFE_ID, "沪民字第0123号")]
    library = both["library"].recognize_lines(crops)
    assert library == both["process"].recognize_lines(crops)
    # and the readings are the printed values (the crops are clean)
    assert [t.replace(" ", "") for t, _ in library[:3]] == [HUSBAND_ID, "2005年3月12日", WIFE_ID]


def test_one_library_engine_reads_lines_and_pages_in_turn_as_the_program(both):
    crop = render_line("2005年3月12日")
    first = both["library"].recognize_lines([crop])
    assert first[0][0] == "2005年3月12日"
    page = render_page(two_column_form())
    library = both["library"].recognize_page(page)  # chi_sim+chi_tra beside chi_sim
    assert library == both["process"].recognize_page(page)
    assert any("姓名" in line.text for line in library)
    assert (
        both["library"].recognize_lines([crop]) == first == both["process"].recognize_lines([crop])
    )


def test_tsv_is_parsed_like_pytesseract_with_or_without_its_header():
    import pytesseract

    header = "\t".join(
        [
            "level",
            "page_num",
            "block_num",
            "par_num",
            "line_num",
            "word_num",
            "left",
            "top",
            "width",
            "height",
            "conf",
            "text",
        ]
    )
    rows = (
        "1\t1\t0\t0\t0\t0\t0\t0\t320\t64\t-1\t\n5\t1\t1\t1\t1\t1\t40\t40\t98\t64\t96.73\t2005年\n"
    )
    expected = pytesseract.pytesseract.file_to_dict(header + "\n" + rows, "\t", -1)
    assert parse_tsv(rows) == expected
    assert parse_tsv(header + "\n" + rows) == expected
    assert parse_tsv(rows)["conf"] == [-1, 96]  # truncated as pytesseract does
    assert parse_tsv("") == {name: [] for name in expected}


def test_process_runtime_is_taken_when_asked():
    assert choose_tesseract_runtime("process", None) is None
    engine = TesseractEngine(load_settings(environ={}, tesseract_runtime="process"))
    assert engine.runtime == "process"


def test_missing_library_falls_back_on_auto_and_is_unavailable_when_asked(monkeypatch):
    monkeypatch.setattr(ctypes.util, "find_library", lambda _name: "libtesseract-missing.so.0")
    assert choose_tesseract_runtime("auto", None) is None
    with pytest.raises(ToolUnavailable, match="libtesseract cannot be loaded"):
        choose_tesseract_runtime("library", None)
    engine = TesseractEngine(load_settings(environ={}))
    assert engine.runtime == "process"
    assert engine.recognize_lines([render_line("2005年3月12日")])[0][0] == "2005年3月12日"


def test_library_without_the_language_data_is_unavailable(tmp_path):
    library = LibraryTesseract(tmp_path)
    with pytest.raises(ToolUnavailable, match="cannot load language chi_sim"):
        library.tsv(np.full((64, 64), 255, np.uint8), "chi_sim", 6, 10.0)
    library.close()


def test_library_over_its_time_limit_raises_tool_timeout():
    engine = TesseractEngine(
        load_settings(environ={}, tool_timeout_s=0.001, tesseract_runtime="library")
    )
    try:
        with pytest.raises(ToolTimeout, match="did not finish"):
            engine.recognize_page(render_page(two_column_form()))
    finally:
        engine.close()
