"""The review queue and the batch / coverage dashboard."""

from __future__ import annotations

import re
from typing import Any

from flask import Response, abort, current_app, render_template

from schemas.model import Record
from search_api.auth import requires_role
from search_api.search.base import MAX_LIMIT, SearchQuery
from search_api.ui import bp, present
from search_api.ui.forms import ActionForm

REVIEW_ROLES = ("reviewer", "admin")
DASHBOARD_ROLES = ("operator", "reviewer", "admin")
RESCAN_ROLES = ("operator", "admin")
REVIEW_PAGE = MAX_LIMIT
_BATCH_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,119}$")


def _services() -> Any:
    return current_app.extensions["marriage_archive"]


def review_records() -> list[Record]:
    """needs_review records, ordered by their first reason, then date (oldest first)."""
    services = _services()
    if services.archive is None:
        abort(503)
    hits = services.search.search(SearchQuery(status="needs_review", limit=REVIEW_PAGE)).hits
    records = [services.archive.get_record(h.record_id) for h in hits]
    current = [r for r in records if r is not None and r.status.value == "needs_review"]
    return sorted(
        current,
        key=lambda r: (
            r.review_reasons[0] if r.review_reasons else "~",
            r.registration_date or "9999",
            r.record_id,
        ),
    )


@bp.get("/review")
@requires_role(*REVIEW_ROLES)
def review() -> Any:
    """The queue: j/k move, e (or Enter) opens the failing field, v verifies."""
    items = []
    for record in review_records():
        failing = present.failing_field(record)
        items.append(
            {
                "record": record,
                "reason": record.review_reasons[0] if record.review_reasons else "",
                "reason_label": "、".join(present.reason_text(r) for r in record.review_reasons)
                or "未注明",
                "failing": present.field_label(failing) if failing else "",
                "failing_path": failing or "",
                "names": " / ".join(p.name or "—" for p in record.parties),
            }
        )
    return render_template("ui/review.html", items=items, action_form=ActionForm())


@bp.get("/dashboard")
@requires_role(*DASHBOARD_ROLES)
def dashboard() -> Any:
    """Coverage by year x type x status, batches with rejects, degraded state."""
    services = _services()
    archive = services.archive
    if archive is None:
        abort(503)
    from search_api.ops import readiness

    _, ready = readiness(services)
    batches = archive.batches()
    rejects = archive.rejects()
    reject_counts: dict[str, int] = {}
    for entry in rejects:
        reject_counts[entry.batch_id] = reject_counts.get(entry.batch_id, 0) + 1
    coverage = archive.coverage()
    return render_template(
        "ui/dashboard.html",
        conflicts=_conflicts(services),
        coverage=present.coverage_table(coverage),
        totals=_totals(coverage),
        batches=list(reversed(batches)),
        reject_counts=reject_counts,
        ready=ready,
        warnings=ready["warnings"],
    )


def _conflicts(services: Any) -> list[Any]:
    """Overlapping marriages of one person (search_api.api.conflicts), recomputed only
    when the catalog changed: finding them reads every record once."""
    from search_api.api.conflicts import find_conflicts

    seq = services.archive.last_change_seq()
    cached = services.extra.get("conflicts")
    if cached is None or cached[0] != seq:
        cached = (seq, find_conflicts(services.archive))
        services.extra["conflicts"] = cached
    return cached[1]


def _totals(rows: list[tuple[int | None, str, str, int]]) -> dict[str, int]:
    totals: dict[str, int] = {"total": 0}
    for _, _, status, count in rows:
        totals[status] = totals.get(status, 0) + count
        totals["total"] += count
    return totals


@bp.get("/batches/<batch_id>/rescan.csv")
@requires_role(*RESCAN_ROLES)
def rescan_list(batch_id: str) -> Response:
    """The files of a batch to scan again, with reasons (CSV)."""
    if not _BATCH_ID.match(batch_id):
        abort(404)
    services = _services()
    if services.archive is None:
        abort(503)
    if batch_id not in {b.batch_id for b in services.archive.batches()}:
        abort(404)
    body = present.rescan_csv(services.archive.rejects(batch_id))
    response = Response(body, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="rescan-{batch_id}.csv"'
    return response
