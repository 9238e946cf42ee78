"""RapidOCR (PP-OCR models on onnxruntime) behind :class:`ocr.engine.OcrEngine`.

The models ship inside the ``rapidocr-onnxruntime`` wheel. onnxruntime runs
with one intra-op and one inter-op thread: we run one worker process per core,
and more threads per process made everything slower on 2 cores.

A page is read in three explicit steps rather than RapidOCR's one call:

1. text detection on the page scaled down to ``ocr_det_max_side`` (1600 px by
   default; RapidOCR's own call detects at up to 2000 px: docs/ocr.md has the
   measured trade of time against accuracy);
2. each detected quadrilateral is cut from the **full-resolution** page, so the
   recognizer sees the same pixels as before;
3. recognition of those crops. No angle classifier: pages reach the engine
   upright (``ingest.prepare`` decides the quarter turn), and the classifier
   only ever turns single lines by 180 degrees.

The models run on OpenVINO when it is installed (``ocr_runtime`` "auto", the
default): the same ONNX files, read by OpenVINO, about twice as fast as
onnxruntime on these x86 cores for detection and recognition alike (docs/ocr.md).
Only the network call changes: RapidOCR's own resize/normalize, DB post-process
and CTC decode run on OpenVINO's outputs. Without OpenVINO, "auto" falls back to
onnxruntime silently (logged); "openvino" asked for explicitly and missing is a
:class:`ToolUnavailable`.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import logging
import os
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from schemas.errors import ToolUnavailable
from schemas.model import TextLine
from schemas.names import script_twin
from schemas.settings import Settings

log = logging.getLogger("marriage_archive.ocr")

INSTALL_HINT = ".venv/bin/pip install 'rapidocr-onnxruntime>=1.3,<2' onnxruntime"
# The PP-OCRv6 small recognizer ships in RapidOCR 3's wheel. Only its model file is
# used (our pipeline runs on rapidocr-onnxruntime's code), so the wheel is installed
# without its dependencies: they would add opencv-python-headless beside our
# opencv-python, two packages writing one cv2 (scripts/bootstrap.sh, docs/ocr.md).
V6_PACKAGE = "rapidocr==3.10.0"
V6_HINT = f".venv/bin/pip install --no-deps '{V6_PACKAGE}'"
V6_REC_FILE = "PP-OCRv6_rec_small.onnx"
OPENVINO_HINT = ".venv/bin/pip install 'openvino>=2024.0'"
# One stream, one thread, latency first: one worker process per core. No CPU
# pinning: with it, OpenVINO pins the thread that runs a 1-thread inference to
# core 0 in EVERY process, so two workers shared core 0 while core 1 sat idle
# (measured: each worker at ~57% of a core; docs/benchmarks.md "Ingest speed").
OPENVINO_CONFIG = {
    "INFERENCE_NUM_THREADS": 1,
    "NUM_STREAMS": 1,
    "PERFORMANCE_HINT": "LATENCY",
    "ENABLE_CPU_PINNING": False,
    # No cache of compiled primitives per input shape: page and line shapes rarely
    # repeat, so it only grew (engine alone, 60 dev3 pages: 0.87 -> 1.37 GB and
    # rising; with 0 flat at ~1.06 GB, CPU +1.5%, within noise; docs/ocr.md).
    "CPU_RUNTIME_CACHE_CAPACITY": 0,
}


def probe(rec_model: str = "ppocrv6-small") -> str | None:
    """None when RapidOCR, its detector and recognition model ``rec_model`` can be loaded,
    else why not (with the install command)."""
    try:
        import rapidocr_onnxruntime
    except ImportError as exc:
        return f"rapidocr-onnxruntime is not installed ({exc}); run: {INSTALL_HINT}"
    models = Path(rapidocr_onnxruntime.__file__).parent / "models"
    if not list(models.glob("*det*.onnx")) or not list(models.glob("*rec*.onnx")):
        return f"RapidOCR's models are missing from {models}; reinstall: {INSTALL_HINT}"
    try:
        rec_model_path(rec_model)
    except ToolUnavailable as exc:
        return str(exc)
    return None


def _bundled_model(part: str) -> Path:
    """The model file rapidocr-onnxruntime's own configuration names for ``part``
    ("Det", "Cls", "Rec"), inside its wheel."""
    from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH, read_yaml, update_model_path

    return Path(update_model_path(read_yaml(DEFAULT_CFG_PATH))[part]["model_path"])


def rec_model_path(model: str) -> Path:
    """The ONNX file of recognition model ``model`` ("ppocrv6-small" | "ppocrv4").

    Found without importing the package that carries it. A missing file is a
    :class:`ToolUnavailable` naming the install command.
    """
    if model == "ppocrv4":
        return _bundled_model("Rec")
    if model != "ppocrv6-small":
        raise ValueError(f"unknown recognition model {model!r}")
    spec = importlib.util.find_spec("rapidocr")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / "models" / V6_REC_FILE
        if path.is_file():
            return path
    raise ToolUnavailable(
        f"the PP-OCRv6 recognition model ({V6_REC_FILE}) is not installed; run: {V6_HINT} "
        "(or set MARRIAGE_ARCHIVE_OCR_REC_MODEL=ppocrv4)"
    )


def _to_bgr(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:
        raise ValueError("OCR input must be a uint8 image")
    if image.ndim == 2:
        return np.stack([image] * 3, axis=-1)
    if image.ndim == 3 and image.shape[2] == 4:
        return np.ascontiguousarray(image[:, :, :3])
    return image


def _quad_to_bbox(quad: Any, width: int, height: int) -> list[int]:
    pts = np.asarray(quad, dtype=float)
    x0, y0 = max(0.0, pts[:, 0].min()), max(0.0, pts[:, 1].min())
    x1, y1 = min(float(width), pts[:, 0].max()), min(float(height), pts[:, 1].max())
    return [round(x0), round(y0), max(1, round(x1 - x0)), max(1, round(y1 - y0))]


class _TwinDecode:
    """RapidOCR's CTC decode, with each decoded character's probability at its first
    frame raised by its script twin's probability at that frame (``twins``: class ->
    twin class or -1). The text and the frames are the decode's own (its word columns;
    a line whose columns do not match its characters is left as decoded, as
    :meth:`RapidOcrEngine.character_frames` drops it)."""

    def __init__(self, decode: Any, twins: np.ndarray) -> None:
        self._decode = decode
        self._twins = twins
        self.character = decode.character

    def __call__(self, preds: np.ndarray, return_word_box: bool = False, **kwargs: Any) -> Any:
        results = self._decode(preds, return_word_box, **kwargs)
        for row, result in enumerate(results):
            if len(result) < 3 or not result[2]:
                continue
            cols = np.array([f for word in result[2][2] for f in word], dtype=int)
            probs = result[2][-1]
            if len(cols) != len(probs):
                continue
            twin = self._twins[preds[row, cols].argmax(axis=1)]
            extra = np.where(twin >= 0, preds[row, cols, np.maximum(twin, 0)], 0.0)
            result[2][-1] = [min(1.0, float(p + e)) for p, e in zip(probs, extra, strict=True)]
        return results


class OpenVinoSession:
    """One ONNX model compiled by OpenVINO, called like RapidOCR's onnxruntime session.

    RapidOCR calls its session with the one input tensor and takes output 0 of
    the list it returns; this does the same on OpenVINO's CPU plugin. With
    ``cache_dir`` the compiled model is kept there and imported by the next worker
    (see :func:`compile_cached`).
    """

    def __init__(
        self, model_path: Path, cache_dir: Path | None = None, precision: str = "f32"
    ) -> None:
        self._model = compile_cached(model_path, cache_dir, precision)
        self._request = self._model.create_infer_request()
        self._output = self._model.output(0)

    def __call__(self, tensor: np.ndarray) -> list[np.ndarray]:
        """The model's first output for ``tensor`` (copied: the request reuses its buffer).

        A batch (RapidOCR's recognizer sends up to six line crops, padded to one width)
        is inferred one crop at a time into one output array: each crop's output is bit
        for bit the one it gets inside the batch, the buffers are those of one crop
        (0.28 -> 0.15 GB at 6 x 1280 px) and the CPU time is the same (docs/ocr.md
        "Memory and speed, session 16").
        """
        if tensor.shape[0] <= 1:
            return [np.array(self._request.infer({0: tensor})[self._output], copy=True)]
        out: np.ndarray | None = None
        for index in range(tensor.shape[0]):
            one = self._request.infer({0: tensor[index : index + 1]})[self._output]
            if out is None:
                out = np.empty((tensor.shape[0], *one.shape[1:]), dtype=one.dtype)
            out[index] = one[0]
        assert out is not None
        return [out]

    def release_memory(self) -> None:
        """Give back the intermediate buffers of the last inference (the model stays).

        OpenVINO's CPU plugin keeps the buffers of the largest input seen so far: the
        detector holds ~0.4 GB after a 1600 px page. The next call allocates them
        again; outputs are bit-identical (docs/ocr.md "Memory and speed, session 16").
        """
        self._model.release_memory()


def openvino_config(precision: str = "f32") -> dict[str, Any]:
    """The compile settings for ``precision`` ("f32" | "bf16" | "auto": OpenVINO's default).

    OpenVINO's CPU plugin computes in bf16 by default on CPUs with AMX or AVX512-BF16
    (Intel Xeon since Sapphire Rapids) and in f32 elsewhere, so without a hint the same
    scan reads differently from one machine to the next (docs/ocr.md "Precision,
    session 17").
    """
    if precision == "auto":
        return dict(OPENVINO_CONFIG)
    return {**OPENVINO_CONFIG, "INFERENCE_PRECISION_HINT": precision}


def compiled_blob_name(model_path: Path, precision: str = "f32") -> str:
    """File name of a model's compiled blob: the model's bytes, OpenVINO and our config in it.

    A new model file, OpenVINO release or compile setting gives a new name, so a
    stale blob is never imported (it stays behind, unused).
    """
    import openvino

    digest = hashlib.sha256(model_path.read_bytes())
    config = sorted(openvino_config(precision).items())
    digest.update(f"{openvino.__version__}|{config}".encode())
    return f"{model_path.stem}-{digest.hexdigest()[:20]}.blob"


def effective_precision(precision: str) -> str:
    """What ``precision`` computes in on this CPU: "auto" resolves to OpenVINO's default
    (bf16 on CPUs with AMX or AVX512-BF16, f32 elsewhere)."""
    if precision != "auto":
        return precision
    import openvino

    return str(openvino.Core().get_property("CPU", "INFERENCE_PRECISION_HINT").get_type_name())


def compile_cached(model_path: Path, cache_dir: Path | None, precision: str = "f32") -> Any:
    """``model_path`` compiled for the CPU, through a compiled blob in ``cache_dir`` if given.

    Compiling the det and rec models costs ~0.95 CPU-s per worker start; importing
    their blobs ~0.25 (docs/ocr.md "Speed work, session 12"), with bit-identical
    outputs. The blob is written to a temporary name and renamed into place, so two
    workers starting together never read half a blob. A blob that does not import
    or a folder that cannot be written only costs the compile (logged).
    """
    import openvino

    core = openvino.Core()
    config = openvino_config(precision)
    if cache_dir is None:
        return core.compile_model(str(model_path), "CPU", config)
    blob = cache_dir / compiled_blob_name(model_path, precision)
    if blob.is_file():
        try:
            return core.import_model(blob.read_bytes(), "CPU", config)
        except (OSError, RuntimeError) as exc:
            log.warning("compiled model %s not usable (%s); compiling", blob.name, exc)
    compiled = core.compile_model(str(model_path), "CPU", config)
    staging = blob.with_name(f"{blob.name}.{os.getpid()}.tmp")
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        exported = compiled.export_model()
        staging.write_bytes(exported.getvalue() if hasattr(exported, "getvalue") else exported)
        os.replace(staging, blob)
    except OSError as exc:
        log.warning("compiled model not kept in %s (%s)", cache_dir, exc)
        with contextlib.suppress(OSError):
            staging.unlink(missing_ok=True)
    return compiled


def openvino_available() -> bool:
    """True when the ``openvino`` package can be imported."""
    try:
        import openvino  # noqa: F401
    except ImportError:
        return False
    return True


def choose_runtime(requested: str, have_openvino: bool) -> str:
    """The runtime to use for ``requested`` ("auto" | "openvino" | "onnxruntime").

    "auto" takes OpenVINO when it is installed and onnxruntime otherwise;
    "openvino" without the package is a :class:`ToolUnavailable`.
    """
    if requested == "onnxruntime":
        return "onnxruntime"
    if have_openvino:
        return "openvino"
    if requested == "openvino":
        raise ToolUnavailable(
            "MARRIAGE_ARCHIVE_OCR_RUNTIME=openvino but openvino is not installed; "
            f"run: {OPENVINO_HINT}"
        )
    return "onnxruntime"


def _use_openvino(
    ocr: Any, rec_model: Path, cache_dir: Path | None, precision: str = "f32"
) -> None:
    """Run RapidOCR's detector and recognizer networks on OpenVINO instead of onnxruntime.

    The detector is the one RapidOCR's own configuration names (inside its wheel);
    the recognizer is ``rec_model``, the file the engine was built with.
    """
    ocr.text_det.infer = OpenVinoSession(_bundled_model("Det"), cache_dir, precision)
    ocr.text_rec.session = OpenVinoSession(rec_model, cache_dir, precision)


def _probe_session(
    rec_model: Path, cache_dir: Path | None, precision: str, probe_precision: str
) -> OpenVinoSession | None:
    """The recognizer compiled in ``probe_precision`` for :meth:`RapidOcrEngine.score_lines`,
    or None when that computes as the page reading does (the page's session serves)."""
    if effective_precision(probe_precision) == effective_precision(precision):
        return None
    return OpenVinoSession(rec_model, cache_dir, probe_precision)


def normalization_table(scale: float, mean: Any, std: Any) -> np.ndarray:
    """RapidOCR's detector normalization ``(v * scale - mean) / std`` for every byte value.

    A 1 x 256 x 3 float32 table for ``cv2.LUT``: RapidOCR computes the same formula
    pixel by pixel in float64 and casts the tensor to float32, so looking the bytes up
    gives the identical tensor at a tenth of the cost (0.087 -> 0.007 CPU-s a page).
    """
    values = np.arange(256, dtype=np.uint8).astype("float32")[:, None]
    table = (values * scale - np.asarray(mean)) / np.asarray(std)
    return np.ascontiguousarray(table.astype(np.float32).reshape(1, 256, -1))


def _normalize_by_table(text_det: Any) -> None:
    """Make the detector's preprocessing look its normalization up (identical tensor)."""
    make_preprocess = text_det.get_preprocess

    def get_preprocess(max_wh: int) -> Any:
        op = make_preprocess(max_wh)
        table = normalization_table(op.scale, op.mean, op.std)

        def normalize(img: np.ndarray) -> np.ndarray:
            if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != table.shape[2]:
                return type(op).normalize(op, img)
            return cv2.LUT(img, table)

        op.normalize = normalize
        return op

    text_det.get_preprocess = get_preprocess


def _release_memory(session: Any) -> None:
    """Release an OpenVINO session's intermediate buffers (onnxruntime's: nothing to do)."""
    release = getattr(session, "release_memory", None)
    if release is not None:
        release()


class RapidOcrEngine:
    """One RapidOCR instance (models loaded once); not thread-safe, one per process."""

    name = "rapidocr"

    def __init__(self, settings: Settings):
        reason = probe(settings.ocr_rec_model)
        if reason:
            raise ToolUnavailable(reason)
        from rapidocr_onnxruntime import RapidOCR

        self._settings = settings
        self._det_side = settings.ocr_det_max_side
        self.rec_model = settings.ocr_rec_model
        rec_path = rec_model_path(settings.ocr_rec_model)
        try:
            self._ocr: Any = RapidOCR(
                intra_op_num_threads=1,
                inter_op_num_threads=1,
                print_verbose=False,
                rec_model_path=str(rec_path),
            )
        except Exception as exc:  # model file missing or corrupt inside the wheel
            raise ToolUnavailable(
                f"RapidOCR models could not be loaded ({type(exc).__name__}); "
                f"reinstall: {INSTALL_HINT}"
            ) from exc
        self.runtime = choose_runtime(settings.ocr_runtime, openvino_available())
        self._probe: OpenVinoSession | None = None  # the probe's recognizer, if its own
        self._twins: np.ndarray | None = None  # class -> its script twin's class (-1: none)
        if self.runtime == "openvino":
            try:
                _use_openvino(
                    self._ocr,
                    rec_path,
                    settings.home / "cache" / "openvino",
                    settings.ocr_precision,
                )
                self._probe = _probe_session(
                    rec_path,
                    settings.home / "cache" / "openvino",
                    settings.ocr_precision,
                    settings.ocr_probe_precision,
                )
            except Exception as exc:  # OpenVINO present but cannot read or compile the models
                raise ToolUnavailable(
                    f"OpenVINO could not compile RapidOCR's models ({type(exc).__name__}: "
                    f"{exc}); set MARRIAGE_ARCHIVE_OCR_RUNTIME=onnxruntime "
                    f"or reinstall: {OPENVINO_HINT}"
                ) from exc
        _normalize_by_table(self._ocr.text_det)
        log.info("rapidocr models run on %s, recognizer %s", self.runtime, self.rec_model)

    def recognize_page(self, image: np.ndarray) -> list[TextLine]:
        """Detect and recognize every text line of an upright page."""
        bgr = _to_bgr(image)
        height, width = bgr.shape[:2]
        quads = self._detect(bgr)
        if not quads:
            return []
        crops = self._ocr.get_crop_img_list(bgr, quads)
        results, _elapsed = self._ocr.text_rec(crops)
        lines: list[TextLine] = []
        for quad, (text, score) in zip(quads, (r[:2] for r in results), strict=True):
            text = str(text).strip()
            conf = min(1.0, max(0.0, float(score)))
            if not text or conf < self._ocr.text_score:  # RapidOCR's own cut-off
                continue
            lines.append(
                TextLine(text=text, bbox=_quad_to_bbox(quad, width, height), confidence=conf)
            )
        log.debug("rapidocr page %sx%s: %s lines", width, height, len(lines))
        return lines

    def _detect(self, bgr: np.ndarray) -> list[np.ndarray]:
        """Text-line quadrilaterals in full-page pixels, in reading order."""
        scale = min(1.0, self._det_side / max(bgr.shape[:2]))
        small = bgr
        if scale < 1.0:
            small = cv2.resize(bgr, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        # The detector's and the recognizer's buffers are never needed at once: give
        # the recognizer's back before detection and the detector's after it, so a
        # worker's peak holds one network's buffers, not both.
        _release_memory(self._ocr.text_rec.session)
        try:
            boxes, _elapsed = self._ocr.text_det(small)
        finally:
            _release_memory(self._ocr.text_det.infer)
        if boxes is None or len(boxes) == 0:
            return []
        ordered = self._ocr.sorted_boxes(boxes)
        return [np.ascontiguousarray(np.asarray(b, dtype=np.float32) / scale) for b in ordered]

    def recognize_lines(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Recognition only (no detection) for crops holding one line each."""
        return self._read_lines(crops, None)

    def score_lines(self, crops: list[np.ndarray]) -> list[float]:
        """The recognizer's confidence for each one-line crop, computed in
        ``ocr_probe_precision``: the orientation probe compares these across a crop's
        four quarter turns and keeps no text (``ingest.prepare``). On a CPU with bf16
        that halves the probe's cost with the same decisions (docs/ocr.md "Speed,
        session 18"); elsewhere it is :meth:`recognize_lines`' confidence."""
        return [conf for _text, conf in self._read_lines(crops, self._probe)]

    def _read_lines(
        self, crops: list[np.ndarray], session: OpenVinoSession | None
    ) -> list[tuple[str, float]]:
        """``(text, confidence)`` per one-line crop, through ``session`` in place of
        the page's recognizer session when one is given."""
        if not crops:
            return []
        rec = self._ocr.text_rec
        page_session = rec.session
        if session is not None:
            rec.session = session
        try:
            results, _elapsed = rec([_to_bgr(c) for c in crops])
        finally:
            rec.session = page_session
        return [(str(r[0]).strip(), min(1.0, max(0.0, float(r[1])))) for r in results]

    def recognize_characters(
        self, crops: list[np.ndarray], script_twins: bool = False
    ) -> list[list[tuple[str, float]]]:
        """Per crop, each decoded character with its own CTC probability (the
        recognizer's score at the character's first frame); ``[]`` when the
        recognizer's per-character output does not match its text. With
        ``script_twins`` a character's probability also counts its one-to-one twin in
        the other script at that frame (魯 read with 鲁 beside it: one character,
        :func:`schemas.names.script_twin`)."""
        return [
            [(ch, p) for ch, p, _ in line]
            for line in self.character_frames(crops, script_twins=script_twins)
        ]

    def character_frames(
        self, crops: list[np.ndarray], script_twins: bool = False
    ) -> list[list[tuple[str, float, int]]]:
        """:meth:`recognize_characters` with each character's first CTC frame (its
        place along the line: a character the recognizer decoded as nothing
        leaves a wider step between its neighbours' frames)."""
        if not crops:
            return []
        rec = self._ocr.text_rec
        decode = rec.postprocess_op
        if script_twins:
            rec.postprocess_op = _TwinDecode(decode, self._twin_classes(decode.character))
        try:
            results, _elapsed = rec([_to_bgr(c) for c in crops], return_word_box=True)
        finally:
            rec.postprocess_op = decode
        out: list[list[tuple[str, float, int]]] = []
        for result in results:
            text, extra = str(result[0]), result[2] if len(result) > 2 else None
            probs = list(extra[-1]) if extra else []
            frames = [int(f) for word in extra[2] for f in word] if extra else []
            if len(probs) != len(text) or len(frames) != len(text):  # empty: [0]
                out.append([])
                continue
            out.append([(ch, float(p), f) for ch, p, f in zip(text, probs, frames, strict=True)])
        return out

    def _twin_classes(self, character: list[str]) -> np.ndarray:
        """For each recognizer class, the class of its script twin (-1: none)."""
        if self._twins is None:
            index = {ch: k for k, ch in enumerate(character)}
            self._twins = np.array(
                [index.get(script_twin(ch) or "", -1) if len(ch) == 1 else -1 for ch in character]
            )
        return self._twins

    def release_memory(self) -> None:
        """Give back both networks' intermediate buffers (between documents); the models
        stay loaded and later readings are unchanged."""
        if self._ocr is not None:
            _release_memory(self._ocr.text_det.infer)
            _release_memory(self._ocr.text_rec.session)
        if self._probe is not None:
            self._probe.release_memory()

    def close(self) -> None:
        """Drop the onnxruntime sessions."""
        self._ocr = None
