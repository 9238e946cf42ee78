"""`marriage-archive synth OUT --n N --seed S`: write a synthetic scan batch."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from cli.app import get_settings, main
from synth import FORMATS, SynthSummary, generate_batch


def _summary_table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title, show_header=False, title_justify="left")
    for key in sorted(counts):
        table.add_row(key, str(counts[key]))
    return table


def print_summary(console: Console, summary: SynthSummary) -> None:
    """A short human summary of what was written and where."""
    console.print(
        f"[bold green]wrote[/] {summary.records} records, {summary.pages} pages, "
        f"{summary.files} files in {summary.seconds:.1f} s "
        f"({summary.seconds_per_record:.2f} s/record)"
    )
    grid = Table.grid(padding=(0, 3))
    grid.add_row(
        _summary_table("era", summary.by_era),
        _summary_table("type", summary.by_type),
        _summary_table("format", summary.by_format),
        _summary_table("layout (pages)", summary.by_layout),
    )
    console.print(grid)
    console.print(f"scans: {summary.out / 'scans'}")
    console.print(f"truth: {summary.truth_path}")


@main.command("synth")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--n", "n", type=click.IntRange(min=1), default=20, show_default=True, help="Number of records."
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Random seed; the same seed writes identical files.",
)
@click.option(
    "--format",
    "formats",
    type=click.Choice(FORMATS),
    multiple=True,
    help="Limit file formats (repeatable). Default: all.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes making records in parallel (output is identical).",
)
def synth_command(out: Path, n: int, seed: int, formats: tuple[str, ...], workers: int) -> None:
    """Write realistic synthetic scans to OUT/scans and their truth to OUT/truth.jsonl."""
    get_settings()  # logging configured once, like every command
    console = Console()
    with Progress(console=console, transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("synthesizing", total=n)
        summary = generate_batch(
            out,
            n,
            seed,
            formats=formats or None,
            progress=lambda done, total: bar.update(task, completed=done),
            workers=workers,
        )
    print_summary(console, summary)
