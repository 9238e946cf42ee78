"""Search latency through HTTP, and index build rate, on the embedded SQLite index.

    python -m bench.search_latency [--sizes 45000 1000000] [--queries 600] [--no-write]

For each size: catalog records are generated directly (no images; every era,
type, both scripts, 15/18-digit IDs, certificate numbers; the generator of
bench/index_speed.py), turned into IndexDocs and built into a fresh index with
``SqliteBackend.rebuild`` (timed: the build rate). Then the real server runs as
a separate process (``marriage-archive serve`` = granian + the app), a clerk
logs in, and a fixed mix of query kinds is sent one at a time to the UI's JSON
search endpoint ``GET /search.json`` (the same code path as the search page;
session-authenticated, results rendered from the stored documents). Latency is
measured at the client: request sent -> JSON parsed.

For sizes above ``--full-docs`` (default 100,000) the IndexDocs are not all
computed with ``record_to_doc`` one by one: the party documents of a pool of
generated records (computed with ``record_to_doc``, so the keys are real) are
recombined with fresh record ids, dates, types, statuses and certificate
numbers. The keys are the same kind and distribution; it only saves the
pypinyin time that the 45k run measures.

Results go to docs/benchmarks.md under "## Search latency (bench/search_latency.py)".
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import requests

from bench.index_speed import synthetic_records
from schemas.settings import load_settings
from search_api.auth import create_user
from search_api.search.base import IndexDoc
from search_api.search.documents import certificate_key, record_to_doc
from search_api.search.sqlite_backend import SqliteBackend

DOCS_MD = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
SECTION = "## Search latency (bench/search_latency.py)"
PASSWORD = "bench-password-123"
POOL = 40_000
SAMPLE = 3_000  # documents kept in memory to build the query mix


@dataclass
class Run:
    size: int
    build_s: float = 0.0
    docs_s: float = 0.0
    db_mb: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=dict)
    totals: dict[str, list[int]] = field(default_factory=dict)
    errors: int = 0

    def all_ms(self) -> list[float]:
        return [v for values in self.latencies.values() for v in values]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


# ---- documents ---------------------------------------------------------------------------


def exact_docs(size: int, sample: list[IndexDoc], timing: dict[str, float]) -> Iterator[IndexDoc]:
    """record_to_doc over generated records (the real indexing path); keeps a sample."""
    every = max(1, size // SAMPLE)
    started = time.perf_counter()
    for i, record in enumerate(synthetic_records(size, seed=7)):
        doc = record_to_doc(record)
        if i % every == 0:
            sample.append(doc)
        yield doc
    timing["docs_s"] = time.perf_counter() - started


def recombined_docs(size: int, sample: list[IndexDoc]) -> Iterator[IndexDoc]:
    """Fresh records whose parties come from a pool of real IndexDocs (see module doc)."""
    pool = [record_to_doc(r) for r in synthetic_records(POOL, seed=5)]
    rng = random.Random(13)
    every = max(1, size // SAMPLE)
    for i in range(size):
        base = pool[rng.randrange(POOL)]
        wife = pool[rng.randrange(POOL)].parties[1]
        year = int(base.date_sort[:4]) if base.date_sort[:4] != "0000" else 1960
        cert = base.certificate_no
        if cert and cert[:1] in "JLB":
            cert = re.sub(r"-(\d{6})$", f"-{rng.randrange(1, 999_999):06d}", cert)
        doc = replace(
            base,
            record_id=f"big-{i:07d}",
            parties=(base.parties[0], wife),
            certificate_no=cert,
            certificate_key=certificate_key(cert),
            status=rng.choice(("verified", "auto_accepted", "auto_accepted", "needs_review")),
            date_sort=f"{year:04d}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        )
        if i % every == 0:
            sample.append(doc)
        yield doc


# ---- query mix ---------------------------------------------------------------------------


def query_mix(sample: list[IndexDoc], n: int, seed: int = 11) -> list[tuple[str, dict[str, str]]]:
    """A fixed mix of what clerks type, built from indexed documents (kind, GET params)."""
    from schemas import names

    rng = random.Random(seed)
    with_id = [d for d in sample if d.parties[0].id_printed]
    with_cert = [d for d in sample if d.certificate_no]
    kinds = []
    while len(kinds) < n:
        doc = rng.choice(sample)
        husband, wife = doc.parties
        simplified = wife.name_simplified or wife.name or ""
        pinyin = names.pinyin_primary(simplified)
        other = rng.choice(with_id).parties[0]
        kinds += [
            ("name as printed", {"q": husband.name or ""}),
            ("name other script", {"q": names.to_traditional(simplified)}),
            ("full pinyin", {"q": pinyin}),
            ("pinyin initials", {"q": "".join(wife.keys.get("initials", ["zw"])[:1])}),
            ("given name only", {"q": simplified[1:] or simplified}),
            ("surname only", {"q": simplified[:1]}),
            ("id number (15/18)", {"q": other.id_printed or ""}),
            ("name + id last 4", {"q": f"{other.name}{(other.id_18 or '')[-4:]}"}),
            ("certificate", {"q": rng.choice(with_cert).certificate_no or ""}),
            (
                "year + type",
                {"q": str(1950 + rng.randrange(70)), "record_type": "divorce"},
            ),
        ]
    return kinds[:n]


# ---- server ------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(home: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        MARRIAGE_ARCHIVE_HOME=str(home),
        MARRIAGE_ARCHIVE_LOG_LEVEL="WARNING",
        OMP_THREAD_LIMIT="1",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli", "serve", "--port", str(port), "--threads", "4"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                return proc
        except requests.RequestException:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start")


def login(base: str) -> requests.Session:
    session = requests.Session()
    page = session.get(base + "/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token, "no CSRF token on /login"
    form = {"csrf_token": token.group(1), "username": "bench", "password": PASSWORD}
    response = session.post(base + "/login", data=form, timeout=10, allow_redirects=False)
    assert response.status_code == 302, response.status_code
    return session


def measure(run: Run, base: str, mix: list[tuple[str, dict[str, str]]]) -> None:
    session = login(base)
    for _, params in mix[:50]:  # warm-up (caches, first FTS use), not counted
        session.get(base + "/search.json", params=params, timeout=30)
    for kind, params in mix:
        started = time.perf_counter()
        response = session.get(base + "/search.json", params=params, timeout=30)
        body = response.json()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            run.errors += 1
            continue
        run.latencies.setdefault(kind, []).append(elapsed)
        run.totals.setdefault(kind, []).append(int(body["total"]))


# ---- one size ----------------------------------------------------------------------------


def run_size(size: int, queries: int, full_docs: int) -> Run:
    run = Run(size)
    with tempfile.TemporaryDirectory(prefix=f"ma-bench-{size}-") as tmp:
        home = Path(tmp) / "home"
        settings = load_settings(environ={}, home=home, log_json=False)
        sample: list[IndexDoc] = []
        timing: dict[str, float] = {}
        if size <= full_docs:
            docs = exact_docs(size, sample, timing)
        else:
            docs = recombined_docs(size, sample)
        backend = SqliteBackend(settings.index_path)
        started = time.perf_counter()
        backend.rebuild(docs, cursor=0)
        run.build_s = time.perf_counter() - started
        run.docs_s = timing.get("docs_s", 0.0)
        backend.close()
        run.db_mb = settings.index_path.stat().st_size / 1e6
        create_user(settings, "bench", PASSWORD, "clerk")
        port = free_port()
        server = start_server(home, port)
        try:
            measure(run, f"http://127.0.0.1:{port}", query_mix(sample, queries))
        finally:
            server.terminate()
            server.wait(timeout=30)
    return run


# ---- report ------------------------------------------------------------------------------


def report(runs: list[Run]) -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        SECTION,
        "",
        f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other work (1-min load average at the end: "
        f"{load:.1f}), Python {platform.python_version()}, SQLite "
        f"{__import__('sqlite3').sqlite_version}.",
        "",
        "Path measured: HTTP `GET /search.json` (session login as a clerk) on the real server "
        "(`marriage-archive serve`, granian, separate process), one request at a time, "
        "latency at the client. Index: embedded SQLite (`sqlite` backend).",
        "",
        "| records | build (s) | build rate (records/s) | index size (MB) | queries | "
        "p50 (ms) | p95 (ms) | p99 (ms) | target p99 |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        values = run.all_ms()
        target = "<= 20 ms" if run.size <= 50_000 else "<= 100 ms"
        lines.append(
            f"| {run.size:,} | {run.build_s:.0f} | {run.size / run.build_s:,.0f} | "
            f"{run.db_mb:,.0f} | {len(values)} | {percentile(values, 50):.1f} | "
            f"{percentile(values, 95):.1f} | {percentile(values, 99):.1f} | {target} |"
        )
    lines += ["", "Per query kind (p50 / p99 ms, median hits):", ""]
    kinds = sorted({k for run in runs for k in run.latencies})
    lines.append("| kind | " + " | ".join(f"{r.size:,}" for r in runs) + " |")
    lines.append("|---|" + "---:|" * len(runs))
    for kind in kinds:
        cells = []
        for run in runs:
            values = run.latencies.get(kind, [])
            hits = statistics.median(run.totals.get(kind, [0]))
            cells.append(
                f"{percentile(values, 50):.1f} / {percentile(values, 99):.1f} ({hits:.0f})"
            )
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    notes = []
    for run in runs:
        how = (
            f"record_to_doc for every record ({run.docs_s:.0f} s of the build is key computation)"
            if run.docs_s
            else f"parties recombined from a pool of {POOL:,} real IndexDocs (see module doc)"
        )
        notes.append(f"- {run.size:,}: documents by {how}; errors: {run.errors}.")
    lines += ["", *notes, ""]
    return "\n".join(lines)


def write_section(text: str) -> None:
    current = DOCS_MD.read_text(encoding="utf-8") if DOCS_MD.exists() else "# Benchmarks\n\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text + "\n", current)
    else:
        updated = current.rstrip("\n") + "\n\n" + text + "\n"
    DOCS_MD.write_text(updated, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[45_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--full-docs", type=int, default=100_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    runs = []
    for size in args.sizes:
        print(f"size {size:,}: building index ...", flush=True)
        run = run_size(size, args.queries, args.full_docs)
        print(
            f"size {size:,}: build {run.build_s:.0f} s, p50 {percentile(run.all_ms(), 50):.1f} ms, "
            f"p99 {percentile(run.all_ms(), 99):.1f} ms",
            flush=True,
        )
        runs.append(run)
    text = report(runs)
    print(text)
    if not args.no_write:
        write_section(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
