"""Every SQL statement of the catalog, in one place.

Kept free of SQLite-only syntax where that is cheap (``INSERT ... ON CONFLICT`` is
also PostgreSQL), so that a server database can replace SQLite later by porting
this one module. The schema is versioned: :data:`MIGRATIONS` is an ordered list;
``PRAGMA user_version`` holds how many of them have been applied.
"""

from __future__ import annotations

PRAGMAS = (
    "PRAGMA busy_timeout=30000",
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
)

# Each entry is one migration (a list of statements), applied in order, each in
# its own transaction together with the user_version bump. Never edit an
# applied migration: append a new one.
MIGRATIONS: list[list[str]] = [
    [
        """CREATE TABLE batches (
            batch_id    TEXT PRIMARY KEY,
            source_dir  TEXT NOT NULL,
            started_at  TEXT NOT NULL,
            finished_at TEXT,
            counts_json TEXT NOT NULL DEFAULT '{}'
        )""",
        """CREATE TABLE records (
            record_id        TEXT PRIMARY KEY,
            current_version  INTEGER NOT NULL,
            status           TEXT NOT NULL,
            record_type      TEXT NOT NULL,
            registration_date TEXT,
            year             INTEGER,
            certificate_no   TEXT,
            batch_id         TEXT,
            ingested_at      TEXT,
            updated_at       TEXT NOT NULL,
            object_path      TEXT NOT NULL
        )""",
        "CREATE INDEX records_year_type ON records (year, record_type, status)",
        "CREATE INDEX records_certificate ON records (certificate_no)",
        """CREATE TABLE record_versions (
            record_id   TEXT NOT NULL REFERENCES records(record_id),
            version     INTEGER NOT NULL,
            record_json TEXT NOT NULL,
            created_at  TEXT NOT NULL,
            user        TEXT NOT NULL,
            message     TEXT NOT NULL,
            PRIMARY KEY (record_id, version)
        )""",
        """CREATE TABLE sources (
            record_id TEXT NOT NULL REFERENCES records(record_id),
            position  INTEGER NOT NULL,
            relpath   TEXT NOT NULL,
            sha256    TEXT NOT NULL,
            size      INTEGER NOT NULL,
            PRIMARY KEY (record_id, position)
        )""",
        "CREATE INDEX sources_sha256 ON sources (sha256)",
        """CREATE TABLE pages (
            record_id   TEXT NOT NULL REFERENCES records(record_id),
            page_index  INTEGER NOT NULL,
            source      TEXT NOT NULL,
            source_page INTEGER NOT NULL,
            sha256      TEXT NOT NULL,
            rotation    INTEGER NOT NULL,
            skew_deg    REAL NOT NULL,
            width       INTEGER,
            height      INTEGER,
            dpi         INTEGER,
            PRIMARY KEY (record_id, page_index)
        )""",
        """CREATE TABLE fields (
            record_id  TEXT NOT NULL REFERENCES records(record_id),
            path       TEXT NOT NULL,
            version    INTEGER NOT NULL,
            value      TEXT,
            confidence REAL,
            source     TEXT,
            PRIMARY KEY (record_id, path)
        )""",
        """CREATE TABLE field_versions (
            record_id TEXT NOT NULL REFERENCES records(record_id),
            path      TEXT NOT NULL,
            version   INTEGER NOT NULL,
            old_value TEXT,
            new_value TEXT,
            user      TEXT NOT NULL,
            reason    TEXT NOT NULL,
            at        TEXT NOT NULL,
            PRIMARY KEY (record_id, path, version)
        )""",
        """CREATE TABLE package_files (
            record_id TEXT NOT NULL REFERENCES records(record_id),
            copy      TEXT NOT NULL,
            path      TEXT NOT NULL,
            size      INTEGER NOT NULL,
            sha256    TEXT NOT NULL,
            sm3       TEXT,
            PRIMARY KEY (record_id, copy, path)
        )""",
        """CREATE TABLE rejects (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            batch_id    TEXT NOT NULL,
            relpath     TEXT NOT NULL,
            sha256      TEXT,
            reason_code TEXT NOT NULL,
            message     TEXT NOT NULL,
            at          TEXT NOT NULL
        )""",
        "CREATE INDEX rejects_batch ON rejects (batch_id)",
        """CREATE TABLE changes (
            seq       INTEGER PRIMARY KEY AUTOINCREMENT,
            record_id TEXT NOT NULL,
            kind      TEXT NOT NULL,
            version   INTEGER NOT NULL,
            at        TEXT NOT NULL
        )""",
        # Write-ahead intent: a record being published. A row without a matching
        # record after its writer died names orphan objects to clean from the roots.
        """CREATE TABLE pending (
            record_id   TEXT PRIMARY KEY,
            object_path TEXT NOT NULL,
            pid         INTEGER NOT NULL,
            started_at  TEXT NOT NULL
        )""",
    ],
]

SCHEMA_VERSION = len(MIGRATIONS)

GET_USER_VERSION = "PRAGMA user_version"
SET_USER_VERSION = "PRAGMA user_version = {n:d}"

# ---- batches and rejects ---------------------------------------------------------
UPSERT_BATCH = """INSERT INTO batches (batch_id, source_dir, started_at) VALUES (?, ?, ?)
    ON CONFLICT (batch_id) DO UPDATE SET source_dir = excluded.source_dir"""
FINISH_BATCH = "UPDATE batches SET finished_at = ?, counts_json = ? WHERE batch_id = ?"
LIST_BATCHES = """SELECT batch_id, source_dir, started_at, finished_at, counts_json
    FROM batches ORDER BY started_at, batch_id"""
INSERT_BATCH_IF_MISSING = """INSERT INTO batches (batch_id, source_dir, started_at)
    VALUES (?, ?, ?) ON CONFLICT (batch_id) DO NOTHING"""
INSERT_REJECT = """INSERT INTO rejects (batch_id, relpath, sha256, reason_code, message, at)
    VALUES (?, ?, ?, ?, ?, ?)"""
LIST_REJECTS = """SELECT batch_id, relpath, sha256, reason_code, message FROM rejects
    ORDER BY id"""
LIST_REJECTS_OF_BATCH = """SELECT batch_id, relpath, sha256, reason_code, message FROM rejects
    WHERE batch_id = ? ORDER BY id"""

# ---- records ------------------------------------------------------------------------
FIND_BY_SOURCE = "SELECT record_id FROM sources WHERE sha256 = ? ORDER BY record_id LIMIT 1"
INSERT_RECORD = """INSERT INTO records (record_id, current_version, status, record_type,
    registration_date, year, certificate_no, batch_id, ingested_at, updated_at, object_path)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
UPDATE_RECORD = """UPDATE records SET current_version = ?, status = ?, record_type = ?,
    registration_date = ?, year = ?, certificate_no = ?, updated_at = ? WHERE record_id = ?"""
GET_RECORD_ROW = """SELECT record_id, current_version, object_path FROM records
    WHERE record_id = ?"""
INSERT_VERSION = """INSERT INTO record_versions (record_id, version, record_json, created_at,
    user, message) VALUES (?, ?, ?, ?, ?, ?)"""
GET_CURRENT_JSON = """SELECT v.record_json FROM records r JOIN record_versions v
    ON v.record_id = r.record_id AND v.version = r.current_version WHERE r.record_id = ?"""
GET_VERSION_JSON = "SELECT record_json FROM record_versions WHERE record_id = ? AND version = ?"
ITER_CURRENT_JSON = """SELECT v.record_json FROM records r JOIN record_versions v
    ON v.record_id = r.record_id AND v.version = r.current_version
    WHERE r.record_id > ? ORDER BY r.record_id LIMIT ?"""
LIST_RECORD_PATHS = "SELECT record_id, object_path FROM records ORDER BY record_id"
COUNT_RECORDS = "SELECT COUNT(*) FROM records"
SAME_CERTIFICATE = """SELECT record_id FROM records
    WHERE certificate_no = ? AND record_type = ? ORDER BY record_id LIMIT 20"""
SAME_DATE_AND_NAMES = """SELECT r.record_id FROM records r
    JOIN fields f0 ON f0.record_id = r.record_id AND f0.path = 'parties[0].name'
    JOIN fields f1 ON f1.record_id = r.record_id AND f1.path = 'parties[1].name'
    WHERE r.registration_date = ? AND r.record_type = ? AND f0.value = ? AND f1.value = ?
    ORDER BY r.record_id LIMIT 20"""
INSERT_SOURCE = """INSERT INTO sources (record_id, position, relpath, sha256, size)
    VALUES (?, ?, ?, ?, ?)"""
INSERT_PAGE = """INSERT INTO pages (record_id, page_index, source, source_page, sha256,
    rotation, skew_deg, width, height, dpi) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"""
UPSERT_FIELD = """INSERT INTO fields (record_id, path, version, value, confidence, source)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (record_id, path) DO UPDATE SET
    version = excluded.version, value = excluded.value, confidence = excluded.confidence,
    source = excluded.source"""
INSERT_FIELD_VERSION = """INSERT INTO field_versions (record_id, path, version, old_value,
    new_value, user, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"""
LIST_FIELD_VERSIONS = """SELECT record_id, path, version, old_value, new_value, user, reason, at
    FROM field_versions WHERE record_id = ? ORDER BY version, path"""
COVERAGE = """SELECT year, record_type, status, COUNT(*) FROM records
    GROUP BY year, record_type, status ORDER BY year IS NULL, year, record_type, status"""

# ---- package files (fixity) ------------------------------------------------------
UPSERT_PACKAGE_FILE = """INSERT INTO package_files (record_id, copy, path, size, sha256, sm3)
    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (record_id, copy, path) DO UPDATE SET
    size = excluded.size, sha256 = excluded.sha256, sm3 = excluded.sm3"""
LIST_PACKAGE_FILES = """SELECT record_id, path, size, sha256 FROM package_files
    WHERE copy = ? ORDER BY record_id, path"""
COUNT_PACKAGE_FILES = "SELECT COUNT(*) FROM package_files"
GET_PACKAGE_FILE = """SELECT size, sha256 FROM package_files
    WHERE record_id = ? AND copy = ? AND path = ?"""
LIST_PACKAGE_FILES_OF_RECORD = """SELECT path, size, sha256 FROM package_files
    WHERE record_id = ? AND copy = ? ORDER BY path"""

# ---- changes ------------------------------------------------------------------------
INSERT_CHANGE = "INSERT INTO changes (record_id, kind, version, at) VALUES (?, ?, ?, ?)"
CHANGES_SINCE = "SELECT seq, record_id, kind FROM changes WHERE seq > ? ORDER BY seq LIMIT ?"
LAST_CHANGE_SEQ = "SELECT COALESCE(MAX(seq), 0) FROM changes"

# ---- write-ahead intents ------------------------------------------------------------
UPSERT_PENDING = """INSERT INTO pending (record_id, object_path, pid, started_at)
    VALUES (?, ?, ?, ?) ON CONFLICT (record_id) DO UPDATE SET
    object_path = excluded.object_path, pid = excluded.pid, started_at = excluded.started_at"""
DELETE_PENDING = "DELETE FROM pending WHERE record_id = ?"
LIST_PENDING = "SELECT record_id, object_path, pid FROM pending"
RECORD_EXISTS = "SELECT 1 FROM records WHERE record_id = ?"

HEALTH_PROBE = "SELECT COUNT(*) FROM records"

# Tables compared by the rebuild test / dumped for diagnosis (volatile columns left out).
DUMP_QUERIES = {
    "records": """SELECT record_id, current_version, status, record_type, registration_date,
        year, certificate_no, batch_id, ingested_at, object_path FROM records
        ORDER BY record_id""",
    "record_versions": """SELECT record_id, version, record_json, created_at, user, message
        FROM record_versions ORDER BY record_id, version""",
    "sources": "SELECT * FROM sources ORDER BY record_id, position",
    "pages": "SELECT * FROM pages ORDER BY record_id, page_index",
    "fields": "SELECT * FROM fields ORDER BY record_id, path",
    "field_versions": "SELECT * FROM field_versions ORDER BY record_id, path, version",
    "package_files": "SELECT * FROM package_files ORDER BY record_id, copy, path",
    "changes": "SELECT record_id, kind, version, at FROM changes ORDER BY record_id, version",
}
