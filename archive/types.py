"""Value objects exchanged through :class:`archive.facade.Archive` (re-exported there)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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
    counts: dict[str, int] = field(
        default_factory=dict
    )  # ingested/skipped/needs_review/rejected/failed


@dataclass(frozen=True)
class VerifyFinding:
    # changed | missing | extra | manifest_missing | could_not_check | repaired | unrecoverable
    category: str
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
