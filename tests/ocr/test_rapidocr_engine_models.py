"""RapidOCR's recognition model: PP-OCRv6 small by default, PP-OCRv4 on request.

The default model reads names that PP-OCRv4 misread sure on the dev corpora
(贾敏彧 -> 贾敏或, 安贵琎 -> 安贵进, 鍾敏敏 -> 鐘敏敏: docs/ocr.md); 琎
and 鍾 are not in PP-OCRv4's alphabet at all.
"""

from __future__ import annotations

import importlib.util

import pytest

from ocr.rapidocr_engine import V6_HINT, RapidOcrEngine, rec_model_path
from schemas.errors import ToolUnavailable
from schemas.settings import load_settings
from tests.ocr.conftest import render_line


def test_both_model_files_are_installed_here():
    v6, v4 = rec_model_path("ppocrv6-small"), rec_model_path("ppocrv4")
    assert v6.is_file() and v6.name == "PP-OCRv6_rec_small.onnx"
    assert v6.parent.parent.name == "rapidocr"  # inside the rapidocr 3 wheel
    assert v4.is_file() and "PP-OCRv4" in v4.name


def test_a_missing_v6_model_is_unavailable_with_the_install_command(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "rapidocr" else real(name, *a)
    )
    with pytest.raises(ToolUnavailable) as caught:
        rec_model_path("ppocrv6-small")
    assert V6_HINT in str(caught.value)
    assert "pip install --no-deps 'rapidocr==3.10.0'" in V6_HINT
    assert "OCR_REC_MODEL=ppocrv4" in str(caught.value)


def test_an_unknown_model_name_is_refused():
    with pytest.raises(ValueError, match="unknown recognition model"):
        rec_model_path("ppocrv9")


@pytest.fixture(scope="module")
def both_models():
    engine = RapidOcrEngine(load_settings(environ={}))
    old = RapidOcrEngine(load_settings(environ={"MARRIAGE_ARCHIVE_OCR_REC_MODEL": "ppocrv4"}))
    yield engine, old
    engine.close()
    old.close()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["贾敏彧", "安贵琎", "鍾敏敏"])
def test_the_default_model_reads_names_the_old_one_misread(both_models, name):
    engine, old = both_models
    assert engine.rec_model == "ppocrv6-small"
    [(text, conf)] = engine.recognize_lines([render_line(name)])
    assert text == name and conf > 0.8
    [(old_text, _)] = old.recognize_lines([render_line(name)])
    assert old_text != name


@pytest.mark.slow
def test_the_old_alphabet_lacks_characters_the_new_one_has(both_models):
    engine, old = both_models
    new = set(engine._ocr.text_rec.postprocess_op.character)
    before = set(old._ocr.text_rec.postprocess_op.character)
    assert {"琎", "鍾"} <= new
    assert not {"琎", "鍾"} & before
    assert len(new) > 2.5 * len(before)


@pytest.mark.slow
def test_ppocrv4_can_still_be_chosen_and_reads_a_date():
    engine = RapidOcrEngine(load_settings(environ={"MARRIAGE_ARCHIVE_OCR_REC_MODEL": "ppocrv4"}))
    try:
        assert engine.rec_model == "ppocrv4"
        [(text, _)] = engine.recognize_lines([render_line("1977年4月1日")])
        assert text.replace(" ", "") == "1977年4月1日"
    finally:
        engine.close()


def test_the_engine_probe_names_a_missing_v6_model_and_accepts_v4(monkeypatch):
    from ocr.rapidocr_engine import probe

    assert probe("ppocrv6-small") is None
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "rapidocr" else real(name, *a)
    )
    assert V6_HINT in (probe("ppocrv6-small") or "")
    assert probe("ppocrv4") is None
