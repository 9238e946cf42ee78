"""Pure parts of the OCFL layer: object paths and inventories."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive import ocfl


def test_new_version_carries_unchanged_files_and_stores_only_new_content() -> None:
    a, b, c = "a" * 64, "b" * 64, "c" * 64
    v1 = ocfl.new_inventory(
        "rec-1",
        [ocfl.ContentFile("master/000.tif", a, 10), ocfl.ContentFile("metadata/record.json", b, 5)],
        "2026-01-01T00:00:00Z",
        "machine",
        "ingest",
    )
    v2 = ocfl.new_inventory(
        "rec-1",
        [ocfl.ContentFile("metadata/record.json", c, 6)],
        "2026-01-02T00:00:00Z",
        "clerk",
        "typo",
        previous=v1,
    )
    assert v2["head"] == "v2"
    assert v2["versions"]["v1"] == v1["versions"]["v1"]  # history untouched
    assert v2["versions"]["v2"]["state"] == {a: ["master/000.tif"], c: ["metadata/record.json"]}
    assert v2["manifest"][a] == ["v1/content/master/000.tif"]  # not stored again
    assert v2["manifest"][c] == ["v2/content/metadata/record.json"]
    assert ocfl.new_content_paths(v2) == {"metadata/record.json": "v2/content/metadata/record.json"}
    assert ocfl.resolve(v2, "metadata/record.json", "v1") == "v1/content/metadata/record.json"
    # going back to an earlier value re-uses the stored content
    v3 = ocfl.new_inventory(
        "rec-1",
        [ocfl.ContentFile("metadata/record.json", b, 5)],
        "2026-01-03T00:00:00Z",
        "clerk",
        "undo",
        previous=v2,
    )
    assert ocfl.new_content_paths(v3) == {}
    assert ocfl.resolve(v3, "metadata/record.json") == "v1/content/metadata/record.json"


def test_identical_files_in_one_version_are_each_stored() -> None:
    d = "d" * 64
    inv = ocfl.new_inventory(
        "r",
        [
            ocfl.ContentFile("access/page-000.jpg", d, 1),
            ocfl.ContentFile("access/original-000.jpg", d, 1),
        ],
        "t",
        "u",
        "m",
    )
    assert sorted(inv["manifest"][d]) == [
        "v1/content/access/original-000.jpg",
        "v1/content/access/page-000.jpg",
    ]


def test_sidecar_names_the_inventory_digest() -> None:
    import hashlib

    data = ocfl.inventory_bytes({"id": "x"})
    assert ocfl.sidecar_bytes(data) == (
        f"{hashlib.sha256(data).hexdigest()}  inventory.json\n".encode()
    )


layout = pytest.importorskip("ocfl.layout_0003_hash_and_id_n_tuple")


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=150))
def test_object_path_matches_the_reference_layout_implementation(record_id: str) -> None:
    """ocfl-py's own implementation of extension 0003 is the oracle."""
    try:
        record_id.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot be ids
        return
    assert ocfl.object_relpath(record_id) == layout._id_to_path(record_id, "sha256", 3, 2)
