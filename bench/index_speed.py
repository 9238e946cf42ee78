"""Bulk indexing rate and query latency: cluster backend on the osmem EMULATOR vs SQLite.

    python -m bench.index_speed [--sizes 45000 1000000] [--queries 300] [--no-write]

For each size: generate catalog records directly (no images; names, IDs,
certificate numbers and dates of every era), turn them into index documents
once (written to a JSONL file, so both backends read the same stream), then
time ``rebuild()`` of the SQLite backend and of the opensearch backend on the
in-memory OpenSearch-compatible EMULATOR (osmem-server), and time a fixed mix
of clerk queries on both. Numbers go to docs/benchmarks.md under
"## Scale-out index (bench/index_speed.py) — EMULATOR numbers".

The emulator is not a cluster: its numbers say how our client code and queries
behave (bulk sizes, request counts, query shapes), not what a real
Elasticsearch/OpenSearch cluster would do on real hardware.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from schemas import names
from schemas.idnumber import check_char
from schemas.model import Party, Record, RecordStatus, RecordType, Role
from search_api.search.base import IndexDoc, SearchBackend, SearchQuery
from search_api.search.documents import doc_from_json, doc_to_json, record_to_doc
from search_api.search.matching import parse_user_query

DOCS_MD = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
SECTION = "## Scale-out index (bench/index_speed.py) — EMULATOR numbers"

# ---- synthetic catalog records (no images) ------------------------------------------------

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺"
    "单解仇区"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "诸葛", "上官")
GIVEN_M = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林国建文志红兵"
GIVEN_F = "芳娜敏静丽艳娟霞燕玲桂英秀兰梅琴云莲真雪荣爱妹霞香月莹慧巧美娥凤玉珍翠"
LOOKALIKE = {"曹": "章", "己": "已", "王": "玉", "未": "末", "土": "士", "刘": "浏"}
REGIONS = ("620722", "620702", "620721", "620723", "620724", "620725", "622201")
ERAS = ((1950, 1955), (1956, 1984), (1985, 1999), (2000, 2024))
ERA_WEIGHTS = (0.15, 0.3, 0.25, 0.3)
TYPES = (RecordType.MARRIAGE, RecordType.DIVORCE, RecordType.REISSUE, RecordType.ANNULMENT)
TYPE_WEIGHTS = (0.72, 0.15, 0.09, 0.04)
STATUSES = (RecordStatus.VERIFIED, RecordStatus.AUTO_ACCEPTED, RecordStatus.NEEDS_REVIEW)
STATUS_WEIGHTS = (0.3, 0.5, 0.2)
CERT_LETTER = {"marriage": "J", "divorce": "L", "reissue": "BJ", "annulment": "J"}


def _name(rng: random.Random, sex: str) -> str:
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.02 else rng.choice(SURNAMES)
    pool = GIVEN_M if sex == "M" else GIVEN_F
    given = "".join(rng.choice(pool) for _ in range(1 if rng.random() < 0.3 else 2))
    name = surname + given
    if rng.random() < 0.02:  # an OCR look-alike slip kept in the catalog
        name = "".join(LOOKALIKE.get(ch, ch) for ch in name)
    return name


def _id_numbers(rng: random.Random, era: int, birth: date, sex: str) -> tuple[str | None, str]:
    region = rng.choice(REGIONS)
    seq = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
    if era == 2:
        id15 = f"{region}{birth:%y%m%d}{seq:03d}"
        first17 = f"{region}19{birth:%y%m%d}{seq:03d}"
        return id15, first17 + check_char(first17)
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + check_char(first17), first17 + check_char(first17)


def _party(rng: random.Random, role: Role, era: int, reg: date) -> Party:
    sex = "M" if role is Role.HUSBAND else "F"
    age = rng.randint(20 if sex == "M" else 18, 40)
    birth = reg - timedelta(days=365 * age + rng.randrange(365))
    name = _name(rng, sex)
    printed = names.to_traditional(name) if era == 0 else name
    id_number = id_18 = None
    if era >= 2:
        id_number, id_18 = _id_numbers(rng, era, birth, sex)
    return Party(
        role=role,
        name=printed,
        name_simplified=name,
        sex=sex,  # type: ignore[arg-type]
        birth_date=birth.isoformat() if era >= 1 else None,
        age=age if era == 0 else None,
        id_number=id_number,
        id_number_18=id_18,
    )


def synthetic_records(n: int, seed: int = 7) -> Iterator[Record]:
    """``n`` plausible catalog records of every era and type (deterministic per seed)."""
    rng = random.Random(seed)
    for i in range(n):
        era = rng.choices(range(4), ERA_WEIGHTS)[0]
        first, last = ERAS[era]
        reg = date(first, 1, 1) + timedelta(days=rng.randrange((last - first + 1) * 365))
        rtype = rng.choices(TYPES, TYPE_WEIGHTS)[0]
        if era == 3:
            cert = f"{CERT_LETTER[rtype.value]}620722-{reg.year}-{rng.randrange(1, 999999):06d}"
        else:
            cert = f"高民婚字第{rng.randrange(1, 999):03d}号"
        yield Record(
            record_id=f"syn-{seed}-{i:07d}",
            record_type=rtype,
            registration_date=reg.isoformat() if era or rng.random() < 0.7 else f"{reg.year}",
            certificate_no=cert,
            office="高台县民政局",
            parties=[_party(rng, Role.HUSBAND, era, reg), _party(rng, Role.WIFE, era, reg)],
            status=rng.choices(STATUSES, STATUS_WEIGHTS)[0],
        )


def query_mix(records: list[Record], seed: int = 11) -> list[tuple[str, SearchQuery]]:
    """A fixed mix of clerk queries built from the records (kind, query)."""
    rng = random.Random(seed)
    mix: list[tuple[str, SearchQuery]] = []
    with_ids = [r for r in records if r.parties[0].id_number]
    for _ in range(max(1, len(records) // 20)):
        rec = rng.choice(records)
        husband, wife = rec.parties
        simplified = wife.name_simplified or ""
        pinyin = names.pinyin_primary(simplified)
        mix += [
            ("name as printed", parse_user_query(husband.name)),
            ("name other script", parse_user_query(names.to_traditional(simplified))),
            ("full pinyin", parse_user_query(pinyin)),
            ("surname only", parse_user_query(simplified[:1])),
            ("pinyin prefix", parse_user_query(pinyin[:5])),
            ("certificate", parse_user_query(rec.certificate_no)),
            (
                "date range + type",
                parse_user_query(
                    None,
                    date_from=f"{1950 + rng.randrange(70)}",
                    date_to=f"{1960 + rng.randrange(60)}",
                    record_type="divorce",
                ),
            ),
        ]
        if with_ids:
            other = rng.choice(with_ids).parties[0]
            mix.append(("id number", parse_user_query(other.id_number)))
            last4 = (other.id_number_18 or "")[-4:]
            mix.append(("name + last 4", parse_user_query(f"{other.name}{last4}")))
    return mix


# ---- measuring -------------------------------------------------------------------------------


@dataclass
class Measure:
    backend: str
    size: int
    index_s: float = 0.0
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    note: str = ""

    @property
    def rate(self) -> float:
        return self.size / self.index_s if self.index_s else 0.0

    def all_latencies(self) -> list[float]:
        return [v for values in self.latencies_ms.values() for v in values]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def write_docs(path: Path, size: int) -> tuple[list[Record], float]:
    """Generate ``size`` records -> index docs in ``path``; keep a sample for queries."""
    started = time.perf_counter()
    sample: list[Record] = []
    with path.open("w", encoding="utf-8") as out:
        for n, record in enumerate(synthetic_records(size)):
            if n % max(1, size // 2000) == 0:
                sample.append(record)
            out.write(doc_to_json(record_to_doc(record)) + "\n")
    return sample, time.perf_counter() - started


def read_docs(path: Path) -> Iterator[IndexDoc]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield doc_from_json(line)


def measure(
    backend: SearchBackend, docs: Path, size: int, mix: list[tuple[str, SearchQuery]]
) -> Measure:
    result = Measure(backend.name, size)
    backend.ensure_ready()
    started = time.perf_counter()
    count = backend.rebuild(read_docs(docs), cursor=size)
    result.index_s = time.perf_counter() - started
    assert count == size, (count, size)
    for _kind, query in mix[:20]:  # warm-up
        backend.search(query)
    for kind, query in mix:
        t0 = time.perf_counter()
        backend.search(query)
        result.latencies_ms.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
    return result


def emulator_rss_mb(pid: int) -> float:
    import psutil

    return psutil.Process(pid).memory_info().rss / 1e6


def run(
    sizes: list[int], max_queries: int, write: bool, rss_limit_mb: float, budget_s: float
) -> list[Measure]:
    from osmem_server import OsmemServer

    from schemas.settings import load_settings
    from search_api.search.opensearch_backend import OpenSearchBackend
    from search_api.search.sqlite_backend import SqliteBackend

    results: list[Measure] = []
    skipped: dict[int, str] = {}
    prep_rates: dict[int, float] = {}
    load_before = os.getloadavg()[0]
    per_record_s = 0.0  # prep + sqlite + emulator seconds per record, from the last size
    deadline = time.monotonic() + budget_s
    server = OsmemServer.start(japanese=False)
    try:
        with tempfile.TemporaryDirectory(prefix="index-speed-") as tmp:
            for size in sizes:
                projected = per_record_s * size
                if projected > deadline - time.monotonic():
                    skipped[size] = (
                        f"projected {projected / 3600:.1f} h at the rates measured at the "
                        f"previous size, beyond the {budget_s / 60:.0f} min budget of this run"
                    )
                    print(f"[{size}] skipped: {skipped[size]}", flush=True)
                    continue
                docs = Path(tmp) / f"docs-{size}.jsonl"
                print(f"[{size}] generating records and index documents ...", flush=True)
                sample, prep_s = write_docs(docs, size)
                prep_rates[size] = size / prep_s
                t0 = time.perf_counter()
                for _ in read_docs(docs):
                    pass
                read_s = time.perf_counter() - t0
                mix = query_mix(sample)[:max_queries]
                print(
                    f"[{size}] prepared in {prep_s:.0f} s; re-reading it costs {read_s:.1f} s",
                    flush=True,
                )
                sqlite = SqliteBackend(Path(tmp) / f"index-{size}.sqlite")
                m_sqlite = measure(sqlite, docs, size, mix)
                sqlite.close()
                m_sqlite.note = f"stream read {read_s:.1f} s included"
                print(_line(m_sqlite), flush=True)
                settings = load_settings(
                    {},
                    search_backend="opensearch",
                    search_url=server.url,
                    search_index_prefix=f"bench{size}",
                    search_timeout_s=120,
                )
                cluster = OpenSearchBackend.from_settings(settings)
                m_cluster = measure(cluster, docs, size, mix)
                rss = emulator_rss_mb(server.pid)
                m_cluster.note = f"emulator RSS {rss:.0f} MB after load; stream read included"
                print(_line(m_cluster), flush=True)
                cluster.drop()  # free the emulator's memory
                cluster.close()
                results += [m_sqlite, m_cluster]
                docs.unlink()
                per_record_s = (prep_s + m_sqlite.index_s + m_cluster.index_s) / size
                if write:  # after every size: a long run cut short keeps what it measured
                    loads = (load_before, os.getloadavg()[0])
                    pending = {s: "run stopped before this size" for s in sizes if s > size}
                    write_section(results, sizes, {**pending, **skipped}, prep_rates, loads)
                if rss > rss_limit_mb:
                    why = f"emulator RSS {rss:.0f} MB > {rss_limit_mb:.0f} MB at {size:,}"
                    skipped.update({s: why for s in sizes if s > size})
                    break
    finally:
        server.close()
        if server.process.stdout is not None:
            server.process.stdout.close()
    loads = (load_before, os.getloadavg()[0])
    if write:
        write_section(results, sizes, skipped, prep_rates, loads)
    return results


def _line(m: Measure) -> str:
    lat = m.all_latencies()
    return (
        f"{m.backend:>10} {m.size:>9,}: index {m.rate:,.0f} rec/s ({m.index_s:.1f} s); "
        f"query p50 {percentile(lat, 50):.1f} ms p95 {percentile(lat, 95):.1f} ms "
        f"p99 {percentile(lat, 99):.1f} ms over {len(lat)} queries ({m.note})"
    )


def render(
    results: list[Measure],
    sizes: list[int],
    skipped: dict[int, str],
    prep_rates: dict[int, float],
    loads: tuple[float, float],
) -> str:
    """The markdown section (heading included)."""
    lines = [
        SECTION,
        "",
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} on {platform.machine()}, "
        f"{os.cpu_count()} cores shared with other work, Python {platform.python_version()}, "
        "`OMP_THREAD_LIMIT=1`. Command: `python -m bench.index_speed "
        f"--sizes {' '.join(map(str, sizes))}`. 1-minute load average {loads[0]:.1f} at the "
        f"start and {loads[1]:.1f} at the end (other engineers' jobs on the same 2 cores).",
        "",
        "**These are EMULATOR numbers.** The `opensearch` rows ran against osmem-server, an "
        "in-memory OpenSearch-compatible emulator on the same 2 cores, not a real cluster; "
        "they measure our client path (document building, bulk requests of 500, term/nested "
        "queries, JSON over loopback HTTP), not Elasticsearch/OpenSearch performance. "
        "`sqlite` rows are the embedded backend in the same run. Indexing = `rebuild()` "
        "from a pre-built stream of index documents (reading it included); latency = "
        "`backend.search()` in-process (no HTTP API), one query at a time.",
        "",
        "| backend | records | index rate (records/s) | build time (s) | query p50 (ms) | "
        "p95 (ms) | p99 (ms) | queries | note |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for m in results:
        lat = m.all_latencies()
        lines.append(
            f"| {m.backend} | {m.size:,} | {m.rate:,.0f} | {m.index_s:.1f} | "
            f"{percentile(lat, 50):.1f} | {percentile(lat, 95):.1f} | {percentile(lat, 99):.1f} | "
            f"{len(lat)} | {m.note} |"
        )
    lines += ["", "Median latency by query kind (ms):", ""]
    kinds = sorted({k for m in results for k in m.latencies_ms})
    lines.append("| backend | records | " + " | ".join(kinds) + " |")
    lines.append("|---|---:|" + "---:|" * len(kinds))
    for m in results:
        cells = [
            f"{statistics.median(m.latencies_ms[k]):.1f}" if k in m.latencies_ms else "–"
            for k in kinds
        ]
        lines.append(f"| {m.backend} | {m.size:,} | " + " | ".join(cells) + " |")
    lines += [""] + [
        f"- Document preparation at {size:,} (catalog Record -> IndexDoc with every name key, "
        f"`schemas.names`): {rate:,.0f} records/s, shared by both backends, not in the rates above."
        for size, rate in prep_rates.items()
    ]
    for size, why in skipped.items():
        lines += ["", f"**{size:,} records: not measured** ({why})."]
    return "\n".join(lines) + "\n"


def write_section(
    results: list[Measure],
    sizes: list[int],
    skipped: dict[int, str],
    prep_rates: dict[int, float],
    loads: tuple[float, float],
) -> None:
    """Replace (or append) only this benchmark's section of docs/benchmarks.md."""
    text = DOCS_MD.read_text(encoding="utf-8") if DOCS_MD.exists() else "# Benchmarks\n"
    section = render(results, sizes, skipped, prep_rates, loads)
    if SECTION in text:
        head, rest = text.split(SECTION, 1)
        tail = rest.split("\n## ", 1)
        text = head + section + ("\n## " + tail[1] if len(tail) == 2 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOCS_MD.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[45_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=400, help="queries per backend and size")
    parser.add_argument("--rss-limit-mb", type=float, default=6000)
    parser.add_argument(
        "--budget-min", type=float, default=45, help="skip sizes projected to exceed this"
    )
    parser.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    args = parser.parse_args(argv)
    run(args.sizes, args.queries, not args.no_write, args.rss_limit_mb, args.budget_min * 60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
