"""Fixity audit and repair of both copies against the CATALOG's digests.

The package's own manifest is not trusted: a forger who rewrites a file and its
manifest together still disagrees with the digest the catalog recorded at
ingest. Findings: ``changed`` (expected vs actual digest), ``missing``,
``manifest_missing`` (the object's inventory.json), ``extra`` (a file nobody
recorded), ``could_not_check`` (unreadable: never counted as ok).

Repair rebuilds a damaged object in staging, file by file from whichever copy
still matches the catalog, verifies it, and swaps it in; it never writes a copy
that had no finding. If some file has no intact copy anywhere, the record is
``unrecoverable`` and nothing is written for it.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from archive import ocfl, sql
from archive.catalog import Catalog
from archive.hashing import digest_file
from archive.storage import (
    clean_staging,
    fsync_tree,
    new_staging_dir,
    publish_dir,
    quarantine,
    write_verified,
)
from archive.types import VerifyFinding, VerifyReport

log = logging.getLogger("marriage_archive.archive")

HASH_THREADS = max(2, min(8, 2 * (os.cpu_count() or 1)))
SKIP_DIRS = {ocfl.STAGING_DIR, ocfl.QUARANTINE_DIR}

Expected = dict[tuple[str, str], tuple[int, str]]  # (record_id, path) -> (size, sha256)
PlanItem = tuple[str, str, str, Path, tuple[int, str]]  # copy, record, path, file, expected
CHUNK_FILES = 2048  # bounded number of queued hash jobs (memory stays flat)


def list_root(root: Path) -> set[str]:
    """Every file below ``root`` (relative, '/'-separated), staging excluded.

    Raises OSError when the root itself cannot be listed.
    """
    if not root.is_dir():
        raise NotADirectoryError(f"{root} is not a readable folder")
    found: set[str] = set()
    errors: list[OSError] = []
    for dirpath, dirs, files in os.walk(root, onerror=errors.append):
        rel = os.path.relpath(dirpath, root)
        if rel == ".":
            dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
            rel = ""
        for name in files:
            found.add(f"{rel}/{name}" if rel else name)
    if errors and not found:
        raise errors[0]
    return found


def _hash_one(path: Path) -> tuple[int, str] | OSError:
    try:
        d = digest_file(path)
        return d.size, d.sha256
    except OSError as exc:
        return exc


def audit(
    catalog: Catalog,
    roots: dict[str, Path],
    progress: Callable[[int, int], None] | None = None,
    threads: int = HASH_THREADS,
) -> VerifyReport:
    """Audit both copies with ``threads`` hashing threads; returns every finding.

    One copy at a time, so memory holds one copy's expectations, not both.
    """
    report = VerifyReport()
    objects = dict(catalog.query(sql.LIST_RECORD_PATHS))
    counter = _Progress(progress, int(catalog.scalar(sql.COUNT_PACKAGE_FILES) or 0))
    for copy, root in roots.items():
        plan = _plan_copy(catalog, copy, root, objects, report)
        _hash_plan(plan, report, counter, threads)
    report.findings.sort(key=lambda f: (f.record_id or "", f.copy, f.path or "", f.category))
    log.info(
        "audit: %s files, %s bytes, %s findings",
        report.files_checked,
        report.bytes_checked,
        len(report.findings),
    )
    return report


class _Progress:
    def __init__(self, callback: Callable[[int, int], None] | None, total: int) -> None:
        self.callback, self.total, self.done = callback, total, 0

    def add(self, n: int) -> None:
        self.done += n
        if self.callback is not None:
            self.callback(min(self.done, self.total), self.total)


def _plan_copy(
    catalog: Catalog, copy: str, root: Path, objects: dict[str, str], report: VerifyReport
) -> list[PlanItem]:
    """Files of one copy to hash; missing/extra/unreadable findings go to ``report``."""
    expected: Expected = {
        (rid, path): (int(size), str(sha))
        for rid, path, size, sha in catalog.query(sql.LIST_PACKAGE_FILES, (copy,))
    }
    try:
        present = list_root(root)
    except OSError as exc:
        detail = f"copy {copy} unreadable: {exc.strerror or exc}"
        report.findings.extend(
            VerifyFinding("could_not_check", copy, rid, None, detail=detail)
            for rid in sorted(objects)
        )
        return []
    plan: list[PlanItem] = []
    tracked: set[str] = set(ocfl.ROOT_FILES)
    for (rid, path), want in expected.items():
        full = f"{objects[rid]}/{path}"
        tracked.add(full)
        if full in present:
            plan.append((copy, rid, path, root / full, want))
        else:
            category = "manifest_missing" if path == ocfl.INVENTORY else "missing"
            report.findings.append(VerifyFinding(category, copy, rid, path, want[1], None))
    owner = {path: rid for rid, path in objects.items()}
    depth = ocfl.OBJECT_PATH_DEPTH
    for full in sorted(present - tracked):
        parts = full.split("/", depth)
        owner_id = owner.get("/".join(parts[:depth])) if len(parts) > depth else None
        path = parts[depth] if owner_id else full
        report.findings.append(
            VerifyFinding("extra", copy, owner_id, path, None, None, "not recorded in the catalog")
        )
    return plan


def _hash_plan(
    plan: list[PlanItem],
    report: VerifyReport,
    counter: _Progress,
    threads: int,
) -> None:
    total = len(plan)
    with ThreadPoolExecutor(max(1, threads)) as pool:
        for start in range(0, total, CHUNK_FILES):
            chunk = plan[start : start + CHUNK_FILES]
            results = pool.map(_hash_one, [item[3] for item in chunk])
            for item, result in zip(chunk, results, strict=True):
                finding = _judge(item, result, report)
                if finding is not None:
                    report.findings.append(finding)
            counter.add(len(chunk))


def _judge(
    item: PlanItem, result: tuple[int, str] | OSError, report: VerifyReport
) -> VerifyFinding | None:
    copy, rid, path, _full, (size, sha) = item
    if isinstance(result, FileNotFoundError):
        return VerifyFinding("missing", copy, rid, path, sha, None)
    if isinstance(result, OSError):
        detail = f"unreadable: {result.strerror or result}"
        return VerifyFinding("could_not_check", copy, rid, path, sha, None, detail)
    actual_size, actual = result
    report.files_checked += 1
    report.bytes_checked += actual_size
    if actual != sha:
        detail = f"size {actual_size} (recorded {size})"
        return VerifyFinding("changed", copy, rid, path, sha, actual, detail)
    return None


# ---- repair ------------------------------------------------------------------------


def repair_findings(
    catalog: Catalog, roots: dict[str, Path], findings: list[VerifyFinding]
) -> list[VerifyFinding]:
    """Repair what can be repaired; returns the updated list of findings."""
    out: list[VerifyFinding] = []
    by_record: dict[str, list[VerifyFinding]] = defaultdict(list)
    for f in findings:
        if f.category == "could_not_check" or f.category in ("repaired", "unrecoverable"):
            out.append(f)
        elif f.record_id is None:
            out.append(_quarantine_stray(roots, f))
        else:
            by_record[f.record_id].append(f)
    objects = dict(catalog.query(sql.LIST_RECORD_PATHS))
    for rid, record_findings in sorted(by_record.items()):
        out.extend(_repair_record(catalog, roots, rid, objects[rid], record_findings))
    return out


def _quarantine_stray(roots: dict[str, Path], f: VerifyFinding) -> VerifyFinding:
    root = roots[f.copy]
    assert f.path is not None
    try:
        moved = quarantine(root, root / f.path, f.path)
    except OSError as exc:
        return VerifyFinding("extra", f.copy, None, f.path, detail=f"could not move: {exc}")
    return VerifyFinding(
        "repaired", f.copy, None, f.path, detail=f"was extra: moved to {moved.relative_to(root)}"
    )


def _good_source(
    roots: dict[str, Path], obj_rel: str, path: str, sha: str, order: list[str]
) -> Path | None:
    for copy in order:
        candidate = roots[copy] / obj_rel / path
        try:
            if digest_file(candidate).sha256 == sha:
                return candidate
        except OSError:
            continue
    return None


def _repair_record(
    catalog: Catalog,
    roots: dict[str, Path],
    rid: str,
    obj_rel: str,
    findings: list[VerifyFinding],
) -> list[VerifyFinding]:
    damaged = sorted({f.copy for f in findings})
    plans: dict[str, list[tuple[str, Path, str]]] = {}
    for copy in damaged:
        others = [c for c in roots if c != copy]
        plan = []
        for path, _size, sha in catalog.query(sql.LIST_PACKAGE_FILES_OF_RECORD, (rid, copy)):
            src = _good_source(roots, obj_rel, path, sha, [copy, *others])
            if src is None:
                log.error("record %s: no intact copy of %s anywhere", rid, path)
                return [
                    *findings,
                    VerifyFinding(
                        "unrecoverable",
                        copy,
                        rid,
                        path,
                        sha,
                        None,
                        "no copy matches the catalog digest; nothing was overwritten",
                    ),
                ]
            plan.append((path, src, sha))
        plans[copy] = plan
    out: list[VerifyFinding] = []
    for copy, plan in plans.items():
        root = roots[copy]
        mine = [f for f in findings if f.copy == copy]
        try:
            _quarantine_extras(root, obj_rel, mine)
            staged = new_staging_dir(root) / "object"
            for path, src, sha in plan:
                write_verified(staged / path, src, sha)
            fsync_tree(staged)
            publish_dir(root, staged, root / obj_rel)
            clean_staging(root)
        except OSError as exc:
            out.extend(mine)
            out.append(
                VerifyFinding(
                    "unrecoverable", copy, rid, None, detail=f"repair failed: {exc.strerror or exc}"
                )
            )
            continue
        log.warning("repaired record %s in copy %s", rid, copy)
        out.extend(
            VerifyFinding("repaired", copy, rid, f.path, f.expected, f.actual, f"was {f.category}")
            for f in mine
        )
    return out


def _quarantine_extras(root: Path, obj_rel: str, findings: list[VerifyFinding]) -> None:
    for f in findings:
        if f.category == "extra" and f.path:
            quarantine(root, root / obj_rel / f.path, f"{obj_rel}/{f.path}")
