"""Root independence checks and a real full disk on copy B (a 64 KiB tmpfs)."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest

from archive import Archive, SourceFile
from schemas.errors import ConfigError, StorageError
from tests.archive.helpers import LINES, make_page, make_record, make_settings

SHM = Path("/dev/shm")


def test_same_device_roots_are_refused_unless_allowed(tmp_path: Path) -> None:
    roots = {"root_a": tmp_path / "a", "root_b": tmp_path / "b"}
    with pytest.raises(ConfigError) as err:
        Archive.open(make_settings(tmp_path, **roots))
    assert err.value.exit_code == 78
    assert "ALLOW_SINGLE_DISK" in err.value.message
    with Archive.open(make_settings(tmp_path, allow_single_disk=True, **roots)) as archive:
        assert archive.degraded() == ["both copies on one disk"]
        assert archive.health()["redundancy"] == "both copies on one disk"


def test_nested_roots_are_refused_even_when_single_disk_is_allowed(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, root_a=tmp_path / "a", root_b=tmp_path / "a" / "b", allow_single_disk=True
    )
    with pytest.raises(ConfigError, match="nested"):
        Archive.open(settings)


@pytest.mark.skipif(not SHM.is_dir(), reason="no /dev/shm tmpfs to act as a second device")
def test_roots_on_two_devices_are_not_degraded(tmp_path: Path) -> None:
    other = SHM / f"ma-test-{tmp_path.name}"
    try:
        settings = make_settings(tmp_path, root_a=tmp_path / "a", root_b=other)
        with Archive.open(settings) as archive:
            assert archive.degraded() == []
            assert archive.health()["redundancy"] is None
    finally:
        subprocess.run(["rm", "-rf", str(other)], check=False)


@pytest.fixture
def tiny_root_b(tmp_path: Path):
    """A real 64 KiB tmpfs for copy B (needs root and mount permission)."""
    mountpoint = tmp_path / "tiny-b"
    mountpoint.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mountpoint)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (not root / no CAP_SYS_ADMIN): {done.stderr!r}")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=False)


def test_disk_full_on_copy_b_commits_nothing_and_a_retry_succeeds(
    tmp_path: Path, tiny_root_b: Path
) -> None:
    settings = make_settings(tmp_path, root_a=tmp_path / "a", root_b=tiny_root_b / "b")
    big = tmp_path / "batch" / "big.jpg"
    big.parent.mkdir(parents=True)
    big.write_bytes(os.urandom(96 * 1024))  # more than the whole 64 KiB disk
    source = SourceFile(big, "big.jpg", hashlib.sha256(big.read_bytes()).hexdigest())
    record = make_record("rec-big", source)
    with Archive.open(settings) as archive:
        with pytest.raises(StorageError, match="full"):
            archive.commit_record(record, [source], [make_page(2)], LINES)
        assert archive.get_record("rec-big") is None
        assert archive.find_by_source_sha256(source.sha256) is None
        assert archive.changes_since(0) == []
        assert archive.verify().findings == []  # no half record anywhere, A included
        assert not list((tmp_path / "a").rglob("master"))
        # space frees up: the same commit now succeeds
        subprocess.run(["mount", "-o", "remount,size=4m", str(tiny_root_b)], check=True)
        assert archive.commit_record(record, [source], [make_page(2)], LINES).created
        assert archive.verify().findings == []
    assert hashlib.sha256(big.read_bytes()).hexdigest() == source.sha256
