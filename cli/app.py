"""The `marriage-archive` click group: settings at the edge, errors translated once."""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from schemas.errors import MarriageArchiveError
from schemas.logging_setup import configure_logging
from schemas.settings import Settings, load_settings


class _Group(click.Group):
    """Translates our errors to a message on stderr and their exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MarriageArchiveError as exc:
            click.secho(f"error [{exc.code}]: {exc.message}", fg="red", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group)
@click.version_option(package_name="marriage-archive")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Gaotai County marriage-registration archive: ingest, preserve, search, look up."""
    ctx.ensure_object(dict)


def get_settings(**overrides: Any) -> Settings:
    """Build the settings once per command (environment + config file + overrides)."""
    ctx = click.get_current_context()
    obj = ctx.find_root().ensure_object(dict)
    if "settings" not in obj:
        settings = load_settings(**{k: v for k, v in overrides.items() if v is not None})
        configure_logging(settings)
        obj["settings"] = settings
    return obj["settings"]


log = logging.getLogger("marriage_archive.cli")
