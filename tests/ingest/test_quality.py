"""Capture-quality checks: the noise score on tiny pages, and the ``noisy`` warning
reaching the catalog record through the real ingest path."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from archive import Archive
from ingest import run_batch
from ingest.quality import (
    NOISE_MAX_SCORE,
    RESCAN_ADVICE,
    WARN_NOISY,
    noise_score,
    noise_warnings,
)
from schemas.model import RecordStatus
from tests.ingest.conftest import ingest_settings
from tests.ingest.files import text_page


def salt_and_pepper(gray: np.ndarray, density: float, seed: int = 7) -> np.ndarray:
    """``gray`` with ``density`` of its pixels set to black or white (half each)."""
    rng = np.random.default_rng(seed)
    out = gray.copy()
    hit = rng.random(gray.shape[:2]) < density
    black = rng.random(gray.shape[:2]) < 0.5
    out[hit & black] = 0
    out[hit & ~black] = 255
    return out


def grain(gray: np.ndarray, sigma: float, seed: int = 7) -> np.ndarray:
    """``gray`` with Gaussian sensor grain of ``sigma`` grey levels."""
    rng = np.random.default_rng(seed)
    noisy = gray.astype(np.float32) + rng.normal(0, sigma, gray.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


@pytest.fixture(scope="module")
def paper() -> np.ndarray:
    """A 150-dpi grey form page on off-white paper, with ordinary scanner grain
    (synth's sensor noise, 1.5-6 per colour channel, is about 1-4 in grey)."""
    page = cv2.cvtColor(text_page(620, 877, size=20), cv2.COLOR_RGB2GRAY)
    page = np.minimum(page, 235).astype(np.uint8)  # paper is never pure white
    return grain(page, 2.0)


def test_an_ordinary_page_is_quiet_and_salt_and_pepper_is_loud(paper) -> None:
    quiet = noise_score(paper, 150)
    loud = noise_score(salt_and_pepper(paper, 0.10), 150)
    assert quiet < NOISE_MAX_SCORE / 2
    assert loud > NOISE_MAX_SCORE
    assert noise_warnings(paper, 150) == []
    assert noise_warnings(salt_and_pepper(paper, 0.10), 150) == [WARN_NOISY]


def test_heavy_grain_is_loud(paper) -> None:
    assert noise_warnings(grain(paper, 40.0, seed=8), 150) == [WARN_NOISY]


def test_strokes_are_not_noise() -> None:
    """Dense small print: its stroke edges jump far from their 3x3 median, but are not paper."""
    dense = cv2.cvtColor(text_page(620, 877, size=20), cv2.COLOR_RGB2GRAY)
    every_pixel = float(cv2.absdiff(dense, cv2.medianBlur(dense, 3)).mean())
    assert every_pixel > NOISE_MAX_SCORE  # measured over strokes too, the page would be "noisy"
    assert noise_score(dense, 150) < 1.0


def test_the_score_is_taken_at_a_fixed_scale(paper) -> None:
    """The same picture with twice the pixels (300 vs 150 dpi) scores the same."""
    noisy = salt_and_pepper(paper, 0.05)
    doubled = cv2.resize(noisy, None, fx=2, fy=2, interpolation=cv2.INTER_NEAREST)
    assert noise_score(doubled, 300) == pytest.approx(noise_score(noisy, 150), abs=0.05)


def test_a_page_without_paper_scores_zero() -> None:
    assert noise_score(np.zeros((40, 30), np.uint8), 150) == 0.0


def test_the_operator_is_told_to_rescan() -> None:
    assert "rescan" in RESCAN_ADVICE[WARN_NOISY] and "300 dpi" in RESCAN_ADVICE[WARN_NOISY]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_a_noisy_scan_is_held_with_the_noisy_warning(tmp_path: Path) -> None:
    """Two synth records through run_batch; one scan is covered in salt and pepper."""
    from synth import generate_batch

    generate_batch(tmp_path / "synth", n=2, seed=19190, formats=("png",))
    scans = tmp_path / "synth" / "scans"
    truth = [
        json.loads(line)
        for line in (tmp_path / "synth" / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    noisy_file, clean_file = (scans / record["pages"][0]["source"] for record in truth)
    with Image.open(noisy_file) as image:
        dpi = image.info["dpi"]
        rgb = np.asarray(image.convert("RGB"))
    rgb = salt_and_pepper(rgb, 0.10, seed=19)
    Image.fromarray(rgb).save(noisy_file, "PNG", dpi=dpi)

    settings = ingest_settings(tmp_path / "home")
    result = run_batch(settings, scans, workers=1)
    assert result.counts["ingested"] == 2

    with Archive.open(settings) as archive:
        noisy_id = archive.find_by_source_sha256(_sha256(noisy_file))
        clean_id = archive.find_by_source_sha256(_sha256(clean_file))
        assert noisy_id is not None and clean_id is not None
        noisy = archive.get_record(noisy_id)
        clean = archive.get_record(clean_id)
    assert noisy is not None and clean is not None
    assert WARN_NOISY in noisy.pages[0].warnings
    assert f"{WARN_NOISY} (page 1)" in noisy.review_reasons
    assert noisy.status == RecordStatus.NEEDS_REVIEW
    assert all(WARN_NOISY not in page.warnings for page in clean.pages)
    assert not any(reason.startswith(WARN_NOISY) for reason in clean.review_reasons)
