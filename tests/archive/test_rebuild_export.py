"""The catalog rebuilt from the packages equals the original; the export format."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from archive import Archive
from archive.catalog import Catalog
from cli import main
from schemas.model import record_json_schema
from tests.archive.helpers import commit_one, make_settings


@pytest.fixture
def archive(tmp_path: Path):
    with Archive.open(make_settings(tmp_path)) as arch:
        for n in (3, 1, 2):
            commit_one(arch, tmp_path / "batch", n)
        arch.correct_fields("rec-0001", {"parties[0].name": "张三"}, "clerk1", "script")
        arch.correct_fields("rec-0001", {"office": "高台县民政局"}, "clerk2", "no change")
        arch.correct_fields("rec-0001", {"parties[1].age": "24"}, "clerk2", "from paper")
        arch.mark_verified("rec-0002", "reviewer")
        yield arch


def test_rebuild_equals_original(archive: Archive, tmp_path: Path) -> None:
    original = archive.catalog.dump()
    assert archive.rebuild_catalog(tmp_path / "rebuilt.sqlite") == 3
    rebuilt = Catalog(tmp_path / "rebuilt.sqlite")
    try:
        dump = rebuilt.dump()
    finally:
        rebuilt.close()
    assert set(dump) == set(original)
    for table, rows in original.items():
        assert dump[table] == rows, table
    assert len(original["record_versions"]) == 3 + 2 + 1  # the no-op correction added none


def test_lose_disk_a_and_the_catalog_then_rebuild_and_repair(
    archive: Archive, tmp_path: Path
) -> None:
    original = archive.catalog.dump()
    settings = archive.settings
    archive.close()
    settings.copy_a.rename(tmp_path / "a-lost")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{settings.catalog_path}{suffix}").unlink(missing_ok=True)
    env = {"MARRIAGE_ARCHIVE_HOME": str(settings.home), "MARRIAGE_ARCHIVE_LOG_JSON": "0"}
    done = CliRunner().invoke(main, ["rebuild-catalog"], env=env)
    assert done.exit_code == 0, done.output
    assert "3 records" in done.stdout
    with Archive.open(settings) as reopened:
        assert reopened.catalog.dump() == original  # rebuilt from copy B alone
        report = reopened.verify(repair=True)
        assert report.ok and {f.category for f in report.findings} == {"repaired"}
        assert reopened.verify().findings == []


def test_export_is_the_record_shape_in_id_order(archive: Archive) -> None:
    runner = CliRunner()
    env = {"MARRIAGE_ARCHIVE_HOME": str(archive.settings.home), "MARRIAGE_ARCHIVE_LOG_JSON": "0"}
    done = runner.invoke(main, ["export", "--format", "jsonl"], env=env)
    assert done.exit_code == 0, done.output
    lines = done.stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["record_id"] for r in rows] == ["rec-0001", "rec-0002", "rec-0003"]
    schema = record_json_schema()
    for row in rows:
        jsonschema.validate(row, schema)
    first = rows[0]
    assert first["parties"][0]["name"] == "张三" and "张三" in lines[0]  # UTF-8, not \\u escapes
    assert first["pages"][0]["sha256"] and first["pages"][0]["source"] == "scan-001.jpg"
    assert first["fields"]["parties[0].name"]["source"] == "correction"
    assert rows[1]["status"] == "verified"


def test_export_to_file(archive: Archive, tmp_path: Path) -> None:
    out = tmp_path / "export.jsonl"
    env = {"MARRIAGE_ARCHIVE_HOME": str(archive.settings.home), "MARRIAGE_ARCHIVE_LOG_JSON": "0"}
    done = CliRunner().invoke(main, ["export", "--output", str(out)], env=env)
    assert done.exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 3
    assert not out.with_name("export.jsonl.partial").exists()
