"""A worker gives memory back between documents without changing what engines read."""

from __future__ import annotations

import sys

import pytest

from ingest.memory import release_engine_memory, trim_heap
from ocr import get_engine
from schemas.settings import load_settings
from tests.ocr.conftest import render_line


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_the_heap_is_trimmed_on_linux():
    garbage = [bytearray(64 * 1024) for _ in range(2000)]  # ~128 MB of small blocks
    del garbage
    assert trim_heap() is True


def test_engines_without_buffers_to_give_back_and_missing_engines_are_fine(tmp_path):
    tesseract = get_engine("tesseract", load_settings(environ={}, home=tmp_path))
    try:
        crop = render_line("2005年3月12日")
        before = tesseract.recognize_lines([crop])
        release_engine_memory(tesseract, None)  # the second-opinion engine may be missing
        assert tesseract.recognize_lines([crop]) == before
    finally:
        tesseract.close()


@pytest.mark.slow
def test_the_main_engine_reads_the_same_after_its_memory_is_given_back(tmp_path):
    engine = get_engine("rapidocr", load_settings(environ={}, home=tmp_path))
    try:
        crop = render_line("登记日期：2005年3月12日")
        before = engine.recognize_lines([crop])
        release_engine_memory(engine)
        assert engine.recognize_lines([crop]) == before
        assert before[0][0].replace(" ", "").endswith("2005年3月12日")
    finally:
        engine.close()
