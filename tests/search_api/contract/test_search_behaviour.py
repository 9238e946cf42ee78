"""The search behaviour table, run against every backend (``backend`` fixture)."""

from __future__ import annotations

import pytest

from search_api.search.base import SearchBackend, SearchQuery
from search_api.search.documents import record_to_doc
from search_api.search.matching import parse_user_query
from tests.search_api.sample import ID15_ZHANG, ID18_ZHANG, sample_records


def run(backend: SearchBackend, text: str, **filters: object) -> list[tuple[str, str]]:
    results = backend.search(parse_user_query(text, **filters))
    assert results.total == len(results.hits)  # the sample is smaller than one page
    return [(h.record_id, h.tier) for h in results.hits]


# (query as typed, expected hits in order as (record_id, tier)) - written by hand.
TABLE = [
    pytest.param(
        "張偉",
        [
            ("r1953-trad", "exact"),
            ("r2001-id18", "script_folded"),
            ("r1991-simp", "script_folded"),
            ("r1962-zhang", "pinyin"),
        ],
        id="traditional-name-finds-both-scripts",
    ),
    pytest.param(
        "张伟",
        [
            ("r2001-id18", "exact"),
            ("r1991-simp", "exact"),
            ("r1953-trad", "script_folded"),
            ("r1962-zhang", "pinyin"),
        ],
        id="simplified-2-char-name",
    ),
    pytest.param(
        "zhangwei",
        [
            ("r2001-id18", "pinyin"),
            ("r1991-simp", "pinyin"),
            ("r1962-zhang", "pinyin"),
            ("r1953-trad", "pinyin"),
        ],
        id="full-pinyin",
    ),
    pytest.param(
        "Zhāng Wěi",
        [
            ("r2001-id18", "pinyin"),
            ("r1991-simp", "pinyin"),
            ("r1962-zhang", "pinyin"),
            ("r1953-trad", "pinyin"),
        ],
        id="pinyin-with-tone-marks-and-space",
    ),
    pytest.param("shanwei", [("r2010-shan", "pinyin")], id="polyphonic-surname-reading"),
    pytest.param("danwei", [("r2010-shan", "pinyin")], id="polyphonic-common-reading"),
    pytest.param("sw", [("r2010-shan", "pinyin")], id="initials"),
    pytest.param("单伟", [("r2010-shan", "script_folded")], id="simplified-finds-traditional"),
    pytest.param(
        "章伟",
        [
            ("r1962-zhang", "exact"),
            ("r2001-id18", "pinyin"),
            ("r1991-simp", "pinyin"),
            ("r1953-trad", "pinyin"),
            ("r1975-lookalike", "lookalike"),
        ],
        id="lookalike-cao-zhang",
    ),
    pytest.param("刘己", [("r1975-lookalike", "lookalike")], id="lookalike-ji-yi"),
    pytest.param("娜娜", [("r2010-shan", "partial")], id="given-name-only"),
    pytest.param("欧阳", [("r2010-shan", "partial")], id="compound-surname-only"),
    pytest.param("李娜", [("r2012-li-na", "exact")], id="two-char-name-exact"),
    pytest.param("李", [("r2012-li-na", "partial"), ("r1953-trad", "partial")], id="surname-only"),
    pytest.param("lina", [("r2012-li-na", "pinyin")], id="two-char-name-pinyin"),
    pytest.param(
        "zhangw",
        [
            ("r2001-id18", "partial"),
            ("r1991-simp", "partial"),
            ("r1962-zhang", "partial"),
            ("r1953-trad", "partial"),
        ],
        id="pinyin-prefix",
    ),
    pytest.param(
        ID15_ZHANG,
        [("r1991-simp", "id_exact"), ("r2001-id18", "id_15_18")],
        id="id-15-finds-18",
    ),
    pytest.param(
        ID18_ZHANG,
        [("r2001-id18", "id_exact"), ("r1991-simp", "id_15_18")],
        id="id-18-finds-15",
    ),
    pytest.param(
        "张伟 1015",
        [("r2001-id18", "exact"), ("r1991-simp", "exact")],
        id="name-plus-last4-of-18",
    ),
    pytest.param("张伟 2101", [("r1991-simp", "exact")], id="name-plus-last4-as-printed-15"),
    pytest.param("张伟 9999", [], id="name-plus-wrong-last4"),
    pytest.param("J620722-1991-000045", [("r1991-simp", "certificate")], id="certificate"),
    pytest.param("j620722 1991 000045", [("r1991-simp", "certificate")], id="certificate-loose"),
    pytest.param("高民婚字第032号", [("r1953-trad", "certificate")], id="local-certificate"),
    pytest.param("1962", [("r1962-zhang", "filter")], id="year-only"),
    pytest.param("王小二", [], id="absent-name"),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_search_behaviour_table(backend: SearchBackend, text: str, expected: list) -> None:
    assert run(backend, text) == expected


def test_every_hit_says_why_it_matched(backend: SearchBackend) -> None:
    hits = backend.search(parse_user_query("張偉")).hits
    assert all(h.reasons for h in hits)
    assert "完全一致" in hits[0].reasons[0]
    assert "繁简" in hits[1].reasons[0]
    lookalike = backend.search(parse_user_query("刘己")).hits[0]
    assert "形近字" in lookalike.reasons[0]
    assert lookalike.party_index == 1


def test_id_reasons_show_only_a_masked_id(backend: SearchBackend) -> None:
    hits = backend.search(parse_user_query(ID15_ZHANG)).hits
    text = " ".join(r for h in hits for r in h.reasons)
    assert ID18_ZHANG not in text and ID15_ZHANG not in text
    assert "620722********1015" in text


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"date_from": "1950", "date_to": "1960"}, ["r1953-trad"]),
        ({"record_type": "divorce"}, ["r2001-id18"]),
        ({"status": "verified"}, ["r1953-trad"]),
        ({"date_from": "1991-06-01", "date_to": "1991-06-01"}, ["r1991-simp"]),
        ({"date_from": "1991-06-02"}, ["r2001-id18"]),
        ({"sex": "M", "birth_year": 1965}, ["r2001-id18", "r1991-simp"]),
    ],
)
def test_filters_narrow_a_name_search(
    backend: SearchBackend, filters: dict, expected: list[str]
) -> None:
    assert [rid for rid, _ in run(backend, "张伟", **filters)] == expected


def test_filter_only_query_lists_by_date(backend: SearchBackend) -> None:
    query = SearchQuery(status="needs_review")
    assert [h.record_id for h in backend.search(query).hits] == ["r1975-lookalike", "r1962-zhang"]
    assert {h.tier for h in backend.search(query).hits} == {"filter"}


def test_empty_query_finds_nothing(backend: SearchBackend) -> None:
    assert backend.search(SearchQuery()).total == 0
    assert backend.search(parse_user_query("   ")).hits == []


def test_paging_keeps_total_and_order(backend: SearchBackend) -> None:
    first = backend.search(SearchQuery(name="zhangwei", limit=2))
    second = backend.search(SearchQuery(name="zhangwei", limit=2, offset=2))
    assert first.total == second.total == 4
    assert [h.record_id for h in first.hits + second.hits] == [
        "r2001-id18",
        "r1991-simp",
        "r1962-zhang",
        "r1953-trad",
    ]


INJECTIONS = [
    "*",
    '"',
    '""',
    "NEAR(张 伟)",
    "NEAR(",
    "col:张伟",
    "pinyin:zhangwei",
    "id_number:*",
    "张伟 AND 李娜",
    "AND",
    "OR",
    'zhang"',
    '张伟" OR "1',
    "zhang*",
    "(",
    "'; DROP TABLE docs; --",
    "/.*/",
    "^张",
    "张" * 5000,
    "a" * 10_000,
]


@pytest.mark.parametrize("text", INJECTIONS, ids=range(len(INJECTIONS)))
def test_injection_strings_are_plain_text(backend: SearchBackend, text: str) -> None:
    results = backend.search(parse_user_query(text))
    assert results.total == 0 and results.hits == []
    # the index is intact afterwards
    assert [h.record_id for h in backend.search(parse_user_query("李娜")).hits] == ["r2012-li-na"]


@pytest.mark.parametrize("text", ['"zhang', "zhang OR wei", "NEAR zhang", "zha-ng"])
def test_latin_operators_never_reach_fts(backend: SearchBackend, text: str) -> None:
    backend.search(SearchQuery(name=text))  # no exception is the contract


def test_upsert_replaces_old_keys(backend: SearchBackend) -> None:
    record = next(r for r in sample_records() if r.record_id == "r1962-zhang")
    renamed = record.model_copy(
        update={"parties": [record.parties[0].model_copy(update={"name": "周伟"})]}
    )
    backend.upsert([record_to_doc(renamed)])
    assert "r1962-zhang" not in [rid for rid, _ in run(backend, "章伟")]
    assert ("r1962-zhang", "exact") in run(backend, "周伟")


def test_delete_removes_every_key(backend: SearchBackend) -> None:
    backend.delete(["r2012-li-na", "does-not-exist"])
    assert run(backend, "李娜") == []
    assert run(backend, "lina") == []
    assert run(backend, "BJ620722-2012-000001") == []


def test_cursor_starts_at_zero_and_persists(empty_backend: SearchBackend) -> None:
    assert empty_backend.get_cursor() == 0
    empty_backend.set_cursor(42)
    assert empty_backend.get_cursor() == 42


def test_rebuild_swaps_in_a_fresh_index(backend: SearchBackend) -> None:
    only_two = [record_to_doc(r) for r in sample_records()[:2]]
    assert backend.rebuild(only_two, cursor=7) == 2
    assert backend.get_cursor() == 7
    assert run(backend, "李娜") == []
    assert [rid for rid, _ in run(backend, "张伟")] == ["r1991-simp", "r1953-trad"]


def test_health_is_none_when_ready(backend: SearchBackend) -> None:
    assert backend.health() is None
