"""API keys, the hash-chained audit log, the limiter and the CLI commands."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from cli import main
from schemas.errors import AuthRequired, RateLimited, ValidationFailed
from schemas.settings import load_settings
from search_api.api.audit import AuditEntry, AuditLog, audit_hmac_key, audit_record_view
from search_api.api.keys import KeyStore, create_key, list_keys, revoke_key
from search_api.api.limits import LookupLimiter


@pytest.fixture
def settings(tmp_path):
    return load_settings(environ={}, home=tmp_path / "data")


def test_key_is_shown_once_and_stored_only_as_hash(settings):
    key = create_key(settings, "四川省婚姻登记系统", "lookup")
    raw = settings.auth_path.read_bytes()
    assert key.encode() not in raw
    assert key.split("_", 2)[2].encode() not in raw  # the secret may itself contain "_"
    client = KeyStore(settings).authenticate(key)
    assert (client.name, client.scope, client.state()) == ("四川省婚姻登记系统", "lookup", "active")


def test_wrong_malformed_revoked_and_expired_keys_are_refused(settings):
    store = KeyStore(settings)
    key = create_key(settings, "a", "lookup")
    with pytest.raises(AuthRequired):
        store.authenticate(key[:-1] + ("A" if key[-1] != "A" else "B"))
    with pytest.raises(AuthRequired):
        store.authenticate("not-a-key")
    key_id = key.split("_")[1]
    revoke_key(settings, key_id)
    with pytest.raises(AuthRequired, match="revoked"):
        store.authenticate(key)
    expiring = create_key(settings, "b", "lookup", expires_days=1)
    with sqlite3.connect(settings.auth_path) as conn:
        past = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
        conn.execute(
            "UPDATE api_keys SET expires_at=? WHERE key_id=?", (past, expiring.split("_")[1])
        )
    with pytest.raises(AuthRequired, match="expired"):
        store.authenticate(expiring)
    states = {c.name: c.state() for c in list_keys(settings)}
    assert states == {"a": "revoked", "b": "expired"}


def test_bad_scope_and_name_are_rejected(settings):
    with pytest.raises(ValidationFailed):
        create_key(settings, "x", "superuser")
    with pytest.raises(ValidationFailed):
        create_key(settings, "  ", "lookup")


def test_hmac_key_generated_once_with_private_mode(settings):
    first = audit_hmac_key(settings)
    assert first == audit_hmac_key(settings)
    path = settings.secrets_dir / "audit_hmac.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(first) == 64


def _fill(log: AuditLog, n: int) -> None:
    for i in range(n):
        log.append(AuditEntry("key:abc", "/api/v1/lookup", "POST", 200, f"case {i}", "h" * 64, i))


def test_audit_chain_verifies_and_detects_edit(settings):
    log = AuditLog.open(settings)
    _fill(log, 5)
    assert log.verify().ok
    with sqlite3.connect(settings.audit_path) as conn:
        conn.execute("UPDATE audit_log SET result_count = 0 WHERE seq = 3")
    result = log.verify()
    assert not result.ok and result.first_bad_seq == 3 and "modified" in (result.problem or "")
    log.close()


@pytest.mark.parametrize("victim", [2, 5])
def test_audit_chain_detects_deleted_entry(settings, victim):
    log = AuditLog.open(settings)
    _fill(log, 5)
    with sqlite3.connect(settings.audit_path) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq = ?", (victim,))
    result = log.verify()
    assert not result.ok and result.first_bad_seq == victim
    log.close()


def test_audit_concurrent_appends_form_one_chain(settings):
    import threading

    log = AuditLog.open(settings)
    threads = [threading.Thread(target=_fill, args=(log, 25)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert log.count() == 100
    assert log.verify().ok
    log.close()


def test_record_view_audit_from_settings(settings):
    audit_record_view(settings, "clerk1", "rec-1")
    log = AuditLog.open(settings)
    (entry,) = log.tail(1)
    assert (entry["client"], entry["route"], entry["status"]) == ("user:clerk1", "record_view", 200)
    log.close()


def test_limiter_rate_quota_and_retry_after():
    now = [1000.0]
    limiter = LookupLimiter(3, 5, 10, clock=lambda: now[0])
    for _ in range(3):
        limiter.consume("k")
    with pytest.raises(RateLimited) as info:
        limiter.consume("k")
    assert 1 <= info.value.retry_after <= 60
    now[0] += 61
    limiter.consume("k", 2)
    with pytest.raises(RateLimited) as info:
        limiter.consume("k", 1)
    assert info.value.code == "quota_exceeded" and info.value.retry_after > 0
    limiter.consume("other")  # keys are independent


def test_enumeration_alert_logs_without_subjects(caplog):
    limiter = LookupLimiter(1000, 1000, 3)
    with caplog.at_level("WARNING", logger="marriage_archive.api.limits"):
        raised = [limiter.observe_subjects("k", "client", [f"s{i}"]) for i in range(6)]
    assert raised == [False, False, False, True, False, False]
    assert "enumeration" in caplog.text and "s4" not in caplog.text


def test_cli_apikey_and_audit_verify(tmp_path):
    runner = CliRunner()
    env = {"MARRIAGE_ARCHIVE_HOME": str(tmp_path / "data")}
    created = runner.invoke(
        main, ["apikey", "create", "--name", "四川", "--scope", "lookup"], env=env
    )
    assert created.exit_code == 0, created.output
    key = created.stdout.strip().splitlines()[0]
    assert key.startswith("mak_")
    listed = runner.invoke(main, ["apikey", "list"], env=env)
    assert "active" in listed.output and key not in listed.output
    revoked = runner.invoke(main, ["apikey", "revoke", key.split("_")[1]], env=env)
    assert revoked.exit_code == 0
    assert "revoked" in runner.invoke(main, ["apikey", "list"], env=env).output
    assert runner.invoke(main, ["apikey", "revoke", "000000000000"], env=env).exit_code != 0

    settings = load_settings(environ={}, home=tmp_path / "data")
    log = AuditLog.open(settings)
    _fill(log, 3)
    log.close()
    ok = runner.invoke(main, ["audit", "verify"], env=env)
    assert ok.exit_code == 0 and "3 entries" in ok.output
    with sqlite3.connect(settings.audit_path) as conn:
        conn.execute("UPDATE audit_log SET purpose='x' WHERE seq=2")
    bad = runner.invoke(main, ["audit", "verify"], env=env)
    assert bad.exit_code == 76 and "entry 2" in bad.output


def test_an_entry_is_fsynced_before_append_returns_though_commit_does_not_sync(
    settings, monkeypatch
):
    """Flush after unlock: SQLite commits without syncing (synchronous=NORMAL), then
    append itself fsyncs the WAL file that holds the entry, before returning."""
    import os

    log = AuditLog.open(settings)
    log.append(AuditEntry("key:abc", "/api/v1/lookup", "POST", 200, "warm", None, 0))
    wal = settings.audit_path.with_name(settings.audit_path.name + "-wal")
    synced: list[int] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        synced.append(os.fstat(fd).st_ino)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    log.append(AuditEntry("key:abc", "/api/v1/lookup", "POST", 200, "case", None, 1))
    assert os.stat(wal).st_ino in synced  # the WAL holding the entry reached the disk
    assert log.count() == 2 and log.verify().ok
    log.close()
