"""The one object the rest of the system talks to: :class:`Archive`.

CONTRACT STUB written first so that ingest, search_api and archive can be built
in parallel. The archive package owns this file: it implements every method
(keeping the signatures) and may add more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from schemas.model import Record, TextLine
from schemas.settings import Settings


@dataclass(frozen=True)
class SourceFile:
    """An original input file, kept byte-exact as the master."""

    path: Path  # absolute path of the file in the batch folder
    relpath: str  # path relative to the batch folder (goes into Page.source)
    sha256: str


@dataclass(frozen=True)
class PageAssets:
    """Access images of one page, made by ingest (JPEG bytes)."""

    prepared_jpeg: bytes  # upright, deskewed; field bboxes refer to this image
    original_jpeg: bytes  # the untouched page as scanned (rendered for browsers)
    width: int  # of prepared_jpeg
    height: int
    dpi: int


@dataclass(frozen=True)
class CommitResult:
    record_id: str
    created: bool  # False when the record already existed (idempotent skip)


@dataclass(frozen=True)
class Change:
    seq: int
    record_id: str
    kind: str  # "created" | "corrected" | "verified" | "deleted"


@dataclass(frozen=True)
class FieldVersion:
    record_id: str
    field: str  # e.g. "parties[0].name"
    version: int
    old_value: str | None
    new_value: str | None
    user: str
    reason: str
    at: str  # ISO 8601


@dataclass(frozen=True)
class RejectEntry:
    batch_id: str
    relpath: str
    sha256: str | None
    reason_code: str
    message: str  # what happened and what to do


@dataclass
class BatchSummary:
    batch_id: str
    source_dir: str
    started_at: str
    finished_at: str | None = None
    counts: dict[str, int] = field(default_factory=dict)  # ingested/skipped/needs_review/rejected/failed


@dataclass(frozen=True)
class VerifyFinding:
    category: str  # changed | missing | extra | manifest_missing | could_not_check | repaired | unrecoverable
    copy: str  # "A" | "B"
    record_id: str | None
    path: str | None
    expected: str | None = None
    actual: str | None = None
    detail: str = ""


@dataclass
class VerifyReport:
    files_checked: int = 0
    bytes_checked: int = 0
    findings: list[VerifyFinding] = field(default_factory=list)
    degraded: list[str] = field(default_factory=list)  # e.g. "both copies on one disk"

    @property
    def ok(self) -> bool:
        return not [f for f in self.findings if f.category != "repaired"]


class Archive:
    """Catalog + two preservation copies. Thread-safe for readers; one writer at a time."""

    @classmethod
    def open(cls, settings: Settings) -> Archive:
        """Open (creating/migrating) the catalog and check both roots.

        Raises ConfigError when both roots are on one device or nested and the
        settings do not allow it.
        """
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    # ---- ingest side ---------------------------------------------------------
    def find_by_source_sha256(self, sha256: str) -> str | None:
        """record_id of an archived record containing this source file, else None."""
        raise NotImplementedError

    def start_batch(self, batch_id: str, source_dir: str) -> None:
        raise NotImplementedError

    def finish_batch(self, batch_id: str, counts: dict[str, int]) -> None:
        raise NotImplementedError

    def record_reject(self, entry: RejectEntry) -> None:
        raise NotImplementedError

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
        complete record or nothing; a rerun completes it.
        """
        raise NotImplementedError

    # ---- reading side ------------------------------------------------------------
    def get_record(self, record_id: str) -> Record | None:
        raise NotImplementedError

    def iter_records(self) -> Iterator[Record]:
        """Every current record, in record_id order (for export and reindex)."""
        raise NotImplementedError

    def page_image(self, record_id: str, page_index: int, kind: str = "prepared") -> bytes:
        """JPEG bytes of a page ("prepared" or "original"), digest-checked, A then B."""
        raise NotImplementedError

    def access_pdf(self, record_id: str) -> bytes:
        raise NotImplementedError

    def changes_since(self, seq: int, limit: int = 1000) -> list[Change]:
        raise NotImplementedError

    def last_change_seq(self) -> int:
        raise NotImplementedError

    def batches(self) -> list[BatchSummary]:
        raise NotImplementedError

    def rejects(self, batch_id: str | None = None) -> list[RejectEntry]:
        raise NotImplementedError

    def coverage(self) -> list[tuple[int | None, str, str, int]]:
        """(year, record_type, status, count) rows for the dashboard."""
        raise NotImplementedError

    def health(self) -> dict[str, str | None]:
        """component -> None if ok, else the problem ("catalog", "copy_a", "copy_b")."""
        raise NotImplementedError

    # ---- corrections -------------------------------------------------------------
    def correct_fields(
        self, record_id: str, changes: dict[str, str | None], user: str, reason: str
    ) -> Record:
        """Apply corrections as a new version; old versions stay byte-identical."""
        raise NotImplementedError

    def mark_verified(self, record_id: str, user: str) -> Record:
        raise NotImplementedError

    def field_history(self, record_id: str) -> list[FieldVersion]:
        raise NotImplementedError

    # ---- preservation --------------------------------------------------------------
    def verify(
        self, repair: bool = False, progress: Callable[[int, int], None] | None = None
    ) -> VerifyReport:
        raise NotImplementedError

    def rebuild_catalog(self, target: Path | None = None) -> int:
        """Rebuild the catalog from the packages (in copy A, else B); returns records."""
        raise NotImplementedError
