"""Every route declares who may call it, and the declaration is enforced."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from search_api.auth import ROLES
from tests.search_api.conftest import csrf_token, login

# Flask's static-file view cannot carry an attribute; it is public by design.
PUBLIC_ENDPOINTS = {"ui.static"}
SAMPLE_ARGS = {
    "record_id": "r1991-simp",
    "page_index": 0,
    "kind": "prepared",
    "batch_id": "b1",
    "filename": "app.css",
    "n": 0,
}


def declared(app: Flask, endpoint: str) -> tuple[str, ...] | None:
    """The roles a UI view declares (``()`` = public), or None when undeclared."""
    if endpoint in PUBLIC_ENDPOINTS:
        return ()
    view = app.view_functions[endpoint]
    return getattr(view, "required_roles", None)


def ui_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every non-API route, URLs built with sample values."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api"):
            continue
        args = {k: SAMPLE_ARGS[k] for k in rule.arguments}
        with app.test_request_context():
            from flask import url_for

            url = url_for(rule.endpoint, **args)
        method = (
            "POST"
            if "POST" in (rule.methods or ()) and "GET" not in (rule.methods or ())
            else "GET"
        )
        routes.append((rule.endpoint, method, url))
    return routes


def test_every_route_declares_its_roles_or_scopes(app: Flask) -> None:
    undeclared = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint.startswith("api"):
            if getattr(view, "api_access", None) is None:
                undeclared.append(rule.rule)
        elif declared(app, rule.endpoint) is None:
            undeclared.append(rule.rule)
    assert undeclared == []


def test_only_probes_login_and_static_are_public(app: Flask) -> None:
    public = sorted(e for e, _, _ in ui_routes(app) if declared(app, e) == ())
    assert public == ["ops.healthz", "ops.metrics", "ops.readyz", "ui.login", "ui.static"]


def test_anonymous_is_sent_to_login_everywhere_else(app: Flask, client: FlaskClient) -> None:
    for endpoint, method, url in ui_routes(app):
        if declared(app, endpoint) == ():
            continue
        data = {"csrf_token": csrf_token(client, "/login")} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        if url.endswith(".json"):
            assert response.status_code == 401, url
        else:
            assert response.status_code == 302, url
            assert response.headers["Location"].startswith("/login"), url


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_routes(app: Flask, client: FlaskClient, role: str) -> None:
    login(client, role)
    token = csrf_token(client, "/login")
    checked = 0
    for endpoint, method, url in ui_routes(app):
        roles = declared(app, endpoint)
        if not roles or endpoint in ("ui.logout",):
            continue
        data = {"csrf_token": token, "version": "1"} if method == "POST" else None
        response = client.open(url, method=method, data=data)
        if role in roles:
            assert response.status_code != 403, (role, url)
        else:
            assert response.status_code == 403, (role, url)
        checked += 1
    assert checked >= 10


def test_post_without_csrf_token_is_refused(app: Flask, client: FlaskClient) -> None:
    login(client, "reviewer")
    for url in ("/records/r1991-simp/correct", "/records/r1991-simp/verify", "/logout"):
        assert client.post(url, data={"version": "1"}).status_code == 400, url


def test_login_form_needs_csrf_token(client: FlaskClient) -> None:
    response = client.post("/login", data={"username": "admin", "password": "x" * 12})
    assert response.status_code == 400
