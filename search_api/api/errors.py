"""One JSON error shape for every error under ``/api/``.

``{"error": {"code": "...", "message": "...", "request_id": "..."}}`` -- for our
errors, Werkzeug's HTTP errors (404, 405, 413, ...) and anything unexpected
(500, logged with its traceback server-side; never a traceback, SQL or path in
the body). Paths outside ``/api/`` keep whatever handler the web app had.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, jsonify, request
from werkzeug.exceptions import HTTPException

from schemas.errors import MarriageArchiveError, RateLimited

log = logging.getLogger("marriage_archive.api.errors")

API_PREFIX = "/api/"
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def request_id() -> str:
    """The id of the current request (also sent back as ``X-Request-ID``)."""
    if "api_request_id" not in g:
        g.api_request_id = uuid.uuid4().hex
    return str(g.api_request_id)


def error_response(status: int, code: str, message: str, headers: dict | None = None) -> Response:
    body = {"error": {"code": code, "message": message, "request_id": request_id()}}
    response = jsonify(body)
    response.status_code = status
    response.headers["X-Request-ID"] = request_id()
    response.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def to_error_response(exc: BaseException) -> Response:
    """Translate any exception into the JSON error shape (the one place for the API)."""
    if isinstance(exc, RateLimited):
        return error_response(429, exc.code, exc.message, {"Retry-After": str(exc.retry_after)})
    if isinstance(exc, MarriageArchiveError):
        if exc.http_status >= 500:
            log.error("api error %s on %s", exc.code, request.path)
        return error_response(exc.http_status, exc.code, exc.message)
    if isinstance(exc, HTTPException):
        status = exc.code or 500
        headers = {}
        if status == 405 and exc.valid_methods:  # type: ignore[attr-defined]
            headers["Allow"] = ", ".join(exc.valid_methods)  # type: ignore[attr-defined]
        message = {
            400: "The request is malformed: send a JSON object (see /api/v1/openapi.json).",
            404: "No such API resource: see /api/v1/openapi.json.",
            405: "Method not allowed on this resource.",
            413: "The request body is too large.",
        }.get(status, exc.name)
        return error_response(status, _HTTP_CODES.get(status, "http_error"), message, headers)
    log.exception("unexpected error on %s", request.path)
    return error_response(500, "internal_error", "Internal error: quote the request_id to support.")


def _chain(previous: Callable | None, exc: BaseException) -> Any:
    if request.path.startswith(API_PREFIX) or request.path.rstrip("/") == "/api":
        return to_error_response(exc)
    if previous is not None:
        return previous(exc)
    if isinstance(exc, HTTPException):
        return exc
    raise exc


def register_error_handlers(app: Flask) -> None:
    """Install JSON handlers for /api/ paths, keeping earlier handlers for other paths."""
    spec = app.error_handler_spec.get(None, {})
    # Flask prefers a handler registered for a status code over one for a class,
    # so the codes the web app might render as HTML are wrapped too.
    for code in (*_HTTP_CODES, 500):
        previous_code = spec.get(code, {}).get(_exception_for(code))
        app.register_error_handler(code, _make_handler(previous_code))
    for exc_class in (HTTPException, MarriageArchiveError, Exception):
        previous = spec.get(None, {}).get(exc_class)
        app.register_error_handler(exc_class, _make_handler(previous))


def _exception_for(code: int) -> type:
    from werkzeug.exceptions import default_exceptions

    return default_exceptions[code]


def _make_handler(previous: Callable | None) -> Callable[[BaseException], Any]:
    def handler(exc: BaseException) -> Any:
        return _chain(previous, exc)

    return handler
