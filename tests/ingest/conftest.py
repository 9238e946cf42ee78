"""Shared fixtures: a small synth batch made once per session by our own generator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas.model import TruthRecord


@pytest.fixture(scope="session")
def synth_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[TruthRecord]]:
    """3 synthetic records (several eras, formats and orientations) and their truth."""
    from synth import generate_batch

    out = tmp_path_factory.mktemp("synth")
    generate_batch(out, n=3, seed=20260311)
    truth = [
        TruthRecord.model_validate(json.loads(line))
        for line in (out / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    return out / "scans", truth


def ingest_settings(home: Path, **overrides):
    """Settings for pipeline tests: one engine (no second opinion), files count as stable."""
    from schemas.settings import load_settings

    values = {"home": home, "stable_seconds": 0, "second_opinion": False, "workers": 2}
    values.update(overrides)
    return load_settings({}, **values)
