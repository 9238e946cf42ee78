"""The write path and the reading side, on real files in temporary roots."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from stdnum.iso7064 import mod_11_2

from archive import Archive
from schemas.errors import NotFound, ValidationFailed
from schemas.model import RecordStatus
from tests.archive.helpers import (
    LINES,
    commit_one,
    make_page,
    make_record,
    make_settings,
    make_source,
)


@pytest.fixture
def archive(tmp_path: Path):
    with Archive.open(make_settings(tmp_path)) as arch:
        yield arch


def test_commit_then_read_back(archive: Archive, tmp_path: Path) -> None:
    result, source = commit_one(archive, tmp_path / "batch", 1)
    assert result.created and result.record_id == "rec-0001"
    record = archive.get_record("rec-0001")
    assert record is not None and record.version == 1
    assert record.parties[0].name == "張三"
    assert archive.find_by_source_sha256(source.sha256) == "rec-0001"
    assert archive.find_by_source_sha256("0" * 64) is None
    assert archive.page_image("rec-0001", 0)[:2] == b"\xff\xd8"
    assert archive.page_image("rec-0001", 0, "original") != archive.page_image("rec-0001", 0)
    assert archive.access_pdf("rec-0001").startswith(b"%PDF")
    assert [c.kind for c in archive.changes_since(0)] == ["created"]
    assert archive.last_change_seq() == 1
    assert archive.coverage() == [(2005, "marriage", "needs_review", 1)]


def test_master_is_kept_byte_exact_in_both_copies(archive: Archive, tmp_path: Path) -> None:
    _result, source = commit_one(archive, tmp_path / "batch", 2)
    original = source.path.read_bytes()
    masters = sorted(archive.settings.copy_a.rglob("master/000.jpg")) + sorted(
        archive.settings.copy_b.rglob("master/000.jpg")
    )
    assert len(masters) == 2
    assert all(m.read_bytes() == original for m in masters)
    assert source.path.read_bytes() == original  # the input is untouched


def test_same_record_twice_is_one_record(archive: Archive, tmp_path: Path) -> None:
    first, _ = commit_one(archive, tmp_path / "batch", 3, record_id="rec-a")
    second, _ = commit_one(archive, tmp_path / "batch", 3, record_id="rec-b")
    assert first.created and not second.created
    assert second.record_id == "rec-a"
    assert [r.record_id for r in archive.iter_records()] == ["rec-a"]


def test_missing_things_are_not_found(archive: Archive) -> None:
    assert archive.get_record("nope") is None
    with pytest.raises(NotFound):
        archive.page_image("nope", 0)
    with pytest.raises(ValidationFailed):
        archive.page_image("nope", 0, "thumbnail")


def test_correction_adds_a_version_and_keeps_v1_bytes(archive: Archive, tmp_path: Path) -> None:
    commit_one(archive, tmp_path / "batch", 4)
    before = {
        p: hashlib.sha256(p.read_bytes()).hexdigest()
        for root in (archive.settings.copy_a, archive.settings.copy_b)
        for p in root.rglob("v1/**/*")
        if p.is_file()
    }
    assert before
    record = archive.correct_fields(
        "rec-0004", {"parties[0].name": "张三", "parties[1].age": "23"}, "clerk1", "misread"
    )
    assert record.version == 2 and record.parties[0].name == "张三"
    assert record.parties[1].age == 23
    assert record.fields["parties[0].name"].source == "correction"
    after = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in before}
    assert after == before  # every v1 file byte-identical
    history = [h for h in archive.field_history("rec-0004") if h.field == "parties[0].name"]
    assert [(h.version, h.old_value, h.new_value, h.user) for h in history] == [
        (1, None, "張三", "machine"),
        (2, "張三", "张三", "clerk1"),
    ]
    assert history[1].reason == "misread"
    old = archive.get_record_version("rec-0004", 1)
    assert old is not None and old.parties[0].name == "張三"
    assert [c.kind for c in archive.changes_since(0)] == ["created", "corrected"]
    inventory = json.loads(next(archive.settings.copy_b.rglob("inventory.json")).read_text())
    assert inventory["head"] == "v2"


def test_corrected_id_rederives_the_18_digit_form(archive: Archive, tmp_path: Path) -> None:
    commit_one(archive, tmp_path / "batch", 5)
    record = archive.correct_fields(
        "rec-0005", {"parties[1].id_number": "620722820506002"}, "clerk1", "read from paper"
    )
    assert record.parties[1].id_number == "620722820506002"
    derived = record.parties[1].id_number_18
    assert derived is not None and derived.startswith("62072219820506002")
    # python-stdnum's ISO 7064 MOD 11-2 (GB 11643 check character), an independent oracle
    assert derived[17] == mod_11_2.calc_check_digit(derived[:17])


def test_bad_corrections_write_nothing(archive: Archive, tmp_path: Path) -> None:
    commit_one(archive, tmp_path / "batch", 6)
    seq = archive.last_change_seq()
    for changes in (
        {"parties[0].password": "x"},
        {"parties[5].name": "x"},
        {"status": "verified"},
        {"registration_date": "12 March 2005"},
        {"parties[0].age": "two hundred"},
    ):
        with pytest.raises(ValidationFailed):
            archive.correct_fields("rec-0006", changes, "clerk1", "test")
    with pytest.raises(ValidationFailed):
        archive.correct_fields("rec-0006", {"office": "x"}, "clerk1", " ")
    assert archive.last_change_seq() == seq
    record = archive.get_record("rec-0006")
    assert record is not None and record.version == 1
    assert not list(archive.settings.copy_a.rglob("v2"))


def test_mark_verified(archive: Archive, tmp_path: Path) -> None:
    commit_one(archive, tmp_path / "batch", 7)
    record = archive.mark_verified("rec-0007", "reviewer1")
    assert record.status == RecordStatus.VERIFIED and record.version == 2
    assert archive.mark_verified("rec-0007", "reviewer1").version == 2  # idempotent
    assert archive.coverage() == [(2005, "marriage", "verified", 1)]


def test_batches_and_rejects(archive: Archive) -> None:
    from archive import RejectEntry

    archive.start_batch("b9", "/scans/b9")
    archive.record_reject(RejectEntry("b9", "x.pdf", None, "encrypted_pdf", "remove the password"))
    archive.finish_batch("b9", {"ingested": 0, "rejected": 1})
    (batch,) = archive.batches()
    assert batch.batch_id == "b9" and batch.finished_at and batch.counts["rejected"] == 1
    assert archive.rejects("b9")[0].reason_code == "encrypted_pdf"
    assert archive.rejects("other") == []


def test_readers_on_threads_while_a_writer_commits(archive: Archive, tmp_path: Path) -> None:
    import threading

    commit_one(archive, tmp_path / "batch", 100)
    errors: list[BaseException] = []
    stop = threading.Event()

    def read_loop() -> None:
        try:
            while not stop.is_set():
                assert archive.get_record("rec-0100") is not None
                assert archive.page_image("rec-0100", 0)
                assert list(archive.iter_records())
                archive.health()
        except BaseException as exc:  # collected and re-raised in the test thread
            errors.append(exc)

    readers = [threading.Thread(target=read_loop) for _ in range(4)]
    for thread in readers:
        thread.start()
    try:
        for n in range(101, 105):
            commit_one(archive, tmp_path / "batch", n)
    finally:
        stop.set()
        for thread in readers:
            thread.join()
    assert errors == []
    assert len(list(archive.iter_records())) == 5


def test_access_pdf_has_an_invisible_searchable_cjk_text_layer(
    archive: Archive, tmp_path: Path
) -> None:
    """Poppler's pdftotext (a real, independent reader) finds the OCR text where it was."""
    import re
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    commit_one(archive, tmp_path / "batch", 8)
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(archive.access_pdf("rec-0008"))
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "结婚登记审查处理表" in text and "张三" in text
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    word = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>姓名</word>', bbox)
    assert word is not None
    scale = 72 / 300  # the line's box [20, 60, 120, 20] px at 300 dpi, in points
    assert abs(float(word.group(1)) - 20 * scale) < 3
    assert abs(float(word.group(2)) - 60 * scale) < 4


def test_stale_correction_is_a_conflict(archive: Archive, tmp_path: Path) -> None:
    from schemas.errors import Conflict

    commit_one(archive, tmp_path / "batch", 9)
    archive.correct_fields("rec-0009", {"office": "甲"}, "clerk1", "x", expected_version=1)
    with pytest.raises(Conflict):
        archive.correct_fields("rec-0009", {"office": "乙"}, "clerk2", "y", expected_version=1)
    record = archive.get_record("rec-0009")
    assert record is not None and record.office == "甲" and record.version == 2


def test_rescan_of_the_same_paper_is_a_second_record_sent_to_review(
    archive: Archive, tmp_path: Path
) -> None:
    from schemas.model import RecordStatus as Status

    first, _ = commit_one(archive, tmp_path / "batch", 20, record_id="rec-first")
    archive.mark_verified("rec-first", "reviewer")
    # different bytes (another scan), same certificate number and names
    source = make_source(tmp_path / "batch", "rescan.jpg", 21)
    record = make_record("rec-rescan", source, serial=20).model_copy(
        update={"status": Status.AUTO_ACCEPTED, "review_reasons": []}
    )
    second = archive.commit_record(record, [source], [make_page(21)], LINES)
    assert second.created and second.record_id != first.record_id  # never merged
    stored = archive.get_record("rec-rescan")
    assert stored is not None and stored.status == Status.NEEDS_REVIEW
    assert stored.review_reasons == ["possible duplicate of rec-first"]
    assert archive.get_record("rec-first").status == Status.VERIFIED  # untouched
