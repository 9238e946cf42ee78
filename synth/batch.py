"""``generate_batch``: a folder of synthetic scans plus their ground truth.

Layout of the output::

    OUT/scans/scan-00001.tif        one file per record (multi-page TIFF/PDF) or
    OUT/scans/scan-00002-p1.png     one file per page (PNG/JPEG)
    OUT/truth.jsonl                 one schemas.model.TruthRecord per line

Record ``i`` is a pure function of ``(seed, i)``; the batch plan (era, type,
layout, format of each record) of ``(seed, n)``. The first records of every plan
cover all eras, record types and layouts, so any batch of 8 or more has them all.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import repeat
from pathlib import Path
from typing import Literal, cast

import numpy as np

from schemas.errors import StorageError, ValidationFailed
from schemas.model import AppliedPage, Page, Party, RecordStatus, RecordType, Role, TruthRecord
from synth.content import ERAS, RECORD_TYPES, PartySpec, RecordSpec, make_record
from synth.formats import EXTENSIONS, FORMATS, MULTI_PAGE, write_scan
from synth.layouts import ERA_LAYOUTS, LAYOUTS, PAGE_SIZES_MM
from synth.page import PageScan, scan_page

log = logging.getLogger("marriage_archive.synth")

ERA_WEIGHTS = {"1950-55": 0.15, "1956-84": 0.3, "1985-99": 0.25, "2000+": 0.3}
TYPE_WEIGHTS = {"marriage": 0.72, "divorce": 0.15, "reissue": 0.09, "annulment": 0.04}
FORMAT_WEIGHTS = {"png": 0.25, "jpeg": 0.3, "tiff": 0.25, "pdf": 0.2}
# Every era, type and layout appears among the first records of a plan.
_COVERAGE = (
    ("1950-55", "marriage", "certificate"),
    ("1956-84", "divorce", "table_left"),
    ("1985-99", "reissue", "boxes_above"),
    ("2000+", "annulment", "review_form"),
    ("1950-55", "divorce", "two_column"),
    ("2000+", "marriage", "two_column"),
    ("1985-99", "marriage", "certificate"),
    ("1950-55", "marriage", "vertical"),
)


@dataclass(frozen=True)
class PlannedRecord:
    """What record ``index`` of a batch will be."""

    index: int
    era: str
    record_type: str
    layout: str
    fmt: str
    pages: int


@dataclass
class SynthSummary:
    """What :func:`generate_batch` wrote."""

    out: Path
    truth_path: Path
    records: int = 0
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    by_era: dict[str, int] = field(default_factory=dict)
    by_type: dict[str, int] = field(default_factory=dict)
    by_format: dict[str, int] = field(default_factory=dict)
    by_layout: dict[str, int] = field(default_factory=dict)

    @property
    def seconds_per_record(self) -> float:
        return self.seconds / self.records if self.records else 0.0


def _pick(rng: np.random.Generator, weights: dict[str, float], allowed: Iterable[str]) -> str:
    keys = [k for k in weights if k in set(allowed)]
    p = np.array([weights[k] for k in keys], dtype=float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def plan_batch(n: int, seed: int, formats: Iterable[str] = FORMATS) -> list[PlannedRecord]:
    """Era, type, layout, format and page count of every record of a batch."""
    allowed = list(formats)
    rng = np.random.default_rng([seed, 0x5EED])
    combos = list(_COVERAGE[:n])
    while len(combos) < n:
        era = _pick(rng, ERA_WEIGHTS, ERAS)
        types = RECORD_TYPES if era != "1950-55" else ("marriage", "divorce")
        rtype = _pick(rng, TYPE_WEIGHTS, types)
        layouts = ERA_LAYOUTS[era]
        combos.append((era, rtype, layouts[int(rng.integers(len(layouts)))]))
    order = rng.permutation(n)
    plan = []
    for index, k in enumerate(order):
        era, rtype, layout = combos[int(k)]
        fmt = (
            allowed[index % len(allowed)]
            if index < len(allowed)
            else _pick(rng, FORMAT_WEIGHTS, allowed)
        )
        pages = 2 if (index % 7 == 3 or rng.random() < 0.15) else 1
        plan.append(PlannedRecord(index, era, rtype, layout, fmt, pages))
    return plan


def _dpi(rng: np.random.Generator, layout: str, fmt: str) -> int:
    size = LAYOUTS[layout][1]
    if fmt == "png":  # lossless noisy colour at 300 dpi is slow to write and huge
        return 200
    return 300 if rng.random() < (0.3 if size == "A4" else 0.55) else 200


def _second_layout(first: str, era: str) -> str:
    """The form of a record's second page: the certificate when the era has one."""
    others = [name for name in ERA_LAYOUTS[era] if name != first]
    return "certificate" if "certificate" in others else others[0]


def _truth_party(spec: RecordSpec, p: PartySpec) -> Party:
    birth = None
    if p.show_birth:
        birth = p.birth.strftime("%Y-%m") if spec.birth_is_month else p.birth.isoformat()
    return Party(
        role=Role(p.role),
        name=p.name,
        name_simplified=p.name_simplified,
        sex="M" if p.sex == "M" else "F",
        birth_date=birth,
        age=p.age if p.show_age else None,
        id_number=p.id_number,
        id_number_18=p.id_number_18,
        ethnicity=p.ethnicity,
    )


def _quarter(rotation: int) -> Literal[0, 90, 180, 270]:
    if rotation not in (0, 90, 180, 270):
        raise ValueError(f"rotation {rotation} is not a quarter turn")
    return cast(Literal[0, 90, 180, 270], rotation)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_record(
    scans: Path, planned: PlannedRecord, spec: RecordSpec, rng: np.random.Generator
) -> tuple[TruthRecord, int]:
    layouts = [planned.layout]
    if planned.pages == 2:
        layouts.append(_second_layout(planned.layout, planned.era))
    dpi = _dpi(rng, planned.layout, planned.fmt)
    lossy = planned.fmt in ("jpeg", "pdf") or planned.fmt == "tiff"
    shots: list[PageScan] = [scan_page(spec, lay, dpi, rng, lossy) for lay in layouts]
    stem, ext = f"scan-{planned.index + 1:05d}", EXTENSIONS[planned.fmt]
    quality = int(rng.integers(70, 93))
    files: list[tuple[str, int]] = []  # (relative source, page_index) per page
    if planned.fmt in MULTI_PAGE:
        _uniform_mode(shots)
        write_scan(scans / (stem + ext), [s.pixels for s in shots], planned.fmt, dpi, quality)
        files = [(stem + ext, k) for k in range(len(shots))]
    else:
        for k, shot in enumerate(shots):
            name = stem + (f"-p{k + 1}" if len(shots) > 1 else "") + ext
            write_scan(scans / name, [shot.pixels], planned.fmt, dpi, quality)
            files.append((name, 0))
    digests = {src: _sha256(scans / src) for src, _ in files}
    pages = [
        Page(
            source=src,
            page_index=idx,
            sha256=digests[src],
            rotation=_quarter(s.rotation),
            skew_deg=s.skew_deg,
            dpi=dpi,
            width=None,
            height=None,
        )
        for (src, idx), s in zip(files, shots, strict=True)
    ]
    applied = [
        AppliedPage(
            source=src,
            page_index=idx,
            rotation=_quarter(s.rotation),
            skew_deg=s.skew_deg,
            dpi=dpi,
            degradations=s.degradations,
            layout=s.layout,
        )
        for (src, idx), s in zip(files, shots, strict=True)
    ]
    truth = TruthRecord(
        record_id=spec.record_id,
        record_type=RecordType(spec.record_type),
        registration_date=spec.reg_date.isoformat(),
        certificate_no=spec.certificate_no,
        office=spec.office,
        parties=[_truth_party(spec, p) for p in spec.parties],
        pages=pages,
        status=RecordStatus.VERIFIED,
        fields={},
        era=spec.era,
        applied=applied,
        version=1,
    )
    return truth, len(digests)


def _uniform_mode(shots: list[PageScan]) -> None:
    """A multi-page file has one colour mode: grey pages of a colour file become RGB."""
    if any(s.pixels.ndim == 3 for s in shots):
        for s in shots:
            if s.pixels.ndim == 2:
                s.pixels = np.repeat(s.pixels[:, :, None], 3, axis=2)


def synth_record(scans: Path, planned: PlannedRecord, seed: int) -> tuple[TruthRecord, int]:
    """Draw and write one planned record; its truth and the number of files written.

    A pure function of ``(planned, seed)`` (plus the folder), so records can be
    made in any order or in parallel processes.
    """
    rng = np.random.default_rng([seed, planned.index])
    spec = make_record(
        rng, f"synth-{seed}-{planned.index + 1:05d}", planned.era, planned.record_type
    )
    try:
        return _write_record(scans, planned, spec, rng)
    except OSError as exc:
        raise StorageError(
            f"Writing to {scans} failed: {exc}. Free space or fix permissions."
        ) from exc


def _made(
    scans: Path, plan: list[PlannedRecord], seed: int, workers: int
) -> Iterator[tuple[PlannedRecord, TruthRecord, int]]:
    """The records of ``plan`` in plan order, made here or by ``workers`` processes."""
    if workers <= 1 or len(plan) < 2:
        for planned in plan:
            yield (planned, *synth_record(scans, planned, seed))
        return
    # spawn, not fork: the caller may hold threads (OCR runtimes, servers)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        results = pool.map(synth_record, repeat(scans), plan, repeat(seed))
        for planned, (truth, nfiles) in zip(plan, results, strict=True):
            yield planned, truth, nfiles


def _check_arguments(n: int, formats: tuple[str, ...], workers: int) -> None:
    unknown = sorted(set(formats) - set(FORMATS))
    if n < 1:
        raise ValidationFailed("--n must be at least 1.")
    if unknown or not formats:
        raise ValidationFailed(f"Unknown format(s) {unknown}; choose from {', '.join(FORMATS)}.")
    if workers < 1:
        raise ValidationFailed("--workers must be at least 1.")


def generate_batch(
    out: Path,
    n: int,
    seed: int,
    *,
    formats: Iterable[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> SynthSummary:
    """Write ``n`` synthetic scanned records to ``out/scans`` and ``out/truth.jsonl``.

    ``formats`` limits the file formats (subset of png, jpeg, tiff, pdf);
    ``progress(done, total)`` is called after each record; ``workers`` > 1 makes
    records in that many processes. Deterministic: the same ``(n, seed, formats)``
    writes byte-identical files and truth, whatever ``workers`` is.
    """
    chosen = tuple(formats) if formats is not None else FORMATS
    _check_arguments(n, chosen, workers)
    scans = Path(out) / "scans"
    try:
        scans.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"Cannot create {scans}: {exc.strerror}. Choose a writable OUT."
        ) from exc
    summary = SynthSummary(out=Path(out), truth_path=Path(out) / "truth.jsonl")
    counts: dict[str, Counter[str]] = {k: Counter() for k in ("era", "type", "fmt", "layout")}
    started = time.perf_counter()
    lines = []
    for planned, truth, nfiles in _made(scans, plan_batch(n, seed, chosen), seed, workers):
        lines.append(truth.model_dump_json())
        summary.records += 1
        summary.pages += len(truth.pages)
        summary.files += nfiles
        counts["era"][planned.era] += 1
        counts["type"][planned.record_type] += 1
        counts["fmt"][planned.fmt] += 1
        counts["layout"].update(a.layout for a in truth.applied)
        if progress is not None:
            progress(summary.records, n)
    tmp = summary.truth_path.with_name(".truth.jsonl.part")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(tmp, summary.truth_path)
    summary.seconds = time.perf_counter() - started
    summary.by_era, summary.by_type = dict(counts["era"]), dict(counts["type"])
    summary.by_format, summary.by_layout = dict(counts["fmt"]), dict(counts["layout"])
    log.info(
        "synth wrote %s records, %s pages in %.1f s to %s",
        summary.records,
        summary.pages,
        summary.seconds,
        out,
    )
    return summary


__all__ = [
    "PAGE_SIZES_MM",
    "PlannedRecord",
    "SynthSummary",
    "generate_batch",
    "plan_batch",
    "synth_record",
]
