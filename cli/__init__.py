"""cli: the `marriage-archive` console command, a thin shell over library functions.

Each command module registers itself on :data:`main`; each owner keeps its own file.
"""

from cli import (  # noqa: F401  (imported for their command registrations)
    api_cmd,
    archive_cmd,
    demo_cmd,
    ingest_cmd,
    synth_cmd,
    web_cmd,
)
from cli.app import main

__all__ = ["main"]
