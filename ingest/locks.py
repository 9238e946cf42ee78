"""Advisory file lock (``flock``): one ingest run per batch folder at a time.

Commits across runs are serialized by the archive itself (its writer lock).

A lock held by a process that was killed (even with SIGKILL) is released by the
kernel, so a crashed run never blocks the next one.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from schemas.errors import BatchLocked
from schemas.settings import Settings


def _lock_dir(settings: Settings) -> Path:
    path = settings.home / "locks"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def batch_lock(settings: Settings, batch_dir: Path) -> Iterator[None]:
    """Hold the lock of one batch folder (by its real path) or raise :class:`BatchLocked`."""
    key = hashlib.sha256(os.fsencode(os.path.realpath(batch_dir))).hexdigest()[:16]
    path = _lock_dir(settings) / f"batch-{key}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise BatchLocked(
                "Another ingest run is processing this folder: wait for it to finish "
                "(or stop it), then run ingest again; files it archived will be skipped."
            ) from exc
        yield
    finally:
        os.close(fd)
