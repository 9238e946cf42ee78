"""Worker processes with a per-file time limit that kills a stuck worker.

``concurrent.futures`` cannot stop one running task, so each worker is a plain
process with its own pipe: the parent hands it a :class:`~ingest.document.Task`
(and the next one to queue, so it never waits for the parent) and waits on all
pipes with a deadline. A worker over
``file_timeout_s`` is killed (SIGKILL) and replaced; its file is rejected with
``timeout``. A worker that dies (e.g. out of memory) yields ``failed``.

Each worker builds its OCR engine(s) once, with ``OMP_THREAD_LIMIT=1`` (more
threads per process made Tesseract ~20x slower on 2 cores) and onnxruntime
single-threaded (the RapidOCR engine does that). Workers use the ``spawn`` start
method: no model or lock state is inherited from the parent.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait

from ingest.document import DocumentResult, Task
from schemas.errors import ToolUnavailable
from schemas.settings import Settings

log = logging.getLogger("marriage_archive.ingest")

_READY_TIMEOUT_S = 180.0


def _die_with_parent() -> None:
    """Linux: have the kernel kill this worker when the ingest process dies (even by kill -9)."""
    try:
        import ctypes
        import signal

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker ends at its next pipe read
        pass


def _worker_main(conn: Connection, settings: Settings, engine_name: str) -> None:
    """Entry point of a worker process: build engines once, then serve tasks."""
    _die_with_parent()
    os.environ["OMP_THREAD_LIMIT"] = "1"
    os.environ["OMP_NUM_THREADS"] = "1"
    from ingest.document import Readers, process_document
    from ingest.loading import Image  # noqa: F401  (decoder import before the first task)
    from ingest.memory import release_engine_memory
    from ocr import get_engine, other_engine_name

    try:
        engine = get_engine(engine_name, settings)
        second = None
        if settings.second_opinion:
            try:
                second = get_engine(other_engine_name(engine_name), settings)
            except ToolUnavailable as exc:  # the main engine still works: degrade, say so
                log.warning("second-opinion engine unavailable: %s", exc.message)
    except ToolUnavailable as exc:
        conn.send(("fatal", exc.message))
        return
    readers = Readers(engine, second)
    conn.send(("ready", None))
    while True:
        try:
            task = conn.recv()
        except EOFError:
            break
        if task is None:
            break
        conn.send(("done", process_document(task, readers, settings)))
        # While the parent commits: the buffers of this document's largest page would
        # otherwise stay resident into the next document (docs/ocr.md, session 16).
        release_engine_memory(engine, second)
    engine.close()
    if second is not None:
        second.close()


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    ready: bool = False
    task: Task | None = None  # the task it works on now
    queued: Task | None = None  # the next one, already in its pipe
    deadline: float = 0.0
    assigned: int = 0  # files sent to it so far
    broken: bool = False  # a send found its pipe closed: replaced once its EOF is read


class WorkerPool:
    """A fixed number of worker processes; :meth:`run` yields one result per task.

    Each ready worker holds up to two tasks: the one it works on and the next one,
    already sent down its pipe. A worker that finishes starts its next file at once
    instead of waiting while the parent commits its result and takes in the next
    file (measured in docs/benchmarks.md, "Ingest speed"). The per-file time limit
    of the queued task starts when the parent sees the task before it finish.

    A worker that has been sent ``max_files`` files (``worker_max_files``) gets no
    more and is replaced by a fresh process once it is done: whatever a long run
    leaves in a worker's memory (allocator fragmentation, caches of the OCR
    libraries) is given back.
    """

    def __init__(
        self, settings: Settings, engine_name: str, size: int, max_files: int | None = None
    ):
        self._settings = settings
        self._max_files = max(1, max_files or settings.worker_max_files)
        self._engine_name = engine_name
        self._size = max(1, size)
        self._ctx = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []
        self._pending: Iterator[Task] = iter(())
        self._retry: deque[Task] = deque()  # queued tasks of a worker that was replaced
        self._exhausted = False

    def __enter__(self) -> WorkerPool:
        self._workers = [self._start() for _ in range(self._size)]
        return self

    def __exit__(self, *exc: object) -> None:
        for worker in self._workers:
            self._stop(worker)

    def _start(self) -> _Worker:
        parent, child = self._ctx.Pipe()
        process = self._ctx.Process(
            target=_worker_main,
            args=(child, self._settings, self._engine_name),
            name="ingest-worker",
            daemon=True,
        )
        process.start()
        child.close()
        return _Worker(process, parent, deadline=time.monotonic() + _READY_TIMEOUT_S)

    def _stop(self, worker: _Worker) -> None:
        with contextlib.suppress(OSError, ValueError):
            worker.conn.send(None)
        worker.process.join(timeout=5)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()

    def _replace(self, worker: _Worker) -> None:
        if worker.queued is not None:  # never started: it goes to the next free worker
            self._retry.appendleft(worker.queued)
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self._workers[self._workers.index(worker)] = self._start()

    def pids(self) -> list[int]:
        """Process ids of the live workers (for memory measurements)."""
        return [w.process.pid for w in self._workers if w.process.pid is not None]

    def run(self, tasks: Iterator[Task]) -> Iterator[DocumentResult]:
        """Process ``tasks`` in parallel; yields results as they finish (any order)."""
        self._pending = iter(tasks)
        self._exhausted = False
        while True:
            self._dispatch()
            busy = [w for w in self._workers if w.task is not None or not w.ready or w.broken]
            if not any(w.task is not None for w in self._workers) and self._drained():
                return
            timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
            ready = wait([w.conn for w in busy], timeout=timeout)
            for worker in list(busy):
                if worker.conn in ready:
                    yield from self._receive(worker)
                elif time.monotonic() >= worker.deadline:
                    yield from self._expire(worker)

    def _drained(self) -> bool:
        return self._exhausted and not self._retry

    def _next_task(self) -> Task | None:
        if self._retry:
            return self._retry.popleft()
        if self._exhausted:
            return None
        task = next(self._pending, None)
        self._exhausted = task is None
        return task

    def _dispatch(self) -> None:
        """Give every ready worker a task to work on, then a next one to queue."""
        for worker in self._workers:
            if self._takes_more(worker) and worker.task is None:
                task = self._next_task()
                if task is None:
                    return
                if self._send(worker, task):
                    worker.task = task
                    worker.deadline = time.monotonic() + self._settings.file_timeout_s
        for worker in self._workers:
            if self._takes_more(worker) and worker.task is not None and worker.queued is None:
                task = self._next_task()
                if task is None:
                    return
                if self._send(worker, task):
                    worker.queued = task

    def _takes_more(self, worker: _Worker) -> bool:
        return worker.ready and not worker.broken and worker.assigned < self._max_files

    def _send(self, worker: _Worker, task: Task) -> bool:
        """Hand ``task`` to ``worker``; a worker that just died gets nothing.

        The task goes back to the front of the line; the dead worker's pipe reads
        as closed in :meth:`run`, which replaces it.
        """
        try:
            worker.conn.send(task)
        except OSError:
            self._retry.appendleft(task)
            worker.broken = True
            return False
        worker.assigned += 1
        return True

    def _receive(self, worker: _Worker) -> Iterator[DocumentResult]:
        try:
            kind, payload = worker.conn.recv()
        except (EOFError, OSError):
            task = worker.task
            self._replace(worker)
            if task is not None:
                yield _failure(task, "failed", _CRASHED)
            return
        if kind == "fatal":
            raise ToolUnavailable(f"OCR engine cannot start in a worker: {payload}")
        if kind == "ready":
            worker.ready = True
            return
        worker.task, worker.queued = worker.queued, None
        if worker.task is not None:  # it is already reading its next file
            worker.deadline = time.monotonic() + self._settings.file_timeout_s
        elif worker.assigned >= self._max_files:  # served its share: a fresh one takes over
            self._stop(worker)
            self._workers[self._workers.index(worker)] = self._start()
        self._dispatch()  # refill before the caller commits this result
        yield payload

    def _expire(self, worker: _Worker) -> Iterator[DocumentResult]:
        task = worker.task
        self._replace(worker)
        if task is None:
            raise ToolUnavailable("An ingest worker did not start in time: check the OCR engine.")
        log.warning("file over its time limit; worker killed (%s)", task.sha256[:12])
        yield _failure(
            task,
            "timeout",
            f"Processing took longer than {self._settings.file_timeout_s:.0f} s and was stopped: "
            "check the file (very large or damaged?) and rescan, or raise file_timeout_s.",
        )


_CRASHED = (
    "The worker processing this file stopped unexpectedly (out of memory?); the file is "
    "untouched. Rerun ingest; if it fails again, rescan the file."
)


def _failure(task: Task, code: str, message: str) -> DocumentResult:
    return DocumentResult(task.relpath, task.sha256, reason_code=code, message=message)
