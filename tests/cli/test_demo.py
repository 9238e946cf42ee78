"""`marriage-archive demo --no-serve`: sample batch -> ingest -> login and key, idempotent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive import Archive
from schemas.settings import load_settings
from search_api.api.keys import KeyStore
from search_api.auth import check_login

pytestmark = pytest.mark.slow


def _demo(home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MARRIAGE_ARCHIVE_HOME": str(home), "OMP_THREAD_LIMIT": "1"}
    return subprocess.run(
        [sys.executable, "-m", "cli", "demo", "--n", "2", "--seed", "7", "--no-serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _first_word_after(stdout: str, label: str) -> str:
    line = next(line for line in stdout.splitlines() if line.startswith(label + ":"))
    return line.split(":", 1)[1].split()[0]


def test_demo_ingests_a_sample_batch_and_prints_a_working_login(tmp_path: Path) -> None:
    first = _demo(tmp_path)
    assert first.returncode == 0, first.stderr[-2000:]
    assert "URL:        http://127.0.0.1:8000/" in first.stdout

    login_line = next(line for line in first.stdout.splitlines() if line.startswith("Login:"))
    username, _, password = login_line.split(":", 1)[1].split()[:3]
    settings = load_settings({}, home=tmp_path)
    user = check_login(settings, username, password)
    assert user is not None and user.role == "admin"

    store = KeyStore(settings)
    client = store.authenticate(_first_word_after(first.stdout, "Lookup key"))
    store.close()
    assert client.scope == "lookup"

    with Archive.open(settings) as archive:
        assert archive.count_records() == 2
    truth = (tmp_path / "demo-batch" / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(truth) == 2

    # A second run skips what is archived and still ends with a fresh login.
    second = _demo(tmp_path)
    assert second.returncode == 0, second.stderr[-2000:]
    assert "skipped: 2" in second.stderr
    with Archive.open(settings) as archive:
        assert archive.count_records() == 2
