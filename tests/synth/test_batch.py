"""generate_batch end to end: truth valid, files readable at their dpi, deterministic."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
from PIL import Image

from schemas.errors import StorageError, ValidationFailed
from schemas.model import TruthRecord, record_json_schema
from synth import ERA_NAMES, FORMATS, LAYOUT_NAMES, generate_batch, plan_batch

REPO = Path(__file__).resolve().parents[2]
SCHEMA_FILE = REPO / "schemas" / "record.schema.json"


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "batch"
    summary = generate_batch(out, 8, seed=42)
    truths = [json.loads(line) for line in (out / "truth.jsonl").read_text("utf-8").splitlines()]
    return out, summary, truths


def _schema() -> dict:
    # The committed file when the schemas package has it, else the model's own schema.
    if SCHEMA_FILE.exists():
        return json.loads(SCHEMA_FILE.read_text("utf-8"))
    return record_json_schema()


@pytest.mark.slow
def test_truth_lines_validate_against_the_record_schema(batch):
    _out, summary, truths = batch
    assert len(truths) == summary.records == 8
    validator = jsonschema.Draft202012Validator(_schema())
    for t in truths:
        errors = [e.message for e in validator.iter_errors(t)]
        assert not errors, errors
        TruthRecord.model_validate(t)
        assert t["status"] == "verified" and t["fields"] == {}
        assert len(t["parties"]) == 2
        assert {p["role"] for p in t["parties"]} == {"husband", "wife"}
        assert len(t["applied"]) == len(t["pages"])


@pytest.mark.slow
def test_every_era_type_and_layout_appears(batch):
    _, _, truths = batch
    assert {t["era"] for t in truths} == set(ERA_NAMES)
    assert {t["record_type"] for t in truths} == {"marriage", "divorce", "reissue", "annulment"}
    assert {a["layout"] for t in truths for a in t["applied"]} == set(LAYOUT_NAMES)
    assert any(len(t["pages"]) == 2 for t in truths)


@pytest.mark.slow
def test_truth_sources_and_digests_match_the_written_files(batch):
    out, summary, truths = batch
    scans = out / "scans"
    sources = {p["source"] for t in truths for p in t["pages"]}
    assert sources == {f.name for f in scans.iterdir()}
    assert summary.files == len(sources)
    for t in truths:
        for p in t["pages"]:
            assert p["sha256"] == hashlib.sha256((scans / p["source"]).read_bytes()).hexdigest()


def _pdf_pages_and_ppi(path: Path) -> tuple[int, list[int]]:
    info = subprocess.run(
        ["pdfinfo", str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()[2:]
    ppi = [int(line.split()[12]) for line in listing]  # x-ppi column
    return pages, ppi


@pytest.mark.slow
def test_each_file_opens_with_its_page_count_and_dpi(batch):
    out, _, truths = batch
    scans = out / "scans"
    pages_per_file = Counter(p["source"] for t in truths for p in t["pages"])
    dpi_of = {p["source"]: p["dpi"] for t in truths for p in t["pages"]}
    seen_formats = set()
    for source, count in pages_per_file.items():
        path = scans / source
        if path.suffix == ".pdf":
            seen_formats.add("pdf")
            pages, ppi = _pdf_pages_and_ppi(path)
            assert pages == count
            assert all(abs(v - dpi_of[source]) <= 1 for v in ppi), ppi
            continue
        with Image.open(path) as im:
            seen_formats.add(im.format.lower())
            assert getattr(im, "n_frames", 1) == count
            assert abs(im.info["dpi"][0] - dpi_of[source]) < 0.5
            assert dpi_of[source] in (200, 300)
            im.seek(count - 1)
            im.load()
    assert seen_formats == {"png", "jpeg", "tiff", "pdf"}


@pytest.mark.slow
def test_pdf_page_size_matches_the_scan_dpi_when_poppler_renders_it(batch):
    out, _, truths = batch
    page = next(p for t in truths for p in t["pages"] if p["source"].endswith(".pdf"))
    pdf = out / "scans" / page["source"]
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()[2]
    iw, ih = int(listing.split()[3]), int(listing.split()[4])
    # Rendering at 1/8 of the scan dpi must give 1/8 of the embedded image's pixels:
    # the page size in points is the image size at the scan's resolution.
    low = page["dpi"] // 8
    subprocess.run(
        ["pdftoppm", "-r", str(low), "-f", "1", "-l", "1", "-gray", str(pdf), str(out / "render")],
        check=True,
        timeout=120,
    )
    rendered = next(out.glob("render*.pgm"))
    with Image.open(rendered) as im:
        width, height = im.size
    assert abs(width - iw / 8) <= 1.5 and abs(height - ih / 8) <= 1.5


@pytest.mark.slow
def test_same_seed_gives_byte_identical_output_and_another_seed_does_not(tmp_path):
    """Also with parallel workers: records are pure functions of (seed, index)."""
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate_batch(a, 3, seed=7)
    generate_batch(b, 3, seed=7, workers=2)
    generate_batch(c, 1, seed=8)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    assert files_a == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    for rel in files_a:
        assert (a / rel).read_bytes() == (b / rel).read_bytes(), rel
    first_a = (a / "truth.jsonl").read_text("utf-8").splitlines()[0]
    first_c = (c / "truth.jsonl").read_text("utf-8").splitlines()[0]
    assert json.loads(first_a)["parties"] != json.loads(first_c)["parties"]


def test_plan_of_forty_covers_everything_and_respects_eras():
    plan = plan_batch(40, seed=1)
    assert {p.era for p in plan} == set(ERA_NAMES)
    assert {p.record_type for p in plan} == {"marriage", "divorce", "reissue", "annulment"}
    assert {p.layout for p in plan} == set(LAYOUT_NAMES)
    assert {p.fmt for p in plan} == set(FORMATS)
    assert any(p.pages == 2 for p in plan)
    assert all(p.layout != "review_form" for p in plan if p.era != "2000+")
    assert plan == plan_batch(40, seed=1)
    assert plan != plan_batch(40, seed=2)


def test_formats_option_limits_the_formats():
    assert {p.fmt for p in plan_batch(20, 3, formats=["pdf"])} == {"pdf"}


def test_bad_arguments_are_refused_with_our_errors(tmp_path):
    with pytest.raises(ValidationFailed):
        generate_batch(tmp_path / "x", 0, seed=1)
    with pytest.raises(ValidationFailed, match="workers"):
        generate_batch(tmp_path / "x", 1, seed=1, workers=0)
    with pytest.raises(ValidationFailed, match="bmp"):
        generate_batch(tmp_path / "x", 1, seed=1, formats=["bmp"])
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError):
        generate_batch(blocker, 1, seed=1)
    assert not (tmp_path / "x").exists()


@pytest.mark.slow
def test_speed_is_under_two_seconds_per_record(tmp_path):
    """n=10; CPU seconds are asserted (stable on a shared machine), wall time is reported."""
    generate_batch(tmp_path / "warm", 1, seed=99)  # fonts and OpenCC tables loaded once
    cpu, wall = time.process_time(), time.perf_counter()
    summary = generate_batch(tmp_path / "timed", 10, seed=5)
    cpu_per_record = (time.process_time() - cpu) / 10
    wall_per_record = (time.perf_counter() - wall) / 10
    print(f"synth: {cpu_per_record:.2f} s CPU, {wall_per_record:.2f} s wall per record")
    assert summary.records == 10
    assert cpu_per_record < 2.0
    shutil.rmtree(tmp_path / "timed")


@pytest.mark.slow
def test_cli_writes_a_batch_and_says_where(tmp_path):
    from click.testing import CliRunner

    from cli import main

    out = tmp_path / "cli"
    result = CliRunner().invoke(
        main, ["synth", str(out), "--n", "2", "--seed", "3", "--format", "jpeg"]
    )
    assert result.exit_code == 0, result.output
    assert "2 records" in result.output and str(out / "truth.jsonl") in result.output
    assert {p.suffix for p in (out / "scans").iterdir()} == {".jpg"}


def test_cli_refuses_a_batch_of_zero(tmp_path):
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, ["synth", str(tmp_path / "z"), "--n", "0"])
    assert result.exit_code == 2
    assert not (tmp_path / "z").exists()
