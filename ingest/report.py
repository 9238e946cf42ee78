"""What a batch run hands back: outcomes per file, counts, exit code, the rescan list."""

from __future__ import annotations

import csv
import io
import os
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from schemas.errors import EXIT_FAILED, EXIT_NEEDS_REVIEW, EXIT_OK, EXIT_REJECTED

AUTO_ACCEPTED = "auto_accepted"
NEEDS_REVIEW = "needs_review"
SKIPPED = "skipped"
REJECTED = "rejected"
FAILED = "failed"
OUTCOMES = (AUTO_ACCEPTED, NEEDS_REVIEW, SKIPPED, REJECTED, FAILED)

_EXIT_BY_OUTCOME = {
    AUTO_ACCEPTED: EXIT_OK,
    SKIPPED: EXIT_OK,
    NEEDS_REVIEW: EXIT_NEEDS_REVIEW,
    REJECTED: EXIT_REJECTED,
    FAILED: EXIT_FAILED,
}


@dataclass(frozen=True)
class FileOutcome:
    """What happened to one file of the batch."""

    relpath: str
    outcome: str  # one of OUTCOMES
    sha256: str | None = None
    record_id: str | None = None
    reason_code: str | None = None  # rejects and failures
    message: str = ""
    pages: int = 0
    review_reasons: tuple[str, ...] = ()
    files: tuple[str, ...] = ()  # every page file, when the record spans several files


@dataclass
class BatchResult:
    """The result of :func:`ingest.run_batch`."""

    batch_id: str
    batch_dir: str
    outcomes: list[FileOutcome] = field(default_factory=list)
    rescan_csv: Path | None = None
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """ingested (= auto_accepted + needs_review), and each outcome."""
        counts = dict.fromkeys(OUTCOMES, 0)
        for item in self.outcomes:
            counts[item.outcome] += 1
        counts["ingested"] = counts[AUTO_ACCEPTED] + counts[NEEDS_REVIEW]
        return counts

    @property
    def reject_reasons(self) -> dict[str, int]:
        """reason_code -> count, over rejected and failed files."""
        reasons: dict[str, int] = {}
        for item in self.outcomes:
            if item.reason_code:
                reasons[item.reason_code] = reasons.get(item.reason_code, 0) + 1
        return dict(sorted(reasons.items()))

    @property
    def pages(self) -> int:
        """Pages processed in this run (skipped files not counted)."""
        return sum(item.pages for item in self.outcomes if item.outcome != SKIPPED)

    @property
    def exit_code(self) -> int:
        """The worst outcome: failed 5 > rejected 4 > needs review 3 > ok 0."""
        return max((_EXIT_BY_OUTCOME[o.outcome] for o in self.outcomes), default=EXIT_OK)

    def to_json(self) -> dict:
        """A JSON-ready summary (the CLI's ``--json``); no personal data."""
        return {
            "batch_id": self.batch_id,
            "batch_dir": self.batch_dir,
            "counts": self.counts,
            "reject_reasons": self.reject_reasons,
            "pages": self.pages,
            "seconds": round(self.seconds, 2),
            "pages_per_minute": round(self.pages * 60 / self.seconds, 1) if self.seconds else None,
            "stage_seconds": {k: round(v, 2) for k, v in self.stage_seconds.items()},
            "rescan_csv": str(self.rescan_csv) if self.rescan_csv else None,
            "exit_code": self.exit_code,
            "files": [
                {k: v for k, v in asdict(o).items() if v not in (None, "", (), 0) or k == "pages"}
                for o in self.outcomes
            ],
        }


RESCAN_HEADER = ("path", "reason_code", "message", "sha256")


def code_trace(exc: BaseException) -> str:
    """Where an error happened (files, lines, functions) without its message or values.

    Exception messages can carry recognized text (names, ID numbers); logs must not.
    """
    return "".join(traceback.format_tb(exc.__traceback__)).rstrip()


def _cell(value: str) -> str:
    # Spreadsheet programs run cells starting with these as formulas (CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def rescan_csv_text(outcomes: list[FileOutcome]) -> str:
    """The rescan list as CSV text: every rejected or failed file, one per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(RESCAN_HEADER)
    for item in outcomes:
        if item.outcome not in (REJECTED, FAILED):
            continue
        for relpath in item.files or (item.relpath,):  # every page file of the record
            sha256 = item.sha256 if relpath == item.relpath else None
            writer.writerow(
                [_cell(relpath), item.reason_code or "", _cell(item.message), sha256 or ""]
            )
    return buffer.getvalue()


def write_rescan_csv(path: Path, outcomes: list[FileOutcome]) -> Path:
    """Write the rescan list atomically (UTF-8 with BOM, so spreadsheet programs read Chinese)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".csv.tmp")
    with open(staging, "w", encoding="utf-8-sig", newline="") as fh:
        fh.write(rescan_csv_text(outcomes))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(staging, path)
    return path
