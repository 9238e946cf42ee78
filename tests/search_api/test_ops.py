"""/healthz, /readyz (names the failing component), /metrics (no personal data)."""

from __future__ import annotations

import shutil

from flask import Flask
from flask.testing import FlaskClient

from search_api import services_of
from tests.search_api.conftest import login
from tests.search_api.sample import ID15_ZHANG, ID18_ZHANG


def test_healthz_is_live(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}


def test_readyz_ok_reports_every_component_and_the_degraded_disk(client: FlaskClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ready"
    assert body["components"] == {
        "catalog": "ok",
        "copy_a": "ok",
        "copy_b": "ok",
        "index": "ok",
    }
    assert body["index_lag"] == 0
    assert any("one disk" in w for w in body["warnings"])


def test_readyz_names_a_missing_copy(app: Flask, client: FlaskClient) -> None:
    settings = services_of(app).settings
    shutil.move(settings.copy_b, settings.home / "copy_b_gone")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["failing"] == ["copy_b"]
    assert response.json["components"]["copy_a"] == "ok"


def test_readyz_reports_a_broken_index_as_degraded_search(app: Flask, client: FlaskClient) -> None:
    services = services_of(app)
    services.search.close()
    index = services.settings.index_path
    index.unlink()
    index.mkdir()  # a directory where the index file should be: cannot be opened
    response = client.get("/readyz")
    assert response.status_code == 200  # catalog and copies still serve record pages
    assert response.json["search"] == "degraded"
    assert response.json["components"]["index"] != "ok"


def test_readyz_reports_index_lag(app: Flask, client: FlaskClient) -> None:
    services = services_of(app)
    services.search.set_cursor(0)
    assert client.get("/readyz").json["index_lag"] == 7


def test_metrics_count_route_templates_without_personal_data(client: FlaskClient) -> None:
    login(client, "reviewer")
    for query in ("张伟", ID15_ZHANG, "zhangwei"):
        client.get("/search", query_string={"q": query})
    client.get("/records/r1991-simp")
    text = client.get("/metrics").get_data(as_text=True)
    assert 'route="/records/<record_id>"' in text
    assert 'marriage_archive_search_seconds_count{kind="id"} 1.0' in text
    assert "marriage_archive_index_lag_changes 0.0" in text
    for secret in ("张伟", "張偉", ID15_ZHANG, ID18_ZHANG, "r1991-simp", "zhangwei"):
        assert secret not in text
