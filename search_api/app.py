"""The Flask app factory (flaskr style) and the server (granian workers).

``create_app`` builds one app: settings, the shared services on
``app.extensions["marriage_archive"]`` (settings, archive, search backend,
metrics), Flask-Login, CSRF, the clerk UI, the operations endpoints and, when
that package is present, the JSON API (``search_api.api.init_app``).
"""

from __future__ import annotations

import functools
import logging
import multiprocessing.util
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from archive import Archive
from schemas.errors import ConfigError, MarriageArchiveError
from schemas.settings import Settings, load_settings
from search_api import auth, ops
from search_api.ops import Metrics
from search_api.search.base import SearchBackend
from search_api.search.feed import IndexFollower
from search_api.search.matching import warm_up
from search_api.search.registry import get_backend

log = logging.getLogger("marriage_archive.search_api.app")

EXTENSION = "marriage_archive"
INDEX_FOLLOW_SECONDS = 3.0


@dataclass
class Services:
    """What every blueprint of the app shares (``app.extensions["marriage_archive"]``)."""

    settings: Settings
    archive: Archive | None
    search: SearchBackend
    metrics: Metrics
    archive_error: str | None = None
    follower: IndexFollower | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        """Stop the follower and close the index and the catalog."""
        if self.follower is not None:
            self.follower.stop()
        self.search.close()
        if self.archive is not None:
            self.archive.close()


def services_of(app: Flask) -> Services:
    """The shared services of an app built by :func:`create_app`."""
    return app.extensions[EXTENSION]  # type: ignore[no-any-return]


def _open_archive(settings: Settings) -> tuple[Archive | None, str | None]:
    """Open the archive; a broken catalog or root leaves the app up (``/readyz`` says why)."""
    try:
        return Archive.open(settings), None
    except ConfigError:
        raise  # unsafe configuration (e.g. roots on one disk): refuse to start
    except MarriageArchiveError as exc:
        log.error("archive unavailable: %s", exc.code)
        return None, exc.message


def _open_search(settings: Settings) -> SearchBackend:
    backend = get_backend(settings)
    warm_up()
    try:
        backend.ensure_ready()
    except MarriageArchiveError as exc:  # search degraded; record pages still work
        log.error("search backend not ready: %s", exc.code)
    return backend


def create_app(
    settings: Settings | None = None, test_config: dict[str, Any] | None = None
) -> Flask:
    """Build the web app. ``test_config`` overrides Flask config keys (tests only)."""
    settings = settings or load_settings()
    app = Flask(__name__, static_folder=None)
    app.config.update(
        SECRET_KEY=auth.session_secret(settings),
        SESSION_COOKIE_NAME="ma_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        REMEMBER_COOKIE_SECURE=settings.cookie_secure,
        REMEMBER_COOKIE_HTTPONLY=True,
        PERMANENT_SESSION_LIFETIME=8 * 3600,
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        WTF_CSRF_TIME_LIMIT=8 * 3600,
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    archive, archive_error = _open_archive(settings)
    services = Services(settings, archive, _open_search(settings), Metrics.create(), archive_error)
    app.extensions[EXTENSION] = services
    csrf = CSRFProtect(app)
    auth.init_app(app, settings)
    ops.init_app(app)
    from search_api import ui

    ui.init_app(app)
    _init_api(app, settings, csrf)
    return app


def _init_api(app: Flask, settings: Settings, csrf: CSRFProtect) -> None:
    """Mount the JSON API when its package is installed (API keys, not CSRF, protect it)."""
    try:
        from search_api import api
    except ImportError:
        log.info("JSON API package not installed; serving the clerk UI only")
        return
    api.init_app(app, settings)
    for name, blueprint in app.blueprints.items():
        if name.startswith("api"):
            csrf.exempt(blueprint)


def serve(
    settings: Settings,
    host: str = "127.0.0.1",
    port: int = 8000,
    threads: int | None = None,
    processes: int | None = None,
) -> None:
    """Serve the app until SIGTERM/Ctrl-C (granian workers); the index follows the catalog.

    ``processes`` (default ``settings.serve_process_count``) workers share the
    port (``search_api.serving``), one per core by default; ``threads`` per
    worker default to ``settings.serve_threads``.
    """
    from search_api.serving import serve_workers

    log.info("serving on http://%s:%s", host, port)
    serve_workers(
        functools.partial(worker_app, settings),
        host,
        port,
        processes or settings.serve_process_count,
        threads or settings.serve_threads,
    )


def worker_app(settings: Settings) -> Flask:
    """The app of one server process, with its index follower and its cleanup at exit.

    Every process starts a follower; the one holding the seat lock follows
    (``IndexFollower``), so one process writes the index and another takes over
    when it dies.
    """
    app = create_app(settings)
    services = services_of(app)
    if services.archive is not None:
        seat = settings.home / "index_follower.lock"
        services.follower = IndexFollower(
            services.archive, services.search, INDEX_FOLLOW_SECONDS, seat=seat
        )
        services.follower.start()
    # Run when the worker process ends (multiprocessing's exit hook, after serving stops).
    multiprocessing.util.Finalize(app, _close_app, args=(app,), exitpriority=10)
    return app


def _close_app(app: Flask) -> None:
    api_state = app.extensions.get("marriage_archive_api")
    if api_state is not None:
        api_state.close()
    services_of(app).close()
