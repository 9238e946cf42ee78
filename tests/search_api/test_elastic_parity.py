"""Parity: for a fixed query set, the cluster backends answer exactly as SQLite does.

The same 300 synthetic catalog records (every era: traditional names, 15- and
18-digit IDs, certificate numbers, look-alike slips) plus the hand-written
sample go into the embedded SQLite index and into the opensearch and
elasticsearch backends on the osmem EMULATOR. For every query of a fixed mix
(names in both scripts, pinyin, initials, prefixes, surnames, IDs in both forms,
certificate numbers, date ranges with filters, name + last 4, hostile input)
the totals and the top 20 (record id, tier, party, reasons) must be identical.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.index_speed import query_mix, synthetic_records
from schemas.model import Record
from search_api.search.base import SearchBackend, SearchQuery, SearchResults
from search_api.search.documents import record_to_doc
from search_api.search.matching import parse_user_query
from search_api.search.sqlite_backend import SqliteBackend
from tests.search_api.sample import ID15_ZHANG, sample_records
from tests.search_api.test_elastic_harness import CLUSTER_PARAMS, cluster_backend, drop_indices

pytestmark = pytest.mark.slow

HAND_PICKED = [
    parse_user_query("张伟"),
    parse_user_query("張偉"),
    parse_user_query("zhangwei"),
    parse_user_query("zw"),
    parse_user_query("zhangw"),
    parse_user_query("章伟"),
    parse_user_query("欧阳"),
    parse_user_query("娜娜"),
    parse_user_query(ID15_ZHANG),
    parse_user_query("高民婚字第032号"),
    parse_user_query("1962"),
    parse_user_query("王", record_type="divorce", status="verified"),
    parse_user_query("李", date_from="1950", date_to="1984-12"),
    SearchQuery(name="王", sex="F", birth_year=1960, birth_year_tolerance=5),
    SearchQuery(name="张", limit=5, offset=5),
    SearchQuery(date_from="1990", date_to="1995", record_type="marriage", limit=50),
    SearchQuery(sex="M", birth_year=1970),
    parse_user_query('*"NEAR(col:'),
]


def records() -> list[Record]:
    return [*sample_records(), *synthetic_records(300, seed=20261130)]


def queries() -> list[SearchQuery]:
    mix = [query for _kind, query in query_mix(records(), seed=5)]
    return HAND_PICKED + mix


def answer(results: SearchResults) -> tuple[int, list[tuple[str, str, int | None, list[str]]]]:
    return results.total, [
        (h.record_id, h.tier, h.party_index, h.reasons) for h in results.hits[:20]
    ]


@pytest.fixture(scope="module")
def sqlite_answers(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[object, ...]]:
    backend = SqliteBackend(Path(tmp_path_factory.mktemp("parity")) / "index.sqlite")
    backend.ensure_ready()
    backend.upsert([record_to_doc(r) for r in records()])
    try:
        return [answer(backend.search(q)) for q in queries()]
    finally:
        backend.close()


@pytest.fixture(scope="module", params=CLUSTER_PARAMS)
def cluster(request: pytest.FixtureRequest) -> Iterator[SearchBackend]:
    backend = cluster_backend(request.param)
    backend.ensure_ready()
    backend.upsert([record_to_doc(r) for r in records()])
    yield backend
    drop_indices(backend)
    backend.close()


def test_query_set_is_broad() -> None:
    """The fixed set exercises every tier (checked on the data, not on a backend)."""
    assert len(queries()) >= 100


def test_cluster_answers_equal_sqlite_answers(
    cluster: SearchBackend, sqlite_answers: list[tuple[object, ...]]
) -> None:
    mismatches = []
    tiers_seen: set[str] = set()
    for query, expected in zip(queries(), sqlite_answers, strict=True):
        got = answer(cluster.search(query))
        tiers_seen.update(tier for _, tier, _, _ in got[1])
        if got != expected:
            mismatches.append((query, expected, got))
    assert mismatches == []
    # the set really covers the ranking (all tiers a clerk can reach appear)
    assert {"exact", "script_folded", "pinyin", "partial", "id_exact", "certificate"} <= tiers_seen
    assert {"lookalike", "filter"} & tiers_seen
