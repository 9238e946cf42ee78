"""Commands: serve, reindex, user create (thin shells over search_api)."""

from __future__ import annotations

import click

from cli.app import get_settings, main


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--threads",
    default=None,
    type=click.IntRange(1, 64),
    help="Python threads per server process [default: setting SERVE_THREADS, 4].",
)
@click.option(
    "--processes",
    default=None,
    type=click.IntRange(1, 64),
    help="Server processes sharing the port [default: setting SERVE_PROCESSES, 0 = cores].",
)
def serve(host: str, port: int, threads: int | None, processes: int | None) -> None:
    """Serve the clerk web app and the APIs (granian); the index follows the catalog."""
    from search_api import serve as serve_app

    settings = get_settings()
    click.echo(f"marriage-archive: http://{host}:{port}/  (Ctrl+C to stop)")
    serve_app(settings, host=host, port=port, threads=threads, processes=processes)


@main.command()
def reindex() -> None:
    """Rebuild the search index from the catalog (new file, then an atomic rename)."""
    import time

    from archive import Archive
    from search_api.search.feed import rebuild_index
    from search_api.search.registry import get_backend

    settings = get_settings()
    started = time.perf_counter()
    archive = Archive.open(settings)
    backend = get_backend(settings)
    try:
        count = rebuild_index(archive, backend)
    finally:
        backend.close()
        archive.close()
    seconds = time.perf_counter() - started
    click.echo(f"reindexed {count} records into the {backend.name} index in {seconds:.1f} s")


@main.group()
def user() -> None:
    """Manage web users (roles: clerk, reviewer, operator, admin)."""


@user.command("create")
@click.option("--username", required=True)
@click.option(
    "--role", required=True, type=click.Choice(["clerk", "reviewer", "operator", "admin"])
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for when omitted (never put it in shell history on shared machines).",
)
def user_create(username: str, role: str, password: str) -> None:
    """Create a web user."""
    from search_api.auth import create_user

    created = create_user(get_settings(), username, password, role)
    click.echo(f"created user {created.username} with role {created.role}")


@user.command("list")
def user_list() -> None:
    """List web users and their roles."""
    from search_api.auth import list_users

    for entry in list_users(get_settings()):
        click.echo(f"{entry.username}\t{entry.role}")
