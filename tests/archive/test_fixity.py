"""Fault injection on real files: the audit names each fault; repair heals from the
healthy copy and never writes it; both copies bad -> unrecoverable, nothing overwritten."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import Archive
from archive.ocfl import object_relpath
from cli import main
from schemas.errors import StorageError
from tests.archive.helpers import commit_one, make_settings

MASTER = "v1/content/master/000.jpg"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_digests(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha(p) for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def archive(tmp_path: Path):
    with Archive.open(make_settings(tmp_path)) as arch:
        for n in (1, 2):
            commit_one(arch, tmp_path / "batch", n)
        yield arch


def obj(archive: Archive, copy: str, record_id: str = "rec-0001") -> Path:
    root = archive.settings.copy_a if copy == "A" else archive.settings.copy_b
    return root / object_relpath(record_id)


def test_clean_archive_audits_ok(archive: Archive) -> None:
    report = archive.verify()
    assert report.ok and report.findings == []
    on_disk = [
        p
        for copy in ("A", "B")
        for rid in ("rec-0001", "rec-0002")
        for p in obj(archive, copy, rid).rglob("*")
        if p.is_file()
    ]
    assert report.files_checked == len(on_disk) > 2 * 2 * 10
    assert report.bytes_checked == sum(p.stat().st_size for p in on_disk)
    assert report.degraded == ["both copies on one disk"]


def test_flipped_byte_is_named_with_both_digests(archive: Archive, tmp_path: Path) -> None:
    master = obj(archive, "A") / MASTER
    expected = sha(tmp_path / "batch" / "scan-001.jpg")  # digest of the input, not our code's
    data = bytearray(master.read_bytes())
    data[len(data) // 2] ^= 0x01
    master.write_bytes(bytes(data))  # same size: a size-only check would pass
    (finding,) = archive.verify().findings
    assert (finding.category, finding.copy, finding.record_id, finding.path) == (
        "changed",
        "A",
        "rec-0001",
        MASTER,
    )
    assert finding.expected == expected and finding.actual == sha(master)


@pytest.mark.parametrize(
    ("damage", "category", "path"),
    [
        ("truncate", "changed", MASTER),
        ("delete", "missing", "v1/content/access/record.pdf"),
        ("stray", "extra", "v1/content/notes.txt"),
        ("no_manifest", "manifest_missing", "inventory.json"),
    ],
)
def test_each_fault_is_its_own_finding(
    archive: Archive, damage: str, category: str, path: str
) -> None:
    target = obj(archive, "B") / path
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[:100])
    elif damage == "stray":
        target.write_text("someone put this here")
    else:
        target.unlink()
    report = archive.verify()
    assert [(f.category, f.copy, f.record_id, f.path) for f in report.findings] == [
        (category, "B", "rec-0001", path)
    ]
    assert not report.ok


def test_stray_file_outside_any_object_is_extra(archive: Archive) -> None:
    (archive.settings.copy_a / "abc").mkdir()
    (archive.settings.copy_a / "abc" / "x.bin").write_bytes(b"x")
    (finding,) = archive.verify().findings
    assert (finding.category, finding.record_id, finding.path) == ("extra", None, "abc/x.bin")


def test_self_consistent_forgery_is_caught_against_the_catalog(archive: Archive) -> None:
    root = obj(archive, "A")
    record_file = root / "v1/content/metadata/record.json"
    forged = record_file.read_text(encoding="utf-8").replace("張三", "王五")
    record_file.write_text(forged, encoding="utf-8")
    new_digest = hashlib.sha256(forged.encode("utf-8")).hexdigest()
    for inv_path in (root / "inventory.json", root / "v1/inventory.json"):
        inv = json.loads(inv_path.read_text())
        old = next(d for d, ps in inv["manifest"].items() if "metadata/record.json" in ps[0])
        inv["manifest"][new_digest] = inv["manifest"].pop(old)
        state = inv["versions"]["v1"]["state"]
        state[new_digest] = state.pop(old)
        text = json.dumps(inv, indent=2)
        inv_path.write_text(text)
        sidecar = inv_path.with_name("inventory.json.sha256")
        sidecar.write_text(f"{hashlib.sha256(text.encode()).hexdigest()}  inventory.json\n")
    # The package is self-consistent again: its manifest agrees with its files...
    inv = json.loads((root / "inventory.json").read_text())
    assert all(sha(root / p[0]) == d for d, p in inv["manifest"].items())
    # ...but not with what the catalog recorded at ingest.
    report = archive.verify()
    changed = {f.path for f in report.findings if f.category == "changed" and f.copy == "A"}
    assert "v1/content/metadata/record.json" in changed and "inventory.json" in changed
    assert {f.copy for f in report.findings} == {"A"}


def test_unreadable_copy_is_could_not_check_never_ok(archive: Archive, tmp_path: Path) -> None:
    # chmod 000 does not stop root, so copy B's root folder is replaced by a plain file.
    root_b = archive.settings.copy_b
    root_b.rename(tmp_path / "b-away")
    root_b.write_text("not a folder")
    report = archive.verify()
    assert not report.ok
    assert {(f.category, f.copy) for f in report.findings} == {("could_not_check", "B")}
    assert {f.record_id for f in report.findings} == {"rec-0001", "rec-0002"}
    assert archive.health()["copy_b"] is not None
    assert archive.page_image("rec-0001", 0)  # reads still served from copy A


def test_repair_restores_a_from_b_and_never_writes_b(archive: Archive) -> None:
    a, b = obj(archive, "A"), obj(archive, "B")
    (a / MASTER).write_bytes(b"garbage")
    (a / "v1/content/access/page-000.jpg").unlink()
    (a / "v1/content/stray.txt").write_text("x")
    b_before = tree_digests(archive.settings.copy_b)
    b_inode = (b / MASTER).stat().st_ino
    report = archive.verify(repair=True)
    assert report.ok, report.findings
    assert {f.category for f in report.findings} == {"repaired"}
    assert len(report.findings) == 3
    assert sha(a / MASTER) == sha(b / MASTER)
    assert tree_digests(archive.settings.copy_b) == b_before
    assert (b / MASTER).stat().st_ino == b_inode
    assert archive.verify().findings == []
    quarantined = list((archive.settings.copy_a / ".quarantine").rglob("stray.txt"))
    assert len(quarantined) == 1  # extra files are kept aside, never deleted


def test_both_copies_bad_is_unrecoverable_and_nothing_is_overwritten(archive: Archive) -> None:
    a, b = obj(archive, "A"), obj(archive, "B")
    (a / MASTER).write_bytes(b"damage in A")
    (b / MASTER).write_bytes(b"damage in B")
    (a / "v1/content/access/record.pdf").write_bytes(b"repairable from B")
    report = archive.verify(repair=True)
    assert not report.ok
    assert any(f.category == "unrecoverable" and f.record_id == "rec-0001" for f in report.findings)
    assert (a / MASTER).read_bytes() == b"damage in A"
    assert (b / MASTER).read_bytes() == b"damage in B"
    # no partial repair of that record either
    assert (a / "v1/content/access/record.pdf").read_bytes() == b"repairable from B"
    # the other record is untouched and clean
    assert not [f for f in report.findings if f.record_id == "rec-0002"]


def test_cli_verify_json_and_exit_codes(archive: Archive, tmp_path: Path) -> None:
    env = {"MARRIAGE_ARCHIVE_HOME": str(archive.settings.home), "MARRIAGE_ARCHIVE_LOG_JSON": "0"}
    runner = CliRunner()
    clean = runner.invoke(main, ["verify", "--json"], env=env)
    assert clean.exit_code == 0, clean.output
    assert json.loads(clean.stdout)["ok"] is True
    (obj(archive, "B") / MASTER).write_bytes(b"bad")
    bad = runner.invoke(main, ["verify", "--json"], env=env)
    assert bad.exit_code == 76
    body = json.loads(bad.stdout)
    assert body["counts"] == {"changed": 1} and body["findings"][0]["copy"] == "B"
    assert body["degraded"] == ["both copies on one disk"]
    fixed = runner.invoke(main, ["verify", "--repair"], env=env)
    assert fixed.exit_code == 0 and "repaired" in fixed.output
    assert runner.invoke(main, ["verify"], env=env).exit_code == 0


def test_cli_on_an_unreadable_copy_reports_could_not_check(
    archive: Archive, tmp_path: Path
) -> None:
    """A fresh process opening the archive while root B is unreadable still audits A."""
    settings = archive.settings
    archive.close()
    settings.copy_b.rename(tmp_path / "b-away")
    settings.copy_b.write_text("not a folder")
    env = {"MARRIAGE_ARCHIVE_HOME": str(settings.home), "MARRIAGE_ARCHIVE_LOG_JSON": "0"}
    done = CliRunner().invoke(main, ["verify", "--json"], env=env)
    assert done.exit_code == 76
    body = json.loads(done.stdout)
    assert body["counts"] == {"could_not_check": 2}
    assert any(state.startswith("copy B unavailable") for state in body["degraded"])
    with Archive.open(settings) as reopened:
        with pytest.raises(StorageError, match="Copy B is unavailable"):
            commit_one(reopened, tmp_path / "batch", 9)
        assert reopened.get_record("rec-0009") is None
        assert reopened.page_image("rec-0001", 0)


def test_replaced_blank_disk_is_refilled_by_repair(archive: Archive, tmp_path: Path) -> None:
    settings = archive.settings
    archive.close()
    settings.copy_a.rename(tmp_path / "a-failed")
    settings.copy_a.mkdir()  # the new, empty disk (or an unmounted mount point)
    with Archive.open(settings) as reopened:
        # An empty root is not silently initialised while records exist: could be unmounted.
        assert not any(settings.copy_a.iterdir())
        assert any("copy A unavailable" in s for s in reopened.degraded())
        assert reopened.health()["copy_a"] is not None
        assert reopened.page_image("rec-0002", 0)  # served from copy B
        report = reopened.verify(repair=True)
        assert report.ok and {f.category for f in report.findings} == {"repaired"}
        assert reopened.verify().findings == []
        assert reopened.degraded() == ["both copies on one disk"]


def test_progress_reaches_the_total(archive: Archive) -> None:
    calls: list[tuple[int, int]] = []
    report = archive.verify(progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1] == (report.files_checked, report.files_checked)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
