"""`marriage-archive demo`: sample batch -> ingest -> serve, with a login and an API key.

A thin shell: each step is a library call owned by its package. The demo data
lives in the data home like any other batch, so a second `demo` run skips the
files it already archived (idempotent ingest) and just serves again.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from rich.console import Console

from cli.app import get_settings, main

DEMO_USER = "demo"


@main.command("demo")
@click.option("--n", "count", default=12, show_default=True, help="Sample records to generate.")
@click.option("--seed", default=2026, show_default=True, help="Seed of the sample batch.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=int, help="Ingest workers (default: cores).")
@click.option("--no-serve", is_flag=True, help="Stop after ingest (used by the tests).")
def demo(count: int, seed: int, host: str, port: int, workers: int | None, no_serve: bool) -> None:
    """Synth a sample batch, ingest it, serve it; print the URL and a login."""
    from ingest import run_batch
    from search_api import serve
    from search_api.api.keys import create_key
    from search_api.auth import create_user
    from synth import generate_batch

    console = Console(stderr=True)
    # The demo talks to a person: only warnings and errors as log lines.
    settings = get_settings(log_level="WARNING")
    batch_dir = settings.home / "demo-batch"
    scans = batch_dir / "scans"
    if not (batch_dir / "truth.jsonl").exists():
        console.print(f"[bold]1/4[/] generating {count} sample records (seed {seed})")
        generate_batch(batch_dir, count, seed)
    else:
        console.print(f"[bold]1/4[/] sample batch already present in {batch_dir}")

    console.print(f"[bold]2/4[/] ingesting {scans}")
    # We wrote these files ourselves and they are complete: no need to wait for
    # them to stop growing (the guard against files still arriving from a scanner).
    ingest_settings = settings.model_copy(update={"stable_seconds": 0.0})
    result = run_batch(ingest_settings, scans, workers=workers, progress=console.is_terminal)
    console.print(
        "      " + ", ".join(f"{name}: {value}" for name, value in sorted(result.counts.items()))
    )
    if result.rescan_csv:
        console.print(f"      rescan list: {result.rescan_csv}")

    password = secrets.token_urlsafe(9)
    create_user(settings, DEMO_USER, password, "admin", replace=True)
    api_key = create_key(settings, "演示客户端 (demo)", "lookup")
    credentials = settings.secrets_dir / "demo-login.txt"
    _write_demo_credentials(credentials, password, api_key, host, port)

    url = f"http://{host}:{port}/"
    console.print(f"[bold]3/4[/] demo login and API key (also in {credentials})")
    click.echo(f"URL:        {url}")
    click.echo(f"Login:      {DEMO_USER} / {password}   (role: admin)")
    click.echo(f"Lookup key: {api_key}   (scope: lookup; see docs/examples/)")
    if no_serve:
        return
    console.print(f"[bold]4/4[/] serving on {url}  (Ctrl-C to stop)")
    serve(settings, host, port)


def _write_demo_credentials(path: Path, password: str, key: str, host: str, port: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(
        f"url=http://{host}:{port}/\nuser={DEMO_USER}\npassword={password}\nlookup_key={key}\n",
        encoding="utf-8",
    )
