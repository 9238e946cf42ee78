"""Keep the search index in step with the catalog's change sequence.

The index is derived data: :func:`sync_index` applies the catalog changes after
the backend's cursor (incremental, idempotent: re-applying a change rewrites the
same document), :func:`rebuild_index` builds it again from every record.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from archive import Archive
from schemas.errors import MarriageArchiveError
from search_api.search.base import IndexDoc, SearchBackend
from search_api.search.documents import record_to_doc

log = logging.getLogger("marriage_archive.search_api.feed")

BATCH = 500


def sync_index(archive: Archive, backend: SearchBackend, *, max_changes: int = 100_000) -> int:
    """Apply catalog changes after ``backend.get_cursor()``; returns changes applied."""
    cursor = backend.get_cursor()
    applied = 0
    while applied < max_changes:
        changes = archive.changes_since(cursor, limit=BATCH)
        if not changes:
            break
        upserts: dict[str, IndexDoc] = {}
        deletes: list[str] = []
        for record_id in dict.fromkeys(c.record_id for c in changes):
            record = archive.get_record(record_id)
            if record is None:
                deletes.append(record_id)
            else:
                upserts[record_id] = record_to_doc(record)
        backend.delete(deletes)
        backend.upsert(list(upserts.values()))
        cursor = max(c.seq for c in changes)
        backend.set_cursor(cursor)
        applied += len(changes)
    if applied:
        log.info("search index applied %s catalog changes", applied)
    return applied


def index_lag(archive: Archive, backend: SearchBackend) -> int:
    """How many change sequence numbers the index is behind the catalog."""
    return max(0, archive.last_change_seq() - backend.get_cursor())


def _all_docs(archive: Archive) -> Iterator[IndexDoc]:
    for record in archive.iter_records():
        yield record_to_doc(record)


def rebuild_index(archive: Archive, backend: SearchBackend) -> int:
    """Rebuild the whole index from the catalog, then catch up; returns documents."""
    cursor = archive.last_change_seq()
    count = backend.rebuild(_all_docs(archive), cursor)
    sync_index(archive, backend)
    return count


class IndexFollower:
    """Background thread calling :func:`sync_index` every ``interval_s`` seconds.

    ``seat``: a lock file shared by the server processes. Only the process whose
    follower holds its ``flock`` follows (one writer of the index; two followers
    could write an older document over a newer one); the others try again every
    interval, so when the holder dies (the kernel drops its lock) another process
    takes over within one interval. Without a seat the follower follows at once.
    """

    def __init__(
        self,
        archive: Archive,
        backend: SearchBackend,
        interval_s: float = 3.0,
        seat: Path | None = None,
    ):
        self.archive = archive
        self.backend = backend
        self.interval_s = interval_s
        self.seat = seat
        self.last_error: str | None = None
        self.following = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="index-follower", daemon=True)

    def start(self) -> None:
        """Start following (returns at once)."""
        self._thread.start()

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        seat_fd = self._take_seat()
        if seat_fd is None:
            return  # stopped before this process got the seat
        self.following.set()
        try:
            self._follow()
        finally:
            if seat_fd >= 0:
                os.close(seat_fd)  # releases the flock

    def _take_seat(self) -> int | None:
        """-1 without a seat; the seat's descriptor once its flock is ours; None if stopped."""
        if self.seat is None:
            return -1
        self.seat.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.seat, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        while not self._stop.is_set():
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return fd
            except BlockingIOError:
                self._stop.wait(self.interval_s)
        os.close(fd)
        return None

    def _follow(self) -> None:
        while not self._stop.is_set():
            try:
                sync_index(self.archive, self.backend)
                self.last_error = None
            except MarriageArchiveError as exc:
                self.last_error = exc.code
                log.warning("search index sync failed: %s", exc.code)
            except Exception:  # the follower must survive; the lag shows in /readyz
                self.last_error = "internal_error"
                log.exception("search index sync crashed")
            self._stop.wait(self.interval_s)
