"""`marriage-archive apikey create|list|revoke` and `marriage-archive audit verify`."""

from __future__ import annotations

import json
import sys

import click

from cli.app import get_settings, main


@main.group("apikey")
def apikey() -> None:
    """Issue, list and revoke API keys of inter-province clients."""


@apikey.command("create")
@click.option("--name", required=True, help='Client name, e.g. "四川省婚姻登记系统".')
@click.option(
    "--scope",
    required=True,
    type=click.Choice(["lookup", "records:read", "admin"]),
    help="What the key may call.",
)
@click.option(
    "--expires-days", type=click.IntRange(min=1), default=None, help="Expire after N days."
)
def apikey_create(name: str, scope: str, expires_days: int | None) -> None:
    """Issue a key and print it ONCE (only its hash is stored)."""
    from search_api.api.keys import create_key

    key = create_key(get_settings(), name, scope, expires_days)
    click.echo(key)
    click.echo("Store this key now: it cannot be shown again.", err=True)


@apikey.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per key.")
def apikey_list(as_json: bool) -> None:
    """Every key with its state (active, revoked, expired); never the key itself."""
    from search_api.api.keys import list_keys

    for client in list_keys(get_settings()):
        row = {
            "key_id": client.key_id,
            "name": client.name,
            "scope": client.scope,
            "state": client.state(),
            "created_at": client.created_at,
            "expires_at": client.expires_at,
            "revoked_at": client.revoked_at,
        }
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
        else:
            created = (row["created_at"] or "")[:10]
            expires = row["expires_at"] or "never"
            click.echo(
                f"{row['key_id']}  {row['state']:<8} {row['scope']:<13} {row['name']}"
                f"  (created {created}, expires {expires})"
            )


@apikey.command("revoke")
@click.argument("key_id")
def apikey_revoke(key_id: str) -> None:
    """Revoke a key by its id (see `apikey list`); effective on the next request."""
    from search_api.api.keys import revoke_key

    client = revoke_key(get_settings(), key_id)
    click.echo(f"revoked {client.key_id} ({client.name})")


@main.group("audit")
def audit() -> None:
    """The API audit log."""


@audit.command("verify")
def audit_verify() -> None:
    """Check the hash chain; exit 76 naming the first edited or deleted entry."""
    from schemas.errors import EXIT_FIXITY
    from search_api.api.audit import AuditLog

    log = AuditLog.open(get_settings())
    try:
        result = log.verify()
    finally:
        log.close()
    if result.ok:
        click.echo(f"audit log ok: {result.entries} entries, head {result.head_hash}")
        return
    click.secho(
        f"audit log TAMPERED at entry {result.first_bad_seq}: {result.problem}", fg="red", err=True
    )
    sys.exit(EXIT_FIXITY)
