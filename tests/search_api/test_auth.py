"""Users, password storage and the session secret."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from schemas.errors import ConfigError, Conflict, ValidationFailed
from schemas.settings import Settings, load_settings
from search_api.auth import check_login, create_user, list_users, session_secret


@pytest.fixture
def fresh(tmp_path: Path) -> Settings:
    return load_settings(environ={}, home=tmp_path / "home", log_json=False)


def test_passwords_are_stored_hashed(fresh: Settings) -> None:
    create_user(fresh, "li.ming", "a-long-password", "clerk")
    conn = sqlite3.connect(fresh.auth_path)
    (stored,) = conn.execute("SELECT password_hash FROM users").fetchone()
    conn.close()
    assert "a-long-password" not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert check_login(fresh, "li.ming", "a-long-password") is not None
    assert check_login(fresh, "li.ming", "a-long-passwor") is None


@pytest.mark.parametrize(
    ("username", "password", "role"),
    [
        ("ok_name", "short", "clerk"),
        ("ok_name", "long-enough-pw", "superuser"),
        ("bad name!", "long-enough-pw", "clerk"),
        ("x", "long-enough-pw", "clerk"),
    ],
)
def test_create_user_validates(fresh: Settings, username: str, password: str, role: str) -> None:
    with pytest.raises(ValidationFailed):
        create_user(fresh, username, password, role)
    assert list_users(fresh) == []


def test_duplicate_user_is_a_conflict_unless_replaced(fresh: Settings) -> None:
    create_user(fresh, "wang", "long-enough-pw", "clerk")
    with pytest.raises(Conflict):
        create_user(fresh, "wang", "another-password", "admin")
    create_user(fresh, "wang", "another-password", "admin", replace=True)
    assert [(u.username, u.role) for u in list_users(fresh)] == [("wang", "admin")]


def test_secret_is_generated_once_with_mode_0600(fresh: Settings) -> None:
    first = session_secret(fresh)
    path = fresh.secrets_dir / "flask_secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert session_secret(fresh) == first


def test_secret_file_readable_by_others_is_refused(fresh: Settings) -> None:
    session_secret(fresh)
    os.chmod(fresh.secrets_dir / "flask_secret_key", 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        session_secret(fresh)


@pytest.mark.parametrize("weak", ["dev", "changeme", "secret", "short-but-random-1"])
def test_weak_configured_secret_refuses_to_start(tmp_path: Path, weak: str) -> None:
    settings = load_settings(environ={}, home=tmp_path, secret_key=weak)
    with pytest.raises(ConfigError, match="weak"):
        session_secret(settings)


def test_strong_configured_secret_is_used(tmp_path: Path) -> None:
    key = "k" * 8 + "Zq4!vT9#rL2@xW7$mN5%pB3^"
    settings = load_settings(environ={}, home=tmp_path, secret_key=key)
    assert session_secret(settings) == key
