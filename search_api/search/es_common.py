"""What the Elasticsearch and OpenSearch backends share: index design and lifecycle.

The two products speak the same REST dialect for everything we use (index
creation with explicit mappings, ``_bulk``, ``_search`` with ``bool`` / ``terms``
/ ``nested`` / ``dis_max`` / ``constant_score``, ``_aliases``), so one class,
:class:`ClusterBackend`, holds the logic; a subclass only supplies a
:class:`ClusterTransport` (the official client of its product) and the start-up
check of the server's product and major version.

Design (see docs/search-backends.md):

* **Versioned indices behind an alias.** Documents live in
  ``<prefix>-records-v<N>-<timestamp>``; readers and writers use the alias
  ``<prefix>-records``. :meth:`ClusterBackend.rebuild` loads a fresh index and
  swaps the alias atomically (one ``_aliases`` call: remove + add), then
  deletes the old index: no downtime, no half-built index ever served.
* **The cursor travels with the index.** The catalog change sequence applied to
  an index is stored in ``<prefix>-meta`` under the concrete index name, so a
  swapped-in index brings its own cursor and an empty (new) cluster starts at 0
  and catches up from the catalog.
* **Names are matched by keys, not by server analysis.** The name keys come
  from ``schemas.names`` (via ``documents.py``) and are stored as ``keyword``
  fields; queries are ``terms`` on those fields with the tier as a constant
  score, never ``query_string``. CJK text (names, office) is also analysed
  with unigrams + bigrams for display-side full-text use.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from schemas.errors import ConfigError, ToolUnavailable, ValidationFailed
from search_api.search import matching
from search_api.search.base import TIERS, IndexDoc, PartyDoc, SearchHit, SearchQuery, SearchResults
from search_api.search.documents import NAME_KINDS, PINYIN_PART_KINDS

log = logging.getLogger("marriage_archive.search")

# Bump when the mapping changes incompatibly; an older live index is reported by
# health() until `marriage-archive reindex` builds a v<N> index.
MAPPING_VERSION = 1

# The name-key kinds documents.py computes (schemas.names.name_keys). Any other
# kind is still indexed as a keyword through the dynamic template below.
NAME_KEY_KINDS = (*NAME_KINDS, *PINYIN_PART_KINDS)

MAX_RESULT_WINDOW = 10_000  # the products' default index.max_result_window
HEALTH_TIMEOUT_S = 3.0  # health() answers /readyz: never wait the full request timeout
FAIL_FAST_S = 3.0  # after "no answer", fail further calls at once for this long
BULK_TIMEOUT_S = 120.0  # one _bulk of BULK_CHUNK_DOCS may take long on a busy cluster
BULK_CHUNK_DOCS = 500

_PREFIX_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,100}$")
_INDEX_RE = re.compile(r"-records-v(\d+)-[0-9a-z]+$")


class ClusterTransport(Protocol):
    """One HTTP request to the cluster through a product's official client.

    Returns ``(status, decoded body)`` for every HTTP answer (2xx and errors
    alike); raises :class:`ToolUnavailable` when no answer came (refused,
    timeout, TLS failure).
    """

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, str] | None = None,
        ndjson: bool = False,
        timeout_s: float | None = None,
    ) -> tuple[int, Any]: ...

    def close(self) -> None: ...


# ---- names -------------------------------------------------------------------------


def check_prefix(prefix: str) -> str:
    """Validate ``search_index_prefix`` (index names are lower case, no separators)."""
    if not _PREFIX_RE.match(prefix):
        raise ConfigError(
            f"search_index_prefix {prefix!r} is not a valid index name prefix: use lower-case "
            "letters, digits, '.', '_' or '-', starting with a letter or digit."
        )
    return prefix


def alias_name(prefix: str) -> str:
    """The alias readers and writers use."""
    return f"{prefix}-records"


def meta_index_name(prefix: str) -> str:
    """The small index holding one cursor document per concrete records index."""
    return f"{prefix}-meta"


def new_index_name(prefix: str, now: datetime | None = None) -> str:
    """``<prefix>-records-v<N>-<timestamp>`` (UTC, microseconds: unique per build)."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dt%H%M%S%fz")
    return f"{prefix}-records-v{MAPPING_VERSION}-{stamp}"


def index_mapping_version(index: str) -> int | None:
    """The ``N`` of a ``...-records-v<N>-...`` index name, ``None`` if it is not ours."""
    match = _INDEX_RE.search(index)
    return int(match.group(1)) if match else None


def redact_url(url: str) -> str:
    """The URL without user info (for messages and logs)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def major_version(number: str) -> int | None:
    """``"8.15.1"`` -> 8; ``None`` when the number is not a version."""
    head = number.split(".", 1)[0]
    return int(head) if head.isdigit() else None


# ---- index body ------------------------------------------------------------------


def analysis_settings(use_cjk_bigram: bool = True) -> dict[str, Any]:
    """Analysis for CJK text: unigrams + bigrams, full-width folded, lower-cased.

    ``cjk_bigram`` (with ``output_unigrams``) ships with Elasticsearch and
    OpenSearch (analysis-common). A cluster without it gets the same token
    stream from ``shingle`` over the standard tokenizer (which emits one token
    per ideograph); the only difference is that shingles also join across
    word boundaries, which is harmless for display-side full text.
    """
    if use_cjk_bigram:
        bigram: dict[str, Any] = {"type": "cjk_bigram", "output_unigrams": True}
    else:
        bigram = {
            "type": "shingle",
            "min_shingle_size": 2,
            "max_shingle_size": 2,
            "output_unigrams": True,
            "token_separator": "",
        }
    return {
        "filter": {"ma_bigram": bigram},
        "analyzer": {
            "ma_cjk": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": ["cjk_width", "lowercase", "ma_bigram"],
            }
        },
    }


def _cjk_text() -> dict[str, Any]:
    return {"type": "text", "analyzer": "ma_cjk", "fields": {"raw": {"type": "keyword"}}}


def index_mappings() -> dict[str, Any]:
    """Explicit mappings (``dynamic: strict``); only name-key kinds may be added."""
    keyword = {"type": "keyword"}
    party = {
        "type": "nested",
        "properties": {
            "role": keyword,
            "name": _cjk_text(),
            "name_simplified": _cjk_text(),
            "sex": keyword,
            "birth_year": {"type": "integer"},
            "id_18": keyword,
            "id_printed": keyword,
            "last4": keyword,  # last 4 of id_18 and of id_printed (the id_last4 filter)
            "keys": {
                "type": "object",
                "dynamic": True,
                "properties": {kind: keyword for kind in NAME_KEY_KINDS},
            },
        },
    }
    return {
        "dynamic": "strict",
        "_meta": {"app": "marriage-archive", "mapping_version": MAPPING_VERSION},
        "dynamic_templates": [
            {"name_keys": {"path_match": "parties.keys.*", "mapping": {"type": "keyword"}}}
        ],
        "properties": {
            "record_id": keyword,
            "record_type": keyword,
            "status": keyword,
            "registration_date": {"type": "date", "format": "yyyy-MM-dd||yyyy-MM||yyyy"},
            "date_sort": keyword,
            "certificate_no": {"type": "keyword"},
            "certificate_key": {"type": "keyword"},
            "office": _cjk_text(),
            "version": {"type": "integer"},
            "parties": party,
        },
    }


def index_body(use_cjk_bigram: bool = True, *, bulk_load: bool = False) -> dict[str, Any]:
    """Settings + mappings of a records index. ``bulk_load`` turns refresh off."""
    settings: dict[str, Any] = {
        "number_of_shards": 1,
        "max_result_window": MAX_RESULT_WINDOW,
        "analysis": analysis_settings(use_cjk_bigram),
    }
    if bulk_load:
        settings["refresh_interval"] = "-1"
    return {"settings": {"index": settings}, "mappings": index_mappings()}


# ---- documents -----------------------------------------------------------------------


def doc_to_source(doc: IndexDoc) -> dict[str, Any]:
    """The JSON stored for one record (no images, no free OCR text)."""
    return {
        "record_id": doc.record_id,
        "record_type": doc.record_type,
        "status": doc.status,
        "registration_date": doc.registration_date,
        "date_sort": doc.date_sort,
        "certificate_no": doc.certificate_no,
        "certificate_key": doc.certificate_key,
        "office": doc.office,
        "version": doc.version,
        "parties": [
            {
                "role": p.role,
                "name": p.name,
                "name_simplified": p.name_simplified,
                "sex": p.sex,
                "birth_year": p.birth_year,
                "id_18": p.id_18,
                "id_printed": p.id_printed,
                "last4": sorted({i[-4:] for i in (p.id_18, p.id_printed) if i}),
                "keys": {kind: list(keys) for kind, keys in p.keys.items()},
            }
            for p in doc.parties
        ],
    }


def source_to_doc(source: dict[str, Any]) -> IndexDoc:
    """Inverse of :func:`doc_to_source` (used to explain a hit with the shared code)."""
    parties = tuple(
        PartyDoc(
            role=p["role"],
            name=p.get("name"),
            name_simplified=p.get("name_simplified"),
            sex=p.get("sex"),
            birth_year=p.get("birth_year"),
            id_18=p.get("id_18"),
            id_printed=p.get("id_printed"),
            keys={kind: list(keys) for kind, keys in (p.get("keys") or {}).items()},
        )
        for p in source.get("parties") or []
    )
    return IndexDoc(
        record_id=source["record_id"],
        record_type=source["record_type"],
        status=source["status"],
        registration_date=source.get("registration_date"),
        date_sort=source["date_sort"],
        certificate_no=source.get("certificate_no"),
        certificate_key=source.get("certificate_key"),
        office=source.get("office"),
        parties=parties,
        version=source.get("version", 1),
    )


def bulk_lines(index: str, docs: Sequence[IndexDoc]) -> list[dict[str, Any]]:
    """``_bulk`` action/source pairs that index (insert or replace) ``docs``."""
    lines: list[dict[str, Any]] = []
    for doc in docs:
        lines.append({"index": {"_index": index, "_id": doc.record_id}})
        lines.append(doc_to_source(doc))
    return lines


def delete_lines(index: str, record_ids: Sequence[str]) -> list[dict[str, Any]]:
    return [{"delete": {"_index": index, "_id": rid}} for rid in record_ids]


def chunked(items: Iterable[IndexDoc], size: int) -> Iterator[list[IndexDoc]]:
    chunk: list[IndexDoc] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# ---- bulk responses and retries -----------------------------------------------------

RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class BulkOutcome:
    """What one ``_bulk`` answer says: items to retry and items refused for good."""

    retry_positions: list[int]  # positions (0-based operation index) to resend
    failures: list[str]  # "record_id: error type" of permanently refused items


def read_bulk_response(body: Any, *, deleting: bool = False) -> BulkOutcome:
    """Split a ``_bulk`` answer into retryable (429/5xx) and permanent item errors.

    A delete of a missing document (404) is success: the index already agrees.
    """
    retry: list[int] = []
    failures: list[str] = []
    if not isinstance(body, dict) or not body.get("errors"):
        return BulkOutcome(retry, failures)
    for pos, item in enumerate(body.get("items", [])):
        (_op, result), *_ = item.items()
        status = int(result.get("status", 500))
        if status < 300 or (deleting and status == 404):
            continue
        if status in RETRY_STATUSES:
            retry.append(pos)
        else:
            error = result.get("error") or {}
            kind = error.get("type", "error") if isinstance(error, dict) else str(error)
            failures.append(f"{result.get('_id')}: {kind}")
    return BulkOutcome(retry, failures)


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded exponential backoff: ``base * 2**n`` seconds, capped, ``attempts`` tries."""

    attempts: int = 5
    base_s: float = 0.5
    cap_s: float = 8.0

    def delays(self) -> Iterator[float]:
        for n in range(self.attempts - 1):
            yield min(self.cap_s, self.base_s * (2**n))


def send_bulk(
    transport: ClusterTransport,
    lines: list[dict[str, Any]],
    *,
    policy: RetryPolicy,
    refresh: str | None = None,
    deleting: bool = False,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Send one ``_bulk`` request; resend what the cluster could not take yet.

    Retries on no answer, 429/502/503/504 and per-item 429s, with bounded
    exponential backoff. Raises :class:`ToolUnavailable` when the cluster is
    still unavailable after the last attempt or refused an item for good.
    """
    pending = lines
    step = 1 if deleting else 2
    params = {"refresh": refresh} if refresh else None
    delays = policy.delays()
    while True:
        problem: str
        try:
            status, body = transport.request(
                "POST", "/_bulk", body=pending, params=params, ndjson=True, timeout_s=BULK_TIMEOUT_S
            )
        except ToolUnavailable as exc:
            status, body, problem = 0, None, exc.message
        else:
            problem = f"HTTP {status}"
        if 200 <= status < 300:
            outcome = read_bulk_response(body, deleting=deleting)
            if outcome.failures:
                raise ToolUnavailable(
                    "The search cluster refused some documents: "
                    + "; ".join(outcome.failures[:10])
                    + ". This is a mapping problem: run `marriage-archive reindex`; "
                    "if it persists, report it with this message.",
                    code="index_rejected",
                )
            if not outcome.retry_positions:
                return
            pending = [
                ln for pos in outcome.retry_positions for ln in _op_lines(pending, pos, step)
            ]
            problem = f"{len(outcome.retry_positions)} items rejected with 429"
        elif status in (401, 403):
            raise ConfigError(
                f"The search cluster refused the credentials (HTTP {status}) for a bulk "
                "request: check search_username / search_password and the index privileges.",
            )
        elif status and status not in RETRY_STATUSES:
            raise ToolUnavailable(
                f"The search cluster answered HTTP {status} to a bulk request "
                f"({_error_type(body)}): check the cluster log.",
                code="index_rejected",
            )
        delay = next(delays, None)
        if delay is None:
            raise ToolUnavailable(
                f"search degraded: bulk request failed after {policy.attempts} attempts "
                f"({problem}); the index will catch up on the next sync.",
            )
        log.warning(
            "bulk request to search cluster failed (%s); retrying in %.1f s", problem, delay
        )
        sleep(delay)


def _op_lines(lines: list[dict[str, Any]], pos: int, step: int) -> list[dict[str, Any]]:
    return lines[pos * step : pos * step + step]


def _error_type(body: Any) -> str:
    """Only the error type: a bulk error's reason may quote a document (names)."""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("type", "error"))
    return "error"


def _reason(body: Any) -> str:
    """A short reason from an error body of a request that holds no personal data."""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            return f"{error.get('type', 'error')}: {error.get('reason', '')}"[:300]
        if error is not None:
            return str(error)[:300]
    return str(body)[:300]


# ---- queries (term-level only: user text is only ever a term value) ------------------

_PARTY_FIELDS = {"id_printed": "parties.id_printed", "id_18": "parties.id_18"}
_RECORD_FIELDS = {"certificate": "certificate_key"}
_PINYIN_FIELD = "parties.keys.pinyin"


def _party_field(kind: str) -> str:
    """Where a party-level key kind lives (name keys under ``parties.keys``)."""
    return _PARTY_FIELDS.get(kind, f"parties.keys.{kind}")


def _party_filters(query: SearchQuery) -> list[dict[str, Any]]:
    """Conditions on the party that matched (same as the SQLite backend's)."""
    filters: list[dict[str, Any]] = []
    last4 = matching.last4_of(query)
    if last4:
        filters.append({"term": {"parties.last4": last4}})
    if query.sex in ("M", "F"):
        filters.append({"term": {"parties.sex": query.sex}})
    if query.birth_year is not None:
        tolerance = max(0, int(query.birth_year_tolerance))
        year = int(query.birth_year)
        filters.append(
            {"range": {"parties.birth_year": {"gte": year - tolerance, "lte": year + tolerance}}}
        )
    return filters


def _record_filters(query: SearchQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    low, high = matching.date_bounds(query)
    if low or high:
        bounds = {k: v for k, v in (("gte", low), ("lte", high)) if v}
        filters.append({"range": {"date_sort": bounds}})
    if query.record_type:
        filters.append({"term": {"record_type": query.record_type}})
    if query.status:
        filters.append({"term": {"status": query.status}})
    return filters


def _tier_clauses(specs: list[matching.KeySpec], field_of: Any) -> list[dict[str, Any]]:
    """One ``constant_score`` per (tier, field): a matching document scores the tier's value."""
    grouped: dict[tuple[str, str], list[str]] = {}
    clauses: list[dict[str, Any]] = []
    for tier, kind, key in specs:
        if kind == "pinyin_prefix":  # pinyin prefix ("zhangw" -> zhangwei), a term-level query
            match: dict[str, Any] = {"prefix": {_PINYIN_FIELD: {"value": key}}}
            clauses.append({"constant_score": {"filter": match, "boost": TIERS[tier]}})
        else:
            grouped.setdefault((tier, field_of(kind)), []).append(key)
    for (tier, field), keys in grouped.items():
        match = {"terms": {field: sorted(set(keys))}}
        clauses.append({"constant_score": {"filter": match, "boost": TIERS[tier]}})
    return clauses


def _part_query(
    specs: list[matching.KeySpec], party_filters: list[dict[str, Any]]
) -> dict[str, Any]:
    """A record matches a part when one of its keys does; its score is the best tier.

    A party-level key must be carried by a party that also passes the party
    filters (sex, birth year, last 4); a record-level key (certificate) needs
    some party that passes them. This mirrors the SQLite backend row for row.
    """
    record_specs = [s for s in specs if s[1] in _RECORD_FIELDS]
    party_specs = [s for s in specs if s[1] not in _RECORD_FIELDS]
    options = _tier_clauses(record_specs, _RECORD_FIELDS.__getitem__)
    if options and party_filters:
        some_party = _nested({"bool": {"filter": party_filters}})
        options = [{"bool": {"must": [opt], "filter": [some_party]}} for opt in options]
    party_clauses = _tier_clauses(party_specs, _party_field)
    if party_clauses:
        inner = {"bool": {"must": [_best_of(party_clauses)], "filter": party_filters}}
        options.append(_nested(inner, score_mode="max"))
    return _best_of(options)


def _best_of(queries: list[dict[str, Any]]) -> dict[str, Any]:
    """Matches when any query does; scores the best of them (``dis_max``, no tie bonus)."""
    return queries[0] if len(queries) == 1 else {"dis_max": {"queries": queries, "tie_breaker": 0}}


def _nested(query: dict[str, Any], score_mode: str = "none") -> dict[str, Any]:
    return {"nested": {"path": "parties", "score_mode": score_mode, "query": query}}


def search_body(query: SearchQuery) -> dict[str, Any] | None:
    """The ``_search`` body of a query; ``None`` when nothing can match.

    Same semantics as the SQLite backend: every part (name, id, certificate)
    must match, the record's rank is the best tier of its matching keys, then
    date (newest first), then record id.
    """
    parts = matching.query_parts(query)
    if any(not specs for specs in parts.values()):
        return None
    filters = _record_filters(query)
    party_filters = _party_filters(query)
    sort: list[Any] = [{"date_sort": "desc"}, {"record_id": "asc"}]
    bool_query: dict[str, Any]
    if not parts:
        if party_filters:
            filters.append(_nested({"bool": {"filter": party_filters}}))
        if not filters:  # an empty query finds nothing (it is not "list everything")
            return None
        bool_query = {"filter": filters}
    else:
        part_queries = [_part_query(specs, party_filters) for specs in parts.values()]
        if len(part_queries) == 1:
            bool_query = {"must": part_queries, "filter": filters}
        else:
            # Every part is required (filter); the rank is the best of them, as SQLite's MAX(tier).
            bool_query = {
                "must": [_best_of(part_queries)],
                "filter": filters + part_queries,
            }
        sort.insert(0, {"_score": "desc"})
    return {
        "query": {"bool": bool_query},
        "sort": sort,
        "from": query.offset,
        "size": query.limit,
        "track_total_hits": True,
    }


def read_hits(body: dict[str, Any], query: SearchQuery) -> SearchResults:
    """Hits -> :class:`SearchResults`, tier and reasons from the shared explain code."""
    outer = body.get("hits") or {}
    total_field = outer.get("total", 0)
    total = int(total_field["value"] if isinstance(total_field, dict) else total_field)
    hits: list[SearchHit] = []
    for hit in outer.get("hits", []):
        doc = source_to_doc(hit["_source"])
        match = matching.best_match(doc, query)
        tier = match.tier if match else _TIER_BY_VALUE.get(int(hit.get("_score") or 0), "partial")
        hits.append(
            SearchHit(
                record_id=doc.record_id,
                tier=tier,
                score=float(TIERS.get(tier, 0)),
                reasons=match.reasons if match else [],
                party_index=match.party_index if match else None,
                doc=doc,  # the stored document: result lists need no catalog round trip
            )
        )
    return SearchResults(total, hits)


_TIER_BY_VALUE = {value: name for name, value in TIERS.items()}


# ---- the backend ------------------------------------------------------------------------


@dataclass(frozen=True)
class ServerInfo:
    """What ``GET /`` says about the server."""

    product: str  # "elasticsearch" | "opensearch" | "unknown"
    number: str
    major: int | None
    flavor: str | None


def describe_server(info: Any) -> ServerInfo:
    """Read the product and version from a ``GET /`` answer.

    OpenSearch says ``version.distribution == "opensearch"``; Elasticsearch has
    no distribution and reports ``version.build_flavor`` ("default", or
    "serverless" for Elastic Cloud Serverless).
    """
    version = info.get("version") if isinstance(info, dict) else None
    if not isinstance(version, dict):
        return ServerInfo("unknown", "?", None, None)
    number = str(version.get("number", "?"))
    flavor = version.get("build_flavor")
    if version.get("distribution") == "opensearch":
        product = "opensearch"
    elif flavor is not None or "You Know, for Search" in str(info.get("tagline", "")):
        product = "elasticsearch"
    else:
        product = "unknown"
    return ServerInfo(product, number, major_version(number), flavor)


PRODUCT_LABEL = {"elasticsearch": "Elasticsearch", "opensearch": "OpenSearch", "unknown": "unknown"}


class ClusterBackend:
    """:class:`~search_api.search.base.SearchBackend` on an Elasticsearch/OpenSearch cluster.

    Subclasses set ``name``, ``product`` and ``supported_majors`` and give a
    transport; everything else (index lifecycle, feeding, search) is here.
    """

    name = "cluster"
    product = "unknown"
    supported_majors: tuple[int, ...] = ()

    def __init__(
        self,
        transport: ClusterTransport,
        *,
        url: str,
        prefix: str = "marriage-archive",
        retry: RetryPolicy | None = None,
        refresh: str = "wait_for",
    ):
        self._transport = transport
        self.url = redact_url(url)
        self.prefix = check_prefix(prefix)
        self.alias = alias_name(prefix)
        self.meta_index = meta_index_name(prefix)
        self.retry = retry or RetryPolicy()
        self.refresh = refresh
        self.server: ServerInfo | None = None
        self._ready = False
        self._config_problem: str | None = None
        self.fail_fast_s = FAIL_FAST_S
        self._down_until = 0.0
        self._down_reason = ""

    # ---- plumbing ------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, str] | None = None,
        allow: tuple[int, ...] = (),
        what: str = "request",
        timeout_s: float | None = None,
    ) -> tuple[int, Any]:
        """One request; 2xx and ``allow`` statuses return, others raise our errors.

        After a request got no answer, further requests fail at once for
        ``fail_fast_s`` seconds instead of each waiting for the timeout.
        """
        now = time.monotonic()
        if now < self._down_until:  # fail fast: /readyz must not wait on a dead cluster
            raise ToolUnavailable(self._down_reason, code="search_unavailable")
        try:
            status, answer = self._transport.request(
                method, path, body=body, params=params, timeout_s=timeout_s
            )
        except ToolUnavailable as exc:
            self._down_until, self._down_reason = now + self.fail_fast_s, exc.message
            raise
        if 200 <= status < 300 or status in allow:
            return status, answer
        if status in (401, 403):
            raise ConfigError(
                f"The search cluster at {self.url} refused the credentials (HTTP {status}) for "
                f"{what}: check search_username / search_password and the user's index "
                f"privileges on {self.prefix}-*.",
            )
        raise ToolUnavailable(
            f"search degraded: {what} failed on {self.url} (HTTP {status}: {_reason(answer)}).",
            code="search_unavailable",
        )

    def _ensure(self) -> None:
        if not self._ready:
            self.ensure_ready()

    # ---- start-up ---------------------------------------------------------------------
    def check_server(self) -> ServerInfo:
        """Check product and major version of the server (``GET /``)."""
        _, info = self._call("GET", "/", what="the server check (GET /)")
        server = describe_server(info)
        label = PRODUCT_LABEL[server.product]
        wanted = PRODUCT_LABEL[self.product]
        if server.product != self.product:
            hint = (
                f" set MARRIAGE_ARCHIVE_SEARCH_BACKEND={server.product}"
                if server.product in ("elasticsearch", "opensearch")
                else " point search_url at the cluster's HTTP endpoint"
            )
            raise ConfigError(
                f"search_url {self.url} is {label} {server.number}, but search_backend is "
                f"{self.name!r} (needs {wanted}):{hint}.",
                code="search_product_mismatch",
            )
        if server.flavor == "serverless":
            raise ConfigError(
                f"search_url {self.url} is Elasticsearch Serverless, which this backend does "
                "not support: use a self-managed or hosted 8.x/9.x deployment.",
                code="search_version_unsupported",
            )
        if server.major not in self.supported_majors:
            majors = " and ".join(f"{m}.x" for m in self.supported_majors)
            raise ConfigError(
                f"search_url {self.url} is {label} {server.number}; the {self.name} backend "
                f"supports {majors}: upgrade the cluster or use search_backend=sqlite.",
                code="search_version_unsupported",
            )
        return server

    def ensure_ready(self) -> None:
        """Check the server, then create the meta index and the first records index if missing."""
        try:
            self.server = self.check_server()
        except ConfigError as exc:
            self._config_problem = exc.message  # reported by health() until fixed
            raise
        self._config_problem = None
        self._create_meta_index()
        if not self._alias_targets():
            index = new_index_name(self.prefix)
            self._create_index(index, bulk_load=False)
            self._write_cursor(index, 0)
            self._call(
                "POST",
                "/_aliases",
                body={"actions": [{"add": {"index": index, "alias": self.alias}}]},
                what="alias creation",
            )
            log.info("search index %s created behind alias %s", index, self.alias)
        self._ready = True

    def _create_meta_index(self) -> None:
        status, body = self._call("PUT", f"/{self.meta_index}", body=_META_BODY, allow=(400,))
        if status == 400 and "already_exists" not in _reason(body):
            raise ToolUnavailable(
                f"search degraded: cannot create {self.meta_index} on {self.url}: {_reason(body)}",
                code="search_unavailable",
            )

    def _alias_targets(self) -> list[str]:
        status, body = self._call("GET", f"/_alias/{self.alias}", allow=(404,), what="alias lookup")
        if status == 404 or not isinstance(body, dict):
            return []
        return sorted(body)

    def _live_index(self) -> str:
        targets = self._alias_targets()
        if len(targets) != 1:
            raise ToolUnavailable(
                f"search degraded: alias {self.alias} points to {len(targets)} indices on "
                f"{self.url}: run `marriage-archive reindex`.",
                code="search_unavailable",
            )
        return targets[0]

    def _create_index(self, index: str, *, bulk_load: bool) -> None:
        """Create a records index; fall back to shingles if ``cjk_bigram`` is missing."""
        status, body = self._call(
            "PUT", f"/{index}", body=index_body(True, bulk_load=bulk_load), allow=(400,)
        )
        if status == 400 and "cjk_bigram" in _reason(body):
            log.warning("cluster has no cjk_bigram filter; using shingle bigrams instead")
            status, body = self._call(
                "PUT", f"/{index}", body=index_body(False, bulk_load=bulk_load), allow=(400,)
            )
        if status == 400:
            raise ToolUnavailable(
                f"search degraded: cannot create index {index} on {self.url}: {_reason(body)}",
                code="search_unavailable",
            )

    # ---- feeding ----------------------------------------------------------------------
    def upsert(self, docs: Sequence[IndexDoc]) -> None:
        """Insert or replace documents (by record_id), visible to search on return."""
        if not docs:
            return
        self._ensure()
        for chunk in chunked(docs, BULK_CHUNK_DOCS):
            send_bulk(
                self._transport,
                bulk_lines(self.alias, chunk),
                policy=self.retry,
                refresh=self.refresh,
            )

    def delete(self, record_ids: Sequence[str]) -> None:
        """Remove documents; unknown ids are ignored."""
        if not record_ids:
            return
        self._ensure()
        index = self._live_index()  # deletes cannot go through an alias in _bulk on every version
        for start in range(0, len(record_ids), BULK_CHUNK_DOCS):
            lines = delete_lines(index, record_ids[start : start + BULK_CHUNK_DOCS])
            send_bulk(
                self._transport, lines, policy=self.retry, refresh=self.refresh, deleting=True
            )

    def get_cursor(self) -> int:
        """The last catalog change applied to the live index (0 for a new one)."""
        self._ensure()
        index = self._live_index()
        status, body = self._call(
            "GET", f"/{self.meta_index}/_doc/{index}", allow=(404,), what="cursor read"
        )
        if status == 404 or not body.get("found"):
            return 0
        return int(body["_source"].get("cursor", 0))

    def set_cursor(self, seq: int) -> None:
        """Record the last catalog change applied to the live index."""
        self._ensure()
        self._write_cursor(self._live_index(), seq)

    def _write_cursor(self, index: str, seq: int) -> None:
        doc = {"index": index, "cursor": int(seq), "updated_at": datetime.now(UTC).isoformat()}
        self._call("PUT", f"/{self.meta_index}/_doc/{index}", body=doc, what="cursor write")

    # ---- rebuild ----------------------------------------------------------------------
    def rebuild(self, docs: Iterable[IndexDoc], cursor: int) -> int:
        """Build a fresh versioned index, bulk-load it, swap the alias atomically.

        The old index serves searches until the swap; a failure before the swap
        deletes the half-built index and leaves the old one in place.
        """
        self.server = self.server or self.check_server()
        self._create_meta_index()
        old = self._alias_targets()
        index = new_index_name(self.prefix)
        self._create_index(index, bulk_load=True)
        try:
            count = self._load(index, docs)
            self._write_cursor(index, cursor)
        except BaseException:
            self._call("DELETE", f"/{index}", allow=(404,), what="cleanup of a failed rebuild")
            raise
        actions: list[dict[str, Any]] = [{"remove": {"index": o, "alias": self.alias}} for o in old]
        actions.append({"add": {"index": index, "alias": self.alias}})
        self._call("POST", "/_aliases", body={"actions": actions}, what="alias swap")
        for stale in old:
            self._call("DELETE", f"/{stale}", allow=(404,), what="deleting the old index")
            self._call("DELETE", f"/{self.meta_index}/_doc/{stale}", allow=(404,))
        self._ready = True
        log.info("search index rebuilt: %s documents in %s (was %s)", count, index, old)
        return count

    def _load(self, index: str, docs: Iterable[IndexDoc]) -> int:
        count = 0
        for chunk in chunked(docs, BULK_CHUNK_DOCS):
            send_bulk(self._transport, bulk_lines(index, chunk), policy=self.retry)
            count += len(chunk)
        settings = {"index": {"refresh_interval": None}}
        self._call("PUT", f"/{index}/_settings", body=settings, what="index settings")
        self._call("POST", f"/{index}/_refresh", what="refresh")
        _, counted = self._call("GET", f"/{index}/_count", what="count")
        if int(counted.get("count", -1)) != count:
            raise ToolUnavailable(
                f"search degraded: rebuilt index {index} holds {counted.get('count')} documents, "
                f"expected {count}; the old index stays live. Retry `marriage-archive reindex`.",
                code="search_unavailable",
            )
        return count

    # ---- reading ----------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResults:
        """Candidates by key equality + filters, ordered by tier, date desc, id."""
        body = search_body(query)
        if body is None:
            return SearchResults(0, [])
        if query.offset + query.limit > MAX_RESULT_WINDOW:
            raise ValidationFailed(
                f"Results beyond the first {MAX_RESULT_WINDOW} cannot be paged: narrow the "
                "search (date range, record type, status).",
            )
        self._ensure()
        _, answer = self._call("POST", f"/{self.alias}/_search", body=body, what="search")
        return read_hits(answer, query)

    def count(self) -> int:
        """Number of documents behind the alias."""
        self._ensure()
        _, body = self._call("GET", f"/{self.alias}/_count", what="count")
        return int(body.get("count", 0))

    def health(self) -> str | None:
        """``None`` when the cluster answers and the index is in place, else the problem."""
        if self._config_problem:
            return f"search degraded: {self._config_problem}"
        try:
            _, body = self._call(
                "GET", "/_cluster/health", what="cluster health", timeout_s=HEALTH_TIMEOUT_S
            )
            if body.get("status") == "red":
                return f"search degraded: cluster {self.url} is red"
            targets = self._alias_targets()
        except (ToolUnavailable, ConfigError) as exc:
            return (
                exc.message
                if exc.message.startswith("search")
                else f"search degraded: {exc.message}"
            )
        if len(targets) != 1:
            return (
                f"search degraded: index alias {self.alias} missing: run `marriage-archive reindex`"
            )
        version = index_mapping_version(targets[0])
        if version != MAPPING_VERSION:
            return (
                f"search degraded: index {targets[0]} has mapping v{version}, this version needs "
                f"v{MAPPING_VERSION}: run `marriage-archive reindex`"
            )
        return None

    def drop(self) -> None:
        """Delete the live index(es) and the cursor index (the catalog rebuilds them)."""
        for index in self._alias_targets():
            self._call("DELETE", f"/{index}", allow=(404,), what="index deletion")
        self._call("DELETE", f"/{self.meta_index}", allow=(404,), what="index deletion")
        self._ready = False

    def close(self) -> None:
        """Close the client's connections."""
        self._transport.close()


_META_BODY = {
    "settings": {"index": {"number_of_shards": 1}},
    "mappings": {
        "dynamic": "strict",
        "properties": {
            "index": {"type": "keyword"},
            "cursor": {"type": "long"},
            "updated_at": {"type": "date"},
        },
    },
}
