"""The catalog: the system of record, on SQLite (WAL, ``synchronous=FULL``).

One connection per thread (the server runs requests on several threads; SQLite
connections must not be shared across threads). Writes go through
:meth:`Catalog.transaction`, one ``BEGIN IMMEDIATE`` each, so a record, its
version, pages, fields, digests and change row land together or not at all.
All SQL lives in :mod:`archive.sql`.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from archive import sql
from schemas.errors import StorageError

log = logging.getLogger("marriage_archive.archive")

BUSY_TIMEOUT_MS = 30_000


def execute_when_free(conn: sqlite3.Connection, statement: str) -> None:
    """Run a connection-setup statement, retrying while another process holds the file.

    SQLite answers "database is locked" at once, without its busy handler, when
    two processes switch a new database to WAL at the same moment (seen in CI:
    two ingest processes opening a fresh catalog). Retried for up to the busy
    timeout; any other error is raised at once.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    delay = 0.005
    while True:
        try:
            conn.execute(statement)
            return
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or time.monotonic() >= deadline:
                raise
        time.sleep(delay)
        delay = min(0.2, delay * 2)


class Catalog:
    """Thread-safe access to one catalog database file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.migrate()

    # ---- connections ----------------------------------------------------------
    def conn(self) -> sqlite3.Connection:
        """This thread's connection (opened on first use)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = sqlite3.connect(
                    self.path,
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    isolation_level=None,
                    check_same_thread=False,
                )
                for pragma in sql.PRAGMAS:
                    execute_when_free(conn, pragma)
            except sqlite3.Error as exc:
                raise StorageError(
                    f"Cannot open the catalog {self.path}: {exc}. Check the data home "
                    "(MARRIAGE_ARCHIVE_HOME) exists, is writable and has free space."
                ) from exc
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        """Close every connection opened by any thread."""
        with self._lock:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (rollback on any exception)."""
        conn = self.conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise StorageError(f"Catalog busy or unwritable: {exc}. Retry later.") from exc
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            try:
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                conn.execute("ROLLBACK")
                raise StorageError(f"Catalog commit failed: {exc}. Retry later.") from exc

    def query(self, statement: str, params: tuple = ()) -> list[tuple]:
        """Run a read statement and return all rows."""
        try:
            return self.conn().execute(statement, params).fetchall()
        except sqlite3.Error as exc:
            raise StorageError(f"Catalog read failed: {exc}") from exc

    def scalar(self, statement: str, params: tuple = ()) -> Any:
        rows = self.query(statement, params)
        return rows[0][0] if rows else None

    # ---- schema -----------------------------------------------------------------------
    def migrate(self) -> int:
        """Apply pending migrations in order; returns the schema version.

        The version is read inside the write transaction, so two processes
        opening a new catalog at once cannot both apply the same migration.
        """
        while True:
            with self.transaction() as tx:
                current = int(tx.execute(sql.GET_USER_VERSION).fetchone()[0])
                if current > sql.SCHEMA_VERSION:
                    raise StorageError(
                        f"The catalog {self.path} has schema version {current}, newer than "
                        f"this program ({sql.SCHEMA_VERSION}). Upgrade marriage-archive."
                    )
                if current == sql.SCHEMA_VERSION:
                    return current
                for statement in sql.MIGRATIONS[current]:
                    tx.execute(statement)
                tx.execute(sql.SET_USER_VERSION.format(n=current + 1))
            log.info("catalog migrated to schema version %s", current + 1)

    def dump(self) -> dict[str, list[tuple]]:
        """Contents of the record tables, minus volatile columns (rebuild comparison)."""
        return {name: self.query(statement) for name, statement in sql.DUMP_QUERIES.items()}
