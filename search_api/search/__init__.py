"""search_api.search: the search index behind one interface, chosen by name.

Public surface::

    base:       SearchBackend, SearchQuery, IndexDoc, PartyDoc, SearchHit, SearchResults, TIERS
    registry:   get_backend(settings) -> SearchBackend, register(name, factory)
    documents:  record_to_doc(record) -> IndexDoc
    matching:   parse_user_query(text, **filters) -> SearchQuery, query_keys(query),
                query_parts(query), explain(doc, query), best_match(doc, query)
    feed:       sync_index(archive, backend) -> int, rebuild_index(archive, backend) -> int,
                index_lag(archive, backend), IndexFollower
"""

from search_api.search.base import (
    TIERS,
    IndexDoc,
    PartyDoc,
    SearchBackend,
    SearchHit,
    SearchQuery,
    SearchResults,
)
from search_api.search.documents import record_to_doc
from search_api.search.matching import (
    best_match,
    explain,
    parse_user_query,
    query_keys,
    query_parts,
)
from search_api.search.registry import get_backend, register

__all__ = [
    "TIERS",
    "IndexDoc",
    "PartyDoc",
    "SearchBackend",
    "SearchHit",
    "SearchQuery",
    "SearchResults",
    "best_match",
    "explain",
    "get_backend",
    "parse_user_query",
    "query_keys",
    "query_parts",
    "record_to_doc",
    "register",
]
