"""The index follows the catalog's change sequence (incremental and idempotent)."""

from __future__ import annotations

import time
from pathlib import Path

from flask import Flask

from search_api import services_of
from search_api.search.feed import IndexFollower, index_lag, sync_index
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


def _wait(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def _two_on_one_seat(app: Flask, seat: Path) -> tuple[IndexFollower, IndexFollower]:
    """Two followers on one seat file, as two server processes would have (flock
    locks belong to open files, so two opens conflict even in one process); the
    first has taken the seat, the second is started."""
    services = services_of(app)
    assert services.archive is not None
    first = IndexFollower(services.archive, services.search, 0.05, seat=seat)
    second = IndexFollower(services.archive, services.search, 0.05, seat=seat)
    first.start()
    assert _wait(first.following.is_set)
    second.start()
    return first, second


def test_one_follower_holds_the_seat_and_another_takes_over_when_it_stops(
    app: Flask, tmp_path: Path
) -> None:
    services = services_of(app)
    assert services.archive is not None
    first, second = _two_on_one_seat(app, tmp_path / "index_follower.lock")
    try:
        time.sleep(0.3)  # several of the second one's attempts
        assert not second.following.is_set(), "two followers at once"
        services.archive.correct_fields("r2012-li-na", {"parties[1].name": "李丽"}, "t", "OCR 误识")
        assert _wait(lambda: index_lag(services.archive, services.search) == 0)
        first.stop()  # its process ends: the seat is free
        assert _wait(second.following.is_set), "nobody took over the index"
        services.archive.correct_fields("r2012-li-na", {"parties[1].name": "李娜"}, "t", "复核")
        assert _wait(lambda: index_lag(services.archive, services.search) == 0)
        assert services.search.search(parse_user_query("李娜")).hits[0].record_id == "r2012-li-na"
    finally:
        first.stop()
        second.stop()


def test_a_follower_stopped_while_waiting_for_the_seat_never_follows(
    app: Flask, tmp_path: Path
) -> None:
    holder, waiting = _two_on_one_seat(app, tmp_path / "index_follower.lock")
    waiting.stop()
    holder.stop()
    assert not waiting.following.is_set()
