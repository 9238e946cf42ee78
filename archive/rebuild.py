"""Rebuild the catalog from the packages (each object from copy A, else copy B).

Everything a record's rows hold is in its OCFL object: each version's
``metadata/record.json`` (record_versions), the version's created/user/message
(inventory), ``metadata/history.json`` (field versions), ``metadata/sources.json``
(sources) and the manifest and fixity blocks (package digests). Batches are
recreated from the records' batch ids (their folder and counts are not in any
package); rejects are not archived (a rejected file has no package) and are lost.
"""

from __future__ import annotations

import json
import logging
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive import ocfl, sql
from archive.catalog import Catalog
from archive.fieldpaths import correctable_paths
from archive.fixity import list_root
from archive.hashing import digest_file
from archive.package import HISTORY_JSON, RECORD_JSON, SM3_PREFIX, SOURCES_JSON, PackageFile
from archive.writer import (
    HistoryEntry,
    insert_history,
    insert_package_files,
    insert_pages,
    record_columns,
    upsert_fields,
)
from schemas.errors import StorageError
from schemas.model import Record
from schemas.settings import Settings

log = logging.getLogger("marriage_archive.archive")


def find_objects(root: Path) -> list[str]:
    """Object roots (relative paths) below a storage root; [] when unreadable."""
    try:
        files = list_root(root)
    except OSError:
        return []
    return sorted(
        path.rsplit("/", 1)[0] for path in files if path.endswith("/" + ocfl.OCFL_OBJECT_NAMASTE)
    )


def intact_inventory(obj: Path) -> bool:
    """True when the object's inventory matches its sidecar digest."""
    try:
        data = (obj / ocfl.INVENTORY).read_bytes()
        return (obj / ocfl.SIDECAR).read_bytes() == ocfl.sidecar_bytes(data)
    except OSError:
        return False


def choose_sources(roots: dict[str, Path]) -> dict[str, Path]:
    """object path -> storage root to read it from: copy A, else copy B.

    The union of both copies is used, so a record lost from A (or whose
    inventory there fails its sidecar) is still rebuilt from B.
    """
    chosen: dict[str, Path] = {}
    for root in roots.values():
        for obj_rel in find_objects(root):
            if obj_rel not in chosen and intact_inventory(root / obj_rel):
                chosen[obj_rel] = root
    if not any((r / ocfl.OCFL_ROOT_NAMASTE).is_file() for r in roots.values()):
        raise StorageError("Neither storage root is readable: nothing to rebuild from.")
    return chosen


def rebuild_catalog(
    settings: Settings, catalog: Catalog, roots: dict[str, Path], target: Path | None
) -> int:
    """Write a fresh catalog from the packages; returns the number of records.

    With ``target`` the new catalog is written there (must not exist). Without it
    the live catalog is replaced; the old file is kept as ``catalog.sqlite.bak-<time>``.
    """
    sources = choose_sources(roots)
    path = target or settings.catalog_path.with_name(
        f"{settings.catalog_path.name}.rebuild-{os.getpid()}"
    )
    if path.exists():
        raise StorageError(f"{path} already exists: choose a new --target.")
    fresh = Catalog(path)
    count = 0
    try:
        changes: list[tuple[str, str, str, int]] = []
        for obj_rel, root in sorted(sources.items()):
            changes.extend(_load_object(fresh, root, obj_rel, settings.sm3_digest))
            count += 1
        with fresh.transaction() as tx:
            for at, rid, kind, version in sorted(changes):
                tx.execute(sql.INSERT_CHANGE, (rid, kind, version, at))
    finally:
        fresh.close()
    if target is None:
        catalog.close()
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        live = settings.catalog_path
        for suffix in ("-wal", "-shm"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)
        live.rename(live.with_name(f"{live.name}.bak-{stamp}"))
        path.rename(live)
    log.info("rebuilt the catalog from the packages: %s records", count)
    return count


def _load_object(
    fresh: Catalog, root: Path, obj_rel: str, sm3: bool
) -> list[tuple[str, str, str, int]]:
    obj = root / obj_rel
    inv: dict[str, Any] = json.loads((obj / ocfl.INVENTORY).read_bytes())
    rid = str(inv["id"])
    versions = sorted(inv["versions"], key=lambda v: int(v[1:]))

    def read(logical: str, version: str) -> bytes:
        cpath = ocfl.resolve(inv, logical, version)
        if cpath is None:
            raise StorageError(f"Object {obj_rel} lacks {logical} in {version}.")
        return (obj / cpath).read_bytes()

    history = [HistoryEntry(**h) for h in json.loads(read(HISTORY_JSON, inv["head"]))]
    head = Record.model_validate_json(read(RECORD_JSON, inv["head"]))
    sources = json.loads(read(SOURCES_JSON, "v1"))
    changes: list[tuple[str, str, str, int]] = []
    with fresh.transaction() as tx:
        tx.execute(
            sql.INSERT_RECORD,
            (
                rid,
                head.version,
                *record_columns(head),
                head.batch_id,
                head.ingested_at.isoformat() if head.ingested_at else None,
                inv["versions"][inv["head"]]["created"],
                obj_rel,
            ),
        )
        if head.batch_id:
            tx.execute(
                sql.INSERT_BATCH_IF_MISSING, (head.batch_id, "", inv["versions"]["v1"]["created"])
            )
        for version in versions:
            meta = inv["versions"][version]
            number = int(version[1:])
            text = read(RECORD_JSON, version).decode("utf-8")
            tx.execute(
                sql.INSERT_VERSION,
                (rid, number, text, meta["created"], meta["user"]["name"], meta["message"]),
            )
            has_fields = any(h.version == number for h in history)
            kind = "created" if number == 1 else ("corrected" if has_fields else "verified")
            changes.append((meta["created"], rid, kind, number))
        for s in sources:
            tx.execute(
                sql.INSERT_SOURCE, (rid, s["position"], s["relpath"], s["sha256"], s["size"])
            )
        insert_pages(tx, rid, head)
        upsert_fields(tx, head, history, correctable_paths(head))
        insert_history(tx, rid, history)
        insert_package_files(tx, rid, _package_files(inv, obj, sm3))
    return changes


def _package_files(inv: dict[str, Any], obj: Path, sm3: bool) -> list[PackageFile]:
    by_content = {c: d for d, paths in inv["manifest"].items() for c in paths}
    sm3_by_content: dict[str, str] = {}
    for version in inv["versions"]:
        cpath = ocfl.resolve(inv, f"{SM3_PREFIX}{version[1:]}.json", version)
        if cpath is not None:
            sm3_by_content.update(json.loads((obj / cpath).read_bytes())["files"])
    files = []
    for dirpath, _dirs, names in os.walk(obj):
        for name in names:
            full = Path(dirpath) / name
            rel = full.relative_to(obj).as_posix()
            if rel in by_content and (rel in sm3_by_content or not sm3):
                files.append(
                    PackageFile(rel, full.stat().st_size, by_content[rel], sm3_by_content.get(rel))
                )
            else:
                d = digest_file(full, sm3)
                files.append(PackageFile(rel, d.size, d.sha256, d.sm3))
    return files
