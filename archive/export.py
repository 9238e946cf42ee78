"""The export: every current record, one JSON object a line, in record_id order."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from archive.facade import Archive


def export_line(record_json: str) -> str:
    """One export line (compact JSON, UTF-8 characters kept as they are)."""
    return record_json + "\n"


def write_export(archive: Archive, out: TextIO) -> int:
    """Write every current record to ``out`` as JSON lines; returns how many."""
    count = 0
    for record in archive.iter_records():
        out.write(export_line(record.model_dump_json()))
        count += 1
    return count
