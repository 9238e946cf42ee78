"""The worker pool with real workers (real engines) on a small synth batch."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.document import SourceRef, Task
from ingest.intake import check_candidate, group_records, walk_batch
from ingest.pool import WorkerPool
from tests.ingest.conftest import ingest_settings

pytestmark = pytest.mark.slow


def _tasks(scans: Path, settings) -> list[Task]:
    """One task per record of the batch, made the way intake makes them."""
    tasks = []
    for entry in group_records(list(walk_batch(scans))):
        assert isinstance(entry, list)
        refs = []
        for candidate in entry:
            check = check_candidate(candidate, settings)
            assert check.sha256 is not None and check.kind is not None
            refs.append(SourceRef(candidate.path, candidate.relpath, check.sha256, check.kind))
        tasks.append(Task(tuple(refs), "pool-test"))
    return tasks


@pytest.fixture
def one_worker(synth_batch, tmp_path: Path):
    """Settings for a pool of one worker, and the batch's three records as tasks."""
    settings = ingest_settings(tmp_path / "home", workers=1)
    tasks = _tasks(synth_batch[0], settings)
    assert len(tasks) == 3
    return settings, tasks


def test_the_next_file_is_handed_over_before_the_parent_gets_the_last_result(one_worker) -> None:
    settings, tasks = one_worker
    handed: list[int] = []

    def feed() -> Iterator[Task]:
        for i, task in enumerate(tasks):
            handed.append(i)
            yield task

    seen_at_result: list[list[int]] = []
    with WorkerPool(settings, "rapidocr", 1) as pool:
        for result in pool.run(feed()):
            assert result.record is not None, result.message
            seen_at_result.append(list(handed))
    # one worker: when the first record comes back, the worker already has the
    # second one (it is reading it) and the third one waits in its pipe
    assert seen_at_result[0] == [0, 1, 2]
    assert len(seen_at_result) == 3


def test_a_worker_killed_with_a_file_queued_fails_only_the_file_it_was_reading(
    synth_batch, one_worker
) -> None:
    _scans, truth = synth_batch
    settings, tasks = one_worker
    pages = {p.sha256: len(r.pages) for r in truth for p in r.pages[:1]}
    pool = WorkerPool(settings, "rapidocr", 1)

    def feed() -> Iterator[Task]:
        yield tasks[0]
        # asked for a task to queue: the worker is reading the first file now;
        # kill it while the second file waits in its pipe
        victim = pool.pids()[0]
        threading.Timer(0.5, os.kill, (victim, signal.SIGKILL)).start()
        yield tasks[1]
        yield tasks[2]

    with pool:
        results = {r.sha256: r for r in pool.run(feed())}
    assert set(results) == {t.sha256 for t in tasks}
    crashed = results[tasks[0].sha256]
    assert crashed.record is None and crashed.reason_code == "failed"
    assert "stopped unexpectedly" in crashed.message and "Rerun ingest" in crashed.message
    for task in tasks[1:]:  # the queued file went to the new worker and was read
        done = results[task.sha256]
        assert done.record is not None, done.message
        assert done.pages == pages[task.sha256]


def test_a_worker_is_replaced_by_a_fresh_one_after_its_share_of_files(one_worker) -> None:
    settings, tasks = one_worker
    serving: list[list[int]] = []
    with WorkerPool(settings, "rapidocr", 1, max_files=2) as pool:
        first = pool.pids()
        results = []
        for result in pool.run(iter(tasks)):
            results.append(result)
            serving.append(pool.pids())
    assert [r.record is not None for r in results] == [True, True, True]
    assert {r.sha256 for r in results} == {t.sha256 for t in tasks}
    # the first worker read two files, then a fresh process read the third
    assert serving[0] == first
    assert serving[1] == serving[2] != first
