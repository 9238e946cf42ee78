"""RapidOCR's models on OpenVINO or onnxruntime: the choice, the fallback, the same readings."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from ocr.rapidocr_engine import RapidOcrEngine, choose_runtime, openvino_available
from schemas.errors import ToolUnavailable
from schemas.settings import load_settings
from tests.ocr.conftest import render_line
from tests.ocr.forms import HUSBAND_ID


@pytest.mark.parametrize(
    ("requested", "installed", "expected"),
    [
        ("auto", True, "openvino"),
        ("auto", False, "onnxruntime"),
        ("openvino", True, "openvino"),
        ("onnxruntime", True, "onnxruntime"),
        ("onnxruntime", False, "onnxruntime"),
    ],
)
def test_runtime_choice(requested, installed, expected):
    assert choose_runtime(requested, installed) == expected


def test_openvino_asked_for_but_missing_is_unavailable_with_the_install_command():
    with pytest.raises(ToolUnavailable, match="pip install 'openvino"):
        choose_runtime("openvino", False)


@pytest.mark.slow
def test_openvino_is_installed_here_and_is_the_default_runtime():
    assert openvino_available()
    engine = RapidOcrEngine(load_settings(environ={}))
    try:
        assert engine.runtime == "openvino"
    finally:
        engine.close()


def test_without_openvino_auto_falls_back_to_onnxruntime_and_still_reads(monkeypatch):
    monkeypatch.setitem(sys.modules, "openvino", None)  # import openvino -> ImportError
    assert not openvino_available()
    engine = RapidOcrEngine(load_settings(environ={}))
    try:
        assert engine.runtime == "onnxruntime"
        [(text, _conf)] = engine.recognize_lines([render_line("2005年3月12日")])
        assert text.replace(" ", "") == "2005年3月12日"
    finally:
        engine.close()
    with pytest.raises(ToolUnavailable, match="MARRIAGE_ARCHIVE_OCR_RUNTIME=openvino"):
        RapidOcrEngine(load_settings(environ={}, ocr_runtime="openvino"))


@pytest.mark.slow
def test_openvino_and_onnxruntime_read_a_page_the_same():
    """Same models, other runtime: same lines, same boxes, confidences within rounding."""
    page = np.full((600, 1500, 3), 255, np.uint8)
    for row, text in enumerate(
        ["姓名：王秀英", "身份证号：" + HUSBAND_ID, "登记日期：2005年3月12日"]
    ):
        crop = render_line(text)
        h, w = crop.shape[:2]
        page[80 + row * 150 : 80 + row * 150 + h, 200 : 200 + w] = crop
    read = {}
    for runtime in ("openvino", "onnxruntime"):
        engine = RapidOcrEngine(load_settings(environ={}, ocr_runtime=runtime))
        try:
            assert engine.runtime == runtime
            read[runtime] = engine.recognize_page(page)
        finally:
            engine.close()
    ov, ort = read["openvino"], read["onnxruntime"]
    joined = "".join(line.text for line in ov).replace(" ", "")
    assert "王秀英" in joined and HUSBAND_ID in joined and "2005年3月12日" in joined
    assert [(a.text, a.bbox) for a in ov] == [(b.text, b.bbox) for b in ort]
    assert all(abs(a.confidence - b.confidence) < 1e-3 for a, b in zip(ov, ort, strict=True))


def test_normalization_table_gives_rapidocrs_own_detector_tensor_bit_for_bit():
    from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess

    from ocr.rapidocr_engine import normalization_table
    from tests.ocr.conftest import render_page
    from tests.ocr.forms import two_column_form

    op = DetPreProcess(736, "min", [0.5, 0.5, 0.5], [0.5, 0.5, 0.5])
    table = normalization_table(op.scale, op.mean, op.std)
    every_byte = np.arange(256, dtype=np.uint8).reshape(16, 16, 1).repeat(3, axis=2)
    assert np.array_equal(cv2_lut(every_byte, table), op.normalize(every_byte).astype(np.float32))
    assert table[0, 0, 0] == -1.0 and table[0, 255, 0] == 1.0  # 0 -> -1, 255 -> +1

    engine = RapidOcrEngine(load_settings(environ={}))
    try:
        page = np.ascontiguousarray(render_page(two_column_form())[:600, :900])
        ours = engine._ocr.text_det.get_preprocess(900)(page)
        theirs = DetPreProcess(736, "min", [0.5, 0.5, 0.5], [0.5, 0.5, 0.5])(page)
        assert ours.dtype == theirs.dtype == np.float32
        assert np.array_equal(ours, theirs)
    finally:
        engine.close()


def cv2_lut(image: np.ndarray, table: np.ndarray) -> np.ndarray:
    import cv2

    return cv2.LUT(image, table)
