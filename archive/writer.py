"""The write path: stage -> verify -> publish to A -> publish to B -> catalog commit.

Crash safety comes from a write-ahead intent: before anything is published, a
``pending`` row names the object; it is deleted in the same transaction as the
catalog commit. :func:`recover` (run under the writer lock before every write
and at open) undoes whatever a dead writer left: objects the catalog does not
know are removed, versions beyond the catalog's are rolled back, staging is
emptied. So a kill at any point leaves either a complete record or nothing.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive import ocfl, sql
from archive._testhooks import crash_point
from archive.catalog import Catalog
from archive.fieldpaths import correctable_paths, get_value
from archive.hashing import digest_bytes
from archive.package import Entry, PackageFile, stage_version
from archive.storage import (
    clean_staging,
    fsync_dir,
    publish_dir,
    remove_tree,
    replace_file,
    storage_error,
    write_verified,
)
from schemas.model import Record

log = logging.getLogger("marriage_archive.archive")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class HistoryEntry:
    """One field version as kept in ``metadata/history.json`` and the catalog."""

    field: str
    version: int
    old_value: str | None
    new_value: str | None
    user: str
    reason: str
    at: str


def machine_history(record: Record, at: str) -> list[HistoryEntry]:
    """Version 1 of every correctable field: the machine's reading, kept forever."""
    return [
        HistoryEntry(path, 1, None, get_value(record, path), "machine", "ingest", at)
        for path in correctable_paths(record)
    ]


def history_bytes(history: list[HistoryEntry]) -> bytes:
    return (json.dumps([asdict(h) for h in history], ensure_ascii=False, indent=2) + "\n").encode(
        "utf-8"
    )


def record_bytes(record: Record) -> bytes:
    """The record JSON kept in the package and, as text, in the catalog."""
    return (record.model_dump_json(indent=2) + "\n").encode("utf-8")


# ---- publishing to both roots ---------------------------------------------------------


def publish_object(
    roots: dict[str, Path], obj_rel: str, inv: dict[str, Any], entries: list[Entry], sm3: bool
) -> list[PackageFile]:
    """Stage, verify and publish a new object (version 1) to A, then to B."""
    files: list[PackageFile] = []
    for copy, root in roots.items():
        try:
            staged, files = stage_version(root, inv, entries, new_object=True, sm3=sm3)
            crash_point(f"after_stage_{copy.lower()}")
            if copy == "A":
                crash_point("after_stage")
            publish_dir(root, staged, root / obj_rel)
            clean_staging(root)
        except OSError as exc:
            raise storage_error(exc, f"copy {copy} ({root})") from exc
        crash_point(f"after_copy_{copy.lower()}")
    return files


def publish_version(
    roots: dict[str, Path], obj_rel: str, inv: dict[str, Any], entries: list[Entry], sm3: bool
) -> list[PackageFile]:
    """Add version ``inv['head']`` to an existing object in A, then B.

    The new ``vN/`` folder is renamed in first, then the root inventory and its
    sidecar are replaced (OCFL's update order); earlier versions are untouched.
    """
    head = inv["head"]
    files: list[PackageFile] = []
    for copy, root in roots.items():
        obj = root / obj_rel
        try:
            staged, files = stage_version(root, inv, entries, new_object=False, sm3=sm3)
            if (obj / head).exists():  # left by a dead writer; the catalog never saw it
                remove_tree(root, obj / head)
            (staged / head).rename(obj / head)
            fsync_dir(obj)
            replace_file(staged / ocfl.INVENTORY, obj / ocfl.INVENTORY)
            replace_file(staged / ocfl.SIDECAR, obj / ocfl.SIDECAR)
            clean_staging(root)
        except OSError as exc:
            raise storage_error(exc, f"copy {copy} ({root})") from exc
        crash_point(f"after_copy_{copy.lower()}")
    return files


# ---- catalog rows -------------------------------------------------------------------


def write_pending(catalog: Catalog, record_id: str, obj_rel: str) -> None:
    with catalog.transaction() as tx:
        tx.execute(sql.UPSERT_PENDING, (record_id, obj_rel, os.getpid(), now_iso()))


def insert_package_files(tx: sqlite3.Connection, record_id: str, files: list[PackageFile]) -> None:
    for copy in ("A", "B"):
        for f in files:
            tx.execute(sql.UPSERT_PACKAGE_FILE, (record_id, copy, f.path, f.size, f.sha256, f.sm3))


def upsert_fields(
    tx: sqlite3.Connection, record: Record, history: list[HistoryEntry], paths: list[str]
) -> None:
    for path in paths:
        info = record.fields.get(path)
        version = max(h.version for h in history if h.field == path)
        tx.execute(
            sql.UPSERT_FIELD,
            (
                record.record_id,
                path,
                version,
                get_value(record, path),
                info.confidence if info else None,
                info.source if info else None,
            ),
        )


def insert_pages(tx: sqlite3.Connection, record_id: str, record: Record) -> None:
    """The page rows of a record's current version (geometry as found at preparation)."""
    for index, page in enumerate(record.pages):
        tx.execute(
            sql.INSERT_PAGE,
            (
                record_id,
                index,
                page.source,
                page.page_index,
                page.sha256,
                page.rotation,
                page.skew_deg,
                page.width,
                page.height,
                page.dpi,
            ),
        )


def insert_history(tx: sqlite3.Connection, record_id: str, entries: list[HistoryEntry]) -> None:
    for h in entries:
        tx.execute(
            sql.INSERT_FIELD_VERSION,
            (record_id, h.field, h.version, h.old_value, h.new_value, h.user, h.reason, h.at),
        )


def record_columns(record: Record) -> tuple:
    date = record.registration_date
    year = int(date[:4]) if date else None
    return (record.status.value, record.record_type.value, date, year, record.certificate_no)


def insert_new_record(
    tx: sqlite3.Connection,
    record: Record,
    sources: list[Any],
    files: list[PackageFile],
    history: list[HistoryEntry],
    obj_rel: str,
    at: str,
) -> None:
    """Every catalog row of a new record (the caller's one transaction)."""
    rid = record.record_id
    tx.execute(
        sql.INSERT_RECORD,
        (
            rid,
            record.version,
            *record_columns(record),
            record.batch_id,
            record.ingested_at.isoformat() if record.ingested_at else None,
            at,
            obj_rel,
        ),
    )
    if record.batch_id:
        tx.execute(sql.INSERT_BATCH_IF_MISSING, (record.batch_id, "", at))
    tx.execute(
        sql.INSERT_VERSION,
        (rid, record.version, record_bytes(record).decode("utf-8"), at, "machine", "ingest"),
    )
    for position, source in enumerate(sources):
        tx.execute(sql.INSERT_SOURCE, (rid, position, source.relpath, source.sha256, source.size))
    insert_pages(tx, rid, record)
    upsert_fields(tx, record, history, correctable_paths(record))
    insert_history(tx, rid, history)
    insert_package_files(tx, rid, files)
    tx.execute(sql.INSERT_CHANGE, (rid, "created", record.version, at))
    tx.execute(sql.DELETE_PENDING, (rid,))


def insert_new_version(
    tx: sqlite3.Connection,
    record: Record,
    new_history: list[HistoryEntry],
    all_history: list[HistoryEntry],
    files: list[PackageFile],
    kind: str,
    user: str,
    message: str,
    at: str,
) -> None:
    """Catalog rows of a correction / verification (the caller's one transaction)."""
    rid = record.record_id
    tx.execute(sql.UPDATE_RECORD, (record.version, *record_columns(record), at, rid))
    tx.execute(
        sql.INSERT_VERSION,
        (rid, record.version, record_bytes(record).decode("utf-8"), at, user, message),
    )
    upsert_fields(tx, record, all_history, sorted({h.field for h in new_history}))
    insert_history(tx, rid, new_history)
    insert_package_files(tx, rid, files)
    tx.execute(sql.INSERT_CHANGE, (rid, kind, record.version, at))
    tx.execute(sql.DELETE_PENDING, (rid,))


# ---- recovery ---------------------------------------------------------------------------


def recover(catalog: Catalog, roots: dict[str, Path]) -> int:
    """Undo what dead writers left behind (call under the writer lock).

    Pending intents are only resolved when both copies are given (usable):
    otherwise the intent stays for a later run, and only staging is cleaned.
    """
    fixed = 0
    pending = catalog.query(sql.LIST_PENDING) if len(roots) == 2 else []
    for record_id, obj_rel, pid in pending:
        row = catalog.query(sql.GET_RECORD_ROW, (record_id,))
        for root in roots.values():
            obj = root / obj_rel
            if not row:
                remove_tree(root, obj)
            else:
                rollback_object(root, obj, int(row[0][1]))
        with catalog.transaction() as tx:
            tx.execute(sql.DELETE_PENDING, (record_id,))
        log.warning("recovered an interrupted write of one record (writer pid %s)", pid)
        fixed += 1
    for root in roots.values():
        if clean_staging(root):
            log.info("removed leftover staging entries in %s", root)
    return fixed


def rollback_object(root: Path, obj: Path, version: int) -> None:
    """Remove versions newer than ``version`` and restore that version's inventory."""
    if not obj.is_dir():
        return
    for child in obj.iterdir():
        name = child.name
        if child.is_dir() and name[:1] == "v" and name[1:].isdigit() and int(name[1:]) > version:
            remove_tree(root, child)
    saved = (obj / f"v{version}" / ocfl.INVENTORY).read_bytes()
    if (obj / ocfl.INVENTORY).read_bytes() != saved:
        for name, data in ((ocfl.INVENTORY, saved), (ocfl.SIDECAR, ocfl.sidecar_bytes(saved))):
            tmp = obj / f".{name}.tmp"
            tmp.unlink(missing_ok=True)
            write_verified(tmp, data, digest_bytes(data).sha256)
            replace_file(tmp, obj / name)


def remove_objects(roots: dict[str, Path], obj_rel: str) -> None:
    """Best-effort removal of a half-published new object after a failed write."""
    for root in roots.values():
        try:
            remove_tree(root, root / obj_rel)
            clean_staging(root)
        except OSError as exc:  # left for recover() at the next write
            log.warning("could not remove a half-written object in %s: %s", root, exc)


__all__ = [
    "HistoryEntry",
    "insert_new_record",
    "insert_new_version",
    "machine_history",
    "publish_object",
    "publish_version",
    "recover",
]
