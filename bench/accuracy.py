"""OCR and extraction accuracy on a fresh synthetic corpus: `python -m bench.accuracy`.

For every record of a synth corpus (``--n`` records, ``--seed`` never used in
development) this loads the scans, prepares each page with ingest's page
preparation (orientation, deskew, seal suppression), reads the record with
``ocr.read_record`` and compares the result with ``truth.jsonl``:

* per era and per field: exact-match rate (over fields present in truth);
* precision of auto-accepted fields (every non-null value of an auto-accepted
  record, checked against truth; a value where truth has none counts wrong);
* share of records auto-accepted;
* orientation accuracy and residual skew of the prepared pages.

``--geometry truth`` un-rotates pages with the truth's angles instead (OCR +
extraction only). Results go to docs/benchmarks.md, section
"## OCR and extraction accuracy (bench/accuracy.py)", with ``--write-docs``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

SECTION = "## OCR and extraction accuracy (bench/accuracy.py)"
RECORD_FIELDS = ("record_type", "registration_date", "certificate_no", "office")
PARTY_FIELDS = ("name", "sex", "birth_date", "age", "id_number", "ethnicity")
FIELD_GROUPS = {
    "id_number": "ids",
    "registration_date": "dates",
    "birth_date": "dates",
    "name": "names",
}


def ensure_corpus(out: Path, n: int, seed: int) -> Path:
    """Generate the synth corpus once (reused when truth.jsonl is already there)."""
    truth = out / "truth.jsonl"
    if not truth.exists():
        from synth import generate_batch

        generate_batch(out, n, seed)
    return truth


def load_truth(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


class PageSource:
    """Decoded pages of the corpus files (each file decoded once)."""

    def __init__(self, scans: Path, settings: Any):
        self.scans, self.settings = scans, settings
        self._cache: dict[str, list[np.ndarray]] = {}

    def page(self, source: str, index: int) -> np.ndarray:
        if source not in self._cache:
            from ingest.intake import read_head, sniff_type
            from ingest.loading import load_pages

            path = self.scans / source
            kind = sniff_type(read_head(path)) or ""
            self._cache = {source: [p.image for p in load_pages(path, kind, self.settings)]}
        return self._cache[source][index]


def prepare(rgb: np.ndarray, applied: dict[str, Any], geometry: str, engine: Any) -> tuple:
    """(ocr image, found rotation, found skew) for one page."""
    from ingest.document import Readers
    from ingest.prepare import prepare_page, upright
    from ingest.seal import suppress_red_seal

    if geometry == "truth":
        clean = suppress_red_seal(rgb)
        return upright(clean, applied["rotation"], applied["skew_deg"]), None, None

    # The probe scores lines as an ingest worker does (the engine's own score_lines).
    prepared = prepare_page(rgb, Readers(engine).line_scorer())
    return prepared.ocr_image, prepared.rotation, prepared.skew_deg


def _party_by_role(record: dict[str, Any] | Any, role: str) -> dict[str, Any]:
    parties = (
        record["parties"] if isinstance(record, dict) else [p.model_dump() for p in record.parties]
    )
    return next((p for p in parties if p["role"] == role), {})


def compare(truth: dict[str, Any], reading: Any) -> list[tuple[str, Any, Any]]:
    """``(field, truth value, read value)`` for every field of the record."""
    rows = [(f, truth.get(f), getattr(reading, f)) for f in RECORD_FIELDS]
    for role in ("husband", "wife"):
        t, r = _party_by_role(truth, role), _party_by_role(reading, role)
        rows += [(f"{role}.{f}", t.get(f), r.get(f)) for f in PARTY_FIELDS]
    return rows


class Tally:
    """Counters per era and field."""

    def __init__(self) -> None:
        self.match: Counter[tuple[str, str]] = Counter()
        self.total: Counter[tuple[str, str]] = Counter()
        self.acc_right: Counter[str] = Counter()
        self.acc_wrong: Counter[str] = Counter()
        self.records: Counter[str] = Counter()
        self.accepted: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.wrong_accepted: list[str] = []
        self.pages = 0
        self.rotation_ok = 0
        self.skew_errors: list[float] = []
        self.seconds = 0.0

    def add(self, era: str, rid: str, rows: list[tuple[str, Any, Any]], accepted: bool) -> None:
        self.records[era] += 1
        self.accepted[era] += accepted
        for field, want, got in rows:
            short = field.split(".")[-1]
            if want is not None:
                self.total[(era, short)] += 1
                self.match[(era, short)] += want == got
            if accepted and got is not None and not (short == "record_type" and got == "unknown"):
                if want == got:
                    self.acc_right[era] += 1
                else:
                    self.acc_wrong[era] += 1
                    self.wrong_accepted.append(f"{rid} {field}")


def _rate(a: float, b: float, digits: int = 1) -> str:
    return f"{100 * a / b:.{digits}f}%" if b else "n/a"


def report(t: Tally, args: argparse.Namespace, eras: list[str]) -> str:
    fields = (*RECORD_FIELDS, *PARTY_FIELDS)
    lines = [
        SECTION,
        "",
        f"Corpus: `synth --n {args.n} --seed {args.seed}`, {sum(t.records.values())} records read ("
        f"{t.pages} pages); engine `{args.engine}`, second opinion "
        f"`{'off' if args.no_second_opinion else 'on'}`; page geometry from "
        f"{'ingest.prepare_page' if args.geometry == 'prepared' else 'TRUTH (OCR+extraction only)'}"
        f"; {t.seconds:.0f} s wall with {args.workers} process(es) on this 2-core machine "
        f"({t.seconds / max(1, t.pages):.1f} s/page).",
        "",
        "| era | records | auto-accepted | precision of auto-accepted fields |",
        "|---|---|---|---|",
    ]
    for era in [*eras, "all"]:
        recs = sum(t.records.values()) if era == "all" else t.records[era]
        acc = sum(t.accepted.values()) if era == "all" else t.accepted[era]
        right = sum(t.acc_right.values()) if era == "all" else t.acc_right[era]
        wrong = sum(t.acc_wrong.values()) if era == "all" else t.acc_wrong[era]
        lines.append(
            f"| {era} | {recs} | {_rate(acc, recs)} | {_rate(right, right + wrong, 2)} "
            f"({wrong} wrong of {right + wrong}) |"
        )
    lines += [
        "",
        "Exact match per field (over records whose truth has the field):",
        "",
        "| field | " + " | ".join([*eras, "all"]) + " |",
        "|---|" + "---|" * (len(eras) + 1),
    ]
    for f in fields:
        cells = [_rate(t.match[(e, f)], t.total[(e, f)]) for e in eras]
        cells.append(_rate(sum(t.match[(e, f)] for e in eras), sum(t.total[(e, f)] for e in eras)))
        lines.append(f"| {f} | " + " | ".join(cells) + " |")
    if args.geometry == "prepared" and t.pages:
        within = sum(e <= 0.5 for e in t.skew_errors)
        lines += [
            "",
            f"Orientation correct: {_rate(t.rotation_ok, t.pages)} of {t.pages} pages; "
            f"residual skew <= 0.5 deg on {_rate(within, len(t.skew_errors))} of pages "
            f"(median {np.median(t.skew_errors) if t.skew_errors else 0:.2f} deg).",
        ]
    top = ", ".join(f"`{r}` {n}" for r, n in t.reasons.most_common(8))
    lines += ["", f"Most frequent review reasons: {top}.", ""]
    if t.wrong_accepted:
        lines += ["Wrong values in auto-accepted records: " + ", ".join(t.wrong_accepted[:20]), ""]
    return "\n".join(lines)


def write_docs(text: str, path: Path = Path("docs/benchmarks.md")) -> None:
    """Replace (or append) only this benchmark's section of docs/benchmarks.md."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(SECTION) + r".*?(?=\n## |\Z)", re.S)
    new = (
        pattern.sub(lambda _m: text.rstrip() + "\n", old)
        if pattern.search(old)
        else (old.rstrip() + "\n\n" + text.rstrip() + "\n")
    )
    tmp = path.with_suffix(".md.tmp")
    tmp.write_text(new, encoding="utf-8")
    tmp.replace(path)


def _reason_kind(reason: str) -> str:
    return re.sub(r"parties\[\d\]\.", "", reason)


def _cache_path(args: argparse.Namespace, record_id: str) -> Path | None:
    if not args.cache:
        return None
    folder = Path(args.cache) / f"{args.engine}-{args.geometry}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{record_id}.json"


def _page_paths(path: Path, count: int) -> list[Path]:
    return [path.with_name(f"{path.stem}-p{i}.png") for i in range(count)]


def _load_cached(path: Path) -> tuple[list, list, list | None]:
    """Cached lines and geometry, and the prepared pages when they were kept."""
    import cv2

    from schemas.model import TextLine

    data = json.loads(path.read_text(encoding="utf-8"))
    lines = [TextLine.model_validate(x) for x in data["lines"]]
    files = _page_paths(path, len(data["geometry"]))
    pages = None
    if all(f.exists() for f in files):
        pages = [cv2.cvtColor(cv2.imread(str(f)), cv2.COLOR_BGR2RGB) for f in files]
    return lines, data["geometry"], pages


def _save_cached(path: Path, lines: list, geo: list, pages: list) -> None:
    """Keep the recognized lines and the prepared pages (lossless) for later runs."""
    import cv2

    for file, page in zip(_page_paths(path, len(pages)), pages, strict=True):
        cv2.imwrite(
            str(file), cv2.cvtColor(page, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_PNG_COMPRESSION, 1]
        )
    data = {"lines": [x.model_dump() for x in lines], "geometry": geo}
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


class _Context:
    """What one process needs to read records: settings, engines, decoded pages."""

    def __init__(self, args: argparse.Namespace):
        from ocr import get_engine, other_engine_name
        from schemas.settings import load_settings

        self.args = args
        settings = load_settings()
        self.engine = get_engine(args.engine, settings)
        self.second = (
            None if args.no_second_opinion else get_engine(other_engine_name(args.engine), settings)
        )
        self.pages = PageSource(Path(args.out) / "scans", settings)


_CTX: _Context | None = None


def _init_worker(args: argparse.Namespace) -> None:
    global _CTX
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    _CTX = _Context(args)


def evaluate(truth: dict[str, Any]) -> dict[str, Any]:
    """Read one record of the corpus the way ingest does and compare it with its truth.

    Uncached: prepared pages -> ``ocr.read_record`` (recognition, extraction, the
    ID re-read, the second opinion when on, the verdict). Cached (development
    only, ``--cache``): the whole reading path on the lines recognized and the
    pages prepared earlier (every re-read and the second opinion run); entries
    saved without pages give extraction and verdict only, without second opinion.
    """
    from ocr import assess, extract_fields, read_record

    assert _CTX is not None
    ctx, args = _CTX, _CTX.args
    cached = _cache_path(args, truth["record_id"])
    hit = _load_cached(cached) if cached and cached.exists() else None
    if hit is not None and hit[2] is not None:
        lines, geo, pages = hit
        reading = read_record(pages, ctx.engine, ctx.second, lines=lines)
    elif hit is not None and ctx.second is None:
        lines, geo, _ = hit
        reading = assess(extract_fields(lines))
    else:
        images, geo = [], []
        for page, applied in zip(truth["pages"], truth["applied"], strict=True):
            rgb = ctx.pages.page(page["source"], page["page_index"])
            image, rotation, skew = prepare(rgb, applied, args.geometry, ctx.engine)
            images.append(image)
            geo.append((rotation, skew))
        reading = read_record(images, ctx.engine, ctx.second)
        if cached:
            _save_cached(cached, reading.lines, geo, images)
    return {
        "truth": truth,
        "rows": compare(truth, reading),
        "geo": geo,
        "accepted": not reading.review_reasons,
        "reasons": reading.review_reasons,
    }


def run(args: argparse.Namespace) -> Tally:
    corpus = Path(args.out)
    truth_rows = load_truth(ensure_corpus(corpus, args.n, args.seed))[: args.limit or None]
    tally = Tally()
    started = time.perf_counter()
    results: Iterator[dict[str, Any]]
    if args.workers > 1:
        import multiprocessing

        pool = multiprocessing.get_context("spawn").Pool(
            args.workers, initializer=_init_worker, initargs=(args,)
        )
        results = pool.imap(evaluate, truth_rows)
    else:
        _init_worker(args)
        pool = None
        results = iter(map(evaluate, truth_rows))
    try:
        for n, result in enumerate(results, 1):
            _tally_one(tally, result, args, n, len(truth_rows))
            if args.time_budget and time.perf_counter() - started > args.time_budget:
                print(f"time budget spent after {n} of {len(truth_rows)} records", flush=True)
                break
    finally:
        if pool is not None:
            pool.terminate()
    tally.seconds = time.perf_counter() - started
    return tally


def _tally_one(tally: Tally, result: dict[str, Any], args: argparse.Namespace, n: int, of: int):
    truth, rows, accepted = result["truth"], result["rows"], result["accepted"]
    for (rotation, skew), applied in zip(result["geo"], truth["applied"], strict=True):
        tally.pages += 1
        if rotation is not None:
            tally.rotation_ok += rotation == applied["rotation"]
            tally.skew_errors.append(abs(skew - applied["skew_deg"]))
    tally.add(truth["era"], truth["record_id"], rows, accepted)
    tally.reasons.update({_reason_kind(r) for r in result["reasons"]})
    if args.verbose:
        bad = [(f, w, g) for f, w, g in rows if w != g]
        verdict = "ACCEPT" if accepted else "review"
        print(truth["record_id"], truth["era"], verdict, bad, result["reasons"][:6], flush=True)
    elif n % 25 == 0:
        print(f"{n}/{of} records", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--seed", type=int, default=990001)
    parser.add_argument(
        "--out", default=None, help="corpus folder (default data/bench/accuracy-SEED-N)"
    )
    parser.add_argument("--engine", default="rapidocr", choices=("rapidocr", "tesseract"))
    parser.add_argument("--no-second-opinion", action="store_true")
    parser.add_argument("--geometry", default="prepared", choices=("prepared", "truth"))
    parser.add_argument("--limit", type=int, default=0, help="only the first N records")
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument(
        "--time-budget", type=float, default=0, help="stop after this many seconds (0: none)"
    )
    parser.add_argument(
        "--cache",
        default=None,
        help="keep recognized lines here (development: re-run extraction only)",
    )
    parser.add_argument(
        "--workers", type=int, default=1, help="processes reading records in parallel"
    )
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    args.out = args.out or f"data/bench/accuracy-{args.seed}-{args.n}"
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    tally = run(args)
    eras = sorted(tally.records)
    text = report(tally, args, eras)
    print(text)
    if args.write_docs:
        write_docs(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
