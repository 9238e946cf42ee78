"""Users, roles, login sessions and the session secret of the clerk web app.

Users live in ``settings.auth_path`` (SQLite); passwords are stored only as
werkzeug scrypt hashes. Roles: ``clerk`` (search and view, IDs masked),
``reviewer`` (also corrects, verifies, sees full IDs), ``operator`` (batches,
rejects, rescan lists), ``admin`` (everything).

Every view declares who may call it with :func:`requires_role` (or
:func:`public`); the declaration is stored on the view function as
``required_roles`` so a test can walk ``app.url_map`` and prove it.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import secrets
import sqlite3
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from flask import abort, current_app, redirect, request, url_for
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin
from flask_login import current_user as _flask_current_user
from werkzeug.security import check_password_hash, generate_password_hash

from schemas.errors import ConfigError, Conflict, NotFound, ValidationFailed
from schemas.settings import Settings

log = logging.getLogger("marriage_archive.search_api.auth")

ROLES = ("clerk", "reviewer", "operator", "admin")
ROLE_LABELS = {"clerk": "查询员", "reviewer": "审核员", "operator": "扫描操作员", "admin": "管理员"}
FULL_ID_ROLES = ("reviewer", "admin")
MIN_PASSWORD_CHARS = 10
MAX_FAILED_LOGINS = 5
LOCKOUT_SECONDS = 300
SECRET_FILE = "flask_secret_key"
MIN_SECRET_CHARS = 32
WEAK_SECRETS = frozenset(
    {"dev", "development", "secret", "changeme", "change-me", "password", "test", "default",
     "flask", "secret-key", "secret_key", "insecure", "please-change-me"}
)  # fmt: skip
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,40}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL,
    created_at TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0, locked_until REAL NOT NULL DEFAULT 0);
"""

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class User(UserMixin):
    """A logged-in person (Flask-Login user)."""

    username: str
    role: str

    def get_id(self) -> str:
        return self.username

    @property
    def can_see_full_id(self) -> bool:
        return self.role in FULL_ID_ROLES

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


# ----------------------------------------------------------------------------- user store
def _connect(settings: Settings) -> sqlite3.Connection:
    settings.auth_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(settings.auth_path, timeout=10)
    conn.executescript(_SCHEMA)
    return conn


def create_user(
    settings: Settings, username: str, password: str, role: str, *, replace: bool = False
) -> User:
    """Create a user; raises ValidationFailed (bad name/role/password) or Conflict (exists).

    ``replace=True`` overwrites an existing user's password and role (demo setup).
    """
    if not _USERNAME.match(username or ""):
        raise ValidationFailed("Username: 2-40 letters, digits, '.', '_' or '-'.")
    if role not in ROLES:
        raise ValidationFailed(f"Unknown role {role!r}: choose one of {', '.join(ROLES)}.")
    if len(password or "") < MIN_PASSWORD_CHARS:
        raise ValidationFailed(f"Password too short: use at least {MIN_PASSWORD_CHARS} characters.")
    conn = _connect(settings)
    try:
        with conn:
            if replace:
                conn.execute("DELETE FROM users WHERE username = ?", (username,))
            conn.execute(
                "INSERT INTO users(username, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
                (username, generate_password_hash(password), role, _now()),
            )
    except sqlite3.IntegrityError as exc:
        raise Conflict(f"User {username!r} exists already; pick another name.") from exc
    finally:
        conn.close()
    log.info("user created with role %s", role)
    return User(username, role)


def set_password(settings: Settings, username: str, password: str) -> None:
    """Replace a user's password (and clear a lockout)."""
    if len(password or "") < MIN_PASSWORD_CHARS:
        raise ValidationFailed(f"Password too short: use at least {MIN_PASSWORD_CHARS} characters.")
    conn = _connect(settings)
    try:
        with conn:
            cur = conn.execute(
                "UPDATE users SET password_hash=?, failed_logins=0, locked_until=0 "
                "WHERE username=?",
                (generate_password_hash(password), username),
            )
    finally:
        conn.close()
    if cur.rowcount == 0:
        raise NotFound(f"No user {username!r}.")


def load_user(settings: Settings, username: str) -> User | None:
    """The enabled user of that name, or None (runs on every request: no schema work)."""
    try:
        conn = sqlite3.connect(settings.auth_path, timeout=10)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute(
            "SELECT username, role FROM users WHERE username=? AND disabled=0", (username,)
        ).fetchone()
    except sqlite3.Error:  # no user table yet: nobody can be logged in
        return None
    finally:
        conn.close()
    return User(row[0], row[1]) if row else None


def list_users(settings: Settings) -> list[User]:
    """Every enabled user, by name."""
    conn = _connect(settings)
    try:
        rows = conn.execute(
            "SELECT username, role FROM users WHERE disabled=0 ORDER BY username"
        ).fetchall()
    finally:
        conn.close()
    return [User(u, r) for u, r in rows]


def check_login(settings: Settings, username: str, password: str) -> User | None:
    """The user when the password is right and the account not locked, else None.

    Five wrong passwords lock the account for five minutes (no brute force).
    """
    conn = _connect(settings)
    try:
        row = conn.execute(
            "SELECT password_hash, role, failed_logins, locked_until FROM users "
            "WHERE username=? AND disabled=0",
            (username,),
        ).fetchone()
        if row is None:
            check_password_hash(_dummy_hash(), password)  # same time: no user enumeration
            return None
        pw_hash, role, failed, locked_until = row
        now = time.time()
        ok = check_password_hash(pw_hash, password)
        if locked_until > now:
            log.warning("login refused: account locked")
            return None
        with conn:
            if ok:
                conn.execute(
                    "UPDATE users SET failed_logins=0, locked_until=0 WHERE username=?",
                    (username,),
                )
                return User(username, role)
            failed += 1
            lock = now + LOCKOUT_SECONDS if failed >= MAX_FAILED_LOGINS else 0
            conn.execute(
                "UPDATE users SET failed_logins=?, locked_until=? WHERE username=?",
                (0 if lock else failed, lock, username),
            )
        log.warning("login failed (%s of %s)", failed, MAX_FAILED_LOGINS)
        return None
    finally:
        conn.close()


@functools.cache
def _dummy_hash() -> str:
    """A real hash to spend the same time on unknown users (made once, on first need)."""
    return generate_password_hash(secrets.token_urlsafe(16))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# ----------------------------------------------------------------------------- secret key
def session_secret(settings: Settings) -> str:
    """The Flask session key: ``settings.secret_key``, else generated once (mode 0600).

    Refuses (ConfigError) a known-weak or short key and a key file others can read.
    """
    if settings.secret_key is not None:
        key = settings.secret_key.get_secret_value()
        _refuse_weak(key, "MARRIAGE_ARCHIVE_SECRET_KEY")
        return key
    path = settings.secrets_dir / SECRET_FILE
    if not path.exists():
        _write_secret(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise ConfigError(
            f"{path} is readable by other users (mode {mode:o}); run `chmod 600 {path}`."
        )
    key = path.read_text(encoding="ascii").strip()
    _refuse_weak(key, str(path))
    return key


def _refuse_weak(key: str, where: str) -> None:
    if key.strip().lower() in WEAK_SECRETS or len(key) < MIN_SECRET_CHARS:
        raise ConfigError(
            f"The session secret in {where} is weak; use at least {MIN_SECRET_CHARS} random "
            "characters, or unset it to have one generated."
        )


def _write_secret(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_urlsafe(48))
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(staging, path)  # never replaces a key another process wrote first
    except FileExistsError:
        pass
    finally:
        staging.unlink()


# ----------------------------------------------------------------------------- flask glue
class CookieSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, without building a signer for cookie-less requests.

    API calls carry a key, not a session cookie. Flask builds an itsdangerous
    serializer before it looks for the cookie; for a lookup that was about 3% of
    its CPU. Without a cookie the answer is the same empty session either way.
    """

    def open_session(self, app: Any, request: Any) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


def init_app(app: Any, settings: Settings) -> None:
    """Flask-Login on ``app``: users loaded from ``settings.auth_path``."""
    app.session_interface = CookieSessions()
    manager = LoginManager()
    manager.login_view = "ui.login"
    manager.login_message = "请先登录。"
    manager.session_protection = "strong"
    _connect(settings).close()  # create the user table once, not per request
    manager.user_loader(lambda username: load_user(settings, username))
    manager.init_app(app)


def current_user() -> User | None:
    """The logged-in user of this request, or None."""
    user = _flask_current_user
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user._get_current_object()  # type: ignore[no-any-return,union-attr]


def requires_role(*roles: str) -> Callable[[F], F]:
    """Allow the view to users with one of ``roles``: anonymous -> login (or 401), else 403."""
    unknown = set(roles) - set(ROLES)
    if not roles or unknown:
        raise ValueError(f"requires_role needs known roles, got {roles}")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                if _wants_json():
                    abort(401)
                return redirect(url_for("ui.login", next=request.full_path))
            if user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = tuple(roles)  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorate


def public(view: F) -> F:
    """Declare a view open to everyone (login page, health probes, static files)."""
    view.required_roles = ()  # type: ignore[attr-defined]
    return view


def _wants_json() -> bool:
    return request.path.endswith(".json") or request.accept_mimetypes.best == "application/json"


def login_manager_of(app: Any) -> LoginManager:
    """The app's LoginManager (for tests)."""
    return app.login_manager  # type: ignore[no-any-return]


def configured_settings() -> Settings:
    """The settings of the current app."""
    return current_app.extensions["marriage_archive"].settings  # type: ignore[no-any-return]
