"""One document through the worker stages: load -> prepare -> read -> decide -> assets.

Runs inside a worker process (see :mod:`ingest.pool`) and returns a picklable
:class:`DocumentResult`; the parent process commits it (single writer). Input
problems come back as a reject with a reason code; anything unexpected is
caught here, at the per-document boundary, and comes back as ``failed``
without personal data in the message or the log.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np

from archive import PageAssets
from ingest import quality
from ingest.intake import record_id_for
from ingest.loading import LoadedPage, is_blank, load_pages
from ingest.prepare import LineScorer, PreparedPage, prepare_page
from ingest.report import code_trace
from schemas.errors import InputRejected, MarriageArchiveError
from schemas.model import FieldInfo, Page, Party, Record, RecordStatus, RecordType, TextLine
from schemas.settings import Settings

log = logging.getLogger("marriage_archive.ingest")

JPEG_QUALITY = 85
STAGES = ("load", "prepare", "read", "assets")


@dataclass(frozen=True)
class SourceRef:
    """One input file of a record, as intake found it."""

    path: Path
    relpath: str
    sha256: str
    kind: str


@dataclass(frozen=True)
class Task:
    """What a worker needs to process one record (one file, or its page files in order)."""

    files: tuple[SourceRef, ...]
    batch_id: str

    @property
    def relpath(self) -> str:
        return self.files[0].relpath

    @property
    def sha256(self) -> str:
        """Of the first file: the record id derives from it."""
        return self.files[0].sha256


@dataclass
class DocumentResult:
    """A draft record ready to commit, or why there is none."""

    relpath: str
    sha256: str
    record: Record | None = None
    assets: list[PageAssets] = field(default_factory=list)
    lines: list[TextLine] = field(default_factory=list)
    reason_code: str | None = None  # set when rejected or failed
    message: str = ""
    pages: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


class Readers:
    """The OCR engines a worker keeps alive (built once per process)."""

    def __init__(self, engine, second_opinion=None):
        self.engine = engine
        self.second_opinion = second_opinion

    def line_scorer(self) -> LineScorer:
        """Confidence of the main engine on text-line crops (the orientation probe): its
        cheaper ``score_lines`` where it has one."""
        from ocr import LineScoringEngine

        if isinstance(self.engine, LineScoringEngine):
            return self.engine.score_lines

        def score(crops: list[np.ndarray]) -> list[float]:
            return [conf for _text, conf in self.engine.recognize_lines(crops)]

        return score

    def read(self, images: list[np.ndarray]):
        from ocr import read_record

        return read_record(images, self.engine, self.second_opinion)


def process_document(task: Task, readers: Readers, settings: Settings) -> DocumentResult:
    """Run the worker stages for one file; never raises."""
    result = DocumentResult(task.relpath, task.sha256)
    try:
        _run_stages(task, readers, settings, result)
    except InputRejected as exc:
        result.reason_code, result.message = exc.code, exc.message
    except MarriageArchiveError as exc:
        result.reason_code, result.message = "failed", f"{exc.code}: {exc.message}"
    except Exception as exc:  # the per-document boundary: one bad file must not stop a batch
        log.error(
            "document failed: %s (%s)\n%s", type(exc).__name__, task.sha256[:12], code_trace(exc)
        )
        result.reason_code = "failed"
        result.message = (
            f"Internal error ({type(exc).__name__}); the file is untouched. "
            "Rerun ingest; if it fails again, report the file's sha256 to the administrator."
        )
    return result


def _timed(result: DocumentResult, stage: str, started: float) -> None:
    result.seconds[stage] = result.seconds.get(stage, 0.0) + time.perf_counter() - started


def _run_stages(task: Task, readers: Readers, settings: Settings, result: DocumentResult) -> None:
    started = time.perf_counter()
    loaded: list[LoadedPage] = []
    origins: list[tuple[SourceRef, int]] = []  # (file, page index within the file)
    for ref in task.files:
        try:
            pages = load_pages(ref.path, ref.kind, settings)
        except InputRejected as exc:
            if len(task.files) > 1:
                exc.message = f"{ref.relpath}: {exc.message}"
            raise
        loaded += pages
        origins += [(ref, index) for index in range(len(pages))]
        del pages  # ``loaded`` alone holds the pages: each goes once prepared
        if len(loaded) > settings.max_pages:
            raise InputRejected(
                f"The record has more than {settings.max_pages} pages: check the page files "
                "or raise max_pages.",
                code="too_many_pages",
            )
    result.pages = len(loaded)
    _timed(result, "load", started)

    scorer = readers.line_scorer()
    seen: list[SeenPage] = []
    assets: list[PageAssets] = []
    ocr_images: list[np.ndarray] = []
    # Page by page: prepare, then make the access JPEGs and note what the record needs
    # of the colour pages, then let the scan and the colour page go. Only the pages the
    # engines read stay through OCR (two full-size copies a page less at the peak, same
    # bytes: docs/ocr.md "Memory and speed, session 16").
    while loaded:
        page = loaded.pop(0)
        started = time.perf_counter()
        prep = prepare_page(page.image, scorer)
        _timed(result, "prepare", started)
        started = time.perf_counter()
        assets.append(page_assets(page, prep))
        seen.append(seen_page(page, prep))
        ocr_images.append(prep.ocr_image)
        del page, prep
        _timed(result, "assets", started)

    started = time.perf_counter()
    reading = readers.read(ocr_images)
    del ocr_images
    _timed(result, "read", started)

    started = time.perf_counter()
    result.record = record_from(task, origins, seen, reading)
    result.assets = assets
    result.lines = list(reading.lines)
    _timed(result, "assets", started)


@dataclass(frozen=True)
class SeenPage:
    """What the catalog record needs of one prepared page, without its pixels."""

    dpi: int
    dpi_estimated: bool
    rotation: int
    skew_deg: float
    width: int
    height: int
    warnings: tuple[str, ...]  # preparation's, then blank page or blur and noise


def seen_page(original: LoadedPage, prepared: PreparedPage) -> SeenPage:
    """Geometry and image checks of one page (blank, blur, noise) for :func:`record_from`."""
    warnings = list(prepared.warnings)
    if is_blank(prepared.image):
        warnings.append("blank_page")
    else:
        gray = cv2.cvtColor(prepared.ocr_image, cv2.COLOR_RGB2GRAY)
        warnings += quality.blur_warnings(gray, original.dpi)
        # Noise on the scan as loaded: the deskew smooths grain, the seal clean-up repaints.
        scan_gray = cv2.cvtColor(original.image, cv2.COLOR_RGB2GRAY)
        warnings += quality.noise_warnings(scan_gray, original.dpi)
    height, width = prepared.image.shape[:2]
    return SeenPage(
        dpi=original.dpi,
        dpi_estimated=original.dpi_estimated,
        rotation=prepared.rotation,
        skew_deg=prepared.skew_deg,
        width=width,
        height=height,
        warnings=tuple(warnings),
    )


def build_record(
    task: Task,
    origins: list[tuple[SourceRef, int]],
    loaded: list[LoadedPage],
    prepared: list[PreparedPage],
    reading,
) -> Record:
    """The catalog record: fields from the reading, geometry and checks from preparation."""
    seen = [seen_page(orig, prep) for orig, prep in zip(loaded, prepared, strict=True)]
    return record_from(task, origins, seen, reading)


def record_from(
    task: Task, origins: list[tuple[SourceRef, int]], seen: list[SeenPage], reading
) -> Record:
    """:func:`build_record` from pages already seen (their pixels may be gone)."""
    year = _year(reading.registration_date)
    pages: list[Page] = []
    reasons = list(reading.review_reasons)
    for index, (page, (ref, page_index)) in enumerate(zip(seen, origins, strict=True)):
        warnings = list(page.warnings)
        warnings += quality.resolution_warnings(page.dpi, year)
        if page.dpi_estimated:
            warnings.append("dpi_not_stated")
        reasons += [f"{w} (page {index + 1})" for w in warnings if w != "dpi_not_stated"]
        pages.append(
            Page(
                source=ref.relpath,
                page_index=page_index,
                sha256=ref.sha256,
                rotation=page.rotation,  # type: ignore[arg-type]
                skew_deg=page.skew_deg,
                dpi=page.dpi,
                width=page.width,
                height=page.height,
                warnings=warnings,
            )
        )
    status = RecordStatus.NEEDS_REVIEW if reasons else RecordStatus.AUTO_ACCEPTED
    return Record(
        record_id=record_id_for(task.sha256),
        record_type=_record_type(reading.record_type),
        registration_date=reading.registration_date,
        certificate_no=reading.certificate_no,
        office=reading.office,
        parties=[Party.model_validate(p.model_dump()) for p in reading.parties],
        pages=pages,
        status=status,
        fields={k: FieldInfo.model_validate(v.model_dump()) for k, v in reading.fields.items()},
        batch_id=task.batch_id,
        ingested_at=datetime.now(UTC),
        review_reasons=_unique(reasons),
        version=1,
    )


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date and date[:4].isdigit() else None


def _record_type(value: object) -> RecordType:
    try:
        return RecordType(str(value))
    except ValueError:
        return RecordType.UNKNOWN


def encode_jpeg(rgb: np.ndarray, quality_level: int = JPEG_QUALITY) -> bytes:
    """JPEG bytes of an RGB array."""
    ok, data = cv2.imencode(
        ".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality_level]
    )
    if not ok:
        raise MarriageArchiveError("JPEG encoding failed", code="jpeg_failed")
    return data.tobytes()


def page_assets(original: LoadedPage, prepared: PreparedPage) -> PageAssets:
    """Access images of one page: prepared (upright, colour) and untouched original."""
    height, width = prepared.image.shape[:2]
    return PageAssets(
        prepared_jpeg=encode_jpeg(prepared.image),
        original_jpeg=encode_jpeg(original.image),
        width=width,
        height=height,
        dpi=original.dpi,
    )
