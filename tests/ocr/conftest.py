"""Fixtures for the OCR tests: real engines (one per session) and small real images."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from schemas.settings import load_settings

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def render_line(text: str, size: int = 40) -> np.ndarray:
    """A tight crop of one printed line (BGR uint8), as a prepared page would give."""
    font = ImageFont.truetype(FONT, size)
    x0, y0, x1, y1 = font.getbbox(text)
    pad = size // 3
    image = Image.new("RGB", (x1 - x0 + 2 * pad, y1 - y0 + 2 * pad), "white")
    ImageDraw.Draw(image).text((pad - x0, pad - y0), text, fill="black", font=font)
    return np.ascontiguousarray(np.array(image)[:, :, ::-1])


def render_page(lines, size: tuple[int, int] = (2300, 1000)) -> np.ndarray:
    """Draw hand-built TextLines (tests/ocr/forms.py) as a clean printed page (BGR)."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for line in lines:
        x, y, _w, h = line.bbox
        draw.text((x, y), line.text, fill="black", font=ImageFont.truetype(FONT, h))
    return np.ascontiguousarray(np.array(image)[:, :, ::-1])


@pytest.fixture(scope="session")
def settings():
    return load_settings(environ={})


@pytest.fixture(scope="session")
def engines(settings):
    from ocr import get_engine

    built = {name: get_engine(name, settings) for name in ("rapidocr", "tesseract")}
    yield built
    for engine in built.values():
        engine.close()


@pytest.fixture(scope="session")
def synth_record(tmp_path_factory):
    """One synthetic record made by our generator, made upright with its truth angles."""
    from ingest.intake import read_head, sniff_type
    from ingest.loading import load_pages
    from ingest.prepare import upright
    from ingest.seal import suppress_red_seal
    from synth import generate_batch

    out = tmp_path_factory.mktemp("synth")
    generate_batch(out, 1, 4242, formats=["png"])
    truth = json.loads((out / "truth.jsonl").read_text(encoding="utf-8").splitlines()[0])
    pages = []
    settings = load_settings(environ={})
    for page, applied in zip(truth["pages"], truth["applied"], strict=True):
        path = Path(out / "scans" / page["source"])
        loaded = load_pages(path, sniff_type(read_head(path)) or "", settings)
        rgb = loaded[page["page_index"]].image
        clean = suppress_red_seal(rgb)
        pages.append(upright(clean, applied["rotation"], applied["skew_deg"]))
    return truth, pages
