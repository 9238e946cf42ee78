"""Page preparation alone against synth's truth: `python -m bench.geometry`.

    OMP_THREAD_LIMIT=1 .venv/bin/python -m bench.geometry --n 100 --seed 31337

Every page of a synth corpus (generated once into ``--out``) is decoded with
ingest's loader and prepared with ``ingest.prepare_page``, the RapidOCR engine
judging the orientation exactly as ``bench/accuracy.py``'s ``prepare()`` does.
Against ``truth.jsonl`` it reports:

* orientation accuracy (found rotation == applied rotation; a page left as
  scanned with ``orientation_uncertain`` counts as rotation 0, as in
  bench/accuracy.py) and how many pages were flagged uncertain;
* residual skew ``|found - applied|`` (a skew left at 0 for low confidence
  counts its whole applied angle): share within 0.5 degrees, median, p95, max;
* CPU seconds of ``prepare_page`` per page (process time: the engine's threads
  included);
* the same per era, layout, dpi, file format, applied rotation and skew size,
  and one line per failing page (``--save DIR`` writes those pages, prepared,
  as PNG for a look, and the scan as ``.npy`` to re-run it).

``--stress K`` replaces the corpus by K pages per era x layout x quarter turn made
in memory with synth's own ``scan_page`` (forced geometry): the natural corpora
hold few turned pages and few vertical certificates.

Seeds 990001 and >= 7000000 are reserved for final measurements: do not develop
on them. Nothing is written to docs/ (the numbers go to docs/ingest.md by hand).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

SKEW_TOLERANCE_DEG = 0.5


@dataclass
class PageRow:
    """One prepared page against its truth."""

    record_id: str
    source: str
    page_index: int
    era: str
    layout: str
    dpi: int
    fmt: str
    rotation: int
    skew: float
    found_rotation: int
    found_skew: float
    skew_confidence: float
    orientation_confidence: float
    warnings: list[str] = field(default_factory=list)
    cpu_s: float = 0.0

    @property
    def rotation_ok(self) -> bool:
        return self.found_rotation == self.rotation

    @property
    def skew_error(self) -> float:
        return abs(self.found_skew - self.skew)

    @property
    def ok(self) -> bool:
        return self.rotation_ok and self.skew_error <= SKEW_TOLERANCE_DEG


def _skew_bucket(skew: float) -> str:
    size = abs(skew)
    return "|skew|<=2" if size <= 2 else "2<|skew|<=5" if size <= 5 else "|skew|>5"


def _groups(row: PageRow) -> dict[str, str]:
    return {
        "era": row.era,
        "layout": row.layout,
        "dpi": str(row.dpi),
        "format": row.fmt,
        "rotation": str(row.rotation),
        "skew": _skew_bucket(row.skew),
    }


def _load_rows(truth_path: Path, limit: int) -> list[dict[str, Any]]:
    rows = [json.loads(x) for x in truth_path.read_text(encoding="utf-8").splitlines() if x]
    return rows[: limit or None]


def corpus_pages(corpus: Path, limit: int = 0) -> Iterator[tuple[dict[str, Any], np.ndarray]]:
    """(truth of the page, decoded RGB page) for every page of a synth corpus folder."""
    from bench.accuracy import PageSource
    from schemas.settings import load_settings

    pages = PageSource(corpus / "scans", load_settings())
    for truth in _load_rows(corpus / "truth.jsonl", limit):
        for applied in truth["applied"]:
            meta = {
                **applied,
                "record_id": truth["record_id"],
                "era": truth["era"],
                "fmt": Path(applied["source"]).suffix.lstrip(".").lower(),
            }
            yield meta, pages.page(applied["source"], applied["page_index"])


def stress_pages(seed: int, per_case: int) -> Iterator[tuple[dict[str, Any], np.ndarray]]:
    """Pages made in memory for every era x layout x quarter turn (``per_case`` each).

    Half of the skews are drawn over the whole +-15 degrees, half as synth draws them;
    dpi 200 or 300; half go through a JPEG round trip (quality 70-92) as a JPEG or PDF
    file would.
    """
    import cv2

    from synth import make_record, scan_page
    from synth.layouts import ERA_LAYOUTS
    from synth.page import draw_skew

    index = 0
    for era, layouts in ERA_LAYOUTS.items():
        for layout in layouts:
            for rotation in (0, 90, 180, 270):
                for _ in range(per_case):
                    index += 1
                    rng = np.random.default_rng([seed, index])
                    spec = make_record(rng, f"stress-{seed}-{index:05d}", era, "marriage")
                    skew = (
                        round(float(rng.uniform(-15, 15)), 2)
                        if rng.random() < 0.5
                        else draw_skew(rng)
                    )
                    dpi = 300 if rng.random() < 0.4 else 200
                    shot = scan_page(spec, layout, dpi, rng, True, geometry=(rotation, skew))
                    pixels = shot.pixels
                    if pixels.ndim == 2:
                        pixels = cv2.cvtColor(pixels, cv2.COLOR_GRAY2RGB)
                    fmt = "raw"
                    if rng.random() < 0.5:
                        fmt = "jpeg"
                        quality = int(rng.integers(70, 93))
                        ok, buf = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
                        if ok:
                            pixels = np.asarray(cv2.imdecode(buf, cv2.IMREAD_COLOR))
                    meta = {
                        "record_id": spec.record_id,
                        "source": "memory",
                        "page_index": 0,
                        "era": era,
                        "layout": layout,
                        "dpi": dpi,
                        "fmt": fmt,
                        "rotation": rotation,
                        "skew_deg": skew,
                    }
                    yield meta, np.ascontiguousarray(pixels)


def measure(
    pages: Iterable[tuple[dict[str, Any], np.ndarray]], save: Path | None = None
) -> list[PageRow]:
    """Prepare every page and compare with its truth."""
    import cv2

    from ingest.prepare import prepare_page
    from ocr import get_engine
    from schemas.settings import load_settings

    engine = get_engine("rapidocr", load_settings())

    def scorer(crops: list[np.ndarray]) -> list[float]:
        return [conf for _text, conf in engine.recognize_lines(crops)]

    out: list[PageRow] = []
    for meta, rgb in pages:
        started = time.process_time()
        prepared = prepare_page(rgb, scorer)
        cpu = time.process_time() - started
        row = PageRow(
            record_id=meta["record_id"],
            source=meta["source"],
            page_index=meta["page_index"],
            era=meta["era"],
            layout=meta["layout"],
            dpi=meta["dpi"],
            fmt=meta["fmt"],
            rotation=meta["rotation"],
            skew=meta["skew_deg"],
            found_rotation=prepared.rotation,
            found_skew=prepared.skew_deg,
            skew_confidence=prepared.skew_confidence,
            orientation_confidence=prepared.orientation_confidence,
            warnings=list(prepared.warnings),
            cpu_s=round(cpu, 3),
        )
        out.append(row)
        if not row.ok:
            print("FAIL", _describe(row), flush=True)
            if save is not None:
                save.mkdir(parents=True, exist_ok=True)
                name = f"{row.record_id}-p{row.page_index}-{row.layout}.png"
                small = cv2.resize(prepared.image, None, fx=0.4, fy=0.4)
                cv2.imwrite(str(save / name), cv2.cvtColor(small, cv2.COLOR_RGB2BGR))
                np.save(save / f"{row.record_id}-p{row.page_index}.npy", rgb)
    engine.close()
    return out


def _describe(row: PageRow) -> str:
    return (
        f"{row.record_id} p{row.page_index} {row.era} {row.layout} {row.dpi}dpi {row.fmt}: "
        f"truth {row.rotation}/{row.skew:+.2f} found {row.found_rotation}/{row.found_skew:+.2f} "
        f"(skew conf {row.skew_confidence:.2f}, orient conf {row.orientation_confidence:.2f}) "
        f"{','.join(row.warnings) or '-'}"
    )


def _summary_line(label: str, rows: list[PageRow]) -> str:
    n = len(rows)
    errors = np.array([r.skew_error for r in rows])
    rot = sum(r.rotation_ok for r in rows)
    within = int((errors <= SKEW_TOLERANCE_DEG).sum())
    flagged = sum(bool(r.warnings) for r in rows)
    cpu = float(np.mean([r.cpu_s for r in rows]))
    return (
        f"| {label} | {n} | {100 * rot / n:.1f}% | {100 * within / n:.1f}% | "
        f"{np.median(errors):.2f} | {np.percentile(errors, 95):.2f} | {errors.max():.2f} | "
        f"{flagged} | {cpu:.2f} |"
    )


def report(rows: list[PageRow], title: str) -> str:
    """Markdown tables: all pages, then per group."""
    head = (
        "| pages | n | orientation right | skew err <= 0.5 | median err | p95 err | max err "
        "| flagged | CPU s/page |"
    )
    rule = "|---|---|---|---|---|---|---|---|---|"
    lines = [title, "", head, rule, _summary_line("all", rows)]
    by: dict[str, dict[str, list[PageRow]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        for group, key in _groups(row).items():
            by[group][key].append(row)
    for group in ("era", "layout", "dpi", "format", "rotation", "skew"):
        for key in sorted(by[group]):
            lines.append(_summary_line(f"{group} {key}", by[group][key]))
    failing = [r for r in rows if not r.ok]
    lines += ["", f"Failing pages: {len(failing)} of {len(rows)}"]
    lines += [f"- {_describe(r)}" for r in failing]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=100, help="records in the corpus")
    parser.add_argument("--seed", type=int, default=31337)
    parser.add_argument("--out", default=None, help="corpus folder (default data/bench/…)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N records")
    parser.add_argument("--save", default=None, help="write failing pages (prepared) here")
    parser.add_argument("--json", default=None, help="write one JSON row per page here")
    parser.add_argument(
        "--stress",
        type=int,
        default=0,
        help="instead of a corpus: K in-memory pages per era x layout x quarter turn",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    save = Path(args.save) if args.save else None
    if args.stress:
        source = stress_pages(args.seed, args.stress)
        title = f"Page preparation, stress pages (seed {args.seed}, {args.stress} per case)"
    else:
        corpus = Path(args.out or f"data/bench/geometry-{args.seed}-{args.n}")
        if not (corpus / "truth.jsonl").exists():
            from synth import generate_batch

            generate_batch(corpus, args.n, args.seed)
        source = corpus_pages(corpus, args.limit)
        title = f"Page preparation, corpus `synth --n {args.n} --seed {args.seed}`"
    started = time.perf_counter()
    rows = measure(source, save)
    wall = time.perf_counter() - started
    if not rows:
        print("no pages")
        return 1
    print(report(rows, f"{title}: {len(rows)} pages, {wall:.0f} s wall"))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
