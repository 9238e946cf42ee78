"""Intake: walking a batch folder safely and the metadata checks before decoding."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from ingest.intake import (
    Candidate,
    Refusal,
    check_candidate,
    display_name,
    group_records,
    record_id_for,
    sniff_type,
    walk_batch,
)
from schemas.settings import load_settings
from tests.ingest.files import png_bytes, small_page, write


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings({}, home=tmp_path / "home", stable_seconds=0)


def _old(path: Path) -> Path:
    past = time.time() - 3600
    os.utime(path, (past, past))
    return path


def test_record_id_is_gt_plus_first_16_hex_of_the_sha256() -> None:
    sha = "ab" * 32
    assert record_id_for(sha) == "GT-abababababababab"
    with pytest.raises(ValueError):
        record_id_for("xyz")


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n....", "png"),
        (b"\xff\xd8\xff\xe0..JFIF", "jpeg"),
        (b"II*\x00\x08\x00", "tiff"),
        (b"MM\x00*\x00\x00", "tiff"),
        (b"%PDF-1.7\n", "pdf"),
        (b"junk\n%PDF-1.4\n", "pdf"),
        (b"GIF89a", None),
        (b"PK\x03\x04", None),
        (b"", None),
    ],
)
def test_type_comes_from_magic_bytes(head: bytes, kind: str | None) -> None:
    assert sniff_type(head) == kind


def test_walk_is_sorted_recursive_and_refuses_links_and_fifos(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    write(batch / "b.png", b"x")
    write(batch / "a" / "z.png", b"x")
    write(batch / ".hidden.png", b"x")
    outside = write(tmp_path / "secret.png", b"x")
    os.symlink(outside, batch / "link.png")
    os.symlink(tmp_path, batch / "dirlink")
    os.mkfifo(batch / "pipe.png")
    entries = list(walk_batch(batch))
    files = [e.relpath for e in entries if isinstance(e, Candidate)]
    refused = {e.relpath: e.reason_code for e in entries if isinstance(e, Refusal)}
    assert files == ["a/z.png", "b.png"]
    assert refused == {"dirlink": "symlink", "link.png": "symlink", "pipe.png": "not_a_file"}
    assert all(e.message for e in entries if isinstance(e, Refusal))


def test_gbk_file_name_is_read_and_shown_in_unicode(tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    raw = os.fsencode(batch) + b"/" + "张三.png".encode("gbk")
    with open(raw, "wb") as fh:
        fh.write(png_bytes(small_page()))
    (entry,) = list(walk_batch(batch))
    assert isinstance(entry, Candidate)
    assert entry.relpath == "张三.png"
    assert entry.path.read_bytes().startswith(b"\x89PNG")  # the real name still opens


def test_undecodable_name_is_escaped_not_crashing() -> None:
    raw = os.fsdecode(b"\xff\xfe\xfa.png")
    shown = display_name(raw)
    shown.encode("utf-8")  # always encodable
    assert shown.endswith(".png")


def test_empty_too_large_unsupported_and_growing_files_are_rejected(
    tmp_path: Path, settings
) -> None:
    batch = tmp_path / "batch"
    _old(write(batch / "empty.png", b""))
    _old(write(batch / "notes.jpg", b"hello, this is text"))
    _old(write(batch / "big.png", png_bytes(small_page())))
    fresh = write(batch / "fresh.png", png_bytes(small_page()))
    small = settings.model_copy(update={"max_file_bytes": 200, "stable_seconds": 30})
    results = {
        c.relpath: check_candidate(c, small) for c in walk_batch(batch) if isinstance(c, Candidate)
    }
    assert results["empty.png"].reason_code == "empty"
    assert results["notes.jpg"].reason_code == "unsupported_type"
    assert results["big.png"].reason_code == "file_too_large"
    assert results["fresh.png"].reason_code == "still_growing"
    assert fresh.exists()
    for name, check in results.items():
        assert check.message
        assert (check.sha256 is not None) == (name == "notes.jpg")  # hashed once readable


def test_size_change_between_stats_is_still_growing(tmp_path: Path, settings) -> None:
    path = _old(write(tmp_path / "grow.png", png_bytes(small_page())))
    (candidate,) = [c for c in walk_batch(tmp_path) if isinstance(c, Candidate)]
    with open(path, "ab") as fh:  # the scanner writes more after we listed the folder
        fh.write(b"more")
    assert check_candidate(candidate, settings).reason_code == "still_growing"


def test_png_named_pdf_is_taken_as_png_with_its_hash(tmp_path: Path, settings) -> None:
    data = png_bytes(small_page())
    _old(write(tmp_path / "scan.pdf", data))
    (candidate,) = [c for c in walk_batch(tmp_path) if isinstance(c, Candidate)]
    check = check_candidate(candidate, settings)
    import hashlib

    assert (check.reason_code, check.kind) == (None, "png")
    assert check.sha256 == hashlib.sha256(data).hexdigest()


def test_page_files_group_into_one_record_in_page_order(tmp_path: Path) -> None:
    for name in ("r-p2.jpg", "r-p1.png", "r-p10.jpg", "single.tif", "s_p1.png"):
        write(tmp_path / name, b"x")
    groups = group_records(list(walk_batch(tmp_path)))
    names = [[c.relpath for c in g] for g in groups if isinstance(g, list)]
    assert names == [["r-p1.png", "r-p2.jpg", "r-p10.jpg"], ["s_p1.png"], ["single.tif"]]


def test_records_are_handed_out_largest_first_after_the_refusals(tmp_path: Path) -> None:
    from ingest.intake import Candidate, Refusal, largest_first

    def c(name: str, size: int) -> Candidate:
        return Candidate(tmp_path / name, name, size, 0.0)

    refusal = Refusal("link.png", "symlink", "not followed")
    small, big, same_a, same_b = c("a.png", 10), c("b.tif", 900), c("c.png", 50), c("d.png", 50)
    pages = [c("e-p1.png", 300), c("e-p2.png", 300)]  # one record of 600 bytes
    ordered = largest_first([[small], [same_a], refusal, [big], pages, [same_b]])
    assert ordered == [refusal, [big], pages, [same_a], [same_b], [small]]
