"""Commands of the archive: `verify`, `rebuild-catalog`, `export` (thin shells)."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

import click

from archive import Archive, VerifyReport, write_export
from cli.app import get_settings, main
from schemas.errors import EXIT_FIXITY


def _report_dict(report: VerifyReport) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for finding in report.findings:
        counts[finding.category] = counts.get(finding.category, 0) + 1
    return {
        "ok": report.ok,
        "files_checked": report.files_checked,
        "bytes_checked": report.bytes_checked,
        "degraded": report.degraded,
        "counts": counts,
        "findings": [dataclasses.asdict(f) for f in report.findings],
    }


def _print_human(report: VerifyReport) -> None:
    click.echo(
        f"checked {report.files_checked} files, {report.bytes_checked / 1e6:.1f} MB in both copies"
    )
    for state in report.degraded:
        click.secho(f"DEGRADED: {state}", fg="yellow")
    for f in report.findings:
        line = f"{f.category:<16} copy {f.copy}  record {f.record_id or '-'}  {f.path or '-'}"
        if f.expected or f.actual:
            line += f"  expected {f.expected}  actual {f.actual}"
        if f.detail:
            line += f"  ({f.detail})"
        click.secho(line, fg="green" if f.category == "repaired" else "red")
    click.secho("OK" if report.ok else "FIXITY PROBLEMS FOUND", fg="green" if report.ok else "red")


@main.command("verify")
@click.option("--repair", is_flag=True, help="Restore damaged copies from the healthy one.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify_cmd(repair: bool, as_json: bool) -> None:
    """Fixity audit of both copies against the catalog (exit 76 on any finding)."""
    with Archive.open(get_settings()) as archive:
        if not sys.stderr.isatty():
            report = archive.verify(repair=repair)
        else:
            with click.progressbar(length=1, label="verifying", file=sys.stderr) as bar:

                def progress(done: int, total: int) -> None:
                    bar.length = max(total, 1)
                    bar.update(done - bar.pos)

                report = archive.verify(repair=repair, progress=progress)
    if as_json:
        click.echo(json.dumps(_report_dict(report), ensure_ascii=False, indent=2))
    else:
        _print_human(report)
    if not report.ok:
        sys.exit(EXIT_FIXITY)


@main.command("rebuild-catalog")
@click.option(
    "--target",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the rebuilt catalog here instead of replacing the live one.",
)
def rebuild_catalog_cmd(target: Path | None) -> None:
    """Rebuild the catalog from the preservation packages (copy A, else B)."""
    with Archive.open(get_settings()) as archive:
        count = archive.rebuild_catalog(target)
    click.echo(
        f"rebuilt the catalog from the packages: {count} records"
        + (f" -> {target}" if target else "")
    )


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write to this file (atomically) instead of stdout.",
)
def export_cmd(fmt: str, output: Path | None) -> None:
    """Every current record, one JSON object a line, in record_id order."""
    with Archive.open(get_settings()) as archive:
        if output is None:
            write_export(archive, sys.stdout)
            return
        partial = output.with_name(output.name + ".partial")
        with partial.open("w", encoding="utf-8") as out:
            count = write_export(archive, out)
        partial.replace(output)
    click.echo(f"exported {count} records to {output}", err=True)
