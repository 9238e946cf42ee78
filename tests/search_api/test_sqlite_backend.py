"""SQLite-specific behaviour: bounded candidate reads, rebuild atomicity, hostile input fuzz."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search_api.search import sqlite_backend
from search_api.search.documents import record_to_doc
from search_api.search.matching import parse_user_query
from search_api.search.sqlite_backend import SqliteBackend
from tests.search_api.sample import sample_records


@pytest.fixture
def backend(tmp_path: Path) -> SqliteBackend:
    backend = SqliteBackend(tmp_path / "index.sqlite")
    backend.upsert([record_to_doc(r) for r in sample_records()])
    return backend


def test_a_capped_search_says_its_total_is_a_lower_bound(
    backend: SqliteBackend, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not backend.search(parse_user_query("zhangwei")).total_is_lower_bound
    monkeypatch.setattr(sqlite_backend, "CANDIDATE_CAP", 2)
    results = backend.search(parse_user_query("zhangwei"))
    assert results.total_is_lower_bound
    # the newest candidates are the ones kept
    assert [h.record_id for h in results.hits][:2] == ["r2001-id18", "r1991-simp"]


def test_rebuild_leaves_no_staging_file_and_readers_see_the_new_index(
    backend: SqliteBackend, tmp_path: Path
) -> None:
    reader = SqliteBackend(backend.path)
    assert reader.count() == 7
    backend.rebuild([record_to_doc(r) for r in sample_records()[:3]], cursor=3)
    assert reader.count() == 3  # the reader reopened the replaced file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.sqlite"]
    reader.close()


def test_a_failed_rebuild_keeps_the_old_index(backend: SqliteBackend, tmp_path: Path) -> None:
    def broken():  # type: ignore[no-untyped-def]
        yield record_to_doc(sample_records()[0])
        raise RuntimeError("catalog read failed")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken(), cursor=99)
    assert backend.count() == 7 and backend.get_cursor() == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.sqlite"]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60))
def test_any_input_is_answered_without_error(backend: SqliteBackend, text: str) -> None:
    results = backend.search(parse_user_query(text))
    assert results.total >= len(results.hits) >= 0


@pytest.mark.parametrize("id_name", ["ID15_ZHANG", "ID18_ZHANG", "ID18_WANG", "ID18_SHAN"])
def test_an_unexplained_id_search_finds_the_same_records_in_the_same_order(
    backend: SqliteBackend, id_name: str
) -> None:
    from search_api.search.base import SearchQuery
    from tests.search_api import sample

    number = getattr(sample, id_name)
    full = backend.search(SearchQuery(id_number=number, limit=100))
    lean = backend.search(SearchQuery(id_number=number, limit=100, explain=False))
    assert full.hits, "the sample records carry this ID"
    assert [(h.record_id, h.tier) for h in lean.hits] == [(h.record_id, h.tier) for h in full.hits]
    assert lean.total == full.total
    assert all(h.doc is None and h.reasons == [] for h in lean.hits)  # nothing loaded


def test_a_name_search_is_explained_even_when_not_asked(backend: SqliteBackend) -> None:
    from search_api.search.base import SearchQuery

    hits = backend.search(SearchQuery(name="张伟", explain=False)).hits
    assert hits and all(h.reasons for h in hits)  # candidates need their tier and party
