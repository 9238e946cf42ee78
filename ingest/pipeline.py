"""The ingest pipeline: one short orchestrator over ordered, named stages.

    intake   (parent)  walk the folder, refuse links/FIFOs, metadata checks, sha256,
                       skip files already archived (content hash); records are
                       handed out largest first
    load     (worker)  decode/rasterize with limits (pixel bomb, pages, truncation)
    prepare  (worker)  orientation, skew, seal suppression, quality checks
    read     (worker)  OCR + field extraction (``ocr.read_record``)
    decide   (worker)  auto_accepted or needs_review, with reasons
    assets   (worker)  JPEG of the prepared page and of the untouched original
    commit   (parent)  ``Archive.commit_record`` -- the parent is the single writer

Workers only compute; every catalog and archive write happens in the parent, so
there is one writer per run and a kill -9 at any point leaves the archive's own
all-or-nothing guarantee intact. Resuming is idempotent by content hash; a
batch lock stops two runs of one folder at once.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from archive import Archive, RejectEntry, SourceFile
from ingest.document import STAGES, DocumentResult, SourceRef, Task
from ingest.intake import (
    Candidate,
    IntakeCheck,
    Refusal,
    check_candidate,
    display_name,
    group_records,
    largest_first,
    walk_batch,
)
from ingest.locks import batch_lock
from ingest.pool import WorkerPool
from ingest.progress import BatchProgress
from ingest.report import (
    AUTO_ACCEPTED,
    FAILED,
    NEEDS_REVIEW,
    REJECTED,
    SKIPPED,
    BatchResult,
    FileOutcome,
    code_trace,
    write_rescan_csv,
)
from schemas.errors import MarriageArchiveError, ValidationFailed
from schemas.model import RecordStatus
from schemas.settings import Settings

log = logging.getLogger("marriage_archive.ingest")


def new_batch_id(batch_dir: Path, now: datetime | None = None) -> str:
    """``YYYYmmddTHHMMSSZ-<8 hex of the folder path>``: unique per run and folder."""
    import hashlib

    now = now or datetime.now(UTC)
    digest = hashlib.sha256(os.fsencode(os.path.realpath(batch_dir))).hexdigest()[:8]
    return f"{now:%Y%m%dT%H%M%SZ}-{digest}"


def run_batch(
    settings: Settings,
    batch_dir: Path,
    *,
    workers: int | None = None,
    engine: str | None = None,
    progress: bool = False,
) -> BatchResult:
    """Ingest every file below ``batch_dir``; see the module docstring for the stages.

    Raises :class:`BatchLocked` when another run holds this folder, and
    :class:`ToolUnavailable` when the OCR engine cannot start. Problems with
    single files never raise: they become outcomes (rejected / failed).
    """
    batch_dir = Path(batch_dir)
    if not batch_dir.is_dir():
        raise ValidationFailed(
            f"{display_name(str(batch_dir))} is not a folder: give a batch folder."
        )
    started = time.monotonic()
    with batch_lock(settings, batch_dir), Archive.open(settings) as archive:
        batch_id = new_batch_id(batch_dir)
        result = BatchResult(batch_id, display_name(os.path.abspath(batch_dir)))
        result.stage_seconds = dict.fromkeys(("intake", *STAGES, "commit"), 0.0)
        archive.start_batch(batch_id, result.batch_dir)
        entries = largest_first(group_records(list(walk_batch(batch_dir))))
        log.info("batch %s: %s records or refused entries", batch_id, len(entries))
        with BatchProgress(len(entries), progress) as bar:
            run = _Run(settings, archive, result, bar)
            tasks = run.intake(entries)
            first = next(tasks, None)
            if first is not None:
                size = workers or settings.worker_count
                with WorkerPool(settings, engine or settings.ocr_engine, size) as pool:
                    for done in pool.run(_chain(first, tasks)):
                        run.commit(done)
        result.rescan_csv = write_rescan_csv(
            settings.home / "batches" / batch_id / "rescan.csv", result.outcomes
        )
        result.seconds = time.monotonic() - started
        archive.finish_batch(batch_id, result.counts)
    log.info("batch %s finished: %s", batch_id, result.counts)
    return result


def _chain(first: Task, rest: Iterator[Task]) -> Iterator[Task]:
    yield first
    yield from rest


class _Run:
    """State of one batch run in the parent: outcomes, the archive, the progress bar."""

    def __init__(self, settings: Settings, archive: Archive, result: BatchResult, bar):
        self.settings = settings
        self.archive = archive
        self.result = result
        self.bar = bar
        self.tasks: dict[str, Task] = {}  # sha256 -> task handed to the workers

    def add(self, outcome: FileOutcome) -> None:
        self.result.outcomes.append(outcome)
        if outcome.outcome in (REJECTED, FAILED):
            self.archive.record_reject(
                RejectEntry(
                    self.result.batch_id,
                    outcome.relpath,
                    outcome.sha256,
                    outcome.reason_code or outcome.outcome,
                    outcome.message,
                )
            )
        self.bar.advance(outcome.pages)

    def intake(self, entries: list[list[Candidate] | Refusal]) -> Iterator[Task]:
        """Stage ``intake``: yields work for the pool; records everything else itself."""
        for entry in entries:
            started = time.perf_counter()
            task = self._intake_one(entry)
            self.result.stage_seconds["intake"] += time.perf_counter() - started
            if task is not None:
                yield task

    def _intake_one(self, entry: list[Candidate] | Refusal) -> Task | None:
        if isinstance(entry, Refusal):
            self.add(
                FileOutcome(
                    entry.relpath, REJECTED, reason_code=entry.reason_code, message=entry.message
                )
            )
            return None
        names = tuple(c.relpath for c in entry) if len(entry) > 1 else ()
        refs: list[SourceRef] = []
        for candidate in entry:
            check = self._check(candidate)
            if check.reason_code is not None or check.sha256 is None or check.kind is None:
                prefix = f"{candidate.relpath}: " if names else ""
                self.add(
                    FileOutcome(
                        entry[0].relpath,
                        REJECTED,
                        check.sha256 if not names else None,
                        reason_code=check.reason_code,
                        message=prefix + check.message,
                        files=names,
                    )
                )
                return None
            refs.append(SourceRef(candidate.path, candidate.relpath, check.sha256, check.kind))
        for ref in refs:
            existing = self.archive.find_by_source_sha256(ref.sha256)
            earlier = self.tasks.get(ref.sha256)
            if existing is not None or earlier is not None:
                message = (
                    f"Already archived as {existing}."
                    if existing
                    else f"Same content as {earlier.relpath if earlier else '?'}."
                )
                self.add(
                    FileOutcome(
                        entry[0].relpath,
                        SKIPPED,
                        refs[0].sha256,
                        existing,
                        message=message,
                        files=names,
                    )
                )
                return None
        task = Task(tuple(refs), self.result.batch_id)
        for ref in refs:
            self.tasks[ref.sha256] = task
        return task

    def _check(self, candidate: Candidate) -> IntakeCheck:
        try:
            return check_candidate(candidate, self.settings)
        except OSError as exc:
            return IntakeCheck(
                "unreadable",
                f"The file cannot be read ({exc.strerror}): check permissions and copy it again.",
            )

    def commit(self, done: DocumentResult) -> None:
        """Stage ``commit``: write one finished document through the archive."""
        for stage, seconds in done.seconds.items():
            self.result.stage_seconds[stage] = self.result.stage_seconds.get(stage, 0.0) + seconds
        if done.record is None:
            outcome = FAILED if done.reason_code in ("failed", None) else REJECTED
            self.add(
                FileOutcome(
                    done.relpath,
                    outcome,
                    done.sha256,
                    None,
                    done.reason_code or "failed",
                    done.message,
                    done.pages,
                    files=self._names(done),
                )
            )
            return
        started = time.perf_counter()
        self.add(self._commit_record(done))
        self.result.stage_seconds["commit"] += time.perf_counter() - started

    def _commit_record(self, done: DocumentResult) -> FileOutcome:
        record = done.record
        assert record is not None
        task = self.tasks[done.sha256]
        sources = [SourceFile(ref.path, ref.relpath, ref.sha256) for ref in task.files]
        try:
            committed = self.archive.commit_record(record, sources, done.assets, done.lines)
        except MarriageArchiveError as exc:
            return FileOutcome(
                done.relpath,
                FAILED,
                done.sha256,
                None,
                "failed",
                f"Could not archive the record ({exc.code}): {exc.message}",
                done.pages,
                files=self._names(done),
            )
        except Exception as exc:  # per-document boundary in the parent
            log.error(
                "commit failed: %s (%s)\n%s", type(exc).__name__, done.sha256[:12], code_trace(exc)
            )
            return FileOutcome(
                done.relpath,
                FAILED,
                done.sha256,
                None,
                "failed",
                f"Internal error while archiving ({type(exc).__name__}); rerun ingest.",
                done.pages,
                files=self._names(done),
            )
        if not committed.created:
            return FileOutcome(
                done.relpath,
                SKIPPED,
                done.sha256,
                committed.record_id,
                None,
                f"Already archived as {committed.record_id}.",
                done.pages,
                files=self._names(done),
            )
        outcome = AUTO_ACCEPTED if record.status == RecordStatus.AUTO_ACCEPTED else NEEDS_REVIEW
        return FileOutcome(
            done.relpath,
            outcome,
            done.sha256,
            committed.record_id,
            None,
            "",
            done.pages,
            tuple(record.review_reasons),
            files=self._names(done),
        )

    def _names(self, done: DocumentResult) -> tuple[str, ...]:
        task = self.tasks.get(done.sha256)
        return tuple(ref.relpath for ref in task.files) if task and len(task.files) > 1 else ()
