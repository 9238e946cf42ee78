"""The committed JSON Schema is current and accepts/rejects the right records."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.gen_schema import SCHEMA_PATH, main, render_schema, write_schema
from schemas.masking import mask_id, mask_name
from schemas.model import Party, Record, TruthRecord

SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

EXAMPLE = {
    "record_id": "r-000001",
    "record_type": "marriage",
    "registration_date": "2005-06-01",
    "certificate_no": "J620722-2005-000123",
    "office": "高台县民政局",
    "parties": [
        {
            "role": "husband",
            "name": "張曉明",
            "name_simplified": "张晓明",
            "sex": "M",
            "birth_date": "1980-03-12",
            "age": 25,
            "id_number": "62072219800312123X",
            "id_number_18": "62072219800312123X",
            "ethnicity": "汉",
        },
        {"role": "wife", "name": "李芳", "name_simplified": "李芳", "sex": "F"},
    ],
    "pages": [
        {
            "source": "batch1/0001.tif",
            "page_index": 0,
            "sha256": "a" * 64,
            "rotation": 90,
            "skew_deg": 2.5,
        }
    ],
    "status": "auto_accepted",
    "fields": {"parties[0].name": {"confidence": 0.97, "page": 0, "bbox": [1, 2, 3, 4]}},
    "batch_id": "batch1",
    "ingested_at": "2026-06-15T10:00:00Z",
}


def test_committed_schema_is_current() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(), (
        "schemas/record.schema.json is stale: run python -m schemas.gen_schema"
    )
    assert main(["--check"]) == 0


def test_gen_schema_runs_as_a_module_and_writes_atomically(tmp_path: Path) -> None:
    target = tmp_path / "record.schema.json"
    assert write_schema(target) is True
    assert write_schema(target) is False  # unchanged: not rewritten
    assert target.read_text(encoding="utf-8") == render_schema()
    assert not list(tmp_path.glob("*.tmp"))
    done = subprocess.run(
        [sys.executable, "-m", "schemas.gen_schema", "--check"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"].endswith("2020-12/schema")


def test_example_record_validates() -> None:
    VALIDATOR.validate(EXAMPLE)
    Record.model_validate(EXAMPLE)  # the model agrees


def test_model_dump_validates() -> None:
    record = Record(record_id="x", parties=[Party(role="wife", name="王芳")])
    VALIDATOR.validate(record.model_dump(mode="json"))


def test_truth_record_with_extra_top_level_keys_validates() -> None:
    truth = TruthRecord.model_validate({**EXAMPLE, "era": "2000+", "applied": []})
    VALIDATOR.validate(json.loads(truth.model_dump_json()))


def _broken(path: list, value: object) -> dict:
    doc = copy.deepcopy(EXAMPLE)
    target = doc
    for part in path[:-1]:
        target = target[part]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (["record_id"], KeyError),
        (["record_type"], "wedding"),
        (["registration_date"], "2005/06/01"),
        (["registration_date"], "1985年3月12日"),
        (["status"], "accepted"),
        (["parties", 0, "role"], "groom"),
        (["parties", 0, "sex"], "male"),
        (["parties", 0, "birth_date"], "12.03.1980"),
        (["parties", 0, "age"], -1),
        (["parties", 0, "age"], 200),
        (["parties", 0, "nickname"], "小明"),  # nested objects are closed
        (["parties"], [{"role": "husband"}] * 3),  # one couple per file
        (["pages", 0, "sha256"], "not-a-digest"),
        (["pages", 0, "rotation"], 45),
        (["pages", 0, "page_index"], -1),
        (["fields", "parties[0].name", "confidence"], 1.5),
        (["fields", "parties[0].name", "bbox"], [1, 2, 3]),
    ],
)
def test_invalid_records_are_rejected(path: list, value: object) -> None:
    doc = _broken(path, value)
    assert not VALIDATOR.is_valid(doc), path


def test_masking_module_masks_names_and_ids() -> None:
    assert mask_name("张晓明") == "张*明"
    assert mask_name("张明") == "张*"
    assert mask_name("欧阳小明") == "欧阳*明"
    assert mask_name("歐陽小明") == "歐陽*明"
    assert mask_name("阿依古丽·买买提") == "阿*******"
    assert mask_name("张") == "*"
    assert mask_name("") == ""
    assert mask_name(None) is None
    assert mask_id("62072219800312123X") == "620722********123X"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(categories=["Lo"]), min_size=2, max_size=6))
def test_mask_name_hides_all_but_surname_and_last(name: str) -> None:
    masked = mask_name(name)
    assert masked is not None and len(masked) == len(unicodedata.normalize("NFC", name))
    shown = [ch for ch in masked if ch != "*"]
    assert len(shown) <= 3  # at most a compound surname + the last character
    assert masked.count("*") >= 1
