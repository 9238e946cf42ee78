"""Operations endpoints: ``/healthz`` (live), ``/readyz`` (ready, names the failing
component), ``/metrics`` (Prometheus, app-local registry).

Metric labels never carry personal data: requests are labelled by the *route
template* (``/records/<record_id>``), never by the URL that was asked for.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from search_api.auth import public

log = logging.getLogger("marriage_archive.search_api.ops")

bp = Blueprint("ops", __name__)

SEARCH_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
MAX_READY_LAG = 10_000  # changes the index may be behind before /readyz calls it degraded


@dataclass
class Metrics:
    """The app's own Prometheus registry and instruments."""

    registry: CollectorRegistry
    requests: Counter
    request_seconds: Histogram
    search_seconds: Histogram
    index_lag: Gauge
    corrections: Counter
    logins: Counter

    @classmethod
    def create(cls) -> Metrics:
        """Fresh instruments on a fresh registry (one per app: tests build many apps)."""
        reg = CollectorRegistry(auto_describe=True)
        return cls(
            registry=reg,
            requests=Counter(
                "marriage_archive_http_requests",
                "HTTP requests by route template, method and status.",
                ["route", "method", "status"],
                registry=reg,
            ),
            request_seconds=Histogram(
                "marriage_archive_http_request_seconds",
                "HTTP request duration by route template.",
                ["route"],
                registry=reg,
            ),
            search_seconds=Histogram(
                "marriage_archive_search_seconds",
                "Search backend latency by query kind.",
                ["kind"],
                buckets=SEARCH_BUCKETS,
                registry=reg,
            ),
            index_lag=Gauge(
                "marriage_archive_index_lag_changes",
                "Catalog changes not yet applied to the search index.",
                registry=reg,
            ),
            corrections=Counter(
                "marriage_archive_corrections",
                "Field corrections and verifications saved from the web app.",
                ["action"],
                registry=reg,
            ),
            logins=Counter(
                "marriage_archive_logins", "Login attempts by outcome.", ["outcome"], registry=reg
            ),
        )


def init_app(app: Flask) -> None:
    """Register the blueprint and the per-request timing hooks."""
    app.register_blueprint(bp)
    app.before_request(_start_timer)
    app.after_request(_count_request)


def _start_timer() -> None:
    g.started = time.perf_counter()


def _count_request(response: Response) -> Response:
    metrics: Metrics = current_app.extensions["marriage_archive"].metrics
    route = request.url_rule.rule if request.url_rule else "<unmatched>"
    metrics.requests.labels(route, request.method, str(response.status_code)).inc()
    if "started" in g:
        metrics.request_seconds.labels(route).observe(time.perf_counter() - g.started)
    return response


@bp.get("/healthz")
@public
def healthz() -> Any:
    """Liveness: the process answers."""
    return jsonify(status="ok")


def readiness(services: Any) -> tuple[bool, dict[str, Any]]:
    """(ready, report): catalog and both copies must be healthy; the index may be degraded."""
    components: dict[str, str | None] = {}
    warnings: list[str] = []
    archive = services.archive
    if archive is None:
        components["catalog"] = services.archive_error or "archive not opened"
    else:
        try:
            health = archive.health()
        except Exception as exc:  # a probe must answer, whatever broke
            health = {"catalog": f"health check failed: {exc.__class__.__name__}"}
        for name, problem in health.items():
            if name in ("catalog", "copy_a", "copy_b"):
                components[name] = problem
            elif problem:
                warnings.append(problem)
        warnings += [d for d in _degraded(archive) if d not in warnings]
    index_problem = services.search.health()
    lag = _lag(services)
    if index_problem is None and lag is not None and lag > MAX_READY_LAG:
        index_problem = f"search index is {lag} changes behind the catalog"
    components["index"] = index_problem
    failing = [n for n in ("catalog", "copy_a", "copy_b") if components.get(n)]
    report = {
        "status": "ready" if not failing else "not_ready",
        "failing": failing,
        "components": {n: (p or "ok") for n, p in components.items()},
        "search": "degraded" if index_problem else "ok",
        "index_lag": lag,
        "warnings": warnings,
    }
    return not failing, report


def _degraded(archive: Any) -> list[str]:
    probe = getattr(archive, "degraded", None)
    return list(probe()) if callable(probe) else []


def _lag(services: Any) -> int | None:
    if services.archive is None:
        return None
    try:
        return max(0, services.archive.last_change_seq() - services.search.get_cursor())
    except Exception:  # lag is informative only
        return None


@bp.get("/readyz")
@public
def readyz() -> Any:
    """Readiness: 200 when catalog and both copies work, else 503 naming the failing ones."""
    ready, report = readiness(current_app.extensions["marriage_archive"])
    return jsonify(report), (200 if ready else 503)


@bp.get("/metrics")
@public
def metrics() -> Response:
    """Prometheus text exposition of the app's registry."""
    services = current_app.extensions["marriage_archive"]
    lag = _lag(services)
    if lag is not None:
        services.metrics.index_lag.set(lag)
    return Response(generate_latest(services.metrics.registry), mimetype=CONTENT_TYPE_LATEST)
