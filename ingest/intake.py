"""Intake: find the files of a batch and decide, before any decoding, what they are.

Everything here runs in the parent process and touches only file metadata, the
first bytes of a file and (for hashing) its content; nothing is decoded. The
decoding checks (truncation, pixel bombs, encryption, page counts, blank pages)
happen in :mod:`ingest.loading`, inside the workers.

File names: scanner PCs in Chinese offices often write GBK names. Paths are kept
as the operating system gave them (``str`` with surrogate escapes, so the file
can always be reopened), and :func:`display_name` gives a clean Unicode form for
the catalog, the summary and the rescan list (UTF-8, else GB18030, else escaped).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from schemas.settings import Settings

# Magic bytes -> our type name. The extension is never trusted.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"),  # BigTIFF
    (b"MM\x00+", "tiff"),
    (b"%PDF-", "pdf"),
)
SUPPORTED_TYPES = frozenset(kind for _, kind in _MAGIC)


@dataclass(frozen=True)
class Candidate:
    """A regular file found in the batch folder."""

    path: Path  # absolute; may contain surrogate escapes (undecodable names)
    relpath: str  # relative to the batch folder, for display and Page.source
    size: int
    mtime: float


@dataclass(frozen=True)
class Refusal:
    """A path we will not read at all (symlink, FIFO, device, escaping the folder)."""

    relpath: str
    reason_code: str
    message: str


def display_name(raw: str) -> str:
    """A clean Unicode form of a file name that may hold surrogate escapes.

    Undecodable UTF-8 names are tried as GB18030 (a superset of GBK); anything
    still undecodable is shown with backslash escapes. Never raises.
    """
    try:
        raw.encode("utf-8")
        return raw
    except UnicodeEncodeError:
        pass
    data = os.fsencode(raw)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="backslashreplace")


def walk_batch(batch_dir: Path) -> Iterator[Candidate | Refusal]:
    """Yield every entry below ``batch_dir`` in a stable, sorted order.

    Regular files become :class:`Candidate`; symlinks, FIFOs, sockets and
    devices become :class:`Refusal` (we never follow links, so no path can
    escape the folder). Hidden files (``.name``) are ignored: scanners and
    operating systems leave thumbnails and metadata there.
    """
    root = Path(os.path.abspath(batch_dir))
    yield from _walk(root, root)


def _walk(root: Path, folder: Path) -> Iterator[Candidate | Refusal]:
    try:
        names = sorted(os.listdir(folder), key=os.fsencode)
    except OSError as exc:
        rel = display_name(os.path.relpath(folder, root))
        yield Refusal(rel, "unreadable", f"Cannot list folder ({exc.strerror}): check permissions.")
        return
    for name in names:
        if name.startswith("."):
            continue
        path = folder / name
        rel = display_name(os.path.relpath(path, root))
        try:
            info = os.lstat(path)
        except OSError as exc:
            yield Refusal(rel, "unreadable", f"Cannot read file ({exc.strerror}).")
            continue
        if stat.S_ISLNK(info.st_mode):
            yield Refusal(rel, "symlink", "Symbolic links are not followed: copy the real file in.")
        elif stat.S_ISDIR(info.st_mode):
            yield from _walk(root, path)
        elif stat.S_ISREG(info.st_mode):
            if not _inside(root, path):
                yield Refusal(rel, "outside_batch", "Path escapes the batch folder.")
            else:
                yield Candidate(path, rel, info.st_size, info.st_mtime)
        else:
            yield Refusal(
                rel, "not_a_file", "Not a regular file (FIFO, socket or device): it is skipped."
            )


def _inside(root: Path, path: Path) -> bool:
    real_root = os.path.realpath(root)
    return os.path.commonpath([real_root, os.path.realpath(path)]) == real_root


def sniff_type(head: bytes) -> str | None:
    """Our type name from a file's first bytes ('png', 'jpeg', 'tiff', 'pdf'), else None."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    # PDF allows up to 1024 bytes of junk before the header.
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None


def read_head(path: Path, size: int = 1024) -> bytes:
    """The first ``size`` bytes of a file."""
    with open(path, "rb") as fh:
        return fh.read(size)


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Hex sha256 of a file's bytes, streamed."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def record_id_for(sha256: str) -> str:
    """Record id of a one-file record: ``GT-`` + the first 16 hex chars of its sha256."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("sha256 must be 64 lowercase hex characters")
    return "GT-" + sha256[:16]


@dataclass(frozen=True)
class IntakeCheck:
    """Outcome of the metadata checks of one candidate."""

    reason_code: str | None  # None = fine
    message: str = ""
    sha256: str | None = None
    kind: str | None = None


def check_candidate(
    candidate: Candidate, settings: Settings, now: float | None = None
) -> IntakeCheck:
    """Metadata checks before any decoding: growing, empty, too large, type; then the hash.

    The file is stat'ed again after hashing: a size or mtime change means it is
    still being written, and the hash is not trusted.
    """
    now = time.time() if now is None else now
    if now - candidate.mtime < settings.stable_seconds:
        return IntakeCheck("still_growing", _STILL_GROWING)
    if candidate.size == 0:
        return IntakeCheck("empty", "The file is empty (0 bytes): rescan the page.")
    if candidate.size > settings.max_file_bytes:
        return IntakeCheck(
            "file_too_large",
            f"The file is {candidate.size} bytes, over the limit of {settings.max_file_bytes}: "
            "split it into one file per record or raise max_file_bytes.",
        )
    kind = sniff_type(read_head(candidate.path))
    digest = sha256_file(candidate.path)
    after = os.stat(candidate.path)
    if after.st_size != candidate.size or after.st_mtime != candidate.mtime:
        return IntakeCheck("still_growing", _STILL_GROWING)
    if kind is None:
        return IntakeCheck(
            "unsupported_type",
            "Not a PNG, JPEG, TIFF or PDF file (checked by content, not by name): "
            "export the scan in one of these formats.",
            digest,
        )
    return IntakeCheck(None, "", digest, kind)


_STILL_GROWING = (
    "The file was still being written: run ingest again when the scanner has finished "
    "(no rescan needed)."
)


# "scan-00007-p1.jpg", "scan-00007_p2.png": one record spread over page files.
_PAGE_FILE = re.compile(r"^(?P<stem>.+?)[-_][pP](?P<number>\d{1,4})$")


def _page_key(candidate: Candidate) -> tuple[str, int] | None:
    stem = os.path.splitext(candidate.path.name)[0]
    match = _PAGE_FILE.match(stem)
    if match is None:
        return None
    return str(candidate.path.parent / match["stem"]), int(match["number"])


def group_records(entries: list[Candidate | Refusal]) -> list[list[Candidate] | Refusal]:
    """Group the page files of one record; every other file is a record of its own.

    Page files are named ``<name>-p<N>`` or ``<name>_p<N>`` (any supported type)
    in one folder; they form one record with pages in ``N`` order. The group
    takes the place of its first member in the (sorted) walk order.
    """
    groups: dict[str, list[tuple[int, Candidate]]] = {}
    order: list[list[Candidate] | Refusal | str] = []
    for entry in entries:
        key = _page_key(entry) if isinstance(entry, Candidate) else None
        if key is None:
            order.append([entry] if isinstance(entry, Candidate) else entry)
            continue
        if key[0] not in groups:
            groups[key[0]] = []
            order.append(key[0])
        assert isinstance(entry, Candidate)
        groups[key[0]].append((key[1], entry))
    return [
        [c for _, c in sorted(groups[item], key=lambda pair: pair[0])]
        if isinstance(item, str)
        else item
        for item in order
    ]


def largest_first(entries: list[list[Candidate] | Refusal]) -> list[list[Candidate] | Refusal]:
    """Refusals first (they cost nothing), then records by bytes, largest first.

    Handing the workers the long jobs first keeps one worker from reading a big
    record alone at the end of a batch while the other has nothing left. The sort
    is stable: records of equal size keep the walk order, so of two identical
    files the first in the folder stays the one archived.
    """
    return sorted(
        entries,
        key=lambda e: (0, 0) if isinstance(e, Refusal) else (1, -sum(c.size for c in e)),
    )
