"""File and byte digests: SHA-256 (the fixity digest) and SM3 (GB/T 32905, optional).

Files are read in 1 MiB chunks into one reused buffer; ``hashlib`` releases the
GIL on large updates, so several files hash in parallel threads at disk speed.
SM3 comes from OpenSSL through :mod:`hashlib` when available (about 170 MB/s
here), else from the pure-Python ``gmssl`` package (slow; only used at ingest).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20


@dataclass(frozen=True)
class Digest:
    size: int
    sha256: str
    sm3: str | None = None


class _GmsslSm3:
    """Minimal hashlib-like wrapper over gmssl's SM3 (fallback only)."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def update(self, data: bytes | memoryview) -> None:
        self._parts.append(bytes(data))

    def hexdigest(self) -> str:
        from gmssl import func, sm3  # type: ignore[import-untyped]

        return str(sm3.sm3_hash(func.bytes_to_list(b"".join(self._parts))))


def _new_sm3() -> object:
    try:
        return hashlib.new("sm3")
    except ValueError:
        return _GmsslSm3()


def digest_bytes(data: bytes, sm3: bool = False) -> Digest:
    """Size, SHA-256 and (optionally) SM3 of ``data``."""
    sm3_hex = None
    if sm3:
        h = _new_sm3()
        h.update(data)  # type: ignore[attr-defined]
        sm3_hex = h.hexdigest()  # type: ignore[attr-defined]
    return Digest(len(data), hashlib.sha256(data).hexdigest(), sm3_hex)


def digest_file(path: Path, sm3: bool = False) -> Digest:
    """Size, SHA-256 and (optionally) SM3 of the file at ``path`` (raises OSError)."""
    sha = hashlib.sha256()
    sm = _new_sm3() if sm3 else None
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    size = 0
    with path.open("rb", buffering=0) as fh:
        while True:
            n = fh.readinto(buf)
            if not n:
                break
            chunk = view[:n]
            sha.update(chunk)
            if sm is not None:
                sm.update(chunk)  # type: ignore[attr-defined]
            size += n
    return Digest(size, sha.hexdigest(), sm.hexdigest() if sm is not None else None)  # type: ignore[attr-defined]
