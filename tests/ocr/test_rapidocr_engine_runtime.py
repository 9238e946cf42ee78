"""RapidOCR's models on OpenVINO or onnxruntime: the choice, the fallback, the same readings."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

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
    """Same models, other runtime: same lines, same boxes, confidences within rounding.

    In f32: bf16 (OpenVINO's own choice on AMX CPUs) moves boxes by a pixel."""
    page = np.full((600, 1500, 3), 255, np.uint8)
    for row, text in enumerate(
        ["姓名：王秀英", "身份证号：" + HUSBAND_ID, "登记日期：2005年3月12日"]
    ):
        crop = render_line(text)
        h, w = crop.shape[:2]
        page[80 + row * 150 : 80 + row * 150 + h, 200 : 200 + w] = crop
    read = {}
    for runtime in ("openvino", "onnxruntime"):
        settings = load_settings(environ={}, ocr_runtime=runtime, ocr_precision="f32")
        engine = RapidOcrEngine(settings)
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


def _det_model() -> Path:
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH, read_yaml, update_model_path

    return Path(update_model_path(read_yaml(DEFAULT_CFG_PATH))["Det"]["model_path"])


def _det_output(compiled, tensor: np.ndarray) -> np.ndarray:
    return compiled.create_infer_request().infer({0: tensor})[compiled.output(0)]


@pytest.mark.slow
def test_a_kept_compiled_model_is_imported_and_computes_bit_for_bit_the_same(tmp_path):
    from ocr.rapidocr_engine import compile_cached

    tensor = np.random.default_rng(7).standard_normal((1, 3, 320, 480)).astype(np.float32)
    fresh = _det_output(compile_cached(_det_model(), None), tensor)
    cache = tmp_path / "cache" / "openvino"
    first = _det_output(compile_cached(_det_model(), cache), tensor)  # compiles, keeps the blob
    [blob] = list(cache.iterdir())  # one blob, no staging file left behind
    assert blob.suffix == ".blob" and blob.stat().st_size > 1_000_000
    written = blob.stat().st_mtime_ns
    second = _det_output(compile_cached(_det_model(), cache), tensor)  # imports it
    assert blob.stat().st_mtime_ns == written  # imported, not compiled and written again
    assert np.array_equal(fresh, first) and np.array_equal(fresh, second)


@pytest.mark.slow
def test_a_damaged_blob_is_compiled_again_and_replaced(tmp_path, caplog):
    from ocr.rapidocr_engine import compile_cached, compiled_blob_name

    cache = tmp_path / "openvino"
    cache.mkdir()
    blob = cache / compiled_blob_name(_det_model())
    blob.write_bytes(b"not a compiled model")
    tensor = np.zeros((1, 3, 64, 64), np.float32)
    expected = _det_output(compile_cached(_det_model(), None), tensor)
    with caplog.at_level("WARNING", logger="marriage_archive.ocr"):
        got = _det_output(compile_cached(_det_model(), cache), tensor)
    assert np.array_equal(got, expected)
    assert "not usable" in caplog.text
    assert blob.stat().st_size > 1_000_000  # replaced by a good one


@pytest.mark.slow
def test_a_cache_folder_that_cannot_be_written_only_costs_the_compile(tmp_path, caplog):
    from ocr.rapidocr_engine import compile_cached

    blocked = tmp_path / "home-file"
    blocked.write_text("a file where the cache folder should be")
    with caplog.at_level("WARNING", logger="marriage_archive.ocr"):
        compiled = compile_cached(_det_model(), blocked / "openvino")
    assert _det_output(compiled, np.zeros((1, 3, 64, 64), np.float32)).shape[-2:] == (64, 64)
    assert "not kept" in caplog.text


@pytest.mark.slow
def test_the_engine_reads_a_page_the_same_with_a_cold_and_a_warm_model_cache(tmp_path):
    page = np.full((400, 1200, 3), 255, np.uint8)
    crop = render_line("登记日期：2005年3月12日")
    page[100 : 100 + crop.shape[0], 150 : 150 + crop.shape[1]] = crop
    read = []
    for _ in range(2):
        engine = RapidOcrEngine(load_settings(environ={}, home=tmp_path / "home"))
        try:
            read.append([(x.text, x.bbox, x.confidence) for x in engine.recognize_page(page)])
        finally:
            engine.close()
    assert list((tmp_path / "home" / "cache" / "openvino").glob("*.blob"))
    assert read[0] == read[1] and "2005年3月12日" in "".join(t for t, _, _ in read[0])


@pytest.mark.slow
@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs a machine with 2+ cores")
def test_openvino_inference_never_pins_the_worker_to_one_core(tmp_path):
    """Every worker is free to run on every core while it infers: OpenVINO's own
    pinning put the inferring thread of each worker process on core 0."""
    allowed = os.sched_getaffinity(0)
    engine = RapidOcrEngine(load_settings(environ={}, home=tmp_path, ocr_runtime="openvino"))
    page = np.full((1200, 1600, 3), 255, np.uint8)
    for row in range(6):
        crop = render_line(f"登记日期：2005年3月{row + 10}日")
        h, w = crop.shape[:2]
        page[100 + row * 180 : 100 + row * 180 + h, 200 : 200 + w] = crop
    tid = threading.get_native_id()
    seen: set[frozenset[int]] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            seen.add(frozenset(os.sched_getaffinity(tid)))
            time.sleep(0.002)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(3):
            assert engine.recognize_page(page)
    finally:
        done.set()
        watcher.join()
        engine.close()
    assert seen == {frozenset(allowed)}


@pytest.mark.slow
@pytest.mark.parametrize("precision", ["f32", "bf16"])
def test_the_asked_precision_is_what_openvino_computes_in(precision):
    """f32 is asked for explicitly: OpenVINO would pick bf16 by itself on AMX CPUs."""
    from ocr.rapidocr_engine import compile_cached

    compiled = compile_cached(_det_model(), None, precision)
    assert compiled.get_property("INFERENCE_PRECISION_HINT").get_type_name() in {
        "f32" if precision == "f32" else "bf16",
        # a CPU without bf16 instructions computes bf16 requests in f32
        *(["f32"] if precision == "bf16" else []),
    }


def test_each_precision_keeps_its_own_compiled_blob():
    from ocr.rapidocr_engine import compiled_blob_name, openvino_config

    names = {p: compiled_blob_name(_det_model(), p) for p in ("f32", "bf16", "auto")}
    assert len(set(names.values())) == 3
    assert "INFERENCE_PRECISION_HINT" not in openvino_config("auto")
    assert openvino_config("f32")["INFERENCE_PRECISION_HINT"] == "f32"


@pytest.mark.slow
def test_f32_reads_a_page_the_same_as_the_reference_arithmetic(tmp_path):
    """f32 on OpenVINO gives the detector's map of onnxruntime (the reference runtime)
    to float tolerance; bf16, where the CPU has it, does not have to."""
    import onnxruntime

    from ocr.rapidocr_engine import compile_cached

    tensor = np.random.default_rng(3).standard_normal((1, 3, 256, 384)).astype(np.float32)
    session = onnxruntime.InferenceSession(str(_det_model()), providers=["CPUExecutionProvider"])
    reference = session.run(None, {session.get_inputs()[0].name: tensor})[0]
    f32 = _det_output(compile_cached(_det_model(), None, "f32"), tensor)
    assert np.abs(f32 - reference).max() < 1e-3


def _turned_line_crops() -> list[np.ndarray]:
    """A printed line under the four quarter turns, as the orientation probe reads them."""
    crop = render_line("登记日期：2005年3月12日 高台县民政局")
    return [np.ascontiguousarray(np.rot90(crop, k)) for k in range(4)]


@pytest.mark.slow
@pytest.mark.parametrize("probe", ["bf16", "auto"])
def test_the_probe_scores_lines_in_its_own_precision_and_ranks_turns_as_the_page_reading(
    tmp_path, probe
):
    """The probe's recognizer is compiled on its own (where its precision differs from
    the page reading's) and keeps no text; its confidences rank the four turns of a
    line as f32 does, close to f32's values."""
    from ocr.rapidocr_engine import effective_precision

    settings = load_settings(
        environ={}, home=tmp_path, ocr_precision="f32", ocr_probe_precision=probe
    )
    engine = RapidOcrEngine(settings)
    try:
        crops = _turned_line_crops()
        page = [conf for _text, conf in engine.recognize_lines(crops)]
        scored = engine.score_lines(crops)
        own_session = engine._probe is not None
    finally:
        engine.close()
    assert own_session == (effective_precision(probe) != "f32")
    assert len(scored) == 4 and all(0.0 <= s <= 1.0 for s in scored)
    assert int(np.argmax(scored)) == int(np.argmax(page)) == 0
    assert max(abs(a - b) for a, b in zip(scored, page, strict=True)) < 0.05


def test_a_probe_in_the_page_readings_precision_is_the_page_reading(tmp_path):
    """Same precision, no second model: the scores are the page reading's confidences."""
    settings = load_settings(
        environ={}, home=tmp_path, ocr_precision="f32", ocr_probe_precision="f32"
    )
    engine = RapidOcrEngine(settings)
    try:
        crops = _turned_line_crops()
        assert engine._probe is None
        assert engine.score_lines(crops) == [c for _t, c in engine.recognize_lines(crops)]
    finally:
        engine.close()


def test_auto_precision_resolves_to_what_openvino_computes_in():
    from ocr.rapidocr_engine import compile_cached, effective_precision

    compiled = compile_cached(_det_model(), None, "auto")
    type_name = compiled.get_property("INFERENCE_PRECISION_HINT").get_type_name()
    assert effective_precision("auto") == type_name
    assert effective_precision("f32") == "f32" and effective_precision("bf16") == "bf16"
