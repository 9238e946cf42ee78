"""The pipeline end to end with real engines, a real archive and real files."""

from __future__ import annotations

import contextlib
import csv
import os
import shutil
from pathlib import Path

import pytest

from archive import Archive
from ingest import record_id_for, run_batch
from ingest.locks import batch_lock
from schemas.errors import EXIT_OK, EXIT_REJECTED, BatchLocked
from schemas.model import RecordStatus
from tests.ingest.conftest import ingest_settings
from tests.ingest.files import (
    encrypted_pdf_bytes,
    jpeg_bytes,
    png_bomb_bytes,
    png_bytes,
    small_page,
    text_page,
    tiff_bytes,
    write,
)

pytestmark = pytest.mark.slow


def _session_members(sid: int) -> list[int]:
    """Live processes of the session ``sid`` (the ingest command started its own)."""
    import psutil

    members = []
    for process in psutil.process_iter(["pid", "status"]):
        try:
            if os.getsid(process.pid) == sid and process.info["status"] != psutil.STATUS_ZOMBIE:
                members.append(process.pid)
        except (ProcessLookupError, PermissionError):
            continue
    return members


def _sources(truth) -> dict[str, str]:
    """source relpath -> sha256, over every page of every truth record."""
    return {p.source: p.sha256 for record in truth for p in record.pages}


def test_batch_is_ingested_once_and_a_rerun_skips_everything(synth_batch, tmp_path: Path) -> None:
    scans, truth = synth_batch
    settings = ingest_settings(tmp_path / "home")
    first = run_batch(settings, scans, workers=2)
    assert first.counts["ingested"] == len(truth)
    assert first.counts["failed"] == first.counts["rejected"] == 0
    assert first.exit_code in (0, 3)
    with Archive.open(settings) as archive:
        assert archive.count_records() == len(truth)
        for record in truth:
            first_page = record.pages[0]
            record_id = archive.find_by_source_sha256(first_page.sha256)
            assert record_id == record_id_for(first_page.sha256)
            stored = archive.get_record(record_id)
            assert stored is not None and stored.batch_id == first.batch_id
            assert [(p.source, p.page_index, p.sha256) for p in stored.pages] == [
                (p.source, p.page_index, p.sha256) for p in record.pages
            ]
            for found, applied in zip(stored.pages, record.pages, strict=True):
                # Right, or left as scanned and flagged -- never confidently wrong.
                if "orientation_uncertain" in found.warnings:
                    assert found.rotation == 0 and stored.status == RecordStatus.NEEDS_REVIEW
                else:
                    assert found.rotation == applied.rotation
                if "skew_uncertain" in found.warnings:
                    assert found.skew_deg == 0 and stored.status == RecordStatus.NEEDS_REVIEW
                else:
                    assert abs(found.skew_deg - applied.skew_deg) <= 0.5
            assert archive.page_image(record_id, 0, "prepared")[:2] == b"\xff\xd8"
            assert archive.page_image(record_id, 0, "original")[:2] == b"\xff\xd8"
            if stored.status == RecordStatus.NEEDS_REVIEW:
                assert stored.review_reasons
    second = run_batch(settings, scans, workers=2)
    assert second.counts["skipped"] == len(truth) and second.counts["ingested"] == 0
    assert second.exit_code == EXIT_OK
    with Archive.open(settings) as archive:
        assert archive.count_records() == len(truth)


def test_bad_files_are_rejected_with_reasons_and_a_rescan_list(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    page = text_page(600, 800, size=20)
    jpeg = jpeg_bytes(page)
    write(batch / "empty.png", b"")
    write(batch / "cut.jpg", jpeg[: len(jpeg) // 2])
    write(batch / "notes.tif", b"just some text")
    write(batch / "locked.pdf", encrypted_pdf_bytes(small_page()))
    write(batch / "bomb.png", png_bomb_bytes())
    write(batch / "many.tif", tiff_bytes([small_page()] * 4))
    write(batch / "blank.png", png_bytes(small_page(255)))
    write(batch / "=cmd.png", b"")  # a name that a spreadsheet would run as a formula
    os.symlink(batch / "empty.png", batch / "link.png")
    os.mkfifo(batch / "pipe.png")
    raw = os.fsencode(batch) + b"/" + "张三.jpg".encode("gbk")
    with open(raw, "wb") as fh:
        fh.write(jpeg[:100])
    settings = ingest_settings(tmp_path / "home", max_pages=3)
    result = run_batch(settings, batch, workers=1)
    reasons = {o.relpath: o.reason_code for o in result.outcomes}
    assert reasons == {
        "=cmd.png": "empty",
        "blank.png": "blank_page",
        "bomb.png": "pixel_bomb",
        "cut.jpg": "truncated",
        "empty.png": "empty",
        "link.png": "symlink",
        "locked.pdf": "encrypted_pdf",
        "many.tif": "too_many_pages",
        "notes.tif": "unsupported_type",
        "pipe.png": "not_a_file",
        "张三.jpg": "truncated",
    }
    assert result.exit_code == EXIT_REJECTED
    assert result.rescan_csv == settings.home / "batches" / result.batch_id / "rescan.csv"
    with open(result.rescan_csv, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["path"] for r in rows} == set(reasons) - {"=cmd.png"} | {"'=cmd.png"}
    assert all(r["message"] for r in rows)
    with Archive.open(settings) as archive:
        assert archive.count_records() == 0
        assert len(archive.rejects(result.batch_id)) == len(reasons)
    assert (batch / "empty.png").exists() and (batch / "cut.jpg").exists()  # inputs untouched


def test_a_second_run_of_the_same_folder_is_refused_while_one_runs(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    write(batch / "empty.png", b"")
    settings = ingest_settings(tmp_path / "home")
    with batch_lock(settings, batch), pytest.raises(BatchLocked) as caught:
        run_batch(settings, batch)
    assert caught.value.exit_code == 75
    assert run_batch(settings, batch).counts["rejected"] == 1  # free again afterwards


def test_a_file_over_the_time_limit_is_stopped_and_rejected(synth_batch, tmp_path: Path) -> None:
    scans, truth = synth_batch
    batch = tmp_path / "batch"
    batch.mkdir()
    source = truth[0].pages[0].source
    shutil.copy(scans / source, batch / source)
    settings = ingest_settings(tmp_path / "home", file_timeout_s=0.3)
    result = run_batch(settings, batch, workers=1)
    (outcome,) = result.outcomes
    assert (outcome.outcome, outcome.reason_code) == ("rejected", "timeout")
    assert "file_timeout_s" in outcome.message


def test_kill_9_mid_batch_then_rerun_leaves_exactly_one_record_per_file(
    synth_batch, tmp_path: Path
) -> None:
    import signal
    import subprocess
    import sys
    import time

    scans, truth = synth_batch
    home = tmp_path / "home"
    env = {
        **os.environ,
        "MARRIAGE_ARCHIVE_HOME": str(home),
        "MARRIAGE_ARCHIVE_STABLE_SECONDS": "0",
        "MARRIAGE_ARCHIVE_SECOND_OPINION": "false",
        "MARRIAGE_ARCHIVE_LOG_LEVEL": "INFO",
        "OMP_THREAD_LIMIT": "1",
    }
    log_path = tmp_path / "ingest.log"
    cli = [sys.executable, "-m", "cli", "ingest", str(scans), "--workers", "1"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cli, env=env, stdout=log, stderr=log, start_new_session=True)
        try:
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and proc.poll() is None:
                if b"archived record" in log_path.read_bytes():
                    break
                time.sleep(0.1)
            assert proc.poll() is None, "the batch ended before it could be killed"
            os.kill(proc.pid, signal.SIGKILL)  # only the ingest command itself
            proc.wait()
            # Its workers die with it (PR_SET_PDEATHSIG), they do not work on as orphans.
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and _session_members(proc.pid):
                time.sleep(0.2)
            assert not _session_members(proc.pid)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # cleanup of our own session, if any
            proc.wait()
    settings = ingest_settings(home)
    with Archive.open(settings) as archive:
        done_before = archive.count_records()
    assert 1 <= done_before < len(truth)
    rerun = run_batch(settings, scans, workers=2)
    assert rerun.counts["skipped"] == done_before
    assert rerun.counts["ingested"] == len(truth) - done_before
    with Archive.open(settings) as archive:
        assert archive.count_records() == len(truth)
        for sha256 in _sources(truth).values():
            assert archive.find_by_source_sha256(sha256) is not None
        assert archive.verify().ok
