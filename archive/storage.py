"""File-system side of the two storage roots: root checks, durable writes,
staging, atomic publish, and the writer lock.

Habit: write nothing until it is right. Every file is written inside the
root's own ``.staging/`` folder (same file system, so ``rename`` is atomic),
fsynced, re-read and checked against the expected digest, then published with
one ``rename``; the parent directory is fsynced afterwards.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from archive.hashing import CHUNK, Digest, digest_bytes, digest_file
from archive.ocfl import OCFL_ROOT_NAMASTE, QUARANTINE_DIR, STAGING_DIR, init_storage_root
from schemas.errors import ConfigError, FixityError, StorageError
from schemas.settings import Settings

log = logging.getLogger("marriage_archive.archive")

SINGLE_DISK = "both copies on one disk"
FSYNC_THREADS = 16


def root_problem(root: Path) -> str | None:
    """None when ``root`` is an initialised storage root, else what is wrong."""
    try:
        if (root / OCFL_ROOT_NAMASTE).is_file():
            return None
        if not root.exists():
            return f"storage root {root} does not exist"
        if not root.is_dir():
            return f"storage root {root} is not a folder"
        if any(root.iterdir()):
            return f"storage root {root} has no OCFL declaration (wrong disk, or not mounted?)"
        return f"storage root {root} is empty"
    except OSError as exc:
        return f"storage root {root} is unreadable ({exc.strerror or exc})"


def is_blank(root: Path) -> bool:
    """True for a missing or empty folder (a new or replaced disk)."""
    try:
        return not root.exists() or (root.is_dir() and not any(root.iterdir()))
    except OSError:
        return False


def same_device(a: Path, b: Path) -> bool:
    """True when both folders live on one device (one disk failure loses both)."""
    try:
        return a.stat().st_dev == b.stat().st_dev
    except OSError:
        return False


def check_roots(settings: Settings, fresh: bool) -> list[str]:
    """Check both roots; return the degraded states found.

    A blank root is initialised only when ``fresh`` (the catalog holds no record):
    once records exist, an empty root more likely is an unmounted disk, so it is
    reported unavailable (``verify --repair`` restores a replaced disk). Nested or
    identical roots are always refused (an audit of one would walk the other);
    roots on one device are refused unless ``single_disk_allowed``, and then
    reported as degraded. Both roots unavailable -> ConfigError.
    """
    roots = {"A": settings.copy_a, "B": settings.copy_b}
    ra, rb = (r.resolve() for r in roots.values())
    if ra == rb or ra.is_relative_to(rb) or rb.is_relative_to(ra):
        raise ConfigError(
            f"Storage roots {ra} and {rb} are the same or nested inside each other. Set "
            "MARRIAGE_ARCHIVE_ROOT_A and MARRIAGE_ARCHIVE_ROOT_B to two separate folders, "
            "ideally on two separate disks."
        )
    unavailable: dict[str, str] = {}
    for copy, root in roots.items():
        if fresh and is_blank(root):
            try:
                init_storage_root(root)
            except OSError as exc:
                unavailable[copy] = f"cannot create storage root {root} ({exc.strerror or exc})"
                continue
        problem = root_problem(root)
        if problem:
            unavailable[copy] = problem
    if len(unavailable) == len(roots):
        raise ConfigError(
            f"Neither storage root is usable ({'; '.join(unavailable.values())}). Point "
            "MARRIAGE_ARCHIVE_ROOT_A / MARRIAGE_ARCHIVE_ROOT_B at the mounted archive disks."
        )
    degraded = [f"copy {c} unavailable: {p}" for c, p in unavailable.items()]
    if not unavailable and same_device(ra, rb):
        if not settings.single_disk_allowed:
            raise ConfigError(
                f"Storage roots {ra} and {rb} are on the same device, so one disk failure "
                "would lose both copies. Put them on separate disks, or set "
                "MARRIAGE_ARCHIVE_ALLOW_SINGLE_DISK=true to accept a degraded archive."
            )
        degraded.append(SINGLE_DISK)
    return degraded


def fsync_dir(path: Path) -> None:
    """Make a rename/creation inside ``path`` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes | Path) -> None:
    """Create ``path`` (never overwriting) with the bytes, or a copy of a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("xb") as out:
        if isinstance(data, Path):
            with data.open("rb") as src:
                shutil.copyfileobj(src, out, CHUNK)
        else:
            out.write(data)


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """fsync every file and directory below and including ``path``.

    The fsyncs run on parallel threads so the file system can group them into a
    few journal commits (one fsync per file in a row costs a commit each).
    """
    targets = [path]
    for dirpath, dirs, files in os.walk(path):
        targets.extend(Path(dirpath) / name for name in (*dirs, *files))
    with ThreadPoolExecutor(FSYNC_THREADS) as pool:
        list(pool.map(_fsync_path, targets))


def check_digest(path: Path, expected_sha256: str) -> None:
    """Re-read ``path`` and raise FixityError unless its SHA-256 is as expected."""
    actual = digest_file(path).sha256
    if actual != expected_sha256:
        raise FixityError(
            f"Staged file {path.name} does not verify (expected {expected_sha256}, got "
            f"{actual}); nothing was published. Check the disk and the source, then rerun."
        )


def write_tree_verified(staged: Path, files: dict[str, tuple[bytes | Path, str]]) -> None:
    """Write ``relpath -> (data, sha256)`` under ``staged``, fsync all, verify all."""
    for rel, (data, _sha) in files.items():
        write_file(staged / rel, data)
    fsync_tree(staged)
    for rel, (_data, sha) in files.items():
        check_digest(staged / rel, sha)


def write_verified(path: Path, data: bytes | Path, expected_sha256: str) -> None:
    """Write one file durably, re-read it, and raise FixityError unless it matches."""
    write_file(path, data)
    _fsync_path(path)
    check_digest(path, expected_sha256)


def new_staging_dir(root: Path) -> Path:
    """A fresh folder inside ``root/.staging`` (same file system as the root)."""
    staging = root / STAGING_DIR / f"{os.getpid()}-{uuid.uuid4().hex}"
    staging.mkdir(parents=True)
    return staging


def clean_staging(root: Path) -> int:
    """Empty and remove ``root/.staging`` (only called under the writer lock).

    The folder is removed too: OCFL forbids empty folders in a storage hierarchy.
    Returns how many entries were left over (0 after a clean write).
    """
    staging = root / STAGING_DIR
    if not staging.is_dir():
        return 0
    count = 0
    for child in staging.iterdir():
        shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink()
        count += 1
    with contextlib.suppress(OSError):
        staging.rmdir()
    return count


def remove_tree(root: Path, path: Path) -> None:
    """Remove ``path`` by first renaming it into staging (so it vanishes atomically)."""
    if not path.exists():
        return
    trash = new_staging_dir(root) / "trash"
    path.rename(trash)
    fsync_dir(path.parent)
    shutil.rmtree(trash.parent, ignore_errors=True)
    with contextlib.suppress(OSError):
        (root / STAGING_DIR).rmdir()


def publish_dir(root: Path, staged: Path, final: Path) -> None:
    """Atomically move a verified staged folder to ``final`` (replacing a leftover)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        # Only reached for leftovers the catalog does not reference (or repair).
        remove_tree(root, final)
    staged.rename(final)
    fsync_dir(final.parent)


def replace_file(staged: Path, final: Path) -> None:
    """Atomically replace ``final`` with ``staged`` (same file system)."""
    os.replace(staged, final)
    fsync_dir(final.parent)


def quarantine(root: Path, path: Path, relpath: str) -> Path:
    """Move an untracked file out of the way (kept for inspection, never deleted)."""
    target = root / QUARANTINE_DIR / uuid.uuid4().hex / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    path.rename(target)
    return target


def storage_error(exc: OSError, where: str) -> StorageError:
    """Translate an OSError into our StorageError with the next step."""
    if exc.errno == errno.ENOSPC:
        hint = "the disk is full: free space there and rerun (nothing was committed)"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        hint = "it is not writable: fix permissions or the mount and rerun"
    else:
        hint = "check the disk and rerun (nothing was committed)"
    return StorageError(f"Writing {where} failed ({exc.strerror or exc}); {hint}.")


class WriterLock:
    """One writer at a time across threads *and* processes (flock on a lock file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._thread_lock:
            if self._depth == 0:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
                fcntl.flock(fd, fcntl.LOCK_EX)
                self._fd = fd
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._fd is not None:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
                    os.close(self._fd)
                    self._fd = None


__all__ = [
    "SINGLE_DISK",
    "Digest",
    "WriterLock",
    "check_roots",
    "clean_staging",
    "digest_bytes",
    "fsync_dir",
    "fsync_tree",
    "is_blank",
    "new_staging_dir",
    "publish_dir",
    "quarantine",
    "remove_tree",
    "replace_file",
    "root_problem",
    "same_device",
    "storage_error",
    "write_tree_verified",
    "write_verified",
]
