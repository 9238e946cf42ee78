"""Index lifecycle of the elasticsearch and opensearch backends, on the osmem EMULATOR.

Every test here runs against the in-memory OpenSearch-compatible EMULATOR
started by the tests (see test_elastic_harness.py); the elasticsearch backend
talks to it through the labelled ES-compat proxy. None of this is a real cluster.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from schemas.errors import ConfigError, ToolUnavailable, ValidationFailed
from schemas.model import Role
from search_api.search.base import IndexDoc, SearchQuery
from search_api.search.documents import record_to_doc
from search_api.search.es_common import (
    HEALTH_TIMEOUT_S,
    MAPPING_VERSION,
    ClusterBackend,
    index_body,
)
from tests.search_api.sample import sample_records
from tests.search_api.test_elastic_harness import (
    CLUSTER_PARAMS,
    EMULATED,
    EsCompatProxy,
    cluster_backend,
    drop_indices,
    emulator,
    raw,
)

emulator_only = pytest.mark.emulator


@pytest.fixture(params=CLUSTER_PARAMS)
def backend(request: pytest.FixtureRequest) -> Iterator[ClusterBackend]:
    """An empty, ready backend with its own index prefix on the EMULATOR."""
    made = cluster_backend(request.param)
    made.ensure_ready()
    yield made
    drop_indices(made)
    made.close()


@pytest.fixture
def proxy() -> Iterator[EsCompatProxy]:
    """A private proxy in front of the EMULATOR (to inject failures or pose as a product)."""
    made = EsCompatProxy(emulator().url, pose_as=None)
    yield made
    made.close()


def docs() -> list[IndexDoc]:
    return [record_to_doc(r) for r in sample_records()]


def ids(backend: ClusterBackend, **query: object) -> list[str]:
    return [h.record_id for h in backend.search(SearchQuery(**query)).hits]  # type: ignore[arg-type]


# ---- index creation and mapping ------------------------------------------------------


def test_ensure_ready_creates_one_versioned_index_behind_the_alias(
    backend: ClusterBackend,
) -> None:
    aliases = raw(backend, "GET", f"/_alias/{backend.alias}")
    (index,) = aliases
    assert index.startswith(f"{backend.prefix}-records-v{MAPPING_VERSION}-")
    backend.ensure_ready()  # idempotent: no second index
    assert list(raw(backend, "GET", f"/_alias/{backend.alias}")) == [index]
    assert backend.get_cursor() == 0
    assert backend.health() is None


def test_mapping_is_explicit_and_strict(backend: ClusterBackend) -> None:
    mapping = raw(backend, "GET", f"/{backend.alias}/_mapping")
    (body,) = mapping.values()
    props = body["mappings"]["properties"]
    assert body["mappings"]["dynamic"] == "strict"
    assert props["certificate_key"]["type"] == "keyword"
    assert props["registration_date"]["type"] == "date"
    party = props["parties"]["properties"]
    assert props["parties"]["type"] == "nested"
    assert party["id_18"]["type"] == "keyword"
    assert party["keys"]["properties"]["pinyin"]["type"] == "keyword"
    assert party["name"]["analyzer"] == "ma_cjk"


@emulator_only
@pytest.mark.parametrize("use_cjk_bigram", [True, False], ids=["cjk_bigram", "shingle-fallback"])
def test_cjk_analyzer_gives_unigrams_and_bigrams(use_cjk_bigram: bool) -> None:
    server = emulator()
    index = f"t-analysis-{int(use_cjk_bigram)}"
    server.request("PUT", f"/{index}", index_body(use_cjk_bigram))
    try:
        answer = server.request(
            "POST", f"/{index}/_analyze", {"analyzer": "ma_cjk", "text": "张晓明"}
        )
    finally:
        server.request("DELETE", f"/{index}")
    tokens = sorted(t["token"] for t in answer["tokens"])
    assert tokens == sorted(["张", "张晓", "晓", "晓明", "明"])


# ---- feeding -----------------------------------------------------------------------------


def test_upsert_replaces_by_record_id(backend: ClusterBackend) -> None:
    records = sample_records()
    backend.upsert([record_to_doc(r) for r in records])
    assert backend.count() == len(records)
    first = records[4]  # r2012-li-na: 赵强 / 李娜
    assert ids(backend, name="赵强") == [first.record_id]
    corrected = first.model_copy(deep=True)
    husband = corrected.party(Role.HUSBAND)
    assert husband is not None
    husband.name = "赵刚"
    corrected.version = 2
    backend.upsert([record_to_doc(corrected)])
    assert backend.count() == len(records)
    assert ids(backend, name="赵强") == []
    assert ids(backend, name="赵刚") == [first.record_id]


def test_delete_removes_and_ignores_unknown_ids(backend: ClusterBackend) -> None:
    backend.upsert(docs())
    backend.delete(["r2012-li-na", "no-such-record"])
    assert backend.count() == len(docs()) - 1
    assert ids(backend, name="李娜") == []
    backend.delete([])


def test_cursor_is_kept_per_index_and_survives_a_new_client(backend: ClusterBackend) -> None:
    backend.set_cursor(41)
    again = cluster_backend(backend.harness_name, prefix=backend.prefix)  # type: ignore[attr-defined]
    try:
        assert again.get_cursor() == 41
    finally:
        again.close()


# ---- rebuild: new index, atomic alias swap, no downtime ------------------------------------


def test_rebuild_swaps_alias_and_deletes_old_index(backend: ClusterBackend) -> None:
    backend.upsert(docs()[:2])
    (old,) = raw(backend, "GET", f"/_alias/{backend.alias}")
    seen_during_load: list[list[str]] = []

    def feed() -> Iterator[IndexDoc]:
        for n, doc in enumerate(docs()):
            if n == 3:  # mid-load the old index still answers, with its old content
                seen_during_load.append(ids(backend, name="张伟"))
            yield doc

    assert backend.rebuild(feed(), cursor=77) == len(docs())
    (new,) = raw(backend, "GET", f"/_alias/{backend.alias}")
    assert new != old
    assert seen_during_load == [["r1991-simp", "r1953-trad"]]  # only what the old index held
    assert ids(backend, name="张伟") == ["r2001-id18", "r1991-simp", "r1953-trad", "r1962-zhang"]
    assert backend.get_cursor() == 77
    indices = raw(backend, "GET", "/_cat/indices?format=json")
    assert old not in {i["index"] for i in indices}


def test_failed_rebuild_keeps_the_old_index_live(backend: ClusterBackend) -> None:
    backend.upsert(docs())
    backend.set_cursor(5)
    (old,) = raw(backend, "GET", f"/_alias/{backend.alias}")

    def broken() -> Iterator[IndexDoc]:
        yield docs()[0]
        raise RuntimeError("catalog read failed")

    with pytest.raises(RuntimeError):
        backend.rebuild(broken(), cursor=9)
    assert list(raw(backend, "GET", f"/_alias/{backend.alias}")) == [old]
    ours = [
        i["index"]
        for i in raw(backend, "GET", "/_cat/indices?format=json")
        if i["index"].startswith(f"{backend.prefix}-records")
    ]
    assert ours == [old]  # the half-built index was deleted
    assert backend.get_cursor() == 5
    assert backend.count() == len(docs())


# ---- queries ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "hostile",
    ["*", '"', "NEAR(", "col:", 'name:"x" OR 1=1', '{"query_string":{"query":"*"}}', "a AND b"],
)
def test_hostile_input_is_only_a_term_value(backend: ClusterBackend, hostile: str) -> None:
    backend.upsert(docs())
    for field in ("name", "id_number", "certificate_no", "id_last4"):
        query = SearchQuery(**{field: hostile})  # type: ignore[arg-type]
        assert backend.search(query).total == 0


def test_deep_paging_is_refused_with_a_clear_message(backend: ClusterBackend) -> None:
    with pytest.raises(ValidationFailed, match="narrow the search"):
        backend.search(SearchQuery(name="张伟", offset=10_000))


def test_empty_query_finds_nothing(backend: ClusterBackend) -> None:
    backend.upsert(docs())
    assert backend.search(SearchQuery()).total == 0


# ---- start-up check: product and major version ----------------------------------------------


@emulator_only
def test_elasticsearch_backend_refuses_an_opensearch_url() -> None:
    """Straight at the EMULATOR, GET / says distribution=opensearch."""
    backend = cluster_backend("elasticsearch", url=emulator().url)
    with pytest.raises(ConfigError, match="SEARCH_BACKEND=opensearch") as caught:
        backend.ensure_ready()
    assert caught.value.code == "search_product_mismatch"
    assert "SEARCH_BACKEND=opensearch" in (backend.health() or "")  # /readyz says why
    backend.close()


@emulator_only
def test_opensearch_backend_refuses_an_elasticsearch_url(proxy: EsCompatProxy) -> None:
    proxy.pose_as = "8.15.0"
    backend = cluster_backend("opensearch", url=proxy.url)
    with pytest.raises(ConfigError, match="SEARCH_BACKEND=elasticsearch"):
        backend.ensure_ready()
    backend.close()


@emulator_only
@pytest.mark.parametrize("number", ["7.17.9", "10.0.0"])
def test_unsupported_elasticsearch_major_is_refused(proxy: EsCompatProxy, number: str) -> None:
    proxy.pose_as = number
    backend = cluster_backend("elasticsearch", url=proxy.url)
    with pytest.raises(ConfigError, match=r"supports 8\.x and 9\.x") as caught:
        backend.ensure_ready()
    assert caught.value.code == "search_version_unsupported"
    backend.close()


@emulator_only
@pytest.mark.parametrize("number", ["8.15.0", "9.1.0"])
def test_supported_elasticsearch_majors_are_accepted(proxy: EsCompatProxy, number: str) -> None:
    proxy.pose_as = number
    backend = cluster_backend("elasticsearch", url=proxy.url)
    try:
        backend.ensure_ready()
        assert backend.server is not None and backend.server.number == number
        # after the check, requests speak the server's major (a 9.x client can serve ES 8)
        proxy.seen_content_types.clear()
        backend.upsert([record_to_doc(sample_records()[0])])
        major = number.split(".")[0]
        assert proxy.seen_content_types
        assert {ct.split("=")[-1] for ct in proxy.seen_content_types} == {major}
    finally:
        drop_indices(backend)
        backend.close()


@emulator_only
def test_elasticsearch_client_product_check_is_translated(proxy: EsCompatProxy) -> None:
    """A real OpenSearch sends no X-Elastic-Product header: the ES client refuses it."""
    proxy.product_header = False
    backend = cluster_backend("elasticsearch", url=proxy.url)
    with pytest.raises(ConfigError, match="not Elasticsearch"):
        backend.ensure_ready()
    backend.close()


@emulator_only
@pytest.mark.parametrize("name", EMULATED)
def test_rejected_credentials_are_a_config_error(proxy: EsCompatProxy, name: str) -> None:
    proxy.fail_all = 401
    backend = cluster_backend(name, url=proxy.url)
    with pytest.raises(ConfigError, match="search_username"):
        backend.ensure_ready()
    backend.close()


def test_bad_index_prefix_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="search_index_prefix"):
        cluster_backend("opensearch", prefix="Bad Prefix")


@pytest.mark.parametrize("name", EMULATED)
def test_missing_url_is_a_config_error(name: str) -> None:
    from schemas.settings import load_settings
    from search_api.search.registry import get_backend

    with pytest.raises(ConfigError, match="MARRIAGE_ARCHIVE_SEARCH_URL"):
        get_backend(load_settings({}, search_backend=name))


# ---- outages: retries, degraded health --------------------------------------------------------


@emulator_only
@pytest.mark.parametrize("name", EMULATED)
def test_bulk_retries_through_429_and_503(proxy: EsCompatProxy, name: str) -> None:
    proxy.pose_as = "9.1.0" if name == "elasticsearch" else None
    backend = cluster_backend(name, url=proxy.url)
    try:
        backend.ensure_ready()
        proxy.fail_bulk = [429, 503]  # the next two bulk requests fail, the third succeeds
        backend.upsert(docs())
        assert proxy.fail_bulk == []
        assert backend.count() == len(docs())
    finally:
        drop_indices(backend)
        backend.close()


@emulator_only
@pytest.mark.parametrize("name", EMULATED)
def test_bulk_gives_up_after_bounded_attempts(proxy: EsCompatProxy, name: str) -> None:
    proxy.pose_as = "9.1.0" if name == "elasticsearch" else None
    backend = cluster_backend(name, url=proxy.url)
    try:
        backend.ensure_ready()
        proxy.fail_bulk = [503] * 10
        with pytest.raises(ToolUnavailable, match="after 3 attempts"):
            backend.upsert(docs())
        assert len(proxy.fail_bulk) == 10 - backend.retry.attempts
    finally:
        drop_indices(backend)
        backend.close()


@pytest.mark.parametrize("name", EMULATED)
def test_unreachable_cluster_reports_degraded(name: str) -> None:
    backend = cluster_backend(name, url="http://127.0.0.1:9")  # discard port: refused
    health = backend.health()
    assert health is not None and health.startswith("search degraded")
    with pytest.raises(ToolUnavailable):
        backend.ensure_ready()
    with pytest.raises(ToolUnavailable):
        backend.upsert(docs())
    backend.close()


def test_health_names_a_stale_mapping_version(backend: ClusterBackend) -> None:
    (live,) = raw(backend, "GET", f"/_alias/{backend.alias}")
    old = f"{backend.prefix}-records-v0-20200101t000000000000z"
    raw(backend, "PUT", f"/{old}", index_body())
    actions = [
        {"remove": {"index": live, "alias": backend.alias}},
        {"add": {"index": old, "alias": backend.alias}},
    ]
    raw(backend, "POST", "/_aliases", {"actions": actions})
    health = backend.health()
    assert health is not None and "reindex" in health and "v0" in health


@pytest.mark.parametrize("name", EMULATED)
def test_hanging_cluster_does_not_hang_health_or_the_next_calls(name: str) -> None:
    """A cluster that accepts connections but never answers (no emulator needed)."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        host, port = silent.getsockname()[:2]
        backend = cluster_backend(name, url=f"http://{host}:{port}")
        backend.fail_fast_s = 30.0
        started = time.monotonic()
        health = backend.health()
        assert health is not None and health.startswith("search degraded")
        assert time.monotonic() - started < HEALTH_TIMEOUT_S + 2
        started = time.monotonic()
        with pytest.raises(ToolUnavailable):
            backend.get_cursor()  # fails at once instead of waiting for another timeout
        assert time.monotonic() - started < 0.5
        backend.close()
