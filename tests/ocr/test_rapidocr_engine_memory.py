"""Giving back the networks' intermediate buffers: less resident memory, same readings."""

from __future__ import annotations

import numpy as np
import pytest

from ocr.rapidocr_engine import OpenVinoSession, RapidOcrEngine, _bundled_model
from schemas.settings import load_settings
from tests.ocr.conftest import render_line


def _resident_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS in /proc/self/status")


@pytest.mark.slow
def test_the_detector_gives_its_buffers_back_and_then_computes_bit_for_bit_the_same(tmp_path):
    session = OpenVinoSession(_bundled_model("Det"), tmp_path / "openvino")
    # A 1600 x 1200 page tensor: the detector's buffers for it are hundreds of MB.
    tensor = np.random.default_rng(16).standard_normal((1, 3, 1600, 1216)).astype(np.float32)
    [before] = session(tensor)
    holding = _resident_mb()
    session.release_memory()
    assert holding - _resident_mb() > 100  # measured ~270 MB given back
    [after] = session(tensor)  # buffers allocated again
    assert np.array_equal(before, after)


@pytest.mark.slow
def test_an_engine_reads_a_page_the_same_after_giving_its_buffers_back(tmp_path):
    page = np.full((1400, 1800, 3), 255, np.uint8)
    for row, text in enumerate(["姓名：王秀英", "登记日期：2005年3月12日", "高台县民政局"]):
        crop = render_line(text)
        h, w = crop.shape[:2]
        page[150 + row * 300 : 150 + row * 300 + h, 200 : 200 + w] = crop
    engine = RapidOcrEngine(load_settings(environ={}, home=tmp_path))
    try:
        first = [(x.text, x.bbox, x.confidence) for x in engine.recognize_page(page)]
        engine.release_memory()
        again = [(x.text, x.bbox, x.confidence) for x in engine.recognize_page(page)]
        lines = engine.recognize_lines([render_line("2005年3月12日")])
        engine.release_memory()
        assert engine.recognize_lines([render_line("2005年3月12日")]) == lines
    finally:
        engine.close()
    engine.release_memory()  # a closed engine has nothing to give back: no error
    assert first == again
    assert "王秀英" in "".join(t for t, _, _ in first)
    assert "2005年3月12日" in "".join(t for t, _, _ in first).replace(" ", "")


@pytest.mark.slow
def test_a_batch_read_one_crop_at_a_time_is_bit_for_bit_openvinos_batch_output(tmp_path):
    from ocr.rapidocr_engine import rec_model_path

    session = OpenVinoSession(rec_model_path("ppocrv6-small"), tmp_path / "openvino")
    rng = np.random.default_rng(16)
    # Six crops padded to one width, as RapidOCR's recognizer sends them: the narrow
    # ones end in zero padding.
    batch = np.clip(rng.standard_normal((6, 3, 48, 960)), -1, 1).astype(np.float32)
    batch[3:, :, :, 480:] = 0.0
    whole = session._model.create_infer_request().infer({0: batch})[session._output]
    [ours] = session(batch)
    assert ours.shape == whole.shape == (6, 120, 18710)  # 960 px / 8 frames, 18,710 classes
    assert np.array_equal(ours, whole)
    [single] = session(batch[:1])  # a batch of one goes through unchanged
    assert np.array_equal(single, whole[:1])
