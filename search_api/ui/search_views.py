"""Search: one box (name in either script, pinyin, ID, certificate number, year)
plus date range, record type and status filters. ``/search.json`` answers the
same query as JSON (used by the latency benchmark and by scripts)."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import current_app, render_template, request

from schemas.errors import MarriageArchiveError
from schemas.idnumber import mask_id
from search_api.auth import current_user, requires_role
from search_api.search.base import MAX_LIMIT, IndexDoc, SearchHit, SearchQuery, SearchResults
from search_api.search.documents import record_to_doc
from search_api.search.matching import date_bounds, parse_user_query
from search_api.ui import bp, present

log = logging.getLogger("marriage_archive.search_api.ui")

SEARCH_ROLES = ("clerk", "reviewer", "admin")
PAGE_SIZE = 20
MAX_PAGE = 500


def query_kind(query: SearchQuery) -> str:
    """A label without personal data, for metrics and logs."""
    if query.id_number:
        return "id"
    if query.certificate_no:
        return "certificate"
    if query.name:
        kind = "pinyin" if query.name.isascii() else "name"
        return kind + ("_last4" if query.id_last4 else "")
    return "filter"


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(request.args.get(name, default))
    except ValueError:
        return default
    return max(low, min(value, high))


def _choice(name: str, allowed: dict[str, str]) -> str | None:
    value = request.args.get(name) or None
    return value if value in allowed else None


def query_from_request() -> tuple[str, SearchQuery]:
    """The typed text and the SearchQuery built from the request's arguments."""
    text = (request.args.get("q") or "")[:500]
    page = _int_arg("page", 1, 1, MAX_PAGE)
    size = _int_arg("size", PAGE_SIZE, 1, MAX_LIMIT)
    query = parse_user_query(
        text,
        date_from=(request.args.get("date_from") or "")[:10] or None,
        date_to=(request.args.get("date_to") or "")[:10] or None,
        record_type=_choice("record_type", present.RECORD_TYPE_LABELS),
        status=_choice("status", present.STATUS_LABELS),
        limit=size,
        offset=(page - 1) * size,
    )
    return text, query


def run_search(query: SearchQuery) -> tuple[SearchResults | None, str | None]:
    """(results, None) or (None, why the search is unavailable); timed into metrics."""
    services = current_app.extensions["marriage_archive"]
    started = time.perf_counter()
    try:
        results = services.search.search(query)
    except MarriageArchiveError as exc:
        log.error("search failed: %s", exc.code)
        return None, "检索服务暂不可用，请稍后重试或联系管理员。"
    kind = query_kind(query)
    services.metrics.search_seconds.labels(kind).observe(time.perf_counter() - started)
    log.info("search kind=%s hits=%s", kind, results.total)
    return results, None


def hit_rows(results: SearchResults, full_id: bool) -> list[dict[str, Any]]:
    """What a result list shows per hit (IDs masked unless the role may see them).

    Uses the document the backend stored; falls back to the catalog when absent.
    """
    archive = current_app.extensions["marriage_archive"].archive
    rows = []
    for hit in results.hits:
        doc = hit.doc
        if doc is None and archive is not None:
            record = archive.get_record(hit.record_id)
            doc = record_to_doc(record) if record is not None else None
        if doc is None:
            continue
        rows.append(_hit_row(hit, doc, full_id))
    return rows


def _hit_row(hit: SearchHit, doc: IndexDoc, full_id: bool) -> dict[str, Any]:
    parties = [
        {
            "role": present.ROLE_LABELS.get(p.role, ""),
            "name": p.name or "—",
            "id": (p.id_printed if full_id else mask_id(p.id_printed)) if p.id_printed else "",
            "matched": index == hit.party_index,
        }
        for index, p in enumerate(doc.parties)
    ]
    return {
        "record_id": doc.record_id,
        "type": present.RECORD_TYPE_LABELS.get(doc.record_type, ""),
        "date": doc.registration_date or "日期不详",
        "certificate_no": doc.certificate_no or "",
        "status": doc.status,
        "status_label": present.STATUS_LABELS.get(doc.status, ""),
        "tier": hit.tier,
        "tier_label": present.TIER_LABELS.get(hit.tier, hit.tier),
        "reasons": hit.reasons,
        "parties": parties,
    }


def _has_input(query: SearchQuery) -> bool:
    return any(
        (query.name, query.id_number, query.certificate_no, *date_bounds(query), query.status,
         query.record_type)
    )  # fmt: skip


@bp.get("/search")
@requires_role(*SEARCH_ROLES)
def search() -> Any:
    """The search page (an empty form until something is asked)."""
    text, query = query_from_request()
    results, error = run_search(query) if _has_input(query) else (None, None)
    user = current_user()
    rows = hit_rows(results, bool(user and user.can_see_full_id)) if results else []
    page = query.offset // query.limit + 1
    return render_template(
        "ui/search.html",
        text=text,
        query=query,
        results=results,
        rows=rows,
        error=error,
        page=page,
        pages=((results.total - 1) // query.limit + 1) if results and results.total else 0,
        asked=_has_input(query),
    )


@bp.get("/search.json")
@requires_role(*SEARCH_ROLES)
def search_json() -> Any:
    """The same search as JSON: {total, hits: [{record_id, tier, reasons, ...}]}."""
    _, query = query_from_request()
    results, error = run_search(query)
    if results is None:
        return {"error": {"status": 503, "title": error}}, 503
    user = current_user()
    return {
        "total": results.total,
        "total_is_lower_bound": results.total_is_lower_bound,
        "query_kind": query_kind(query),
        "hits": hit_rows(results, bool(user and user.can_see_full_id)),
    }
