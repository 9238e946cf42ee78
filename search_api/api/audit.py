"""The lookup audit log: one durable, hash-chained entry per API call.

Every entry holds time, client, route, purpose, a keyed hash (HMAC-SHA256 with
``settings.audit_hmac_key``) of the queried 18-digit ID (never the ID), the
result count and the status. ``entry_hash = sha256(prev_hash + canonical JSON of
the entry)``, so editing an entry breaks its own hash and deleting one breaks the
link of the next; deleting the newest entries is caught by SQLite's
AUTOINCREMENT high-water mark (``sqlite_sequence``), and ``audit verify``
prints the head hash so an operator can anchor it outside the database.

Durability: every entry is on disk before the API answers. Concurrent writers
share one connection behind a lock; entries queued while another thread commits
are written in that thread's transaction (group commit), so one fsync serves
many requests under load. Several server processes append to the same chain:
each batch is written under an exclusive ``flock``
(:mod:`search_api.api.locking`) and ``BEGIN IMMEDIATE``, and reads the chain
head inside that transaction, so the chain stays one strictly ordered sequence.

The fsync happens after both locks are released (flush after unlock): the WAL
runs with ``synchronous=NORMAL`` (a commit writes its frames but does not sync
them), and the writer then fsyncs the WAL file itself before its requests are
answered. Frames still in the WAL are made durable by that fsync; frames no
longer in it were checkpointed, and SQLite syncs the WAL before and the
database after every checkpoint in this mode. So durability is that of
``synchronous=FULL``, while the other server process can commit its batch
during this one's fsync instead of waiting for it (measured: docs/lookup-api.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive.catalog import execute_when_free
from schemas.errors import StorageError
from schemas.settings import Settings
from search_api.api.locking import WriterLock

log = logging.getLogger("marriage_archive.api.audit")

GENESIS_HASH = "0" * 64
_FIELDS = (
    "seq", "ts", "client", "route", "method", "status", "purpose",
    "id_hmac", "result_count", "request_id", "detail",
)  # fmt: skip

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    ts           TEXT NOT NULL,
    client       TEXT NOT NULL,
    route        TEXT NOT NULL,
    method       TEXT NOT NULL,
    status       INTEGER NOT NULL,
    purpose      TEXT,
    id_hmac      TEXT,
    result_count INTEGER NOT NULL,
    request_id   TEXT,
    detail       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    entry_hash   TEXT NOT NULL
)
"""


def audit_hmac_key(settings: Settings) -> bytes:
    """The HMAC key: from settings, else generated once into ``secrets_dir`` (0600)."""
    if settings.audit_hmac_key is not None:
        return settings.audit_hmac_key.get_secret_value().encode("utf-8")
    path = settings.secrets_dir / "audit_hmac.key"
    if not path.exists():
        _write_key_once(path)
    key = path.read_text().strip()
    if len(key) < 32:
        raise StorageError(f"The audit HMAC key file {path.name} is damaged: restore it.")
    return key.encode("utf-8")


def _write_key_once(path: Path) -> None:
    """Write a fresh key beside ``path``, then link it in: never a half-written key.

    Server processes start together; a reader must never see the file created
    but still empty (it would hash with an empty key).
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(secrets.token_hex(32))
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(staging, path)  # fails if another process linked its key first: use theirs
    except FileExistsError:
        pass
    finally:
        staging.unlink(missing_ok=True)


def hmac_subject(key: bytes, value: str) -> str:
    """Keyed hash of a queried identifier (an 18-digit ID, or ``name:…|birth``)."""
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    """One call, as recorded. ``id_hmac`` is a comma-joined list for batch calls."""

    client: str
    route: str
    method: str
    status: int
    purpose: str | None = None
    id_hmac: str | None = None
    result_count: int = 0
    request_id: str | None = None
    detail: dict[str, Any] | None = None


@dataclass(frozen=True)
class AuditVerifyResult:
    ok: bool
    entries: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None


def _canonical(row: dict[str, Any]) -> bytes:
    return json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _entry_hash(prev_hash: str, row: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + _canonical(row)).hexdigest()


class AuditLog:
    """Append-only, hash-chained audit log in ``settings.audit_path``."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(
                path, timeout=30, check_same_thread=False, isolation_level=None
            )
            self._conn.execute("PRAGMA busy_timeout=30000")
            execute_when_free(self._conn, "PRAGMA journal_mode=WAL")  # processes starting together
            self._conn.execute("PRAGMA synchronous=NORMAL")  # we fsync the WAL: see above
            self._conn.execute(_SCHEMA)
        except sqlite3.Error as exc:
            raise StorageError(
                f"Cannot open the audit log {path.name}: check the data home."
            ) from exc
        self._write_lock = threading.Lock()
        # Server processes append to one chain: they take turns on this lock.
        self._process_lock = WriterLock(path.with_name(path.name + ".lock"))
        self._queue_lock = threading.Lock()
        self._pending: list[tuple[int, AuditEntry]] = []
        self._ticket = 0
        self._written = 0
        self._failed: set[int] = set()
        self._wal_path = path.with_name(path.name + "-wal")
        self._wal_fd: int | None = None

    @classmethod
    def open(cls, settings: Settings) -> AuditLog:
        return cls(settings.audit_path)

    def close(self) -> None:
        with self._write_lock:
            self._conn.close()
            self._process_lock.close()
            if self._wal_fd is not None:
                os.close(self._wal_fd)
                self._wal_fd = None

    def append(self, entry: AuditEntry) -> None:
        """Write ``entry`` durably before returning; raises StorageError if it cannot."""
        with self._queue_lock:
            self._ticket += 1
            ticket = self._ticket
            self._pending.append((ticket, entry))
        with self._write_lock:
            if ticket <= self._written:
                if ticket in self._failed:
                    self._failed.discard(ticket)
                    raise StorageError("The audit log could not be written: the call was refused.")
                return
            # Wait for the other server processes first: what this process's threads
            # queue meanwhile joins the batch (one fsync for all of them).
            batch: list[tuple[int, AuditEntry]] = []
            try:
                with self._process_lock.hold():
                    with self._queue_lock:
                        batch, self._pending = self._pending, []
                    self._write_chained([e for _, e in batch])
                self._sync_wal()  # outside the process lock: the next batch can commit
            except (sqlite3.Error, OSError) as exc:
                self._failed.update(t for t, _ in batch if t != ticket)
                log.error("audit write failed: %s", type(exc).__name__)
                raise StorageError(
                    "The audit log could not be written: the call was refused."
                ) from exc
            finally:
                if batch:
                    self._written = max(self._written, batch[-1][0])

    def _sync_wal(self) -> None:
        """fsync the WAL file holding the batch just committed (see the module docstring).

        A WAL file that is gone or was replaced was checkpointed (and synced) first.
        """
        try:
            current = os.stat(self._wal_path).st_ino
        except FileNotFoundError:
            return
        if self._wal_fd is not None and os.fstat(self._wal_fd).st_ino != current:
            os.close(self._wal_fd)
            self._wal_fd = None
        if self._wal_fd is None:
            self._wal_fd = os.open(self._wal_path, os.O_RDONLY)
        os.fsync(self._wal_fd)

    def _write_chained(self, entries: list[AuditEntry]) -> None:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            # The chain head and the high-water mark (deleted tail entries keep it up).
            last, high = conn.execute(
                "SELECT (SELECT entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1), "
                "(SELECT seq FROM sqlite_sequence WHERE name = 'audit_log')"
            ).fetchone()
            prev = last or GENESIS_HASH
            seq = high or 0
            rows = []
            for entry in entries:
                seq += 1
                row = _entry_row(seq, entry)
                digest = _entry_hash(prev, row)
                rows.append((*[row[f] for f in _FIELDS], prev, digest))
                prev = digest
            conn.executemany("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def verify(self) -> AuditVerifyResult:
        """Recompute the chain; name the first entry that was edited or removed."""
        with self._write_lock:
            rows = self._conn.execute(
                f"SELECT {', '.join(_FIELDS)}, prev_hash, entry_hash FROM audit_log ORDER BY seq"
            ).fetchall()
            high = self._conn.execute(
                "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'"
            ).fetchone()
        return verify_rows(rows, high[0] if high else 0)

    def count(self) -> int:
        with self._write_lock:
            return int(self._conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])

    def tail(self, n: int = 10) -> list[dict[str, Any]]:
        """The newest ``n`` entries as dicts (newest last), for tests and the CLI."""
        with self._write_lock:
            rows = self._conn.execute(
                f"SELECT {', '.join(_FIELDS)} FROM audit_log ORDER BY seq DESC LIMIT ?", (n,)
            ).fetchall()
        return [dict(zip(_FIELDS, r, strict=True)) for r in reversed(rows)]


def _entry_row(seq: int, entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": seq,
        "ts": datetime.now(UTC).isoformat(timespec="microseconds"),
        "client": entry.client,
        "route": entry.route,
        "method": entry.method,
        "status": int(entry.status),
        "purpose": entry.purpose,
        "id_hmac": entry.id_hmac,
        "result_count": int(entry.result_count),
        "request_id": entry.request_id,
        "detail": json.dumps(entry.detail or {}, sort_keys=True, ensure_ascii=False),
    }


def verify_rows(rows: list[tuple], high_water: int) -> AuditVerifyResult:
    """Check a chain of ``(fields…, prev_hash, entry_hash)`` rows in seq order."""
    prev = GENESIS_HASH
    expected_seq = 1
    for raw in rows:
        row = dict(zip(_FIELDS, raw[: len(_FIELDS)], strict=True))
        stored_prev, stored_hash = raw[len(_FIELDS)], raw[len(_FIELDS) + 1]
        seq = row["seq"]
        if seq != expected_seq:
            return AuditVerifyResult(
                False, len(rows), prev, expected_seq, f"entry {expected_seq} is missing (deleted)"
            )
        if stored_prev != prev:
            return AuditVerifyResult(
                False, len(rows), prev, seq, f"entry {seq} does not link to the one before"
            )
        if _entry_hash(prev, row) != stored_hash:
            return AuditVerifyResult(False, len(rows), prev, seq, f"entry {seq} was modified")
        prev = stored_hash
        expected_seq += 1
    if high_water >= expected_seq:
        return AuditVerifyResult(
            False, len(rows), prev, expected_seq,
            f"entries {expected_seq}..{high_water} are missing (deleted from the end)",
        )  # fmt: skip
    return AuditVerifyResult(True, len(rows), prev)


def audit_record_view(settings_or_app: Any, user: str, record_id: str, status: int = 200) -> None:
    """Audit a clerk's record view (web record page) exactly like an API call.

    ``settings_or_app``: a Flask app on which :func:`search_api.api.init_app` ran
    (its shared log is used) or a :class:`Settings` (the log is opened and closed).
    """
    entry = AuditEntry(
        client=f"user:{user}",
        route="record_view",
        method="GET",
        status=status,
        purpose="clerk record view",
        result_count=1 if status == 200 else 0,
        detail={"record_id": record_id},
    )
    if isinstance(settings_or_app, Settings):
        audit = AuditLog.open(settings_or_app)
        try:
            audit.append(entry)
        finally:
            audit.close()
        return
    settings_or_app.extensions["marriage_archive_api"].audit.append(entry)
