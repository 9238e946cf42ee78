"""The OCR engine interface and the registry that picks an engine by name.

An engine recognizes text on an upright, prepared page (``recognize_page``:
detection + recognition) or on tight crops that each hold one text line
(``recognize_lines``: recognition only, used for second opinions); an engine
that can also score each character says so with :class:`CharacterReader`. Engines are
expensive to start (models, processes): build one per worker process with
:func:`get_engine` and reuse it; call ``close`` when the worker ends.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

import numpy as np

from schemas.errors import ToolUnavailable
from schemas.model import TextLine
from schemas.settings import Settings, load_settings


@runtime_checkable
class OcrEngine(Protocol):
    """What every OCR engine offers (see module docstring)."""

    name: str

    def recognize_page(self, image: np.ndarray) -> list[TextLine]:
        """All text lines of an upright page; bbox ``[x, y, w, h]`` in its pixels, page 0."""
        ...

    def recognize_lines(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """One ``(text, confidence)`` per crop, each crop holding one text line."""
        ...

    def close(self) -> None:
        """Release processes and models."""
        ...


@runtime_checkable
class CharacterReader(Protocol):
    """An engine that also gives each recognized character its own probability."""

    def recognize_characters(
        self, crops: list[np.ndarray], script_twins: bool = False
    ) -> list[list[tuple[str, float]]]:
        """Per crop holding one line, each character with its own probability
        (``[]`` for a crop whose reading cannot be split into characters); with
        ``script_twins`` the probability counts the character's one-to-one twin in
        the other script (鲁 for 魯) as the same character."""
        ...

    def character_frames(
        self, crops: list[np.ndarray], script_twins: bool = False
    ) -> list[list[tuple[str, float, int]]]:
        """As ``recognize_characters``, with each character's place along the line
        (the recognizer's output frame where it starts)."""
        ...


@runtime_checkable
class LineScoringEngine(Protocol):
    """An engine that scores one-line crops more cheaply than it reads them (the
    orientation probe's readings: confidences compared, no text kept)."""

    def score_lines(self, crops: list[np.ndarray]) -> list[float]:
        """The recognizer's confidence for each crop holding one line."""
        ...


def _make_rapidocr(settings: Settings) -> OcrEngine:
    from ocr.rapidocr_engine import RapidOcrEngine

    return RapidOcrEngine(settings)


def _make_tesseract(settings: Settings) -> OcrEngine:
    from ocr.tesseract_engine import TesseractEngine

    return TesseractEngine(settings)


def _probe_rapidocr() -> str | None:
    from ocr.rapidocr_engine import probe

    return probe(load_settings().ocr_rec_model)


def _probe_tesseract() -> str | None:
    from ocr.tesseract_engine import probe

    return probe()


_FACTORIES: dict[str, Callable[[Settings], OcrEngine]] = {
    "rapidocr": _make_rapidocr,
    "tesseract": _make_tesseract,
}
_PROBES: dict[str, Callable[[], str | None]] = {
    "rapidocr": _probe_rapidocr,
    "tesseract": _probe_tesseract,
}

ENGINE_NAMES: tuple[str, ...] = tuple(_FACTORIES)


def get_engine(name: str, settings: Settings) -> OcrEngine:
    """Build the engine called ``name`` ("rapidocr" or "tesseract").

    Raises :class:`ToolUnavailable` (with the install command) when the engine's
    program, language data or models are missing, and for an unknown name.
    """
    factory = _FACTORIES.get(name)
    if factory is None:
        raise ToolUnavailable(
            f"Unknown OCR engine {name!r}: choose one of {', '.join(ENGINE_NAMES)}.",
            code="unknown_engine",
        )
    return factory(settings)


def other_engine_name(name: str) -> str:
    """The engine used as second opinion for ``name``."""
    return "tesseract" if name == "rapidocr" else "rapidocr"


def probe_engines() -> dict[str, str | None]:
    """``{engine name: None if usable, else why not (with the fix)}``."""
    return {name: probe() for name, probe in _PROBES.items()}
