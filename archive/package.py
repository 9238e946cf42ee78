"""What goes into a record's package, and writing one version of it to staging.

Logical layout of an object (OCFL state paths)::

    master/000.tif            the original input files, byte-exact
    access/page-000.jpg       prepared (upright, deskewed) page; field boxes refer to it
    access/original-000.jpg   the untouched page as scanned, rendered for browsers
    access/record.pdf         prepared pages + invisible OCR text layer
    metadata/record.json      the Record of this version (export format)
    metadata/sources.json     original relative paths, sizes and digests of the masters
    metadata/lines.json       the OCR lines (engine-neutral) the PDF text layer came from
    metadata/history.json     every field version so far (who, when, old, new, why)
    metadata/fixity/sm3-v1.json  SM3 (GB/T 32905) of the content stored in v1 (optional)

A correction writes only ``metadata/record.json`` and ``metadata/history.json``
as a new version; every earlier file stays where it is, byte-identical.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from archive import ocfl
from archive.accesspdf import build_access_pdf
from archive.hashing import Digest, digest_bytes, digest_file
from archive.storage import new_staging_dir, write_tree_verified
from schemas.errors import FixityError
from schemas.model import TextLine

RECORD_JSON = "metadata/record.json"
HISTORY_JSON = "metadata/history.json"
SOURCES_JSON = "metadata/sources.json"
LINES_JSON = "metadata/lines.json"
SM3_PREFIX = "metadata/fixity/sm3-v"


@dataclass(frozen=True)
class Entry:
    """A file of a new version: logical path, content (bytes or a file), digests."""

    logical: str
    data: bytes | Path
    digest: Digest

    def content_file(self) -> ocfl.ContentFile:
        d = self.digest
        return ocfl.ContentFile(self.logical, d.sha256, d.size, d.sm3)


@dataclass(frozen=True)
class PackageFile:
    """A file inside an object root, as recorded in the catalog for fixity."""

    path: str
    size: int
    sha256: str
    sm3: str | None = None


def json_bytes(value: Any) -> bytes:
    """Stable JSON serialisation for metadata files."""
    return (json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def master_name(position: int, relpath: str) -> str:
    """``master/000.tif``: safe content path whatever the original name's encoding."""
    suffix = Path(relpath).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,8}", suffix) else ""
    return f"master/{position:03d}{suffix}"


def entry_from_bytes(logical: str, data: bytes, sm3: bool) -> Entry:
    return Entry(logical, data, digest_bytes(data, sm3))


def first_version_entries(
    record_json: bytes,
    history_json: bytes,
    sources: list[Any],
    pages: list[Any],
    lines: list[TextLine],
    sm3: bool,
) -> list[Entry]:
    """All entries of v1. Masters are hashed here and must match the ingest digest."""
    entries: list[Entry] = []
    source_meta = []
    for position, source in enumerate(sources):
        digest = digest_file(source.path, sm3)
        if digest.sha256 != source.sha256:
            raise FixityError(
                f"Source file {source.relpath} changed since it was read (digest differs); "
                "nothing was archived. Let the scanner finish writing and rerun the batch."
            )
        logical = master_name(position, source.relpath)
        entries.append(Entry(logical, source.path, digest))
        source_meta.append(
            {
                "position": position,
                "relpath": source.relpath,
                "sha256": digest.sha256,
                "size": digest.size,
                "stored_as": logical,
            }
        )
    for index, page in enumerate(pages):
        entries.append(entry_from_bytes(f"access/page-{index:03d}.jpg", page.prepared_jpeg, sm3))
        entries.append(
            entry_from_bytes(f"access/original-{index:03d}.jpg", page.original_jpeg, sm3)
        )
    if pages:
        entries.append(entry_from_bytes("access/record.pdf", build_access_pdf(pages, lines), sm3))
    lines_meta = [line.model_dump(mode="json") for line in lines]
    entries.append(entry_from_bytes(LINES_JSON, json_bytes(lines_meta), sm3))
    entries.append(entry_from_bytes(SOURCES_JSON, json_bytes(source_meta), sm3))
    entries.extend(metadata_entries(record_json, history_json, sm3))
    return entries


def sm3_entry(version: int, entries: list[Entry], known: set[str]) -> Entry:
    """``metadata/fixity/sm3-vN.json``: SM3 of the content first stored in version N."""
    listing = {
        ocfl.content_path(version, e.logical): e.digest.sm3
        for e in entries
        if e.digest.sm3 and e.digest.sha256 not in known
    }
    body = {
        "algorithm": "sm3",
        "standard": "GB/T 32905-2016",
        "files": dict(sorted(listing.items())),
    }
    return entry_from_bytes(f"{SM3_PREFIX}{version}.json", json_bytes(body), sm3=True)


def metadata_entries(record_json: bytes, history_json: bytes, sm3: bool) -> list[Entry]:
    """The two files every version writes."""
    return [
        entry_from_bytes(RECORD_JSON, record_json, sm3),
        entry_from_bytes(HISTORY_JSON, history_json, sm3),
    ]


def stage_version(
    root: Path, inv: dict[str, Any], entries: list[Entry], new_object: bool, sm3: bool
) -> tuple[Path, list[PackageFile]]:
    """Write one version into ``root/.staging``; every file verified after fsync.

    Returns the staged folder (the object root for a new object, else a folder
    holding ``vN/`` and the new root inventory) and the files it adds or replaces.
    """
    staged = new_staging_dir(root) / "object"
    head = inv["head"]
    by_logical = {e.logical: e for e in entries}
    plan: dict[str, tuple[bytes | Path, str]] = {}
    files: list[PackageFile] = []
    for logical, cpath in sorted(ocfl.new_content_paths(inv).items()):
        d = by_logical[logical].digest
        plan[cpath] = (by_logical[logical].data, d.sha256)
        files.append(PackageFile(cpath, d.size, d.sha256, d.sm3))
    inv_bytes = ocfl.inventory_bytes(inv)
    side = ocfl.sidecar_bytes(inv_bytes)
    small = {
        f"{head}/{ocfl.INVENTORY}": inv_bytes,
        f"{head}/{ocfl.SIDECAR}": side,
        ocfl.INVENTORY: inv_bytes,
        ocfl.SIDECAR: side,
    }
    if new_object:
        small[ocfl.OCFL_OBJECT_NAMASTE] = b"ocfl_object_1.1\n"
    for rel, data in small.items():
        d = digest_bytes(data, sm3)
        plan[rel] = (data, d.sha256)
        files.append(PackageFile(rel, d.size, d.sha256, d.sm3))
    write_tree_verified(staged, plan)
    return staged, files


def read_inventory(object_root: Path) -> dict[str, Any]:
    """Parse an object's root inventory (raises OSError / ValueError)."""
    data: dict[str, Any] = json.loads((object_root / ocfl.INVENTORY).read_bytes())
    return data
