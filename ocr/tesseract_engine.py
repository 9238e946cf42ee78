"""Tesseract 5 (through pytesseract) behind :class:`ocr.engine.OcrEngine`.

Every call has a timeout (``Settings.tool_timeout_s``) and runs with
``OMP_THREAD_LIMIT=1``: with OpenMP threads on our 2 shared cores Tesseract was
about 20x slower. pytesseract starts one ``tesseract`` process per call (about
150 ms here), so :meth:`TesseractEngine.recognize_lines` stacks all crops of a
page into ONE image and splits the recognized lines back (see docs/ocr.md for
the measurement behind that choice).
"""

from __future__ import annotations

import itertools
import logging
import os
import shutil
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


class TesseractEngine:
    """Tesseract through pytesseract; cheap to build, one process per call."""

    name = "tesseract"

    def __init__(self, settings: Settings, *, tessdata_dir: Path | None = None):
        reason = probe(tessdata_dir)
        if reason:
            raise ToolUnavailable(reason)
        # The child tesseract process inherits our environment; OpenMP threads on
        # 2 shared cores made it ~20x slower (issue 3, measured).
        os.environ["OMP_THREAD_LIMIT"] = "1"
        self._timeout = settings.tool_timeout_s
        self._tessdata = tessdata_dir

    def _data(self, image: np.ndarray, lang: str, psm: int) -> dict[str, list[Any]]:
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
                raise ToolTimeout(
                    f"tesseract did not finish within {self._timeout:g} s; raise "
                    "MARRIAGE_ARCHIVE_TOOL_TIMEOUT_S or check the page size"
                ) from exc
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
        """Nothing to release: no process outlives a call."""


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
