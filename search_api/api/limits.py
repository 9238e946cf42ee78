"""Abuse limits for API keys: per-minute rate, daily quota, enumeration alert.

Shared by every server process: the counters live in one SQLite file
(``settings.api_limits_path``), and each decision reads and updates them in one
``BEGIN IMMEDIATE`` transaction, so SQLite serializes the processes and a limit
holds exactly across all of them (``marriage-archive serve`` may run several).
Without a path (unit tests) the same tables live in an in-memory database.

Rate: a sliding 60 s window counted in 1 s slots (bounded work per call however
high the rate). A slot keeps its count and its latest call time; it counts while
that latest call is less than 60 s old, so a call counts for 60 s to 61 s at most:
never more than the rate in any 60 s, at worst refused up to 1 s early. Quota:
per key and UTC day. The file is never fsynced (WAL, ``synchronous=OFF``: a
crashed server process loses nothing, an operating-system crash or power cut
may lose the counters' last updates, i.e. grant up to one extra window); the
counters survive restarts. They are limits, not records: the audit log is the
durable account of every call.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from pathlib import Path

from archive.catalog import execute_when_free
from schemas.errors import RateLimited, StorageError
from search_api.api.locking import WriterLock

log = logging.getLogger("marriage_archive.api.limits")

WINDOW_S = 60
SUBJECT_WINDOW_S = 3600.0
_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_slots (
    key_id TEXT NOT NULL, slot INTEGER NOT NULL, n INTEGER NOT NULL, last REAL NOT NULL,
    PRIMARY KEY (key_id, slot)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS daily_counts (
    key_id TEXT NOT NULL, day TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (key_id, day)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS subjects (
    key_id TEXT NOT NULL, subject TEXT NOT NULL, seen REAL NOT NULL,
    PRIMARY KEY (key_id, subject)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS subjects_by_seen ON subjects (key_id, seen);
CREATE TABLE IF NOT EXISTS alerts (key_id TEXT PRIMARY KEY, at REAL NOT NULL);
"""


class LookupLimiter:
    """Rate limit + daily quota + enumeration watch, exact across threads and processes.

    ``clock``: seconds (wall time by default, comparable across processes);
    ``wall``: the aware datetime whose UTC date names the quota day.
    """

    def __init__(
        self,
        rate_per_minute: int,
        daily_quota: int,
        alert_distinct: int,
        clock: Callable[[], float] = time.time,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        path: Path | None = None,
    ):
        self.rate_per_minute = rate_per_minute
        self.daily_quota = daily_quota
        self.alert_distinct = alert_distinct
        self._clock = clock
        self._wall = wall
        self._lock = threading.Lock()
        self._swept: dict[str, int] = {}  # key -> second of this process's last sweep
        # Processes take turns on a flock (no SQLite busy sleeps); memory needs none.
        self._process_lock = WriterLock(path.with_name(path.name + ".lock")) if path else None
        try:
            self._conn = _open(path)
        except sqlite3.Error as exc:
            raise StorageError(
                "Cannot open the API limits file: check the data home is writable."
            ) from exc

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            if self._process_lock is not None:
                self._process_lock.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, self._process_lock.hold() if self._process_lock else nullcontext():
            conn = self._conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise StorageError("The API limits file is busy: retry in a moment.") from exc
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def consume(self, key_id: str, units: int = 1) -> None:
        """Take ``units`` lookups from the key's allowance or raise :class:`RateLimited`.

        A call that would cross a limit consumes nothing (a batch is all or nothing).
        """
        self.admit(key_id, "", units, [])

    def observe_subjects(self, key_id: str, client_name: str, subjects: list[str]) -> bool:
        """Record queried subjects (HMACs); log an alert when the key looks like it enumerates.

        Returns True when an alert was raised by this call (one per key and hour,
        across processes). Never logs the subjects.
        """
        return self.admit(key_id, client_name, 0, subjects)

    def admit(self, key_id: str, client_name: str, units: int, subjects: list[str]) -> bool:
        """:meth:`consume` ``units`` then :meth:`observe_subjects`, in one transaction.

        Nothing is recorded when the call is refused (:class:`RateLimited`).
        Returns True when this call raised the enumeration alert.
        """
        now = self._clock()
        with self._transaction() as conn:
            if self._swept.get(key_id) != math.floor(now):  # at most once a second per key
                self._sweep(conn, key_id, now)
            if units:
                self._take(conn, key_id, units, now)
            alert = self._watch(conn, key_id, subjects, now) if subjects else False
        if alert:
            log.warning(
                "ALERT possible ID enumeration: key %s (%s) queried more than %s distinct "
                "subjects in 1 h",
                key_id,
                client_name,
                self.alert_distinct,
            )
        return alert

    def _take(self, conn: sqlite3.Connection, key_id: str, units: int, now: float) -> None:
        slot = math.floor(now)
        today = self._wall().date().isoformat()
        row = conn.execute(
            "SELECT n FROM daily_counts WHERE key_id = ? AND day = ?", (key_id, today)
        ).fetchone()
        if (row[0] if row else 0) + units > self.daily_quota:
            raise RateLimited(
                "Daily lookup quota reached for this key: retry after midnight UTC.",
                retry_after=self._seconds_to_midnight(),
                code="quota_exceeded",
            )
        window = (key_id, slot - WINDOW_S, now - WINDOW_S)
        used = conn.execute(
            "SELECT COALESCE(SUM(n), 0) FROM rate_slots WHERE key_id = ? AND slot >= ? "
            "AND last > ?",
            window,
        ).fetchone()[0]
        if used + units > self.rate_per_minute:
            slots = conn.execute(
                "SELECT n, last FROM rate_slots WHERE key_id = ? AND slot >= ? AND last > ? "
                "ORDER BY slot",
                window,
            ).fetchall()
            wait = _wait(slots, used, units, self.rate_per_minute, now)
            raise RateLimited(
                f"Rate limit of {self.rate_per_minute} lookups a minute reached: "
                f"retry in {wait} s.",
                retry_after=wait,
            )
        conn.execute(
            "INSERT INTO rate_slots VALUES (?, ?, ?, ?) ON CONFLICT (key_id, slot) "
            "DO UPDATE SET n = n + excluded.n, last = max(last, excluded.last)",
            (key_id, slot, units, now),
        )
        conn.execute(
            "INSERT INTO daily_counts VALUES (?, ?, ?) "
            "ON CONFLICT (key_id, day) DO UPDATE SET n = n + excluded.n",
            (key_id, today, units),
        )

    def _sweep(self, conn: sqlite3.Connection, key_id: str, now: float) -> None:
        """Drop rows no decision reads any more (they would only fill the file)."""
        conn.execute(
            "DELETE FROM rate_slots WHERE key_id = ? AND slot < ?",
            (key_id, math.floor(now) - WINDOW_S),
        )
        conn.execute(
            "DELETE FROM subjects WHERE key_id = ? AND seen <= ?", (key_id, now - SUBJECT_WINDOW_S)
        )
        self._swept[key_id] = math.floor(now)

    def _watch(
        self, conn: sqlite3.Connection, key_id: str, subjects: list[str], now: float
    ) -> bool:
        since = now - SUBJECT_WINDOW_S
        conn.executemany(
            "INSERT INTO subjects VALUES (?, ?, ?) "
            "ON CONFLICT (key_id, subject) DO UPDATE SET seen = excluded.seen",
            [(key_id, s, now) for s in subjects],
        )
        # Bounded count: only "more than the threshold?" matters.
        distinct = conn.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM subjects WHERE key_id = ? AND seen > ? LIMIT ?)",
            (key_id, since, self.alert_distinct + 1),
        ).fetchone()[0]
        if distinct <= self.alert_distinct:
            return False
        last = conn.execute("SELECT at FROM alerts WHERE key_id = ?", (key_id,)).fetchone()
        if last is not None and now - last[0] < SUBJECT_WINDOW_S:
            return False
        conn.execute(
            "INSERT INTO alerts VALUES (?, ?) ON CONFLICT (key_id) DO UPDATE SET at = ?",
            (key_id, now, now),
        )
        return True

    def _seconds_to_midnight(self) -> int:
        now = self._wall()
        midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        return max(1, math.ceil((midnight - now).total_seconds()))


def _wait(slots: list[tuple[int, float]], used: int, units: int, rate: int, now: float) -> int:
    """Seconds until enough of the window's oldest slots have expired for ``units``."""
    if units > rate:
        return WINDOW_S
    excess = used + units - rate
    freed = 0
    for n, last in slots:
        freed += n
        if freed >= excess:  # this slot stops counting WINDOW_S after its latest call
            return max(1, math.ceil(last + WINDOW_S - now))
    return WINDOW_S


def _open(path: Path | None) -> sqlite3.Connection:
    if path is None:
        conn = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
        for pragma in ("PRAGMA busy_timeout=30000", "PRAGMA journal_mode=WAL"):
            execute_when_free(conn, pragma)  # processes starting together
        conn.execute("PRAGMA synchronous=OFF")
    conn.executescript(_SCHEMA)
    return conn
