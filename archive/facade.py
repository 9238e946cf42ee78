"""The one object the rest of the system talks to: :class:`Archive`.

It composes the catalog (:mod:`archive.catalog`), the two OCFL storage roots
(:mod:`archive.storage`, :mod:`archive.ocfl`), the write path
(:mod:`archive.writer`), the fixity audit (:mod:`archive.fixity`) and the
catalog rebuild (:mod:`archive.rebuild`). Readers may call it from many threads;
writers are serialised across threads and processes by a lock file.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from archive import ocfl, sql
from archive.catalog import Catalog
from archive.fieldpaths import apply_corrections, get_value
from archive.hashing import digest_bytes
from archive.package import first_version_entries, metadata_entries, sm3_entry
from archive.storage import (
    SINGLE_DISK,
    WriterLock,
    check_roots,
    init_storage_root,
    is_blank,
    root_problem,
    same_device,
)
from archive.types import (
    BatchSummary,
    Change,
    CommitResult,
    FieldVersion,
    PageAssets,
    RejectEntry,
    SourceFile,
    VerifyFinding,
    VerifyReport,
)
from archive.writer import (
    HistoryEntry,
    history_bytes,
    insert_new_record,
    insert_new_version,
    machine_history,
    now_iso,
    publish_object,
    publish_version,
    record_bytes,
    recover,
    write_pending,
)
from schemas.errors import (
    Conflict,
    FixityError,
    MarriageArchiveError,
    NotFound,
    StorageError,
    ValidationFailed,
)
from schemas.model import Record, RecordStatus, TextLine
from schemas.settings import Settings

__all__ = [
    "Archive",
    "BatchSummary",
    "Change",
    "CommitResult",
    "FieldVersion",
    "PageAssets",
    "RejectEntry",
    "SourceFile",
    "VerifyFinding",
    "VerifyReport",
]

log = logging.getLogger("marriage_archive.archive")

PAGE_KINDS = {"prepared": "access/page-{:03d}.jpg", "original": "access/original-{:03d}.jpg"}
ITER_PAGE = 500


class Archive:
    """Catalog + two preservation copies. Thread-safe for readers; one writer at a time."""

    def __init__(self, settings: Settings, catalog: Catalog, degraded: list[str]) -> None:
        self.settings = settings
        self.catalog = catalog
        self._degraded = degraded
        self.roots = {"A": settings.copy_a, "B": settings.copy_b}
        self._lock = WriterLock(settings.home / "archive.lock")

    @classmethod
    def open(cls, settings: Settings) -> Archive:
        """Open (creating/migrating) the catalog and check both roots.

        Raises ConfigError when both roots are on one device or nested and the
        settings do not allow it.
        """
        catalog = Catalog(settings.catalog_path)
        try:
            fresh = int(catalog.scalar(sql.COUNT_RECORDS) or 0) == 0
            degraded = check_roots(settings, fresh)
        except BaseException:
            catalog.close()
            raise
        archive = cls(settings, catalog, degraded)
        for state in degraded:
            log.warning("archive is degraded: %s", state)
        with archive._lock.hold():
            recover(archive.catalog, archive.usable_roots())
        return archive

    def usable_roots(self) -> dict[str, Path]:
        """The copies whose storage root is initialised and readable right now."""
        return {c: r for c, r in self.roots.items() if root_problem(r) is None}

    def _require_both_roots(self) -> None:
        for copy, root in self.roots.items():
            problem = root_problem(root)
            if problem:
                raise StorageError(
                    f"Copy {copy} is unavailable ({problem}); nothing was written. Mount or "
                    "fix that disk and rerun (`marriage-archive verify --repair` fills a "
                    "replaced, empty disk from the other copy)."
                )

    def close(self) -> None:
        """Close the catalog connections of every thread."""
        self.catalog.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def degraded(self) -> list[str]:
        """Degraded states, e.g. ``"both copies on one disk"`` (empty when healthy).

        Computed now (a disk may have come back or gone since open).
        """
        states = [
            f"copy {c} unavailable: {p}"
            for c, r in self.roots.items()
            if (p := root_problem(r)) is not None
        ]
        if not states and same_device(self.roots["A"], self.roots["B"]):
            states.append(SINGLE_DISK)
        return states

    # ---- ingest side ---------------------------------------------------------
    def find_by_source_sha256(self, sha256: str) -> str | None:
        """record_id of an archived record containing this source file, else None."""
        value = self.catalog.scalar(sql.FIND_BY_SOURCE, (sha256,))
        return str(value) if value is not None else None

    def start_batch(self, batch_id: str, source_dir: str) -> None:
        """Register a batch (idempotent: a resumed batch keeps its start time)."""
        with self.catalog.transaction() as tx:
            tx.execute(sql.UPSERT_BATCH, (batch_id, source_dir, now_iso()))

    def finish_batch(self, batch_id: str, counts: dict[str, int]) -> None:
        """Record the end of a batch and its outcome counts."""
        with self.catalog.transaction() as tx:
            tx.execute(sql.FINISH_BATCH, (now_iso(), json.dumps(counts), batch_id))

    def record_reject(self, entry: RejectEntry) -> None:
        """Keep a rejected input file's reason (the rescan list reads these)."""
        with self.catalog.transaction() as tx:
            tx.execute(
                sql.INSERT_REJECT,
                (
                    entry.batch_id,
                    entry.relpath,
                    entry.sha256,
                    entry.reason_code,
                    entry.message,
                    now_iso(),
                ),
            )

    def commit_record(
        self,
        record: Record,
        sources: list[SourceFile],
        pages: list[PageAssets],
        lines: list[TextLine],
    ) -> CommitResult:
        """Stage -> verify -> publish to A -> publish to B -> catalog commit.

        Idempotent: a record whose sources are already archived returns
        ``created=False`` and writes nothing. A kill at any point leaves either a
        complete record or nothing; a rerun completes it. An empty
        ``record.record_id`` is replaced by one derived from the first source digest.
        """
        if not sources:
            raise ValidationFailed("A record needs at least one source file to archive.")
        with self._lock.hold():
            self._require_both_roots()
            recover(self.catalog, self.roots)
            for source in sources:
                existing = self.find_by_source_sha256(source.sha256)
                if existing is not None:
                    return CommitResult(existing, created=False)
            record_id = record.record_id or f"R{sources[0].sha256[:20]}"
            if self.catalog.query(sql.RECORD_EXISTS, (record_id,)):
                raise Conflict(
                    f"Record id {record_id} already exists with other source files; "
                    "give the new record a different id."
                )
            at = now_iso()
            record = self._flag_possible_duplicates(record)
            record = record.model_copy(
                update={
                    "record_id": record_id,
                    "version": 1,
                    "ingested_at": record.ingested_at or datetime.now(UTC),
                }
            )
            record = Record.model_validate(record.model_dump())
            history = machine_history(record, at)
            sm3 = self.settings.sm3_digest
            entries = first_version_entries(
                record_bytes(record), history_bytes(history), sources, pages, lines, sm3
            )
            if sm3:
                entries.append(sm3_entry(1, entries, set()))
            inv = ocfl.new_inventory(
                record_id, [e.content_file() for e in entries], at, "machine", "ingest"
            )
            obj_rel = ocfl.object_relpath(record_id)
            sized = [
                _Sized(s.relpath, s.sha256, e.digest.size)
                for s, e in zip(sources, entries[: len(sources)], strict=True)
            ]
            write_pending(self.catalog, record_id, obj_rel)
            with self._undo_on_failure():
                files = publish_object(self.roots, obj_rel, inv, entries, sm3)
                with self.catalog.transaction() as tx:
                    insert_new_record(tx, record, sized, files, history, obj_rel, at)
            log.info("archived record %s (%s files per copy)", record_id, len(files))
            return CommitResult(record_id, created=True)

    def possible_duplicates(self, record: Record) -> list[str]:
        """Archived records that may be the same registration (a re-scan of the paper):
        same type and certificate number, or same type, date and both names as printed.
        """
        found: set[str] = set()
        kind = record.record_type.value
        if record.certificate_no:
            rows = self.catalog.query(sql.SAME_CERTIFICATE, (record.certificate_no, kind))
            found.update(str(r[0]) for r in rows)
        names = [p.name for p in record.parties]
        if record.registration_date and len(names) == 2 and all(names):
            rows = self.catalog.query(
                sql.SAME_DATE_AND_NAMES, (record.registration_date, kind, names[0], names[1])
            )
            found.update(str(r[0]) for r in rows)
        found.discard(record.record_id)
        return sorted(found)

    def _flag_possible_duplicates(self, record: Record) -> Record:
        """Never merge, never auto-accept a possible duplicate: send it to review."""
        duplicates = self.possible_duplicates(record)
        if not duplicates:
            return record
        reason = f"possible duplicate of {', '.join(duplicates)}"
        log.warning("new record %s is a possible duplicate of %s", record.record_id, duplicates)
        return record.model_copy(
            update={
                "status": RecordStatus.NEEDS_REVIEW,
                "review_reasons": [*record.review_reasons, reason],
            }
        )

    # ---- reading side ------------------------------------------------------------
    def get_record(self, record_id: str) -> Record | None:
        """The current version of a record, or None."""
        text = self.catalog.scalar(sql.GET_CURRENT_JSON, (record_id,))
        return Record.model_validate_json(str(text)) if text is not None else None

    def get_record_version(self, record_id: str, version: int) -> Record | None:
        """An earlier (or the current) version of a record, or None."""
        rows = self.catalog.query(sql.GET_VERSION_JSON, (record_id, version))
        return Record.model_validate_json(rows[0][0]) if rows else None

    def iter_records(self) -> Iterator[Record]:
        """Every current record, in record_id order (for export and reindex)."""
        after = ""
        while True:
            rows = self.catalog.query(sql.ITER_CURRENT_JSON, (after, ITER_PAGE))
            for (text,) in rows:
                record = Record.model_validate_json(text)
                after = record.record_id
                yield record
            if len(rows) < ITER_PAGE:
                return

    def count_records(self) -> int:
        """How many records the catalog holds."""
        return int(self.catalog.scalar(sql.COUNT_RECORDS) or 0)

    def page_image(self, record_id: str, page_index: int, kind: str = "prepared") -> bytes:
        """JPEG bytes of a page ("prepared" or "original"), digest-checked, A then B."""
        if kind not in PAGE_KINDS:
            raise ValidationFailed(f"Unknown page kind {kind!r}: use 'prepared' or 'original'.")
        if page_index < 0:
            raise NotFound(f"Record {record_id} has no page {page_index}.")
        return self._read_checked(record_id, PAGE_KINDS[kind].format(page_index))

    def access_pdf(self, record_id: str) -> bytes:
        """The searchable access PDF of a record, digest-checked, A then B."""
        return self._read_checked(record_id, "access/record.pdf")

    def _read_checked(self, record_id: str, logical: str) -> bytes:
        row = self.catalog.query(sql.GET_RECORD_ROW, (record_id,))
        if not row:
            raise NotFound(f"No record {record_id}.")
        cpath = ocfl.content_path(1, logical)
        problems = []
        for copy, root in self.roots.items():
            expected = self.catalog.query(sql.GET_PACKAGE_FILE, (record_id, copy, cpath))
            if not expected:
                raise NotFound(f"Record {record_id} has no {logical}.")
            try:
                data = (root / row[0][2] / cpath).read_bytes()
            except OSError as exc:
                problems.append(f"copy {copy}: {exc.strerror or exc}")
                continue
            if digest_bytes(data).sha256 == expected[0][1]:
                return data
            problems.append(f"copy {copy}: digest differs from the catalog")
        log.error("no intact copy of a file of record %s: %s", record_id, "; ".join(problems))
        raise StorageError(
            f"No intact copy of {logical} of record {record_id} ({'; '.join(problems)}). "
            "Run `marriage-archive verify --repair`."
        )

    def changes_since(self, seq: int, limit: int = 1000) -> list[Change]:
        """Changes after ``seq``, oldest first (indexers follow this)."""
        rows = self.catalog.query(sql.CHANGES_SINCE, (seq, max(1, min(limit, 10_000))))
        return [Change(int(s), str(r), str(k)) for s, r, k in rows]

    def last_change_seq(self) -> int:
        """The highest change sequence number (0 when empty)."""
        return int(self.catalog.scalar(sql.LAST_CHANGE_SEQ) or 0)

    def batches(self) -> list[BatchSummary]:
        """Every batch, oldest first."""
        return [
            BatchSummary(b, d, s, f, json.loads(c or "{}"))
            for b, d, s, f, c in self.catalog.query(sql.LIST_BATCHES)
        ]

    def rejects(self, batch_id: str | None = None) -> list[RejectEntry]:
        """Rejected input files (of one batch, or all)."""
        rows = (
            self.catalog.query(sql.LIST_REJECTS)
            if batch_id is None
            else self.catalog.query(sql.LIST_REJECTS_OF_BATCH, (batch_id,))
        )
        return [RejectEntry(*row) for row in rows]

    def coverage(self) -> list[tuple[int | None, str, str, int]]:
        """(year, record_type, status, count) rows for the dashboard."""
        return [(y, str(t), str(s), int(n)) for y, t, s, n in self.catalog.query(sql.COVERAGE)]

    def health(self) -> dict[str, str | None]:
        """component -> None if ok, else the problem.

        Components: ``catalog``, ``copy_a``, ``copy_b`` (failures: not ready) and
        ``redundancy`` (a warning such as "both copies on one disk": still ready).
        """
        status: dict[str, str | None] = {}
        try:
            self.catalog.scalar(sql.HEALTH_PROBE)
            status["catalog"] = None
        except MarriageArchiveError as exc:
            status["catalog"] = exc.message
        for copy, root in self.roots.items():
            status[f"copy_{copy.lower()}"] = _root_problem(root)
        status["redundancy"] = "; ".join(self.degraded()) or None
        return status

    # ---- corrections -------------------------------------------------------------
    def correct_fields(
        self,
        record_id: str,
        changes: dict[str, str | None],
        user: str,
        reason: str,
        expected_version: int | None = None,
    ) -> Record:
        """Apply corrections as a new version; old versions stay byte-identical.

        Unknown paths or invalid values raise ValidationFailed and write nothing.
        Status is kept (a verified record stays verified). No actual change -> no
        new version. ``expected_version`` (the version the clerk looked at) turns a
        concurrent edit into Conflict (409) instead of a silent overwrite.
        """
        if not user.strip() or not reason.strip():
            raise ValidationFailed("A correction needs the user and a reason (why it changed).")
        with self._lock.hold():
            self._require_both_roots()
            recover(self.catalog, self.roots)
            current = self._require(record_id)
            if expected_version is not None and expected_version != current.version:
                raise Conflict(
                    f"Record {record_id} changed meanwhile (now version {current.version}, "
                    f"you edited version {expected_version}); reload it and correct again."
                )
            updated, changed = apply_corrections(current, changes)
            if not changed:
                return current
            updated = updated.model_copy(update={"version": current.version + 1})
            at = now_iso()
            new_history = [
                HistoryEntry(
                    p,
                    updated.version,
                    get_value(current, p),
                    get_value(updated, p),
                    user,
                    reason,
                    at,
                )
                for p in changed
            ]
            self._add_version(updated, new_history, "corrected", user, reason, at)
            return updated

    def mark_verified(self, record_id: str, user: str) -> Record:
        """Set status ``verified`` as a new version (no-op when already verified)."""
        if not user.strip():
            raise ValidationFailed("Marking a record verified needs the user.")
        with self._lock.hold():
            self._require_both_roots()
            recover(self.catalog, self.roots)
            current = self._require(record_id)
            if current.status == RecordStatus.VERIFIED:
                return current
            updated = current.model_copy(
                update={
                    "status": RecordStatus.VERIFIED,
                    "version": current.version + 1,
                    "review_reasons": [],
                }
            )
            self._add_version(updated, [], "verified", user, "verified by reviewer", now_iso())
            return updated

    def field_history(self, record_id: str) -> list[FieldVersion]:
        """Every version of every field (version 1 = the machine's reading)."""
        rows = self.catalog.query(sql.LIST_FIELD_VERSIONS, (record_id,))
        return [FieldVersion(*row) for row in rows]

    def _require(self, record_id: str) -> Record:
        record = self.get_record(record_id)
        if record is None:
            raise NotFound(f"No record {record_id}.")
        return record

    def _add_version(
        self,
        record: Record,
        new_history: list[HistoryEntry],
        kind: str,
        user: str,
        message: str,
        at: str,
    ) -> None:
        rid = record.record_id
        all_history = [
            HistoryEntry(f.field, f.version, f.old_value, f.new_value, f.user, f.reason, f.at)
            for f in self.field_history(rid)
        ] + new_history
        all_history.sort(key=lambda h: (h.version, h.field))
        sm3 = self.settings.sm3_digest
        entries = metadata_entries(record_bytes(record), history_bytes(all_history), sm3)
        obj_rel = ocfl.object_relpath(rid)
        previous = self._trusted_inventory(rid, obj_rel)
        if sm3:
            entries.append(sm3_entry(record.version, entries, set(previous["manifest"])))
        inv = ocfl.new_inventory(
            rid, [e.content_file() for e in entries], at, user, message, previous
        )
        write_pending(self.catalog, rid, obj_rel)
        with self._undo_on_failure():
            files = publish_version(self.roots, obj_rel, inv, entries, sm3)
            with self.catalog.transaction() as tx:
                insert_new_version(
                    tx, record, new_history, all_history, files, kind, user, message, at
                )
        log.info("record %s now at version %s (%s)", rid, record.version, kind)

    def _trusted_inventory(self, record_id: str, obj_rel: str) -> dict:
        """The head inventory, from a copy whose inventory matches the catalog digest."""
        for copy, root in self.roots.items():
            expected = self.catalog.query(sql.GET_PACKAGE_FILE, (record_id, copy, ocfl.INVENTORY))
            try:
                data = (root / obj_rel / ocfl.INVENTORY).read_bytes()
            except OSError:
                continue
            if expected and digest_bytes(data).sha256 == expected[0][1]:
                return dict(json.loads(data))
        raise FixityError(
            f"Neither copy of record {record_id} has an intact inventory; nothing was "
            "changed. Run `marriage-archive verify --repair` first."
        )

    def _undo_on_failure(self) -> _Undo:
        return _Undo(self)

    # ---- preservation --------------------------------------------------------------
    def verify(
        self, repair: bool = False, progress: Callable[[int, int], None] | None = None
    ) -> VerifyReport:
        """Re-hash every file of both copies against the catalog; optionally repair."""
        from archive.fixity import audit, repair_findings

        if repair:
            self._init_replaced_roots()
        report = audit(self.catalog, self.roots, progress=progress)
        report.degraded = self.degraded()
        if repair and not report.ok:
            with self._lock.hold():
                recover(self.catalog, self.usable_roots())
                report.findings = repair_findings(self.catalog, self.roots, report.findings)
        return report

    def _init_replaced_roots(self) -> None:
        """A blank root (new, replaced disk) becomes an empty storage root to refill."""
        for copy, root in self.roots.items():
            if root_problem(root) is not None and is_blank(root):
                init_storage_root(root)
                log.warning("copy %s: initialised a blank storage root to restore into", copy)

    def rebuild_catalog(self, target: Path | None = None) -> int:
        """Rebuild the catalog from the packages (in copy A, else B); returns records."""
        from archive.rebuild import rebuild_catalog

        with self._lock.hold():
            return rebuild_catalog(self.settings, self.catalog, self.roots, target)


class _Undo:
    """On failure inside a write: roll the roots back to what the catalog says."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is not None:
            try:
                recover(self.archive.catalog, self.archive.roots)
            except (OSError, MarriageArchiveError) as undo_exc:
                log.error(
                    "rollback after a failed write failed (retried at next write): %s", undo_exc
                )


class _Sized:
    """A source with its size, as stored in the catalog."""

    def __init__(self, relpath: str, sha256: str, size: int) -> None:
        self.relpath, self.sha256, self.size = relpath, sha256, size


def _root_problem(root: Path) -> str | None:
    problem = root_problem(root)
    if problem is None and not os.access(root, os.W_OK):
        return f"storage root {root} is not writable"
    return problem
