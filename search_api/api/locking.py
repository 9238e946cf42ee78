"""One writer at a time across threads and server processes, without SQLite's busy sleeps.

When a SQLite write lock is taken, another process's ``BEGIN IMMEDIATE`` does
not wait for it to be released: its busy handler sleeps 1, 2, 5, 10, 15, 20,
25 ... ms and retries. Behind an audit commit (an fsync of a few ms) that adds
tens of milliseconds per request under load. A ``flock`` on a side file blocks
in the kernel and wakes the next writer as soon as the holder releases it, so
writers queue in order; SQLite's own locking still guards every other program.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WriterLock:
    """A thread lock plus an exclusive ``flock`` on ``path`` (created when missing)."""

    def __init__(self, path: Path):
        self.path = path
        self._thread_lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Held by this thread and this process for the ``with`` body."""
        with self._thread_lock:
            if self._fd is None:
                raise ValueError("the writer lock is closed")
            fcntl.flock(self._fd, fcntl.LOCK_EX)  # releases the GIL while it waits
            try:
                yield
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        with self._thread_lock:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
