"""Who may call which API route, and the per-app API state.

Every view of the API is wrapped by :func:`api_route`, which *declares* its
access rule (scopes of API keys, roles of logged-in users) on the view so a test
can walk ``app.url_map``, and which runs the one request pipeline:
authenticate -> authorize -> the view -> exactly one audit entry (allowed or
denied) -> the JSON error shape. If the audit entry cannot be written the call
fails closed (503): no answer leaves without its audit entry.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, current_app, g, request
from pydantic import BaseModel
from werkzeug.exceptions import HTTPException

from schemas.errors import (
    AuthRequired,
    MarriageArchiveError,
    PermissionDenied,
    StorageError,
    ToolUnavailable,
)
from schemas.settings import Settings
from search_api.api.audit import AuditEntry, AuditLog, audit_hmac_key
from search_api.api.errors import request_id, to_error_response
from search_api.api.keys import ApiClient, KeyStore
from search_api.api.limits import LookupLimiter

log = logging.getLogger("marriage_archive.api.access")

CLERK_ROLES = ("clerk", "reviewer", "admin")
FULL_ID_ROLES = ("reviewer", "admin")  # as the clerk UI: clerks see masked IDs
FULL_ID_SCOPES = ("admin",)
EXTENSION = "marriage_archive_api"


@dataclass(frozen=True)
class Access:
    """A route's declared access rule; ``scopes=("*",)`` = any authenticated client."""

    scopes: tuple[str, ...]
    roles: tuple[str, ...] = ()
    summary: str = ""
    request_model: type[BaseModel] | None = None
    query_model: type[BaseModel] | None = None
    response_model: type[BaseModel] | None = None
    response_kind: str = "json"  # or "jpeg"


@dataclass
class ApiMetrics:
    """API counters on the web app's Prometheus registry (no personal data in labels)."""

    calls: Any  # Counter(route, status)
    verdicts: Any  # Counter(verdict)
    audit_failures: Any  # Counter()


def create_metrics(registry: Any) -> ApiMetrics | None:
    if registry is None:
        return None
    from prometheus_client import Counter

    return ApiMetrics(
        calls=Counter(
            "marriage_archive_api_calls",
            "Audited API calls by route template and status (429 = rate limited).",
            ["route", "status"],
            registry=registry,
        ),
        verdicts=Counter(
            "marriage_archive_lookup_answers",
            "Lookup answers by verdict.",
            ["verdict"],
            registry=registry,
        ),
        audit_failures=Counter(
            "marriage_archive_audit_failures",
            "API calls refused because auditing failed.",
            registry=registry,
        ),
    )


@dataclass
class ApiState:
    """Per-app objects of the API (attached in init_app, created on first use)."""

    settings: Settings
    keys: KeyStore
    audit: AuditLog
    limiter: LookupLimiter
    hmac_key: bytes
    metrics: ApiMetrics | None = None
    coverage_cache: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def close(self) -> None:
        self.keys.close()
        self.audit.close()
        self.limiter.close()


def build_state(settings: Settings, registry: Any = None) -> ApiState:
    """The API's objects; ``registry``: the web app's Prometheus registry, if any."""
    return ApiState(
        settings=settings,
        keys=KeyStore(settings),
        audit=AuditLog.open(settings),
        limiter=LookupLimiter(
            settings.lookup_rate_per_minute,
            settings.lookup_daily_quota,
            settings.enumeration_alert_distinct_ids,
            path=settings.api_limits_path,
        ),
        hmac_key=audit_hmac_key(settings),
        metrics=create_metrics(registry),
    )


def services(app: Flask | None = None) -> Any:
    """The web app's shared services (settings, archive, search)."""
    return (app or current_app).extensions["marriage_archive"]


def service(name: str) -> Any:
    """One shared service; 503 (ToolUnavailable) when the web app could not open it."""
    shared = services()
    value = shared.get(name) if isinstance(shared, dict) else getattr(shared, name, None)
    if value is None:
        raise ToolUnavailable(f"The {name} is unavailable: see /readyz, then retry later.")
    return value


def api_state(app: Flask | None = None) -> ApiState:
    return (app or current_app).extensions[EXTENSION]


@dataclass
class Caller:
    label: str  # "key:<id>", "user:<name>" or "anonymous"
    client: ApiClient | None = None
    role: str | None = None

    @property
    def sees_full_ids(self) -> bool:
        if self.client is not None:
            return self.client.scope in FULL_ID_SCOPES
        return self.role in FULL_ID_ROLES


@dataclass
class CallAudit:
    """What the view tells the audit entry (set on ``g.api_audit``)."""

    purpose: str | None = None
    subjects: list[str] = field(default_factory=list)  # HMACs
    result_count: int = 0
    detail: dict[str, Any] = field(default_factory=dict)


def call_audit() -> CallAudit:
    if "api_audit" not in g:
        g.api_audit = CallAudit()
    return g.api_audit


def current_caller() -> Caller:
    return g.api_caller


def _presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.headers.get("X-API-Key") or None


def _session_user() -> tuple[str, str] | None:
    try:
        from search_api.auth import current_user
    except ImportError:  # the web app's auth module is not installed in this app
        return None
    user = current_user()
    if not user or not getattr(user, "is_authenticated", True):
        return None
    role = getattr(user, "role", None)
    name = getattr(user, "username", None) or getattr(user, "name", None) or "user"
    return str(name), str(role) if role else ""


def authenticate(access: Access) -> Caller:
    """Identify the caller and check the route's rule (401 / 403)."""
    presented = _presented_key()
    if presented:
        g.api_caller = Caller("anonymous")
        client = api_state().keys.authenticate(presented)
        g.api_caller = Caller(client.label, client=client)
        if "*" not in access.scopes and client.scope not in access.scopes:
            raise PermissionDenied(
                f"This key's scope does not allow this route (needs {' or '.join(access.scopes)})."
            )
        return g.api_caller
    user = _session_user()
    if user is None:
        g.api_caller = Caller("anonymous")
        raise AuthRequired("Authentication required: send 'Authorization: Bearer <API key>'.")
    name, role = user
    g.api_caller = Caller(f"user:{name}", role=role)
    if "*" not in access.scopes and role not in access.roles:
        raise PermissionDenied("Your role does not allow this route.")
    return g.api_caller


def api_route(access: Access) -> Callable[[Callable[..., Any]], Callable[..., Response]]:
    """Declare a view's access rule and run it inside the audited request pipeline."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Response]:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Response:
            status = 500
            try:
                authenticate(access)
                response = current_app.make_response(view(*args, **kwargs))
                status = response.status_code
            except (MarriageArchiveError, HTTPException) as exc:
                response = to_error_response(exc)
                status = response.status_code
            except Exception as exc:  # the request boundary: log, answer 500, still audit
                response = to_error_response(exc)
                status = 500
            metrics = api_state().metrics
            try:
                _write_audit(status)
            except StorageError as exc:
                if metrics is not None:
                    metrics.audit_failures.inc()
                return to_error_response(exc)
            if metrics is not None:
                route = request.url_rule.rule if request.url_rule else "<unmatched>"
                metrics.calls.labels(route, str(status)).inc()
            response.headers["X-Request-ID"] = request_id()
            response.headers.setdefault("Cache-Control", "no-store")
            return response

        wrapped.api_access = access  # type: ignore[attr-defined]
        return wrapped

    return decorate


def _write_audit(status: int) -> None:
    caller: Caller = g.get("api_caller") or Caller("anonymous")
    audit = call_audit()
    api_state().audit.append(
        AuditEntry(
            client=caller.label,
            route=request.url_rule.rule if request.url_rule else request.path[:200],
            method=request.method,
            status=status,
            purpose=audit.purpose,
            id_hmac=",".join(audit.subjects) or None,
            result_count=audit.result_count,
            request_id=request_id(),
            detail={**audit.detail, "client_name": caller.client.name}
            if caller.client
            else (audit.detail or None),
        )
    )
