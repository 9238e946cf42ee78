"""Tesseract 5 behind :class:`ocr.engine.OcrEngine`: in-process library or a process per call.

Two runtimes give the same readings (``tesseract_runtime``, docs/ocr.md):

* ``library`` (taken by "auto" when it loads): libtesseract's C API through
  ctypes, one initialized engine per language kept alive for the worker's
  life. Starting a ``tesseract`` process and loading ``chi_sim`` cost about
  0.25 CPU-s per call; the library pays that once per worker.
* ``process``: pytesseract, one ``tesseract`` process per call (the declared
  fallback when the library cannot be loaded).

Both produce Tesseract's TSV for the same pixels and go through the same
parsing, so their readings are identical (tested). Every call has a timeout
(``Settings.tool_timeout_s``; the library's is its monitor deadline) and runs
with ``OMP_THREAD_LIMIT=1``: with OpenMP threads on our 2 shared cores
Tesseract was about 20x slower. :meth:`TesseractEngine.recognize_lines` stacks
all crops of a page into ONE image and splits the recognized lines back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import itertools
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from schemas.errors import ToolTimeout, ToolUnavailable
from schemas.model import TextLine
from schemas.settings import Settings

log = logging.getLogger("marriage_archive.ocr")

INSTALL_HINT = (
    "apt-get install tesseract-ocr tesseract-ocr-chi-sim tesseract-ocr-chi-tra "
    "&& .venv/bin/pip install pytesseract"
)
REQUIRED_LANGS = ("chi_sim", "chi_tra", "eng")
PAGE_LANG = "chi_sim+chi_tra"
LINE_LANG = "chi_sim"  # measured: +eng turned 年 into 4 on stacked crops
LIBRARY_HINT = "apt-get install libtesseract5 (it comes with tesseract-ocr)"
TSV_COLUMNS = (
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
)
_BAND_HEIGHT = 64  # crops are scaled to this height before stacking
_BAND_GAP = 40


def _config(tessdata_dir: Path | None, extra: str = "") -> str:
    parts = [f'--tessdata-dir "{tessdata_dir}"'] if tessdata_dir else []
    if extra:
        parts.append(extra)
    return " ".join(parts)


def _missing_langs(tessdata_dir: Path | None) -> list[str]:
    import pytesseract

    if tessdata_dir is not None:
        have = {p.stem for p in Path(tessdata_dir).glob("*.traineddata")}
    else:
        have = set(pytesseract.get_languages(config=""))
    return [lang for lang in REQUIRED_LANGS if lang not in have]


def probe(tessdata_dir: Path | None = None) -> str | None:
    """None when tesseract, pytesseract and chi_sim/chi_tra/eng are usable, else why not."""
    try:
        import pytesseract
    except ImportError:
        return f"pytesseract is not installed; run: {INSTALL_HINT}"
    if shutil.which("tesseract") is None:
        return f"the tesseract program is not on PATH; run: {INSTALL_HINT}"
    try:
        missing = _missing_langs(tessdata_dir)
    except (pytesseract.TesseractError, OSError) as exc:
        return f"tesseract does not answer ({exc}); reinstall: {INSTALL_HINT}"
    if missing:
        where = tessdata_dir or "the default tessdata folder"
        return (
            f"tesseract language data {', '.join(missing)} missing in {where}; run: {INSTALL_HINT}"
        )
    return None


def _gray(image: np.ndarray) -> np.ndarray:
    import cv2

    if image.dtype != np.uint8:
        raise ValueError("OCR input must be a uint8 image")
    if image.ndim == 3:
        return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    return image


def _join_words(words: list[str]) -> str:
    out = ""
    for word in words:
        if (
            out
            and out[-1].isascii()
            and out[-1].isalnum()
            and word[:1].isascii()
            and word[:1].isalpha()
        ):
            out += " "
        out += word
    return out


def _segments(idx: list[int], data: dict[str, list[Any]]) -> list[list[int]]:
    """Split one tesseract line where words are far apart (form columns)."""
    idx = sorted(idx, key=lambda i: data["left"][i])
    height = max(data["height"][i] for i in idx)
    segments = [[idx[0]]]
    for prev, cur in itertools.pairwise(idx):
        gap = data["left"][cur] - (data["left"][prev] + data["width"][prev])
        if gap > 1.5 * height:
            segments.append([cur])
        else:
            segments[-1].append(cur)
    return segments


def group_lines(data: dict[str, list[Any]]) -> list[tuple[str, list[int], float]]:
    """Group pytesseract ``image_to_data`` words into ``(text, [x, y, w, h], conf)`` lines.

    A line is split where words are more than 1.5 line heights apart: psm 3
    happily reads a whole form row (label, value, next label) as one line.
    """
    groups: dict[tuple[int, int, int], list[int]] = {}
    for i, word in enumerate(data["text"]):
        if str(word).strip() and float(data["conf"][i]) >= 0:
            key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
            groups.setdefault(key, []).append(i)
    lines = []
    for line_idx in groups.values():
        for idx in _segments(line_idx, data):
            x0 = min(data["left"][i] for i in idx)
            y0 = min(data["top"][i] for i in idx)
            x1 = max(data["left"][i] + data["width"][i] for i in idx)
            y1 = max(data["top"][i] + data["height"][i] for i in idx)
            conf = sum(float(data["conf"][i]) for i in idx) / len(idx) / 100.0
            text = _join_words([str(data["text"][i]).strip() for i in idx])
            lines.append((text, [x0, y0, x1 - x0, y1 - y0], min(1.0, max(0.0, conf))))
    return lines


def parse_tsv(tsv: str) -> dict[str, list[Any]]:
    """Tesseract's TSV rows as pytesseract's ``Output.DICT`` (numbers truncated to int).

    The same conversion as ``pytesseract.file_to_dict`` (``int(float(cell))``,
    the text column kept as text), so both runtimes feed :func:`group_lines`
    identical values. A header row, as the ``tesseract`` program writes it, is skipped.
    """
    data: dict[str, list[Any]] = {name: [] for name in TSV_COLUMNS}
    for row in tsv.strip("\n").split("\n"):
        cells = row.split("\t")
        if not row or cells[0] == "level":
            continue
        cells += [""] * (len(TSV_COLUMNS) - len(cells))
        for name, cell in zip(TSV_COLUMNS[:-1], cells, strict=False):
            try:
                data[name].append(int(float(cell)))
            except ValueError:
                data[name].append(cell)
        data["text"].append(cells[len(TSV_COLUMNS) - 1])
    return data


def _load_library() -> ctypes.CDLL:
    """libtesseract with the C API signatures we call; OSError when it cannot be loaded."""
    name = ctypes.util.find_library("tesseract") or "libtesseract.so.5"
    lib = ctypes.CDLL(name)
    p, i, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    signatures: dict[str, tuple[list[Any], Any]] = {
        "TessVersion": ([], s),
        "TessBaseAPICreate": ([], p),
        "TessBaseAPIInit3": ([p, s, s], i),
        "TessBaseAPISetVariable": ([p, s, s], i),
        "TessBaseAPISetPageSegMode": ([p, i], None),
        "TessBaseAPISetImage": ([p, p, i, i, i, i], None),
        "TessBaseAPIRecognize": ([p, p], i),
        "TessBaseAPIGetTsvText": ([p, i], p),
        "TessBaseAPIClear": ([p], None),
        "TessBaseAPIEnd": ([p], None),
        "TessBaseAPIDelete": ([p], None),
        "TessDeleteText": ([p], None),
        "TessMonitorCreate": ([], p),
        "TessMonitorDelete": ([p], None),
        "TessMonitorSetDeadlineMSecs": ([p, i], None),
    }
    for func, (argtypes, restype) in signatures.items():
        getattr(lib, func).argtypes = argtypes
        getattr(lib, func).restype = restype
    return lib


class LibraryTesseract:
    """libtesseract's C API in this process: one initialized engine per language, reused.

    Raises :class:`ToolUnavailable` when the library cannot be loaded, is not
    Tesseract 4/5, or cannot load a language. Not thread-safe: one per worker.
    """

    def __init__(self, tessdata_dir: Path | None = None):
        try:
            self._lib = _load_library()
        except (OSError, AttributeError) as exc:
            raise ToolUnavailable(f"libtesseract cannot be loaded ({exc}); {LIBRARY_HINT}") from exc
        self.version = (self._lib.TessVersion() or b"").decode()
        if self.version[:1] not in ("4", "5"):
            raise ToolUnavailable(f"libtesseract {self.version!r} is not Tesseract 4/5")
        self._datapath = str(tessdata_dir).encode() if tessdata_dir else None
        self._handles: dict[str, int] = {}

    def _handle(self, lang: str) -> int:
        handle = self._handles.get(lang)
        if handle is None:
            handle = self._lib.TessBaseAPICreate()
            if self._lib.TessBaseAPIInit3(handle, self._datapath, lang.encode()) != 0:
                self._lib.TessBaseAPIDelete(handle)
                raise ToolUnavailable(f"libtesseract cannot load language {lang}; {INSTALL_HINT}")
            # Tesseract's diagnostics ("Estimating resolution ...") would go to our stderr.
            self._lib.TessBaseAPISetVariable(handle, b"debug_file", os.devnull.encode())
            self._handles[lang] = handle
        return handle

    def tsv(self, gray: np.ndarray, lang: str, psm: int, timeout_s: float) -> str:
        """Tesseract's TSV for a uint8 grey image (the ``tesseract IMAGE - tsv`` rows)."""
        image = np.ascontiguousarray(gray)
        handle = self._handle(lang)
        lib = self._lib
        lib.TessBaseAPISetPageSegMode(handle, psm)
        lib.TessBaseAPISetImage(
            handle, image.ctypes.data, image.shape[1], image.shape[0], 1, image.strides[0]
        )
        monitor = lib.TessMonitorCreate()
        lib.TessMonitorSetDeadlineMSecs(monitor, max(1, round(timeout_s * 1000)))
        started = time.monotonic()
        try:
            if lib.TessBaseAPIRecognize(handle, monitor) != 0:
                if time.monotonic() - started >= timeout_s:
                    raise ToolTimeout(_timeout_message(timeout_s))
                raise ToolUnavailable("libtesseract could not recognize the image")
            text = lib.TessBaseAPIGetTsvText(handle, 0)
            try:
                return ctypes.string_at(text).decode("utf-8") if text else ""
            finally:
                lib.TessDeleteText(text)
        finally:
            lib.TessMonitorDelete(monitor)
            lib.TessBaseAPIClear(handle)

    def close(self) -> None:
        """End and free every engine."""
        for handle in self._handles.values():
            self._lib.TessBaseAPIEnd(handle)
            self._lib.TessBaseAPIDelete(handle)
        self._handles = {}


def _timeout_message(timeout_s: float) -> str:
    return (
        f"tesseract did not finish within {timeout_s:g} s; raise "
        "MARRIAGE_ARCHIVE_TOOL_TIMEOUT_S or check the page size"
    )


def choose_tesseract_runtime(requested: str, tessdata_dir: Path | None) -> LibraryTesseract | None:
    """The in-process library for ``requested`` "auto"/"library", None for "process".

    "auto" falls back to a process per call (logged) when the library does not
    load; "library" asked for explicitly and unavailable is a :class:`ToolUnavailable`.
    """
    if requested == "process":
        return None
    try:
        return LibraryTesseract(tessdata_dir)
    except ToolUnavailable as exc:
        if requested == "library":
            raise
        log.info("tesseract runs as a process per call: %s", exc.message)
        return None


class TesseractEngine:
    """Tesseract in this process (libtesseract) or as a process per call (pytesseract)."""

    name = "tesseract"

    def __init__(self, settings: Settings, *, tessdata_dir: Path | None = None):
        reason = probe(tessdata_dir)
        if reason:
            raise ToolUnavailable(reason)
        # The child tesseract process inherits our environment; OpenMP threads on
        # 2 shared cores made it ~20x slower (issue 3, measured). The library reads
        # the variable when its first engine starts, after this.
        os.environ["OMP_THREAD_LIMIT"] = "1"
        self._timeout = settings.tool_timeout_s
        self._tessdata = tessdata_dir
        self._library = choose_tesseract_runtime(settings.tesseract_runtime, tessdata_dir)
        self.runtime = "process" if self._library is None else "library"
        log.info("tesseract runs as %s", self.runtime)

    def _data(self, image: np.ndarray, lang: str, psm: int) -> dict[str, list[Any]]:
        if self._library is not None:
            return parse_tsv(self._library.tsv(image, lang, psm, self._timeout))
        import pytesseract

        config = _config(self._tessdata, f"--psm {psm}")
        try:
            return pytesseract.image_to_data(
                image,
                lang=lang,
                config=config,
                timeout=self._timeout,
                output_type=pytesseract.Output.DICT,
            )
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                raise ToolTimeout(_timeout_message(self._timeout)) from exc
            raise ToolUnavailable(f"tesseract failed: {exc}") from exc
        except pytesseract.TesseractError as exc:
            raise ToolUnavailable(f"tesseract failed ({exc.status}): {exc.message}") from exc

    def recognize_page(self, image: np.ndarray) -> list[TextLine]:
        """Detect and recognize every text line of an upright page (psm 3)."""
        gray = _gray(image)
        data = self._data(gray, PAGE_LANG, 3)
        return [TextLine(text=t, bbox=b, confidence=c) for t, b, c in group_lines(data)]

    def recognize_lines(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """Recognize one line per crop in a single tesseract call (crops stacked)."""
        if not crops:
            return []
        sheet, bands = stack_crops([_gray(c) for c in crops])
        data = self._data(sheet, LINE_LANG, 6)
        return split_bands(group_lines(data), bands)

    def close(self) -> None:
        """Free the in-process engines (a process per call leaves nothing behind)."""
        if self._library is not None:
            self._library.close()
            self._library = None


def stack_crops(crops: list[np.ndarray]) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Scale crops to one height and stack them on a white sheet; return the y bands."""
    import cv2

    scaled: list[np.ndarray] = []
    for crop in crops:
        h, w = crop.shape[:2]
        if h == 0 or w == 0:
            scaled.append(np.full((_BAND_HEIGHT, _BAND_HEIGHT), 255, np.uint8))
            continue
        new_w = max(1, round(w * _BAND_HEIGHT / h))
        scaled.append(cv2.resize(crop, (new_w, _BAND_HEIGHT), interpolation=cv2.INTER_CUBIC))
    width = max(c.shape[1] for c in scaled) + 2 * _BAND_GAP
    height = len(scaled) * (_BAND_HEIGHT + _BAND_GAP) + _BAND_GAP
    sheet = np.full((height, width), 255, np.uint8)
    bands = []
    y = _BAND_GAP
    for crop in scaled:
        sheet[y : y + _BAND_HEIGHT, _BAND_GAP : _BAND_GAP + crop.shape[1]] = crop
        bands.append((y, y + _BAND_HEIGHT))
        y += _BAND_HEIGHT + _BAND_GAP
    return sheet, bands


def split_bands(
    lines: list[tuple[str, list[int], float]], bands: list[tuple[int, int]]
) -> list[tuple[str, float]]:
    """Assign recognized lines to the crop band holding their vertical centre."""
    parts: list[list[tuple[int, str, float]]] = [[] for _ in bands]
    for text, (x, y, _w, h), conf in lines:
        cy = y + h / 2
        for i, (top, bottom) in enumerate(bands):
            if top - _BAND_GAP / 2 <= cy < bottom + _BAND_GAP / 2:
                parts[i].append((x, text, conf))
                break
    out = []
    for part in parts:
        part.sort()
        text = "".join(t for _, t, _ in part)
        conf = min((c for _, _, c in part), default=0.0)
        out.append((text, conf))
    return out
