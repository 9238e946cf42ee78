"""kill -9 of a real subprocess at each write-path boundary, then a rerun: either a
complete record or nothing, never partial state; the input is untouched."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive import Archive
from archive._testhooks import CRASH_ENV
from tests.archive.helpers import commit_one, make_settings

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def run_child(tmp: Path, action: str, crash_at: str | None) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARRIAGE_ARCHIVE_")}
    env["PYTHONPATH"] = str(REPO)
    env["OMP_THREAD_LIMIT"] = "1"
    if crash_at:
        env[CRASH_ENV] = crash_at
    proc = subprocess.run(
        [sys.executable, "-m", "tests.archive.crash_child", str(tmp), action],
        env=env,
        cwd=REPO,
        capture_output=True,
        timeout=120,
        check=False,
    )
    return proc.returncode


def all_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


# point -> (object published in A?, in B?) at the moment of the kill
PUBLISHED_AT_KILL = {
    "after_stage": (False, False),
    "after_copy_a": (True, False),
    "after_stage_b": (True, False),
    "before_catalog": (True, True),
}


def published(root: Path) -> bool:
    return any("/v1/" in f and not f.startswith(".staging") for f in all_files(root))


@pytest.mark.parametrize("point", list(PUBLISHED_AT_KILL))
def test_kill_during_commit_then_rerun(tmp_path: Path, point: str) -> None:
    assert run_child(tmp_path, "commit", point) == -9  # really SIGKILLed
    copies = tmp_path / "home" / "copies"
    assert (published(copies / "a"), published(copies / "b")) == PUBLISHED_AT_KILL[point]
    source = tmp_path / "batch" / "scan-001.jpg"
    source_digest = hashlib.sha256(source.read_bytes()).hexdigest()
    with Archive.open(make_settings(tmp_path)) as archive:
        # Reopening recovered: nothing visible, no orphan object, no staging left.
        assert archive.get_record("rec-0001") is None
        assert archive.verify().findings == []
        for root in (archive.settings.copy_a, archive.settings.copy_b):
            assert not published(root)
            assert not list((root / ".staging").glob("*"))
        # The rerun completes the record.
        result, _ = commit_one(archive, tmp_path / "batch", 1)
        assert result.created
        assert archive.verify().findings == []
        assert len(list(archive.iter_records())) == 1
    assert hashlib.sha256(source.read_bytes()).hexdigest() == source_digest


@pytest.mark.parametrize("point", ["after_copy_a", "before_catalog"])
def test_kill_during_correction_rolls_back(tmp_path: Path, point: str) -> None:
    assert run_child(tmp_path, "commit", None) == 0
    settings = make_settings(tmp_path)
    before = {
        root: {f: (root / f).read_bytes() for f in all_files(root)}
        for root in (settings.copy_a, settings.copy_b)
    }
    assert run_child(tmp_path, "correct", point) == -9
    with Archive.open(settings) as archive:
        record = archive.get_record("rec-0001")
        assert record is not None and record.version == 1
        for root, files in before.items():
            assert {f: (root / f).read_bytes() for f in all_files(root)} == files
        assert archive.verify().findings == []
        fixed = archive.correct_fields("rec-0001", {"office": "高台县"}, "clerk", "rerun")
        assert fixed.version == 2
        assert archive.verify().findings == []


def test_same_record_from_two_processes_at_once_is_one_record(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MARRIAGE_ARCHIVE_")}
    env.update(PYTHONPATH=str(REPO), OMP_THREAD_LIMIT="1")
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.archive.crash_child", str(tmp_path), "commit"],
            env=env,
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    with Archive.open(make_settings(tmp_path)) as archive:
        assert [r.record_id for r in archive.iter_records()] == ["rec-0001"]
        assert [c.kind for c in archive.changes_since(0)] == ["created"]
        assert archive.verify().findings == []
