"""Ingest benchmark: pages/min for the whole pipeline, time per stage, peak RSS per worker.

    OMP_THREAD_LIMIT=1 .venv/bin/python -m bench.ingest_speed --records 20 --workers 2

A fresh synth batch (not timed) goes through ``ingest.run_batch`` into a fresh
data home: intake, rasterize, prepare, OCR + extraction (with the second-opinion
engine when the settings ask for it), access JPEGs, and the commit of both
preservation copies. Wall time gives pages/min; the stage times are summed over
the workers (seconds of work per page). A sampler thread reads, every 0.2 s, each
child process's (the workers') kernel high-water mark of resident memory (``VmHWM``:
no short peak between two samples is missed) and its CPU time.
The load average is printed beside the numbers: on a shared machine it says how
much of the CPU the run really had. Before the timed run one engine is built in a
separate process (not timed) so that the data home holds the compiled OCR models,
as it does on every run of an installation after its first; ``--cold-start`` skips
that and measures a first run. Results replace this benchmark's section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import tempfile
import threading
import time
from pathlib import Path

import psutil

from ingest import run_batch
from schemas.settings import load_settings

SECTION = "## Ingest speed (bench/ingest_speed.py)"
DOCS_MD = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
TARGET_PAGES_PER_MIN = 60
TARGET_RSS_GB = 1.5


class RssSampler(threading.Thread):
    """Peak resident memory (VmHWM) of each child process of this one (the ingest workers)."""

    def __init__(self, interval: float = 0.2):
        super().__init__(daemon=True)
        self.interval = interval
        self.peaks: dict[int, int] = {}
        self.cpu: dict[int, float] = {}  # pid -> last seen user + system CPU seconds
        self._stop_event = threading.Event()

    def run(self) -> None:
        me = psutil.Process(os.getpid())
        while not self._stop_event.is_set():
            for child in me.children(recursive=True):
                try:
                    rss = peak_rss(child)
                    times = child.cpu_times()
                except psutil.Error:
                    continue
                self.peaks[child.pid] = max(self.peaks.get(child.pid, 0), rss)
                self.cpu[child.pid] = times.user + times.system
            time.sleep(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def peak_rss(process: psutil.Process) -> int:
    """Bytes of the process's peak resident memory so far (Linux ``VmHWM``).

    A sample of the current RSS every 0.2 s misses short peaks (one page's detection
    buffers live for well under a second); the kernel's high-water mark does not.
    Without /proc (not Linux), the current RSS.
    """
    try:
        with open(f"/proc/{process.pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return process.memory_info().rss


def _build_engine(settings, engine: str) -> None:
    from ocr import get_engine

    get_engine(engine, settings).close()


def warm_model_cache(settings, engine: str) -> None:
    """Build the OCR engine once in a child process: it leaves the compiled models in HOME."""
    import multiprocessing

    process = multiprocessing.get_context("spawn").Process(
        target=_build_engine, args=(settings, engine)
    )
    process.start()
    process.join()


def measure(
    records: int, workers: int, seed: int, engine: str | None, second: bool, cold: bool = False
) -> dict:
    from synth import generate_batch

    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        out = Path(tmp) / "synth"
        generate_batch(out, n=records, seed=seed)
        settings = load_settings(
            home=Path(tmp) / "home", stable_seconds=0, second_opinion=second, workers=workers
        )
        if not cold:
            warm_model_cache(settings, engine or settings.ocr_engine)
        load_before = os.getloadavg()
        sampler = RssSampler()
        sampler.start()
        started = time.monotonic()
        parent_cpu = time.process_time()
        children_before = _children_cpu()
        result = run_batch(settings, out / "scans", workers=workers, engine=engine)
        wall = time.monotonic() - started
        parent_cpu = time.process_time() - parent_cpu
        children_cpu = _children_cpu() - children_before
        sampler.stop()
        load_after = os.getloadavg()
        geometry = page_geometry_errors(settings, out / "truth.jsonl")
    pages = result.pages
    return {
        "records": records,
        "pages": pages,
        "workers": workers,
        "engine": engine or settings.ocr_engine,
        "second_opinion": second,
        "cold": cold,
        "wall_s": wall,
        "pages_per_min": pages * 60 / wall if wall else 0.0,
        "stage_s_per_page": {k: v / max(pages, 1) for k, v in result.stage_seconds.items()},
        "rss_peaks_gb": sorted((v / 1e9 for v in sampler.peaks.values()), reverse=True),
        "cpu_s_per_page": (max(children_cpu, sum(sampler.cpu.values())) + parent_cpu)
        / max(pages, 1),
        "counts": result.counts,
        "load": (load_before[0], load_after[0]),
        "geometry": geometry,
    }


def _children_cpu() -> float:
    """CPU seconds of all finished, reaped descendants (workers and their tesseract runs).

    The sampler alone misses the tesseract processes that start and end between two
    samples, and the last moments of every worker.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def page_geometry_errors(settings, truth_path: Path) -> dict:
    """Orientation hits and skew errors of the archived pages against synth's truth."""
    import json

    from archive import Archive
    from ingest import record_id_for

    pages = hits = skew_ok = uncertain = 0
    worst = 0.0
    with Archive.open(settings) as archive:
        for line in truth_path.read_text(encoding="utf-8").splitlines():
            truth = json.loads(line)
            record = archive.get_record(record_id_for(truth["pages"][0]["sha256"]))
            if record is None:
                continue
            for found, applied in zip(record.pages, truth["pages"], strict=True):
                pages += 1
                hits += found.rotation == applied["rotation"]
                error = abs(found.skew_deg - applied["skew_deg"])
                skew_ok += error <= 0.5
                worst = max(worst, error)
                uncertain += "orientation_uncertain" in found.warnings
    return {
        "pages": pages,
        "rotation_hits": hits,
        "skew_within_0_5": skew_ok,
        "worst_skew_error": worst,
        "orientation_uncertain": uncertain,
    }


COLD_NOTE = "compiled anew by each worker (`--cold-start`)"
WARM_NOTE = "already in the data home (built once, untimed, before the run)"


def render(m: dict) -> str:
    stages = m["stage_s_per_page"]
    g = m["geometry"]
    total_work = sum(v for k, v in stages.items() if k != "intake")
    rows = "\n".join(
        f"| {name} | {sec:.2f} | {100 * sec / total_work:.0f}% |"
        for name, sec in stages.items()
        if name != "intake"
    )
    peaks = ", ".join(f"{gb:.2f}" for gb in m["rss_peaks_gb"][: m["workers"] + 2])
    rss_ok = "met" if all(gb <= TARGET_RSS_GB for gb in m["rss_peaks_gb"]) else "NOT met"
    speed_ok = "met" if m["pages_per_min"] >= TARGET_PAGES_PER_MIN else "NOT met"
    rate = m["pages_per_min"]
    projected = m["workers"] * 60 / m["cpu_s_per_page"] if m["cpu_s_per_page"] else 0.0
    return f"""{SECTION}

Measured {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())} on {platform.machine()},
{os.cpu_count()} cores, **shared with other jobs** (1-min load average
{m["load"][0]:.1f} before, {m["load"][1]:.1f} after the run: above 2 means the run had
less than the whole machine). {m["records"]} synth records, {m["pages"]} pages,
`--workers {m["workers"]}`, engine `{m["engine"]}`, second opinion
{"on" if m["second_opinion"] else "off"}, compiled OCR models
{COLD_NOTE if m["cold"] else WARM_NOTE}.
Outcomes: {m["counts"]}.

| measure | value | target |
|---|---|---|
| pages/min, intake to both copies | **{rate:.1f}** | >= {TARGET_PAGES_PER_MIN} ({speed_ok}) |
| wall time | {m["wall_s"]:.1f} s | |
| CPU seconds per page (workers, their tesseract runs, parent) | {m["cpu_s_per_page"]:.2f} | |
| projected on {m["workers"]} idle cores (workers x 60 / CPU s per page) | {projected:.1f} | |
| peak RSS per worker process (GB) | {peaks} | <= {TARGET_RSS_GB} ({rss_ok}) |

Page geometry against synth's truth: orientation right on
{g["rotation_hits"]}/{g["pages"]} pages ({g["orientation_uncertain"]} left as scanned and
flagged "orientation_uncertain"); residual skew <= 0.5 degrees on
{g["skew_within_0_5"]}/{g["pages"]} pages (worst error {g["worst_skew_error"]:.2f} degrees).

Seconds of work per page, by stage (summed over workers; intake and commit run in
the parent):

| stage | s/page | share |
|---|---|---|
{rows}
"""


def write_section(text: str, path: Path = DOCS_MD) -> None:
    """Replace (or append) only this benchmark's section of docs/benchmarks.md."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = current.find(SECTION)
    if start < 0:
        updated = current.rstrip("\n") + "\n\n" + text
    else:
        end = current.find("\n## ", start + len(SECTION))
        updated = current[:start] + text + (current[end + 1 :] if end >= 0 else "")
    path.write_text(updated, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--engine", choices=["rapidocr", "tesseract"], default=None)
    parser.add_argument("--no-second-opinion", action="store_true")
    parser.add_argument(
        "--cold-start", action="store_true", help="Do not build the compiled OCR models first."
    )
    parser.add_argument("--no-docs", action="store_true", help="Print only.")
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    m = measure(
        args.records,
        args.workers,
        args.seed,
        args.engine,
        not args.no_second_opinion,
        cold=args.cold_start,
    )
    text = render(m)
    print(text)
    if not args.no_docs:
        write_section(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
