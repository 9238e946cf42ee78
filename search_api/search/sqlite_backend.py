"""The embedded search backend: one SQLite file (``settings.index_path``).

Why not FTS5's trigram tokenizer: it silently returns nothing for queries
shorter than three characters, and most Chinese names have two. So every name
key (printed, simplified, pinyin, initials, look-alike, surname, given, ...)
is a row of ``keys`` (a WITHOUT ROWID B-tree on ``(kind, key, ...)``) and a
lookup is exact equality: a 2-character name is as findable as any other.
FTS5 (``unicode61`` tokens) serves the one thing equality cannot: pinyin
*prefix* search ("zhangw" -> zhangwei), always with the user's text inside a
quoted FTS5 string (:func:`~search_api.search.matching.fts5_quote`).

The file is opened in rollback-journal mode (not WAL) so that ``rebuild`` can
build a fresh file and ``os.replace`` it over the live one: connections notice
the new inode and reopen.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from schemas.errors import ToolUnavailable
from search_api.search import matching
from search_api.search.base import TIERS, IndexDoc, SearchHit, SearchQuery, SearchResults
from search_api.search.documents import doc_from_json, doc_to_json

log = logging.getLogger("marriage_archive.search_api.sqlite")

SCHEMA_VERSION = "1"
PARTY_STRIDE = 4  # fts rowid = docs.rowid * PARTY_STRIDE + party index
RECORD_PARTY = -1  # party index of record-level keys (certificate)
# Newest candidates read per key: bounds the work of a surname-only query on 1M records.
# A result set that reaches it is reported with total_is_lower_bound.
CANDIDATE_CAP = 2000

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
    record_id TEXT NOT NULL, record_type TEXT NOT NULL, status TEXT NOT NULL,
    date_sort TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS keys (
    kind TEXT NOT NULL, key TEXT NOT NULL, record_id TEXT NOT NULL, party INTEGER NOT NULL,
    date_sort TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parties (
    record_id TEXT NOT NULL, party INTEGER NOT NULL, sex TEXT, birth_year INTEGER,
    last4_18 TEXT, last4_printed TEXT);
CREATE VIRTUAL TABLE IF NOT EXISTS pinyin_fts USING fts5 (
    record_id UNINDEXED, party UNINDEXED, date_sort UNINDEXED, pinyin,
    tokenize = 'unicode61 remove_diacritics 2');
"""
# Created after the bulk insert of a rebuild (one sort instead of random B-tree inserts).
_INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS docs_by_id ON docs (record_id);
CREATE INDEX IF NOT EXISTS docs_by_date ON docs (date_sort DESC, record_id, record_type, status);
CREATE INDEX IF NOT EXISTS keys_by_key ON keys (kind, key, date_sort DESC, record_id, party);
CREATE UNIQUE INDEX IF NOT EXISTS parties_by_record ON parties (record_id, party);
"""
_SCHEMA = _TABLES + _INDEXES


def doc_key_rows(doc: IndexDoc) -> list[tuple[str, str, str, int, str]]:
    """The ``keys`` rows of one document: (kind, key, record_id, party, date_sort)."""
    rows: set[tuple[str, str, str, int, str]] = set()
    for index, party in enumerate(doc.parties):
        for kind, values in party.keys.items():
            rows.update((kind, v, doc.record_id, index, doc.date_sort) for v in values)
        if party.id_18:
            rows.add(("id_18", party.id_18, doc.record_id, index, doc.date_sort))
        if party.id_printed:
            rows.add(("id_printed", party.id_printed, doc.record_id, index, doc.date_sort))
    if doc.certificate_key:
        rows.add(("certificate", doc.certificate_key, doc.record_id, RECORD_PARTY, doc.date_sort))
    return sorted(rows)


class SqliteBackend:
    """SearchBackend over one SQLite file; thread-safe (one connection per thread)."""

    name = "sqlite"

    def __init__(self, path: Path, *, timeout_s: float = 10.0):
        self.path = Path(path)
        self.timeout_s = timeout_s
        self._local = threading.local()
        self._write_lock = threading.Lock()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()

    # ------------------------------------------------------------------ connections
    def _open(self, path: Path) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=self.timeout_s, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=DELETE")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA cache_size=-32000")
        return conn

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection, reopened when the file was replaced by rebuild."""
        try:
            inode = os.stat(self.path).st_ino
        except FileNotFoundError:
            inode = None
        conn = getattr(self._local, "conn", None)
        if conn is not None and self._local.inode == inode:
            return conn
        if conn is not None:
            self._forget(conn)
        try:
            conn = self._open(self.path)
            conn.executescript(_SCHEMA)
        except sqlite3.Error as exc:
            raise ToolUnavailable(
                f"Search index {self.path} cannot be opened ({exc}); "
                "run `marriage-archive reindex` to rebuild it."
            ) from exc
        self._local.conn, self._local.inode = conn, os.stat(self.path).st_ino
        with self._all_lock:
            self._all.append(conn)
        return conn

    def _forget(self, conn: sqlite3.Connection) -> None:
        with self._all_lock:
            if conn in self._all:
                self._all.remove(conn)
        conn.close()

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        with self._write_lock:
            conn = self._conn()
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise

    # ------------------------------------------------------------------ interface
    def ensure_ready(self) -> None:
        """Create the index file and tables when missing."""
        self._conn().execute("SELECT 1 FROM meta LIMIT 1").fetchall()

    def upsert(self, docs: Sequence[IndexDoc]) -> None:
        """Insert or replace documents by record_id (old keys removed first)."""
        if not docs:
            return
        with self._writing() as conn:
            self._delete_ids(conn, [d.record_id for d in docs])
            _insert_docs(conn, docs)

    def delete(self, record_ids: Sequence[str]) -> None:
        """Remove documents; unknown ids are ignored."""
        if record_ids:
            with self._writing() as conn:
                self._delete_ids(conn, record_ids)

    def _delete_ids(self, conn: sqlite3.Connection, record_ids: Sequence[str]) -> None:
        for record_id in record_ids:
            row = conn.execute(
                "SELECT rowid, body FROM docs WHERE record_id = ?", (record_id,)
            ).fetchone()
            if row is None:
                continue
            rowid, body = row
            old = doc_from_json(body)
            conn.executemany(
                "DELETE FROM keys WHERE kind=? AND key=? AND record_id=? AND party=? "
                "AND date_sort=?",
                doc_key_rows(old),
            )
            conn.execute("DELETE FROM parties WHERE record_id = ?", (record_id,))
            conn.execute(
                "DELETE FROM pinyin_fts WHERE rowid >= ? AND rowid < ?",
                (rowid * PARTY_STRIDE, (rowid + 1) * PARTY_STRIDE),
            )
            conn.execute("DELETE FROM docs WHERE rowid = ?", (rowid,))

    def get_cursor(self) -> int:
        """Last catalog change sequence applied (0 for a new index)."""
        row = self._conn().execute("SELECT value FROM meta WHERE key='cursor'").fetchone()
        return int(row[0]) if row else 0

    def set_cursor(self, seq: int) -> None:
        """Record the last catalog change sequence applied."""
        with self._writing() as conn:
            _put_meta(conn, "cursor", str(int(seq)))

    def count(self) -> int:
        """Number of documents in the index."""
        return int(self._conn().execute("SELECT COUNT(*) FROM docs").fetchone()[0])

    def rebuild(self, docs: Iterable[IndexDoc], cursor: int) -> int:
        """Build a fresh file next to the index, then swap it in with one rename."""
        staging = self.path.with_name(f"{self.path.name}.rebuild-{os.getpid()}")
        staging.unlink(missing_ok=True)
        conn = self._open(staging)
        count = 0
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA cache_size=-256000")
            conn.executescript(_TABLES)
            conn.execute("BEGIN")
            batch: list[IndexDoc] = []
            for doc in docs:
                batch.append(doc)
                if len(batch) >= 2000:
                    _insert_docs(conn, batch)
                    count += len(batch)
                    batch = []
            _insert_docs(conn, batch)
            count += len(batch)
            conn.execute("COMMIT")
            conn.executescript(_INDEXES)
            conn.execute("BEGIN")
            _put_meta(conn, "cursor", str(int(cursor)))
            _put_meta(conn, "schema_version", SCHEMA_VERSION)
            conn.execute("COMMIT")
            conn.execute("PRAGMA optimize")
            conn.close()
            with staging.open("rb") as fh:
                os.fsync(fh.fileno())
            with self._write_lock:
                os.replace(staging, self.path)
        except BaseException:
            conn.close()
            staging.unlink(missing_ok=True)
            raise
        log.info("search index rebuilt with %s documents", count)
        return count

    def health(self) -> str | None:
        """None when the index answers, else what is wrong."""
        try:
            self._conn().execute("SELECT COUNT(*) FROM meta").fetchone()
        except (sqlite3.Error, ToolUnavailable) as exc:
            return f"search index unavailable: {exc.__class__.__name__}"
        return None

    def close(self) -> None:
        """Close every connection this backend opened."""
        with self._all_lock:
            conns, self._all = self._all, []
        for conn in conns:
            conn.close()
        self._local = threading.local()

    # ------------------------------------------------------------------ search
    def search(self, query: SearchQuery) -> SearchResults:
        """Candidates by key equality (and pinyin prefix) + filters, best tier first."""
        parts = matching.query_parts(query)
        if any(not specs for specs in parts.values()):
            return SearchResults(0, [])
        sql, params = _search_sql(query, parts)
        try:
            rows = self._conn().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise ToolUnavailable(
                f"Search index query failed ({exc.__class__.__name__}); "
                "check /readyz or run `marriage-archive reindex`."
            ) from exc
        if not rows:
            return SearchResults(0, [])
        total = int(rows[0][2])
        # Unexplained and without a name, the tier is the query's own: no documents.
        explain = query.explain or bool(query.name)
        bodies = self._bodies([r[0] for r in rows]) if explain else {}
        hits = []
        for record_id, tier_value, _ in rows:
            hits.append(_hit(record_id, tier_value, bodies.get(record_id), query, parts))
        return SearchResults(total, hits, total >= CANDIDATE_CAP)

    def _bodies(self, record_ids: list[str]) -> dict[str, IndexDoc]:
        marks = ",".join("?" * len(record_ids))
        rows = self._conn().execute(
            f"SELECT record_id, body FROM docs WHERE record_id IN ({marks})",
            record_ids,
        )
        return {rid: doc_from_json(body) for rid, body in rows}

    def get_doc(self, record_id: str) -> IndexDoc | None:
        """The stored document of one record (None when not indexed)."""
        return self._bodies([record_id]).get(record_id)


_TIER_BY_VALUE = {v: k for k, v in TIERS.items()}


def _hit(
    record_id: str,
    tier_value: int,
    doc: IndexDoc | None,
    query: SearchQuery,
    parts: dict[str, list[matching.KeySpec]],
) -> SearchHit:
    match = matching.best_match(doc, query, parts) if doc else None
    tier = match.tier if match else _TIER_BY_VALUE.get(int(tier_value), "partial")
    reasons = match.reasons if match else []
    party = match.party_index if match else None
    return SearchHit(record_id, tier, float(TIERS.get(tier, 0)), reasons, party, doc)


def _put_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta(key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def _insert_docs(conn: sqlite3.Connection, docs: Sequence[IndexDoc]) -> None:
    """Insert new documents (none of them may be stored yet), one executemany per table."""
    if not docs:
        return
    first = int(conn.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM docs").fetchone()[0])
    doc_rows, key_rows, party_rows, fts_rows = [], [], [], []
    for offset, doc in enumerate(docs):
        rowid = first + offset
        doc_rows.append(
            (rowid, doc.record_id, doc.record_type, doc.status, doc.date_sort, doc_to_json(doc))
        )
        key_rows.extend(doc_key_rows(doc))
        for index, party in enumerate(doc.parties):
            party_rows.append(
                (
                    doc.record_id,
                    index,
                    party.sex,
                    party.birth_year,
                    party.id_18[-4:] if party.id_18 else None,
                    party.id_printed[-4:] if party.id_printed else None,
                )
            )
            pinyin = " ".join(party.keys.get("pinyin", []))
            if pinyin:
                fts_rows.append(
                    (rowid * PARTY_STRIDE + index, doc.record_id, index, doc.date_sort, pinyin)
                )
    conn.executemany(
        "INSERT INTO docs(rowid, record_id, record_type, status, date_sort, body) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        doc_rows,
    )
    conn.executemany("INSERT INTO keys VALUES (?, ?, ?, ?, ?)", key_rows)
    conn.executemany("INSERT INTO parties VALUES (?, ?, ?, ?, ?, ?)", party_rows)
    conn.executemany(
        "INSERT INTO pinyin_fts(rowid, record_id, party, date_sort, pinyin) VALUES (?, ?, ?, ?, ?)",
        fts_rows,
    )


def _filters(query: SearchQuery, alias: str) -> tuple[list[str], list[object]]:
    """WHERE clauses on date (``alias.date_sort``), type, status and party values."""
    where: list[str] = []
    params: list[object] = []
    low, high = matching.date_bounds(query)
    if low:
        where.append(f"{alias}.date_sort >= ?")
        params.append(low)
    if high:
        where.append(f"{alias}.date_sort <= ?")
        params.append(high)
    doc_where = []
    if query.record_type:
        doc_where.append("d.record_type = ?")
        params.append(query.record_type)
    if query.status:
        doc_where.append("d.status = ?")
        params.append(query.status)
    if doc_where and alias == "d":
        where.extend(doc_where)
    elif doc_where:
        where.append(
            f"EXISTS (SELECT 1 FROM docs d WHERE d.record_id = {alias}.record_id AND "
            + " AND ".join(doc_where)
            + ")"
        )
    party_where, party_params = _party_filters(query)
    if party_where:
        party_match = f" AND ({alias}.party < 0 OR p.party = {alias}.party)" if alias != "d" else ""
        where.append(
            f"EXISTS (SELECT 1 FROM parties p WHERE p.record_id = {alias}.record_id{party_match}"
            " AND " + " AND ".join(party_where) + ")"
        )
        params.extend(party_params)
    return where, params


def _party_filters(query: SearchQuery) -> tuple[list[str], list[object]]:
    where: list[str] = []
    params: list[object] = []
    last4 = matching.last4_of(query)
    if last4:
        where.append("(p.last4_18 = ? OR p.last4_printed = ?)")
        params += [last4, last4]
    if query.sex in ("M", "F"):
        where.append("p.sex = ?")
        params.append(query.sex)
    if query.birth_year is not None:
        tolerance = max(0, int(query.birth_year_tolerance))
        where.append("p.birth_year BETWEEN ? AND ?")
        params += [int(query.birth_year) - tolerance, int(query.birth_year) + tolerance]
    return where, params


def _search_sql(
    query: SearchQuery, parts: dict[str, list[matching.KeySpec]]
) -> tuple[str, list[object]]:
    """One statement: newest CANDIDATE_CAP rows per key (filters applied inside, so the
    index streams in date order) -> group per record -> page + total."""
    page = [query.limit, query.offset]
    if not parts:
        where, doc_params = _filters(query, "d")
        if not where:
            return "SELECT NULL, NULL, NULL WHERE 0", []
        sql = (
            f"SELECT record_id, {TIERS['filter']}, COUNT(*) OVER () FROM ("
            f"SELECT d.record_id, d.date_sort FROM docs d WHERE {' AND '.join(where)} "
            "ORDER BY d.date_sort DESC, d.record_id LIMIT ?) "
            "ORDER BY date_sort DESC, record_id LIMIT ? OFFSET ?"
        )
        return sql, [*doc_params, CANDIDATE_CAP, *page]
    selects: list[str] = []
    params: list[object] = []
    for part, specs in parts.items():
        for tier, kind, key in specs:
            if kind == "pinyin_prefix":
                where, filter_params = _filters(query, "f")
                selects.append(
                    f"SELECT * FROM (SELECT ? AS part, {TIERS[tier]} AS tier, f.record_id, "
                    "f.party, f.date_sort FROM pinyin_fts f WHERE pinyin_fts MATCH ? "
                    f"{''.join(' AND ' + w for w in where)} LIMIT ?)"
                )
                params += [part, matching.fts5_quote(key) + " *", *filter_params, CANDIDATE_CAP]
                continue
            where, filter_params = _filters(query, "k")
            selects.append(
                f"SELECT * FROM (SELECT ? AS part, {TIERS[tier]} AS tier, k.record_id, "
                "k.party, k.date_sort FROM keys k WHERE k.kind = ? AND k.key = ? "
                f"{''.join(' AND ' + w for w in where)} "
                "ORDER BY k.date_sort DESC LIMIT ?)"
            )
            params += [part, kind, key, *filter_params, CANDIDATE_CAP]
    sql = (
        f"WITH m AS ({' UNION ALL '.join(selects)}) "
        "SELECT m.record_id, MAX(m.tier) AS best, COUNT(*) OVER () FROM m "
        "GROUP BY m.record_id HAVING COUNT(DISTINCT m.part) = ? "
        "ORDER BY best DESC, MAX(m.date_sort) DESC, m.record_id LIMIT ? OFFSET ?"
    )
    return sql, [*params, len(parts), *page]
