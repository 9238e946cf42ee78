"""OCFL 1.1 storage roots, object paths and inventories (pure functions, no I/O
except :func:`init_storage_root`).

Each record is one OCFL object whose id is the record id. Object paths follow
the registered storage-layout extension ``0003-hash-and-id-n-tuple-storage-layout``
(two tuples of three hex characters of the id's SHA-256, then the percent-encoded
id): ``abc/def/GT-0123abcd…``. The inventory's ``digestAlgorithm`` is ``sha256``. SM3
(GB/T 32905) is not an OCFL-registered fixity algorithm, so SM3 digests go into a
content file per version (``metadata/fixity/sm3-vN.json``) instead of the
inventory's ``fixity`` block: the objects pass the OCFL reference validator.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OCFL_ROOT_NAMASTE = "0=ocfl_1.1"
OCFL_OBJECT_NAMASTE = "0=ocfl_object_1.1"
INVENTORY = "inventory.json"
SIDECAR = "inventory.json.sha256"
LAYOUT_EXTENSION = "0003-hash-and-id-n-tuple-storage-layout"
TUPLE_SIZE, NUMBER_OF_TUPLES = 3, 2
LAYOUT_CONFIG = {
    "extensionName": LAYOUT_EXTENSION,
    "digestAlgorithm": "sha256",
    "tupleSize": TUPLE_SIZE,
    "numberOfTuples": NUMBER_OF_TUPLES,
}
OBJECT_PATH_DEPTH = NUMBER_OF_TUPLES + 1  # tuples, then the id's encapsulation folder
# Files of the storage root itself (not part of any object).
ROOT_FILES = (
    OCFL_ROOT_NAMASTE,
    "ocfl_layout.json",
    f"extensions/{LAYOUT_EXTENSION}/config.json",
)
STAGING_DIR = ".staging"
QUARANTINE_DIR = ".quarantine"


def object_relpath(record_id: str) -> str:
    """Object root of ``record_id`` relative to the storage root (extension 0003).

    Two 3-hex-character tuples of sha256(id), then the id itself with every
    character outside ``[A-Za-z0-9_-]`` percent-encoded (UTF-8, lower-case hex);
    ids longer than 100 encoded characters are cut and suffixed with the digest.
    """
    digest = hashlib.sha256(record_id.encode("utf-8")).hexdigest()
    tuples = [digest[i * TUPLE_SIZE : (i + 1) * TUPLE_SIZE] for i in range(NUMBER_OF_TUPLES)]
    encoded = "".join(
        ch if re.fullmatch(r"[A-Za-z0-9_-]", ch) else "".join(f"%{b:02x}" for b in ch.encode())
        for ch in record_id
    )
    if len(encoded) > 100:
        encoded = f"{encoded[:100]}-{digest}"
    return "/".join([*tuples, encoded])


def init_storage_root(root: Path) -> None:
    """Create the OCFL storage root declaration files when missing."""
    root.mkdir(parents=True, exist_ok=True)
    files = {
        OCFL_ROOT_NAMASTE: "ocfl_1.1\n",
        "ocfl_layout.json": json.dumps(
            {
                "extension": LAYOUT_EXTENSION,
                "description": "2 tuples of 3 hex chars of sha256(id), then the encoded id",
            },
            indent=2,
        )
        + "\n",
        f"extensions/{LAYOUT_EXTENSION}/config.json": json.dumps(LAYOUT_CONFIG, indent=2) + "\n",
    }
    for name, text in files.items():
        path = root / name
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class ContentFile:
    """One file of a new version: its logical path and digests."""

    logical: str  # e.g. "master/000.tif", "metadata/record.json"
    sha256: str
    size: int
    sm3: str | None = None


def content_path(version: int, logical: str) -> str:
    """Where a file first stored in ``version`` lives inside the object."""
    return f"v{version}/content/{logical}"


def new_inventory(
    record_id: str,
    files: list[ContentFile],
    created: str,
    user: str,
    message: str,
    previous: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The inventory after adding a version with ``files``.

    Files whose logical path is not in ``files`` carry over from the previous
    head unchanged (their content stays where it was first written); content an
    earlier version already stored is not stored again (OCFL deduplication).
    Within one version every file is stored, so ``v1/content/<logical>`` always
    exists for files of the first version.
    """
    version = 1 if previous is None else int(previous["head"][1:]) + 1
    inv: dict[str, Any] = (
        json.loads(json.dumps(previous))
        if previous is not None
        else {
            "id": record_id,
            "type": "https://ocfl.io/1.1/spec/#inventory",
            "digestAlgorithm": "sha256",
            "head": "v0",
            "contentDirectory": "content",
            "manifest": {},
            "versions": {},
        }
    )
    state: dict[str, list[str]] = {}
    if previous is not None:
        for digest, paths in previous["versions"][previous["head"]]["state"].items():
            state[digest] = list(paths)
    replaced = {f.logical for f in files}
    state = {d: [p for p in ps if p not in replaced] for d, ps in state.items()}
    known = set(previous["manifest"]) if previous is not None else set()
    for f in files:
        state.setdefault(f.sha256, []).append(f.logical)
        if f.sha256 in known:
            continue  # already stored by an earlier version: not stored again
        cpath = content_path(version, f.logical)
        inv["manifest"].setdefault(f.sha256, []).append(cpath)
    inv["head"] = f"v{version}"
    inv["versions"][f"v{version}"] = {
        "created": created,
        "message": message,
        "user": {"name": user, "address": f"urn:marriage-archive:user:{user}"},
        "state": {d: sorted(ps) for d, ps in sorted(state.items()) if ps},
    }
    return inv


def new_content_paths(inv: dict[str, Any]) -> dict[str, str]:
    """logical path -> content path, for content first stored in the head version."""
    prefix = f"{inv['head']}/content/"
    return {
        cpath[len(prefix) :]: cpath
        for paths in inv["manifest"].values()
        for cpath in paths
        if cpath.startswith(prefix)
    }


def inventory_bytes(inv: dict[str, Any]) -> bytes:
    """Canonical serialisation (stable, so the root and version copies are identical)."""
    return (json.dumps(inv, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def sidecar_bytes(inventory: bytes) -> bytes:
    """The ``inventory.json.sha256`` sidecar for these inventory bytes."""
    return f"{hashlib.sha256(inventory).hexdigest()}  {INVENTORY}\n".encode("ascii")


def resolve(inv: dict[str, Any], logical: str, version: str | None = None) -> str | None:
    """Content path of ``logical`` in ``version`` (default head), or None."""
    state = inv["versions"][version or inv["head"]]["state"]
    for digest, paths in state.items():
        if logical in paths:
            return str(inv["manifest"][digest][0])
    return None


def digest_of(inv: dict[str, Any], logical: str, version: str | None = None) -> str | None:
    """SHA-256 of ``logical`` in ``version`` (default head), or None."""
    state = inv["versions"][version or inv["head"]]["state"]
    return next((d for d, paths in state.items() if logical in paths), None)
