"""Our objects and storage roots pass an independent OCFL 1.1 validator (ocfl-py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive import Archive
from archive.ocfl import object_relpath
from tests.archive.helpers import commit_one, make_settings

ocfl = pytest.importorskip("ocfl", reason="ocfl-py (the independent validator) not installed")


def test_objects_and_root_are_valid_ocfl_1_1(tmp_path: Path) -> None:
    from ocfl.layout_0003_hash_and_id_n_tuple import _id_to_path
    from ocfl.validator import Validator

    with Archive.open(make_settings(tmp_path)) as archive:
        commit_one(archive, tmp_path / "batch", 1, record_id="GT-0001/张三 x")  # odd id
        archive.correct_fields("GT-0001/张三 x", {"office": "高台县"}, "clerk", "why")
        archive.mark_verified("GT-0001/张三 x", "reviewer")
        for root in (archive.settings.copy_a, archive.settings.copy_b):
            # the object path is the one the layout extension prescribes (ocfl-py computes it)
            rel = object_relpath("GT-0001/张三 x")
            assert rel == _id_to_path("GT-0001/张三 x", "sha256", 3, 2)
            validator = Validator(log_warnings=False)
            assert validator.validate_object(str(root / rel)), str(validator.log)
            store = ocfl.StorageRoot(root=str(root))
            assert store.validate(validate_objects=True, check_digests=True)
            assert (store.num_objects, store.good_objects) == (1, 1)


def test_validator_notices_damage(tmp_path: Path) -> None:
    """Sanity check of the oracle itself: a flipped byte makes the object invalid."""
    from ocfl.validator import Validator

    with Archive.open(make_settings(tmp_path)) as archive:
        commit_one(archive, tmp_path / "batch", 2)
        obj = archive.settings.copy_a / object_relpath("rec-0002")
        master = obj / "v1/content/master/000.jpg"
        master.write_bytes(b"x" + master.read_bytes()[1:])
        assert not Validator(log_warnings=False).validate_object(str(obj))
