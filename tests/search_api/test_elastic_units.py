"""Pure parts of the cluster backends (no server): names, product check, bulk answers,
backoff, documents, and the shape of every query body (term-level only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.errors import ConfigError
from search_api.search.base import SearchQuery
from search_api.search.documents import record_to_doc
from search_api.search.es_common import (
    MAPPING_VERSION,
    RetryPolicy,
    check_prefix,
    describe_server,
    doc_to_source,
    index_mapping_version,
    major_version,
    new_index_name,
    read_bulk_response,
    redact_url,
    search_body,
    source_to_doc,
)
from search_api.search.matching import parse_user_query
from tests.search_api.sample import sample_records

# GET / answers as the products document them (abridged, written by hand).
ES_8 = {
    "name": "node-1",
    "cluster_name": "prod",
    "version": {"number": "8.15.0", "build_flavor": "default", "build_type": "docker"},
    "tagline": "You Know, for Search",
}
ES_SERVERLESS = {"version": {"number": "8.11.0", "build_flavor": "serverless"}}
OS_2 = {
    "name": "os-1",
    "version": {"distribution": "opensearch", "number": "2.11.1", "build_type": "tar"},
    "tagline": "The OpenSearch Project: https://opensearch.org/",
}


def test_index_names_are_versioned_and_parse_back() -> None:
    moment = datetime(2026, 11, 30, 4, 5, 6, 789, tzinfo=UTC)
    name = new_index_name("gaotai", moment)
    assert name == f"gaotai-records-v{MAPPING_VERSION}-20261130t040506000789z"
    assert index_mapping_version(name) == MAPPING_VERSION
    assert index_mapping_version("someone-elses-index") is None


@pytest.mark.parametrize("prefix", ["marriage-archive", "gansu.gaotai_1", "p"])
def test_valid_prefixes(prefix: str) -> None:
    assert check_prefix(prefix) == prefix


@pytest.mark.parametrize("prefix", ["", "Upper", "-lead", "has space", "a/b", "a*", "x" * 200])
def test_invalid_prefixes_are_config_errors(prefix: str) -> None:
    with pytest.raises(ConfigError, match="search_index_prefix"):
        check_prefix(prefix)


def test_redact_url_drops_credentials() -> None:
    assert redact_url("https://elastic:s3cret@es.gansu.gov:9200/") == "https://es.gansu.gov:9200/"
    assert redact_url("http://127.0.0.1:9200") == "http://127.0.0.1:9200"


@pytest.mark.parametrize(
    ("info", "product", "major", "flavor"),
    [
        (ES_8, "elasticsearch", 8, "default"),
        (ES_SERVERLESS, "elasticsearch", 8, "serverless"),
        (OS_2, "opensearch", 2, None),
        ({"status": "ok"}, "unknown", None, None),
        ("not json", "unknown", None, None),
    ],
)
def test_describe_server(info: Any, product: str, major: int | None, flavor: str | None) -> None:
    server = describe_server(info)
    assert (server.product, server.major, server.flavor) == (product, major, flavor)


def test_major_version() -> None:
    assert major_version("9.1.0") == 9
    assert major_version("3.0.0-beta1") == 3
    assert major_version("x") is None


def test_bulk_answer_splits_retryable_and_permanent_items() -> None:
    body = {
        "errors": True,
        "items": [
            {"index": {"_id": "a", "status": 201}},
            {"index": {"_id": "b", "status": 429, "error": {"type": "es_rejected_execution"}}},
            {"index": {"_id": "c", "status": 400, "error": {"type": "mapper_parsing_exception"}}},
            {"index": {"_id": "d", "status": 503, "error": {"type": "unavailable_shards"}}},
        ],
    }
    outcome = read_bulk_response(body)
    assert outcome.retry_positions == [1, 3]
    assert outcome.failures == ["c: mapper_parsing_exception"]


def test_deleting_a_missing_document_is_success() -> None:
    body = {"errors": True, "items": [{"delete": {"_id": "x", "status": 404}}]}
    assert read_bulk_response(body, deleting=True).failures == []
    assert read_bulk_response(body).failures == ["x: error"]


def test_backoff_is_exponential_capped_and_bounded() -> None:
    assert list(RetryPolicy(attempts=6, base_s=0.5, cap_s=4.0).delays()) == [0.5, 1, 2, 4, 4]
    assert list(RetryPolicy(attempts=1).delays()) == []


def test_documents_round_trip_through_the_stored_source() -> None:
    for record in sample_records():
        doc = record_to_doc(record)
        assert source_to_doc(doc_to_source(doc)) == doc


def test_stored_source_carries_last4_of_both_id_forms() -> None:
    doc = record_to_doc(sample_records()[1])  # 15-digit ID 620722650312101 -> ...1015
    husband = doc_to_source(doc)["parties"][0]
    assert husband["last4"] == ["1015", "2101"]


# ---- every query body is term-level: user text is only ever a value ---------------------

ALLOWED_KEYS = {
    "query", "bool", "must", "filter", "dis_max", "queries", "tie_breaker", "constant_score",
    "boost", "terms", "term", "prefix", "value", "range", "gte", "lte", "nested", "path",
    "score_mode", "sort", "from", "size", "track_total_hits", "_score",
    "record_type", "status", "date_sort", "record_id", "certificate_key",
}  # fmt: skip
FORBIDDEN = {"query_string", "simple_query_string", "match", "wildcard", "regexp", "fuzzy",
             "script", "match_phrase", "intervals"}  # fmt: skip


def keys_of(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = set(node)
        for value in node.values():
            found |= keys_of(value)
        return found
    if isinstance(node, list):
        return set().union(*(keys_of(v) for v in node)) if node else set()
    return set()


def assert_term_level(body: dict[str, Any] | None) -> None:
    if body is None:
        return
    keys = keys_of(body)
    assert not keys & FORBIDDEN
    unknown = {k for k in keys if k not in ALLOWED_KEYS and not k.startswith("parties.")}
    assert unknown == set()


text = st.text(
    alphabet=st.sampled_from(list("张偉李abcXYZ0123456789*\"():-_ /\\{}[]~^?!&|'·年月日")),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(name=text, id_number=text, certificate=text, last4=text)
def test_any_input_gives_a_term_level_body(
    name: str, id_number: str, certificate: str, last4: str
) -> None:
    query = SearchQuery(
        name=name or None,
        id_number=id_number or None,
        certificate_no=certificate or None,
        id_last4=last4 or None,
    )
    assert_term_level(search_body(query))
    assert_term_level(search_body(parse_user_query(name)))


def test_filters_only_query_sorts_by_date_then_id() -> None:
    body = search_body(SearchQuery(date_from="1962", date_to="1962", record_type="marriage"))
    assert body is not None
    assert body["sort"] == [{"date_sort": "desc"}, {"record_id": "asc"}]
    assert {"range": {"date_sort": {"gte": "1962-00-00", "lte": "1962-99-99"}}} in body["query"][
        "bool"
    ]["filter"]


def test_name_query_ranks_by_tier_first() -> None:
    body = search_body(SearchQuery(name="张伟"))
    assert body is not None
    assert body["sort"][0] == {"_score": "desc"}
    assert body["track_total_hits"] is True
