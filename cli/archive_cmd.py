"""Commands: archive_cmd (owner fills in)."""

from cli.app import main  # noqa: F401
