"""Route-scope inventory, authentication, abuse limits, the error shape and the audit trail."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from schemas.model import Record
from search_api.api import create_key, revoke_key
from search_api.api.audit import AuditLog
from search_api.api.models import RecordList
from tests.search_api.api.conftest import bearer, close_app, make_app
from tests.search_api.api.sample_people import IDS, P1_ID, UNKNOWN_ID

LOOKUP = "/api/v1/lookup/marital-history"
ERROR_KEYS = {"code", "message", "request_id"}


def _filled(rule: str) -> str:
    return rule.replace("<record_id>", "p1-m1").replace("<int:n>", "0")


def _api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule, method


def _call(client, method, path, headers=None):
    body = {"id_number": P1_ID, "purpose": "inventory"} if method == "POST" else None
    if path.endswith("/batch"):
        body = {"queries": [body]}
    return client.open(path, method=method, json=body, headers=headers or {})


def assert_error_shape(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    assert body["error"]["request_id"] == response.headers["X-Request-ID"]
    text = response.get_data(as_text=True)
    for leak in ("Traceback", "SELECT", "sqlite", "/work/", ".py"):
        assert leak not in text


def test_every_api_route_declares_access_and_refuses_strangers(app, client, keys):
    rules = list(_api_rules(app))
    assert len(rules) >= 6
    for rule, method in rules:
        access = getattr(app.view_functions[rule.endpoint], "api_access", None)
        assert access is not None, f"{rule.rule} declares no scope"
        path = _filled(rule.rule)
        assert_error_shape(_call(client, method, path), 401)
        assert_error_shape(_call(client, method, path, {"Authorization": "Bearer junk"}), 401)
        if "*" in access.scopes:
            continue
        wrong = next(scope for scope in keys if scope not in access.scopes)
        assert_error_shape(_call(client, method, path, bearer(keys[wrong])), 403)
        right = next(scope for scope in keys if scope in access.scopes)
        assert _call(client, method, path, bearer(keys[right])).status_code == 200


def test_revoked_and_expired_keys_are_401(populated, client):
    settings = populated[0]
    key = create_key(settings, "short-lived", "lookup")
    assert _call(client, "POST", LOOKUP, bearer(key)).status_code == 200
    revoke_key(settings, key.split("_")[1])
    r = _call(client, "POST", LOOKUP, bearer(key))
    assert_error_shape(r, 401)
    assert r.get_json()["error"]["code"] == "key_revoked"
    expiring = create_key(settings, "expiring", "lookup", expires_days=1)
    with sqlite3.connect(settings.auth_path) as conn:
        past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
        conn.execute(
            "UPDATE api_keys SET expires_at=? WHERE key_id=?", (past, expiring.split("_")[1])
        )
    assert_error_shape(_call(client, "POST", LOOKUP, {"X-API-Key": expiring}), 401)


def test_enumeration_hits_429_with_retry_after_and_alerts(populated, caplog):
    settings = populated[0].model_copy(
        update={"lookup_rate_per_minute": 20, "enumeration_alert_distinct_ids": 10}
    )
    app = make_app(settings)
    client = app.test_client()
    key = create_key(settings, "enumerator", "lookup")
    statuses = []
    from schemas.idnumber import check_char

    with caplog.at_level("WARNING", logger="marriage_archive.api.limits"):
        for i in range(30):
            first17 = "62072219800101" + f"{i:03d}"
            body = {"id_number": first17 + check_char(first17), "purpose": "enumeration test"}
            statuses.append(client.post(LOOKUP, json=body, headers=bearer(key)).status_code)
    assert statuses[:20] == [200] * 20 and set(statuses[20:]) == {429}
    r = client.post(LOOKUP, json={"id_number": P1_ID, "purpose": "x" * 10}, headers=bearer(key))
    assert_error_shape(r, 429)
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert "enumeration" in caplog.text and "6207221980" not in caplog.text
    close_app(app)


def test_daily_quota_is_429_until_midnight(populated):
    settings = populated[0].model_copy(update={"lookup_daily_quota": 2})
    app = make_app(settings)
    client = app.test_client()
    key = create_key(settings, "quota", "lookup")
    body = {"id_number": UNKNOWN_ID, "purpose": "quota test"}
    assert [client.post(LOOKUP, json=body, headers=bearer(key)).status_code for _ in range(2)] == [
        200,
        200,
    ]
    r = client.post(LOOKUP, json=body, headers=bearer(key))
    assert_error_shape(r, 429)
    assert r.get_json()["error"]["code"] == "quota_exceeded"
    assert 0 < int(r.headers["Retry-After"]) <= 86_400
    close_app(app)


def test_oversized_body_is_413_in_the_error_shape(populated):
    settings = populated[0].model_copy(update={"max_request_bytes": 2048})
    app = make_app(settings)
    client = app.test_client()
    key = create_key(settings, "big", "lookup")
    r = client.post(LOOKUP, json={"name": "李" * 5000, "purpose": "big body"}, headers=bearer(key))
    assert_error_shape(r, 413)
    close_app(app)


def test_http_errors_and_crashes_use_the_one_shape(populated, keys):
    app = make_app(populated[0])

    @app.get("/api/v1/_boom")
    def boom():
        raise RuntimeError("SELECT secret FROM x -- /work/main/secret.py")

    app.config["TESTING"] = False
    client = app.test_client()
    assert_error_shape(client.get("/api/v1/nothing-here"), 404)
    assert_error_shape(client.get(LOOKUP, headers=bearer(keys["lookup"])), 405)
    assert_error_shape(client.get("/api/v1/_boom"), 500)
    r = client.post(
        LOOKUP,
        data="{not json",
        headers={**bearer(keys["lookup"]), "Content-Type": "application/json"},
    )
    assert_error_shape(r, 400)
    r = client.post(LOOKUP, data="id=1", headers=bearer(keys["lookup"]))
    assert_error_shape(r, 422)
    assert client.get("/not-api").status_code == 404  # outside /api/: not our shape to impose
    close_app(app)


def test_exactly_one_audit_entry_per_call_allowed_or_denied(app, client, keys, populated):
    audit = app.extensions["marriage_archive_api"].audit
    calls = [
        (LOOKUP, {"id_number": P1_ID, "purpose": "audit test"}, bearer(keys["lookup"]), 200),
        (LOOKUP, {"id_number": P1_ID, "purpose": "audit test"}, {}, 401),
        (LOOKUP, {"id_number": P1_ID, "purpose": "audit test"}, bearer(keys["records:read"]), 403),
        (LOOKUP, {"id_number": P1_ID}, bearer(keys["lookup"]), 422),
    ]
    for url, body, headers, status in calls:
        before = audit.count()
        assert client.post(url, json=body, headers=headers).status_code == status
        assert audit.count() == before + 1
        entry = audit.tail(1)[0]
        assert entry["status"] == status and entry["route"] == "/api/v1/lookup/marital-history"
    first = audit.tail(4)[0]
    assert first["client"].startswith("key:") and first["purpose"] == "audit test"
    assert len(first["id_hmac"]) == 64 and first["result_count"] == 4
    assert audit.tail(3)[0]["client"] == "anonymous"
    assert audit.verify().ok
    raw = populated[0].audit_path.read_bytes() + b"".join(
        p.read_bytes() for p in populated[0].audit_path.parent.glob("audit.sqlite-*")
    )
    for secret in IDS:
        assert secret.encode() not in raw


def test_tampered_audit_log_detected_after_api_calls(app, client, keys, populated):
    for _ in range(3):
        client.post(
            LOOKUP,
            json={"id_number": UNKNOWN_ID, "purpose": "tamper"},
            headers=bearer(keys["lookup"]),
        )
    settings = populated[0]
    with sqlite3.connect(settings.audit_path) as conn:
        (last,) = conn.execute("SELECT max(seq) FROM audit_log").fetchone()
        conn.execute("UPDATE audit_log SET purpose='nothing to see' WHERE seq=?", (last - 1,))
    log = AuditLog.open(settings)
    result = log.verify()
    assert not result.ok and result.first_bad_seq == last - 1
    log.close()


def test_records_routes_mask_ids_in_lists_and_validate_ids(client, keys):
    h = bearer(keys["records:read"])
    r = client.get("/api/v1/records?q=李明", headers=h)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    RecordList.model_validate(body)  # closed model: every field of the records scope
    assert body["total"] >= 4 and body["items"]
    text = r.get_data(as_text=True)
    assert P1_ID not in text and (P1_ID[:6] + "********" + P1_ID[-4:]) in text
    r = client.get(f"/api/v1/records?id_number={P1_ID[:6]}{P1_ID[8:17]}", headers=h)
    assert r.status_code == 200
    assert_error_shape(client.get("/api/v1/records?limit=1000", headers=h), 422)
    assert_error_shape(client.get("/api/v1/records?colour=red", headers=h), 422)
    assert_error_shape(client.get("/api/v1/records/%24%7Bjndi%7D", headers=h), 422)
    assert_error_shape(client.get("/api/v1/records/..%2F..%2Fetc", headers=h), 404)
    assert_error_shape(client.get("/api/v1/records/no-such-record", headers=h), 404)
    detail = client.get("/api/v1/records/p1-m1", headers=h).get_json()
    Record.model_validate(detail)
    assert detail["parties"][0]["id_number"] == P1_ID[:6] + "********" + P1_ID[-4:]
    assert detail["certificate_no"] == "J620722-2008-000101"
    page = client.get("/api/v1/records/p1-m1/pages/0", headers=h)
    assert page.status_code == 200 and page.mimetype == "image/jpeg"
    assert page.data[:3] == b"\xff\xd8\xff"
    assert_error_shape(client.get("/api/v1/records/p1-m1/pages/7", headers=h), 404)


@pytest.mark.parametrize("q", ["*", "name:*", "/re/", 'NEAR("a"', "col:x", "'", '"', "x" * 100])
def test_records_search_injection_never_5xx(client, keys, q):
    r = client.get("/api/v1/records", query_string={"q": q}, headers=bearer(keys["records:read"]))
    assert r.status_code in (200, 422)
    if r.status_code == 200:
        assert r.get_json()["total"] == 0


def _login(app, populated, username, role):
    from search_api.auth import create_user

    create_user(populated[0], username, "pw-" + username + "-long-enough", role, replace=True)
    client = app.test_client()
    r = client.post(
        "/login", data={"username": username, "password": "pw-" + username + "-long-enough"}
    )
    assert r.status_code in (302, 303), r.status_code
    return client


def test_session_users_by_role(app, populated):
    clerk = _login(app, populated, "clerk_a", "clerk")
    listing = clerk.get("/api/v1/records?q=李明")
    assert listing.status_code == 200
    detail = clerk.get("/api/v1/records/p1-m1").get_json()
    assert detail["parties"][0]["id_number"] == P1_ID[:6] + "********" + P1_ID[-4:]
    assert P1_ID not in clerk.get("/api/v1/records/p1-m1").get_data(as_text=True)
    assert_error_shape(clerk.post(LOOKUP, json={"id_number": P1_ID, "purpose": "clerk try"}), 403)
    reviewer = _login(app, populated, "reviewer_a", "reviewer")
    assert reviewer.get("/api/v1/records/p1-m1").get_json()["parties"][0]["id_number"] == P1_ID
    operator = _login(app, populated, "operator_a", "operator")
    assert_error_shape(operator.get("/api/v1/records"), 403)
    (entry,) = app.extensions["marriage_archive_api"].audit.tail(1)
    assert entry["client"] == "user:operator_a" and entry["status"] == 403


def test_no_answer_leaves_without_its_audit_entry(tmp_path):
    """Fail closed: when the audit log cannot be written the lookup answers 503."""
    from schemas.settings import load_settings

    settings = load_settings(environ={}, home=tmp_path / "data")
    app = make_app(settings)
    client = app.test_client()
    key = create_key(settings, "fail closed", "lookup")
    body = {"id_number": UNKNOWN_ID, "purpose": "fail closed test"}
    assert client.post(LOOKUP, json=body, headers=bearer(key)).status_code == 200
    with sqlite3.connect(settings.audit_path) as conn:
        conn.execute("DROP TABLE audit_log")
    r = client.post(LOOKUP, json=body, headers=bearer(key))
    assert_error_shape(r, 503)
    assert "verdict" not in r.get_data(as_text=True)
    metrics = client.get("/metrics").get_data(as_text=True)
    assert "marriage_archive_audit_failures_total 1.0" in metrics
    close_app(app)
