"""Archive benchmark: audit throughput beside `sha256sum`, and the cost of writing
both preservation copies per page.

    OMP_THREAD_LIMIT=1 .venv/bin/python -m bench.archive_speed --gb 2

Packages are generated through the real write path (``Archive.commit_record``):
one page per record, a random-bytes "scan" of ``--master-mb`` as the master (the
size of a 300-dpi colour JPEG) plus real JPEG access images and the access PDF.
The audit and ``sha256sum`` read the same files in the same run; the page cache is
warm for both (each runs twice, best time kept), so the figure compares hashing
efficiency, not the disk. Results are printed as a Markdown section for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from archive import Archive, PageAssets, SourceFile
from archive.fixity import HASH_THREADS, audit
from schemas.model import Page, Record, RecordType, TextLine
from schemas.settings import load_settings


def access_jpeg(seed: int) -> bytes:
    """A real, noisy JPEG of a 1240x1754 page (A4 at 150 dpi), ~0.5-1 MB."""
    rng = np.random.default_rng(seed)
    pixels = rng.integers(120, 255, size=(1754, 1240, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=60)
    return out.getvalue()


def generate(archive: Archive, batch: Path, records: int, master_mb: float) -> list[float]:
    """Commit ``records`` one-page records; returns seconds per commit."""
    prepared, original = access_jpeg(1), access_jpeg(2)
    lines = [TextLine(text="结婚登记审查处理表", bbox=[100, 80, 900, 60], confidence=0.9)]
    seconds = []
    for n in range(records):
        path = batch / f"scan-{n:05d}.jpg"
        path.write_bytes(os.urandom(int(master_mb * 1024 * 1024)))
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        source = SourceFile(path, path.name, sha)
        record = Record(
            record_id=f"bench-{n:05d}",
            record_type=RecordType.MARRIAGE,
            pages=[Page(source=path.name, sha256=sha, width=1240, height=1754, dpi=150)],
        )
        page = PageAssets(prepared, original, 1240, 1754, 150)
        started = time.perf_counter()
        archive.commit_record(record, [source], [page], lines)
        seconds.append(time.perf_counter() - started)
        path.unlink()
    return seconds


def package_files(roots: list[Path]) -> list[Path]:
    return [
        p
        for root in roots
        for p in root.rglob("*")
        if p.is_file() and ".staging" not in p.parts and len(p.relative_to(root).parts) > 3
    ]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_sha256sum(files: list[Path]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of `sha256sum` over ``files``."""
    listing = b"\0".join(str(p).encode() for p in files) + b"\0"
    cpu, started = _children_cpu(), time.perf_counter()
    subprocess.run(
        ["xargs", "-0", "sha256sum"], input=listing, stdout=subprocess.DEVNULL, check=True
    )
    return time.perf_counter() - started, _children_cpu() - cpu


def time_audit(archive: Archive, threads: int) -> tuple[float, float]:
    """(wall seconds, CPU seconds of all threads) of one full audit."""
    cpu, started = time.process_time(), time.perf_counter()
    report = audit(archive.catalog, archive.roots, threads=threads)
    elapsed = time.perf_counter() - started
    assert report.ok, report.findings[:3]
    return elapsed, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=2.0, help="package bytes, both copies")
    parser.add_argument("--master-mb", type=float, default=2.0)
    parser.add_argument("--dir", type=Path, default=None, help="work folder (default: temp)")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    work = args.dir or Path(tempfile.mkdtemp(prefix="archive-bench-"))
    settings = load_settings(environ={}, home=work / "home", log_json=False)
    batch = work / "batch"
    batch.mkdir(parents=True, exist_ok=True)
    try:
        with Archive.open(settings) as archive:
            per_record_mb = 2 * (args.master_mb + 2.2)  # rough: master + access files, 2 copies
            records = max(10, int(args.gb * 1024 / per_record_mb))
            commit = generate(archive, batch, records, args.master_mb)
            files = package_files([settings.copy_a, settings.copy_b])
            total = sum(p.stat().st_size for p in files)
            runs: dict[str, list[tuple[float, float]]] = {
                "sha256sum": [],
                "audit": [],
                "audit_1t": [],
            }
            for _ in range(3):  # interleaved, best kept: the machine is shared
                runs["sha256sum"].append(time_sha256sum(files))
                runs["audit"].append(time_audit(archive, HASH_THREADS))
                runs["audit_1t"].append(time_audit(archive, 1))
        wall = {k: total / 1e6 / min(w for w, _ in v) for k, v in runs.items()}
        cpu = {k: total / 1e6 / min(c for _, c in v) for k, v in runs.items()}
        report(records, len(files), total, wall, cpu, commit, args)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def report(records, files, total, wall, cpu, commit, args) -> None:
    ratio = wall["audit"] / wall["sha256sum"]
    print("## Archive (bench/archive_speed.py)\n")
    print(f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on this 2-core machine")
    print(f"(shared, load average {os.getloadavg()[0]:.1f}), `OMP_THREAD_LIMIT=1`, page cache")
    print("warm; each figure is the best of 3 interleaved runs over the same files.\n")
    print(f"- packages: {records} records x 1 page (master: {args.master_mb} MB random bytes),")
    print(f"  {files} files, {total / 1e9:.2f} GB in both copies")
    print("\n| hasher | wall MB/s | MB per CPU-second | ratio to sha256sum (wall) |")
    print("|---|---|---|---|")
    for key, label in (
        ("sha256sum", "`sha256sum` (coreutils, 1 process via xargs)"),
        ("audit", f"`verify` audit, {HASH_THREADS} threads"),
        ("audit_1t", "`verify` audit, 1 thread"),
    ):
        print(
            f"| {label} | {wall[key]:.0f} | {cpu[key]:.0f} | {wall[key] / wall['sha256sum']:.2f} |"
        )
    print(f"\nAudit / sha256sum throughput ratio: **{ratio:.2f}** (target >= 0.8).\n")
    print("- writing both copies, per page (`commit_record`: hash, build the access PDF,")
    print("  stage + fsync + re-read-verify + rename in A then B, one catalog transaction):")
    print(
        f"  median {statistics.median(commit) * 1000:.0f} ms, p90 "
        f"{sorted(commit)[int(0.9 * len(commit))] * 1000:.0f} ms, mean "
        f"{statistics.mean(commit) * 1000:.0f} ms (~{(args.master_mb + 2.2) * 2:.1f} MB "
        "written per page)"
    )


if __name__ == "__main__":
    main()
