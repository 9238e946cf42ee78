"""`marriage-archive ingest DIR`: a thin shell over :func:`ingest.run_batch`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from cli.app import get_settings, main
from ingest import BatchResult, run_batch


def _summary_table(result: BatchResult) -> Table:
    counts = result.counts
    table = Table(title=f"batch {result.batch_id}", show_header=True)
    table.add_column("outcome")
    table.add_column("files", justify="right")
    for label, key in (
        ("ingested", "ingested"),
        ("  auto-accepted", "auto_accepted"),
        ("  needs review", "needs_review"),
        ("skipped (already archived)", "skipped"),
        ("rejected", "rejected"),
        ("failed", "failed"),
    ):
        table.add_row(label, str(counts[key]))
    for reason, count in result.reject_reasons.items():
        table.add_row(f"  reason: {reason}", str(count))
    return table


@main.command("ingest")
@click.argument("batch_dir", type=click.Path(path_type=Path, file_okay=False))
@click.option("--workers", type=click.IntRange(min=1), help="Worker processes (default: cores).")
@click.option(
    "--engine", type=click.Choice(["rapidocr", "tesseract"]), help="OCR engine (default: setting)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
def ingest_cmd(batch_dir: Path, workers: int | None, engine: str | None, as_json: bool) -> None:
    """Ingest a batch folder: resumable, idempotent; exit code = worst outcome.

    Exit codes: 0 all ingested or skipped, 3 some need review, 4 some rejected
    (see the rescan list), 5 some failed, 75 another run holds this folder.
    """
    settings = get_settings()
    result = run_batch(
        settings, batch_dir, workers=workers, engine=engine, progress=sys.stderr.isatty()
    )
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        console = Console()
        console.print(_summary_table(result))
        if result.pages and result.seconds:
            console.print(
                f"{result.pages} pages in {result.seconds:.1f} s "
                f"({result.pages * 60 / result.seconds:.1f} pages/min)"
            )
        if result.counts["rejected"] or result.counts["failed"]:
            console.print(f"rescan list: {result.rescan_csv}")
    sys.exit(result.exit_code)
