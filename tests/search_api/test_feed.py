"""The index follows the catalog's change sequence (incremental and idempotent)."""

from __future__ import annotations

from flask import Flask

from search_api import services_of
from search_api.search.feed import index_lag, sync_index
from search_api.search.matching import parse_user_query


def test_sync_applies_only_new_changes(app: Flask) -> None:
    services = services_of(app)
    archive, backend = services.archive, services.search
    assert archive is not None
    assert index_lag(archive, backend) == 0
    assert sync_index(archive, backend) == 0
    archive.correct_fields("r2012-li-na", {"parties[1].name": "李丽"}, "tester", "OCR 误识")
    assert index_lag(archive, backend) == 1
    assert sync_index(archive, backend) == 1
    assert backend.search(parse_user_query("李娜")).total == 0
    assert backend.search(parse_user_query("李丽")).hits[0].record_id == "r2012-li-na"
    assert index_lag(archive, backend) == 0


def test_a_lost_cursor_replays_safely(app: Flask) -> None:
    services = services_of(app)
    assert services.archive is not None
    services.search.set_cursor(0)
    assert sync_index(services.archive, services.search) == 7
    assert services.search.search(parse_user_query("zhangwei")).total == 4


def test_verify_reaches_the_index(app: Flask) -> None:
    services = services_of(app)
    assert services.archive is not None
    services.archive.mark_verified("r1975-lookalike", "tester")
    sync_index(services.archive, services.search)
    hits = services.search.search(parse_user_query("", status="verified")).hits
    assert {h.record_id for h in hits} == {"r1953-trad", "r1975-lookalike"}
