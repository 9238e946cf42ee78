"""The limiter and the audit chain are exact across server processes (real SQLite files).

``marriage-archive serve`` runs several processes; each builds its own
LookupLimiter and AuditLog over the same files. These tests run real processes
(fork) that race on those files and count what got through.
"""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from schemas.errors import RateLimited
from schemas.settings import load_settings
from search_api.api.audit import AuditEntry, AuditLog, audit_hmac_key
from search_api.api.limits import LookupLimiter

_FORK = multiprocessing.get_context("fork")


def _hammer(path: str, rate: int, quota: int, calls: int, start_at: float, out) -> None:
    limiter = LookupLimiter(rate, quota, 10**9, path=Path(path))
    while time.time() < start_at:
        time.sleep(0.001)
    allowed = refused = 0
    for _ in range(calls):
        try:
            limiter.consume("key-a")
            allowed += 1
        except RateLimited as exc:
            assert exc.retry_after >= 1
            refused += 1
    limiter.close()
    out.put((allowed, refused))


def _race(path: Path, rate: int, quota: int, calls: int) -> list[tuple[int, int]]:
    out = _FORK.Queue()
    start_at = time.time() + 1.0  # both processes open the file, then start together
    procs = [
        _FORK.Process(target=_hammer, args=(str(path), rate, quota, calls, start_at, out))
        for _ in range(2)
    ]
    for p in procs:
        p.start()
    results = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    return results


def test_rate_limit_holds_exactly_across_two_processes(tmp_path):
    results = _race(tmp_path / "limits.sqlite", rate=50, quota=10**6, calls=60)
    assert sum(a for a, _ in results) == 50  # not 100: the processes share one window
    assert sum(r for _, r in results) == 70


def test_daily_quota_holds_exactly_across_two_processes(tmp_path):
    results = _race(tmp_path / "limits.sqlite", rate=10**6, quota=30, calls=40)
    assert sum(a for a, _ in results) == 30


def test_counters_survive_a_new_limiter_on_the_same_file(tmp_path):
    path = tmp_path / "limits.sqlite"
    first = LookupLimiter(3, 100, 10**9, path=path)
    for _ in range(3):
        first.consume("k")
    first.close()
    second = LookupLimiter(3, 100, 10**9, path=path)  # a restarted server process
    try:
        second.consume("k")
    except RateLimited as exc:
        assert exc.code == "rate_limited"
    else:
        raise AssertionError("a restart must not reset the rate window")
    finally:
        second.close()


def test_refused_batch_consumes_nothing_and_records_no_subject(tmp_path):
    limiter = LookupLimiter(5, 100, 1, path=tmp_path / "limits.sqlite")
    assert limiter.admit("k", "client", 4, ["s1"]) is False
    try:
        limiter.admit("k", "client", 2, ["s2", "s3"])  # 4 + 2 > 5: refused whole
    except RateLimited:
        pass
    else:
        raise AssertionError("expected 429")
    limiter.admit("k", "client", 1, [])  # the refused batch took no unit
    # Only s1 was recorded: one more distinct subject crosses the threshold of 1.
    assert limiter.admit("k", "client", 0, ["s4"]) is True
    limiter.close()


def _alert_once(path: str, start_at: float, out) -> None:
    limiter = LookupLimiter(10**6, 10**6, 5, path=Path(path))
    while time.time() < start_at:
        time.sleep(0.001)
    raised = sum(limiter.observe_subjects("k", "client", [f"s{i}"]) for i in range(20))
    limiter.close()
    out.put(raised)


def test_enumeration_alert_is_raised_once_across_processes(tmp_path):
    out = _FORK.Queue()
    start_at = time.time() + 1.0
    path = str(tmp_path / "limits.sqlite")
    procs = [_FORK.Process(target=_alert_once, args=(path, start_at, out)) for _ in range(2)]
    for p in procs:
        p.start()
    raised = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert sum(raised) == 1


def _append(home: str, n: int, start_at: float) -> None:
    log = AuditLog.open(load_settings(environ={}, home=Path(home)))
    while time.time() < start_at:
        time.sleep(0.001)
    for i in range(n):
        log.append(
            AuditEntry(client="key:x", route="/r", method="POST", status=200, purpose=str(i))
        )
    log.close()


def test_audit_chain_stays_one_ordered_chain_with_two_writer_processes(tmp_path):
    home = tmp_path / "data"
    settings = load_settings(environ={}, home=home)
    AuditLog.open(settings).close()  # create the file before the race
    start_at = time.time() + 1.0
    procs = [_FORK.Process(target=_append, args=(str(home), 40, start_at)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    log = AuditLog.open(settings)
    result = log.verify()
    assert (result.ok, result.entries, log.count()) == (True, 80, 80)
    log.close()


def _read_hmac_key(home: str, start_at: float, out) -> None:
    settings = load_settings(environ={}, home=Path(home))
    while time.time() < start_at:
        pass  # spin: start as close together as possible
    out.put(audit_hmac_key(settings))


def test_server_processes_starting_together_share_one_full_hmac_key(tmp_path):
    out = _FORK.Queue()
    start_at = time.time() + 1.0
    home = str(tmp_path / "data")
    procs = [_FORK.Process(target=_read_hmac_key, args=(home, start_at, out)) for _ in range(4)]
    for p in procs:
        p.start()
    keys = {out.get(timeout=60) for _ in procs}
    for p in procs:
        p.join(timeout=30)
    assert len(keys) == 1 and len(keys.pop()) == 64  # never an empty, half-written key
