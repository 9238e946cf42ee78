"""Regenerate ``schemas/record.schema.json`` from the record model.

Run ``python -m schemas.gen_schema`` after changing :mod:`schemas.model`;
``--check`` exits 1 when the committed file is stale (CI / tests use this).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from schemas.model import record_json_schema

SCHEMA_PATH = Path(__file__).with_name("record.schema.json")


def render_schema() -> str:
    """The exact text the committed schema file must have."""
    return json.dumps(record_json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schema(path: Path = SCHEMA_PATH) -> bool:
    """Write the schema atomically; True when the file changed."""
    text = render_schema()
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    staging = path.with_suffix(".json.tmp")
    staging.write_text(text, encoding="utf-8")
    staging.replace(path)
    return True


def main(argv: list[str] | None = None) -> int:
    """Command line: regenerate (default) or ``--check``."""
    args = sys.argv[1:] if argv is None else argv
    if "--check" in args:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
        if current != render_schema():
            sys.stderr.write(f"{SCHEMA_PATH} is stale: run python -m schemas.gen_schema\n")
            return 1
        return 0
    changed = write_schema()
    sys.stderr.write(f"{SCHEMA_PATH} {'written' if changed else 'already current'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
