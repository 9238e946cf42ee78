"""API keys of inter-province clients: issued once, stored hashed, revocable, expiring.

A key looks like ``mak_<key_id>_<secret>``: ``key_id`` (12 hex characters) is the
public handle shown in lists and the audit log; ``secret`` is 256 bits from
:mod:`secrets`. Only ``sha256(key)`` is stored (a high-entropy key needs no slow
KDF); the comparison is constant-time. Keys live in ``settings.auth_path`` in our
own table ``api_keys`` (the web app's users share that SQLite file, other tables).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from schemas.errors import AuthRequired, NotFound, ValidationFailed
from schemas.settings import Settings

log = logging.getLogger("marriage_archive.api.keys")

SCOPES = ("lookup", "records:read", "admin")
_KEY_PATTERN = re.compile(r"^mak_([0-9a-f]{12})_([A-Za-z0-9_-]{20,100})$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS api_keys (
    key_id      TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    scope       TEXT NOT NULL,
    key_sha256  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT,
    revoked_at  TEXT
)
"""


@dataclass(frozen=True)
class ApiClient:
    """An authenticated API key (never holds the secret)."""

    key_id: str
    name: str
    scope: str
    created_at: str
    expires_at: str | None
    revoked_at: str | None

    @property
    def label(self) -> str:
        """How the client appears in the audit log."""
        return f"key:{self.key_id}"

    def state(self, now: datetime | None = None) -> str:
        """``active``, ``revoked`` or ``expired``."""
        if self.revoked_at:
            return "revoked"
        if self.expires_at and datetime.fromisoformat(self.expires_at) <= (now or _now()):
            return "expired"
        return "active"


def _now() -> datetime:
    return datetime.now(UTC)


def _connect(settings: Settings) -> sqlite3.Connection:
    settings.auth_path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(settings.auth_path, timeout=10)
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute(_SCHEMA)
    return conn


def _row_to_client(row: tuple) -> ApiClient:
    return ApiClient(row[0], row[1], row[2], row[3], row[4], row[5])


def create_key(settings: Settings, name: str, scope: str, expires_days: int | None = None) -> str:
    """Issue a key and return it (the only time it exists in clear text)."""
    name = (name or "").strip()
    if not 1 <= len(name) <= 200:
        raise ValidationFailed("A key needs a client name of 1 to 200 characters.")
    if scope not in SCOPES:
        raise ValidationFailed(f"Unknown scope {scope!r}: use one of {', '.join(SCOPES)}.")
    if expires_days is not None and expires_days <= 0:
        raise ValidationFailed("--expires-days must be a positive number of days.")
    key_id = secrets.token_hex(6)
    key = f"mak_{key_id}_{secrets.token_urlsafe(32)}"
    now = _now()
    expires = (now + timedelta(days=expires_days)).isoformat() if expires_days else None
    with closing(_connect(settings)) as conn, conn:
        conn.execute(
            "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?, NULL)",
            (key_id, name, scope, _digest(key), now.isoformat(), expires),
        )
    log.info("api key %s created with scope %s", key_id, scope)
    return key


def list_keys(settings: Settings) -> list[ApiClient]:
    """Every key ever issued (revoked and expired ones included), oldest first."""
    with closing(_connect(settings)) as conn:
        rows = conn.execute(
            "SELECT key_id, name, scope, created_at, expires_at, revoked_at "
            "FROM api_keys ORDER BY created_at, key_id"
        ).fetchall()
    return [_row_to_client(r) for r in rows]


def revoke_key(settings: Settings, key_id: str) -> ApiClient:
    """Revoke a key by its id; effective on the next request."""
    with closing(_connect(settings)) as conn, conn:
        cur = conn.execute(
            "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
            (_now().isoformat(), key_id),
        )
        row = conn.execute(
            "SELECT key_id, name, scope, created_at, expires_at, revoked_at "
            "FROM api_keys WHERE key_id = ?",
            (key_id,),
        ).fetchone()
    if row is None:
        raise NotFound(f"No API key with id {key_id!r}: see `marriage-archive apikey list`.")
    if cur.rowcount:
        log.info("api key %s revoked", key_id)
    return _row_to_client(row)


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class KeyStore:
    """Authenticates presented keys (one read-only SQLite connection per server thread).

    A verified key is remembered per thread until the key table changes (checked
    on every request with ``PRAGMA data_version``), so a revocation or a new
    expiry is effective at once.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self._local = threading.local()
        with closing(_connect(settings)):
            pass  # create the table once, up front

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.settings.auth_path, timeout=10)
            conn.execute("PRAGMA busy_timeout=10000")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        """Close this thread's connection (others close with their threads)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
            self._local.version = None

    def _cache(self) -> dict[str, ApiClient]:
        """This thread's verified keys (by digest), emptied whenever ``api_keys`` changed.

        ``PRAGMA data_version`` changes when any other connection (``apikey
        revoke`` in another process, say) commits to the file, so a revocation
        still takes effect on the next request; the cache saves the row read.
        """
        version = self._conn().execute("PRAGMA data_version").fetchone()[0]
        if getattr(self._local, "version", None) != version:
            self._local.version, self._local.cache = version, {}
        return self._local.cache  # type: ignore[no-any-return]

    def _lookup(self, presented: str, digest: str) -> ApiClient:
        match = _KEY_PATTERN.match(presented)
        if not match:
            raise AuthRequired("The API key is malformed: send 'Authorization: Bearer mak_…'.")
        row = (
            self._conn()
            .execute(
                "SELECT key_id, name, scope, created_at, expires_at, revoked_at, key_sha256 "
                "FROM api_keys WHERE key_id = ?",
                (match.group(1),),
            )
            .fetchone()
        )
        stored = row[6] if row else "0" * 64
        if not hmac.compare_digest(stored, digest) or row is None:
            raise AuthRequired("The API key is not valid: ask the archive for a new key.")
        return _row_to_client(row[:6])

    def authenticate(self, presented: str) -> ApiClient:
        """The active client owning ``presented``; :class:`AuthRequired` otherwise.

        The same message for unknown, malformed, revoked and expired keys would hide
        useful facts from a legitimate integrator, so revoked/expired are named;
        the secret part is still compared in constant time.
        """
        presented = presented.strip()
        digest = _digest(presented)
        cache = self._cache()
        client = cache.get(digest)
        if client is None:
            client = self._lookup(presented, digest)
            cache[digest] = client
        state = client.state()
        if state != "active":
            raise AuthRequired(
                f"The API key is {state}: ask the archive for a new key.", code=f"key_{state}"
            )
        return client
