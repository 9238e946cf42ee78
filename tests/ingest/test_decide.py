"""Deciding the status, and the batch report: exit codes and the rescan list."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from ingest.document import SourceRef, Task, build_record
from ingest.loading import LoadedPage
from ingest.prepare import WARN_ORIENTATION, PreparedPage
from ingest.report import BatchResult, FileOutcome, rescan_csv_text
from ocr import Reading
from schemas.errors import EXIT_FAILED, EXIT_NEEDS_REVIEW, EXIT_OK, EXIT_REJECTED
from schemas.model import RecordStatus
from tests.ingest.files import text_page

SHA = "0123456789abcdef" * 4


def _task() -> Task:
    return Task((SourceRef(Path("/batch/a.png"), "a.png", SHA, "png"),), "batch-1")


def _prepared(image: np.ndarray, warnings: list[str]) -> PreparedPage:
    return PreparedPage(image, image, 0, 0.0, 1.0, 1.0 if not warnings else 0.0, warnings)


def _reading() -> Reading:
    return Reading(record_type="marriage", registration_date="2005-03-12", review_reasons=[])


def test_clean_reading_of_a_confident_sharp_page_is_auto_accepted() -> None:
    page = text_page(2480, 3508, size=80)
    record = build_record(
        _task(),
        [(_task().files[0], 0)],
        [LoadedPage(page, 300, False)],
        [_prepared(page, [])],
        _reading(),
    )
    assert record.status == RecordStatus.AUTO_ACCEPTED, record.review_reasons
    assert record.record_id == "GT-0123456789abcdef"
    assert (record.pages[0].source, record.pages[0].sha256, record.pages[0].dpi) == (
        "a.png",
        SHA,
        300,
    )


def test_a_page_not_oriented_confidently_is_never_auto_accepted() -> None:
    page = text_page(2480, 3508, size=80)
    record = build_record(
        _task(),
        [(_task().files[0], 0)],
        [LoadedPage(page, 300, False)],
        [_prepared(page, [WARN_ORIENTATION])],
        _reading(),
    )
    assert record.status == RecordStatus.NEEDS_REVIEW
    assert "orientation_uncertain (page 1)" in record.review_reasons


def test_low_resolution_handwritten_era_goes_to_review() -> None:
    page = text_page(1654, 2339, size=50)  # A4 at 200 dpi
    reading = Reading(registration_date="1972-05-01", review_reasons=[])
    record = build_record(
        _task(),
        [(_task().files[0], 0)],
        [LoadedPage(page, 200, False)],
        [_prepared(page, [])],
        reading,
    )
    assert record.review_reasons == ["low_resolution_handwritten (page 1)"]


def test_exit_code_is_the_worst_outcome() -> None:
    def result(*outcomes: str) -> BatchResult:
        return BatchResult("b", "/d", [FileOutcome(f"{i}.png", o) for i, o in enumerate(outcomes)])

    assert result().exit_code == EXIT_OK
    assert result("auto_accepted", "skipped").exit_code == EXIT_OK
    assert result("auto_accepted", "needs_review").exit_code == EXIT_NEEDS_REVIEW
    assert result("needs_review", "rejected").exit_code == EXIT_REJECTED
    assert result("rejected", "failed", "needs_review").exit_code == EXIT_FAILED
    counts = result("auto_accepted", "needs_review", "skipped").counts
    assert counts["ingested"] == 2 and counts["skipped"] == 1


def test_rescan_list_guards_against_spreadsheet_formulas_and_lists_page_files() -> None:
    outcomes = [
        FileOutcome("=HYPERLINK(x).png", "rejected", None, None, "empty", "rescan"),
        FileOutcome("ok.png", "auto_accepted"),
        FileOutcome(
            "r-p1.png", "rejected", None, None, "truncated", "-bad", files=("r-p1.png", "r-p2.png")
        ),
    ]
    rows = list(csv.reader(io.StringIO(rescan_csv_text(outcomes))))
    assert rows[0] == ["path", "reason_code", "message", "sha256"]
    assert rows[1][0] == "'=HYPERLINK(x).png"
    assert [r[0] for r in rows[2:]] == ["r-p1.png", "r-p2.png"]
    assert rows[2][2] == "'-bad"


def test_a_seen_page_keeps_what_the_record_needs_without_the_pixels() -> None:
    from ingest.document import record_from, seen_page

    blank = np.full((3508, 2480, 3), 250, np.uint8)  # A4 at 300 dpi, portrait
    seen = seen_page(LoadedPage(blank, 300, True), _prepared(blank, []))
    assert (seen.width, seen.height, seen.dpi, seen.dpi_estimated) == (2480, 3508, 300, True)
    assert seen.warnings == ("blank_page",)
    record = record_from(_task(), [(_task().files[0], 0)], [seen], _reading())
    assert record.pages[0].warnings == ["blank_page", "dpi_not_stated"]
    assert record.review_reasons == ["blank_page (page 1)"]  # dpi_not_stated is no reason
    assert record.status == RecordStatus.NEEDS_REVIEW
