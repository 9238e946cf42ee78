"""search_api.api: the JSON API and the inter-province marital-history lookup.

Public surface::

    init_app(app, settings=None)          # called by search_api.create_app
    keys.create_key(settings, name, scope, expires_days=None) -> str
    keys.list_keys(settings) / keys.revoke_key(settings, key_id)
    audit.audit_record_view(settings_or_app, user, record_id)
    audit.AuditLog.open(settings).verify() -> AuditVerifyResult
    conflicts.find_conflicts(archive) -> list[ConflictReport]
    openapi.build_openapi(app) -> dict

The app must hold the shared services in ``app.extensions["marriage_archive"]``
(``settings``, ``archive``, ``search``; a dict or an object with those attributes).
"""

from __future__ import annotations

from flask import Flask

from schemas.settings import Settings
from search_api.api.access import EXTENSION, ApiState, build_state, services
from search_api.api.audit import AuditLog, audit_record_view
from search_api.api.conflicts import ConflictReport, find_conflicts
from search_api.api.errors import register_error_handlers
from search_api.api.keys import SCOPES, create_key, list_keys, revoke_key
from search_api.api.routes import bp

__all__ = [
    "SCOPES",
    "ApiState",
    "AuditLog",
    "ConflictReport",
    "audit_record_view",
    "create_key",
    "find_conflicts",
    "init_app",
    "list_keys",
    "revoke_key",
]


def init_app(app: Flask, settings: Settings | None = None) -> None:
    """Register the API blueprint, its JSON errors and its state on ``app``."""
    if settings is None:
        shared = services(app)
        settings = shared["settings"] if isinstance(shared, dict) else shared.settings
    shared = app.extensions.get("marriage_archive")
    metrics = getattr(shared, "metrics", None)
    app.extensions[EXTENSION] = build_state(settings, getattr(metrics, "registry", None))
    register_error_handlers(app)
    app.register_blueprint(bp)
