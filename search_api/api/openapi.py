"""The OpenAPI 3.1 document, generated from the routes and their pydantic models.

Built by hand from ``app.url_map`` and each view's declared :class:`Access`
(request, query and response models) instead of flask-openapi3: that library
wants its own ``OpenAPI`` app class, which would fight the web app's
``create_app`` factory. Pydantic 2 emits JSON Schema 2020-12, which is what
OpenAPI 3.1 uses, so the models drop in as components unchanged.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from search_api.api.access import Access
from search_api.api.models import ErrorResponse

REF = "#/components/schemas/{model}"
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_ERROR_STATUSES = {
    "400": "Malformed JSON",
    "401": "No, unknown, revoked or expired credentials",
    "403": "The key's scope or the user's role does not allow this route",
    "404": "Not found",
    "413": "Request body too large",
    "422": "Invalid request (unknown fields are rejected)",
    "429": "Rate limit or daily quota reached (see Retry-After)",
    "503": "A component (catalog, index or audit log) is unavailable",
}


def api_routes(app: Flask) -> list[tuple[str, str, Access]]:
    """(rule, method, access) for every declared API route, sorted."""
    out = []
    for rule in app.url_map.iter_rules():
        access = getattr(app.view_functions[rule.endpoint], "api_access", None)
        if access is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out.append((rule.rule, method, access))
    return sorted(out, key=lambda item: (item[0], item[1]))


def build_openapi(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every declared API route."""
    routes = api_routes(app)
    models: list[type[BaseModel]] = [ErrorResponse]
    for _, _, access in routes:
        for model in (access.request_model, access.response_model):
            if model is not None and model not in models:
                models.append(model)
    _, top = models_json_schema([(m, "validation") for m in models], ref_template=REF)
    schemas = dict(top.get("$defs", {}))
    paths: dict[str, dict[str, Any]] = {}
    for rule, method, access in routes:
        path, params = _path_and_params(rule)
        paths.setdefault(path, {})[method.lower()] = _operation(rule, method, access, params)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "marriage-archive API",
            "version": "1",
            "description": "Gaotai County marriage-registration archive: clerk record API and "
            "the inter-province marital-history lookup. Every call is audited.",
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "bearer", "description": "mak_… API key"},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "session": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
        },
        "security": [{"apiKey": []}, {"apiKeyHeader": []}],
    }


def _path_and_params(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for converter, name in _CONVERTER.findall(rule):
        schema: dict[str, Any] = (
            {"type": "integer", "minimum": 0}
            if converter == "int"
            else {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}$"}
        )
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return _CONVERTER.sub(r"{\2}", rule), params


def _operation(rule: str, method: str, access: Access, params: list[dict]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": re.sub(r"\W+", "_", f"{method.lower()}{rule}").strip("_"),
        "summary": access.summary,
        "description": _access_text(access),
        "parameters": params + _query_params(access),
        "responses": _responses(access),
        "security": [{"apiKey": []}, {"apiKeyHeader": []}]
        + ([{"session": []}] if access.roles or "*" in access.scopes else []),
    }
    if access.request_model is not None:
        op["requestBody"] = {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {"$ref": REF.format(model=access.request_model.__name__)}
                }
            },
        }
    return op


def _access_text(access: Access) -> str:
    if "*" in access.scopes:
        return "Any authenticated client."
    text = "API key scope: " + " or ".join(access.scopes) + "."
    if access.roles:
        text += " Or a logged-in user with role " + ", ".join(access.roles) + "."
    return text


def _query_params(access: Access) -> list[dict[str, Any]]:
    if access.query_model is None:
        return []
    schema = access.query_model.model_json_schema(ref_template=REF)
    return [
        {"name": name, "in": "query", "required": False, "schema": _non_null(prop)}
        for name, prop in schema.get("properties", {}).items()
    ]


def _non_null(prop: dict[str, Any]) -> dict[str, Any]:
    """``str | None`` -> the string schema: an absent query parameter is the None."""
    options = [o for o in prop.get("anyOf", []) if o.get("type") != "null"]
    if len(options) == 1:
        rest = {k: v for k, v in prop.items() if k != "anyOf"}
        return {**rest, **options[0]}
    return prop


def _responses(access: Access) -> dict[str, Any]:
    error = {"application/json": {"schema": {"$ref": REF.format(model="ErrorResponse")}}}
    if access.response_kind == "jpeg":
        ok: dict[str, Any] = {
            "description": "JPEG image",
            "content": {"image/jpeg": {"schema": {"type": "string", "format": "binary"}}},
        }
    elif access.response_model is not None:
        ok = {
            "description": "OK",
            "content": {
                "application/json": {
                    "schema": {"$ref": REF.format(model=access.response_model.__name__)}
                }
            },
        }
    else:
        ok = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
    responses: dict[str, Any] = {"200": ok}
    for status, text in _ERROR_STATUSES.items():
        responses[status] = {"description": text, "content": error}
    responses["default"] = {"description": "Error (same shape)", "content": error}
    return responses
