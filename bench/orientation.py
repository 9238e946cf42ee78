"""The quarter-turn probe alone against synth's truth: `python -m bench.orientation`.

    OMP_THREAD_LIMIT=1 .venv/bin/python -m bench.orientation --corpus /tmp/dev2 --json rows.jsonl

Every page of one or more synth corpus folders (``truth.jsonl`` + ``scans/``) is
prepared with ``ingest.prepare_page``, the RapidOCR engine (the recognizer of the
settings, ``MARRIAGE_ARCHIVE_OCR_REC_MODEL`` to change it) scoring the probe's
line crops exactly as ``bench/accuracy.py`` does. The probe reads ALL its crops
here (the early stop is replayed from the recorded scores with
:func:`ingest.prepare.decide_rotation`, which is what ``prepare_page`` decides),
so each page's row keeps every crop's four readings (text, confidence) and
another decision rule can be replayed offline (``--replay rows.jsonl``).

Reported per corpus: pages, right, wrong (listed), uncertain (the probe left the
page as scanned; a turned page left so counts as neither right nor wrong here,
but as wrong in bench/accuracy.py), the winning margin's distribution and the
CPU seconds of ``prepare_page`` per page (all crops read, so an upper bound).
``--stress SEED K`` reads bench/geometry.py's in-memory pages instead (K per era x
layout x quarter turn: the corpora hold few turned pages). Seeds 990001 and
>= 7000007 are reserved for final measurements.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np


def measure(
    corpus: Path | None, limit: int = 0, stress: tuple[int, int] = (0, 0)
) -> list[dict[str, Any]]:
    """One row per page: truth, the recorded readings, what the probe decided.

    ``stress`` (seed, K): instead of a corpus, bench/geometry.py's in-memory pages,
    K per era x layout x quarter turn.
    """
    from bench.geometry import corpus_pages, stress_pages
    from ingest import prepare
    from ocr import get_engine
    from schemas.settings import load_settings

    engine = get_engine("rapidocr", load_settings())
    calls: list[list[tuple[str, float]]] = []

    def scorer(crops: list[np.ndarray]) -> list[float]:
        read = engine.recognize_lines(crops)
        calls.append(read)
        return [conf for _text, conf in read]

    probes: list[int] = []  # index in ``calls`` where each probe starts
    find_rotation = prepare._find_rotation

    def probe(*args: Any) -> tuple[int | None, float]:
        probes.append(len(calls))
        return find_rotation(*args)

    rows: list[dict[str, Any]] = []
    clear = prepare.CLEAR_MARGIN
    prepare.CLEAR_MARGIN = float("inf")  # read every crop; the early stop is replayed
    prepare._find_rotation = probe  # type: ignore[assignment]
    try:
        pages = stress_pages(*stress) if corpus is None else corpus_pages(corpus, limit)
        label = f"stress {stress[0]} x{stress[1]}" if corpus is None else str(corpus)
        for meta, rgb in pages:
            calls.clear()
            probes.clear()
            started = time.process_time()
            prepare.prepare_page(rgb, scorer)
            cpu = time.process_time() - started
            # The first probe, then (on a page it left undecided) the second look.
            bounds = [*probes, len(calls)]
            looks = [_crops(calls[a:b]) for a, b in itertools.pairwise(bounds)]
            crops = looks[0] if looks else []
            rows.append(
                {
                    "corpus": label,
                    "record_id": meta["record_id"],
                    "page_index": meta["page_index"],
                    "era": meta["era"],
                    "layout": meta["layout"],
                    "truth": meta["rotation"],
                    "crops": crops,
                    "second": looks[1] if len(looks) > 1 else None,
                    "cpu_s": round(cpu, 3),
                }
            )
            print(_line(rows[-1]), flush=True)
    finally:
        prepare.CLEAR_MARGIN = clear
        prepare._find_rotation = find_rotation  # type: ignore[assignment]
    engine.close()
    return rows


def _crops(calls: list[list[tuple[str, float]]]) -> list[dict[str, list[Any]]]:
    """Each crop's four readings (scores and texts) from a probe's scorer calls."""
    crops: list[dict[str, list[Any]]] = []
    for read in calls:
        n = len(read) // 4
        for k in range(n):
            crops.append(
                {
                    "scores": [read[i * n + k][1] for i in range(4)],
                    "texts": [read[i * n + k][0] for i in range(4)],
                }
            )
    return crops


def per_crop(crops: list[dict[str, Any]]) -> list[dict[int, float]]:
    """Recorded crops as the probe's per-crop score dicts."""
    from ingest.prepare import ROTATIONS

    return [dict(zip(ROTATIONS, c["scores"], strict=True)) for c in crops]


def decide(row: dict[str, Any]) -> tuple[int | None, float, int]:
    """(rotation or None, margin, crops read) as prepare_page decides on this row:
    the first probe, else the second look (recorded only when the page was skewed)."""
    from ingest.prepare import decide_rotation

    first = decide_rotation(per_crop(row["crops"]))
    if first[0] is not None or not row.get("second"):
        return first
    second = decide_rotation(per_crop(row["second"]))
    return second[0], second[1], first[2] + second[2]


def _line(row: dict[str, Any]) -> str:
    rotation, margin, used = decide(row)
    verdict = "right" if rotation == row["truth"] else "WRONG"
    if rotation is None:
        verdict = "uncertain"
    return (
        f"{row['record_id']} p{row['page_index']} {row['era']} {row['layout']} "
        f"truth {row['truth']} found {rotation} margin {margin:.2f} crops {used}: {verdict}"
    )


def report(rows: list[dict[str, Any]]) -> str:
    """Per corpus: pages / right / wrong / uncertain, margins, CPU; failing pages listed."""
    out = [
        "| corpus | pages | right | wrong | uncertain | margin min / p5 / median "
        "| right margin < 1 | crops read / found (mean) | CPU s/page (all crops) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    corpora = sorted({r["corpus"] for r in rows})
    bad: list[str] = []
    for corpus in [*corpora, "all"] if len(corpora) > 1 else corpora:
        chosen = [r for r in rows if corpus in ("all", r["corpus"])]
        decided = [(r, *decide(r)) for r in chosen]
        right = [d for d in decided if d[1] == d[0]["truth"]]
        wrong = [d for d in decided if d[1] is not None and d[1] != d[0]["truth"]]
        unsure = [d for d in decided if d[1] is None]
        margins = np.array([d[2] for d in right]) if right else np.zeros(1)
        low = sum(m < 1.0 for m in margins)
        cpu = float(np.mean([r["cpu_s"] for r in chosen]))
        read = float(np.mean([d[3] for d in decided]))
        found = float(np.mean([len(r["crops"]) for r in chosen]))
        out.append(
            f"| {corpus} | {len(chosen)} | {len(right)} | {len(wrong)} | {len(unsure)} | "
            f"{margins.min():.2f} / {np.percentile(margins, 5):.2f} / {np.median(margins):.2f} "
            f"| {low} | {read:.1f} / {found:.1f} | {cpu:.2f} |"
        )
        if corpus != "all":
            bad += [_line(d[0]) for d in wrong + unsure]
    return "\n".join([*out, "", "Wrong or uncertain pages:", *bad])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", action="append", default=[], help="synth corpus folder")
    parser.add_argument("--limit", type=int, default=0, help="only the first N records")
    parser.add_argument("--json", default=None, help="append one JSON row per page here")
    parser.add_argument(
        "--stress", nargs=2, type=int, metavar=("SEED", "K"), help="in-memory turned pages"
    )
    parser.add_argument("--replay", action="append", default=[], help="rows written by --json")
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    rows: list[dict[str, Any]] = []
    for path in args.replay:
        text = Path(path).read_text(encoding="utf-8")
        rows += [json.loads(x) for x in text.splitlines() if x]
    sources: list[tuple[Path | None, tuple[int, int]]] = [(Path(c), (0, 0)) for c in args.corpus]
    if args.stress:
        sources.append((None, (args.stress[0], args.stress[1])))
    for corpus, stress in sources:
        found = measure(corpus, args.limit, stress)
        rows += found
        if args.json:
            with open(args.json, "a", encoding="utf-8") as fh:
                fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in found)
    if not rows:
        print("no pages")
        return 1
    print(report(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
