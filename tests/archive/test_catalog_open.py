"""Opening the catalog while another process holds the file (the WAL switch race).

SQLite answers "database is locked" at once, without its busy handler, when
two processes switch a fresh database to WAL together (seen once in CI).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from archive.catalog import execute_when_free

REPO = Path(__file__).resolve().parents[2]


def test_a_setup_statement_waits_for_a_lock_sqlite_refused_at_once(tmp_path: Path):
    path = tmp_path / "catalog.sqlite"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    opener = sqlite3.connect(path, timeout=0, isolation_level=None)  # no busy handler
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        opener.execute("PRAGMA journal_mode=WAL")  # what an unretried open meets
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    execute_when_free(opener, "PRAGMA journal_mode=WAL")
    assert time.monotonic() - started >= 0.25
    assert opener.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    release.join()
    holder.close()
    opener.close()


def test_other_errors_are_not_retried(tmp_path: Path):
    conn = sqlite3.connect(tmp_path / "c.sqlite")
    started = time.monotonic()
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        execute_when_free(conn, "SELECT * FROM missing_table")
    assert time.monotonic() - started < 1


OPEN_AND_WRITE = """
import sys, time
from pathlib import Path
from archive.catalog import Catalog
start = float(sys.argv[2])
while time.time() < start:
    time.sleep(0.001)
catalog = Catalog(Path(sys.argv[1]))
with catalog.transaction() as conn:
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
print(catalog.conn().execute("PRAGMA journal_mode").fetchone()[0])
catalog.close()
"""


@pytest.mark.slow
def test_processes_opening_a_fresh_catalog_together_all_succeed(tmp_path: Path):
    path = tmp_path / "catalog.sqlite"
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_THREAD_LIMIT": "1"}
    start = str(time.time() + 1.5)  # every process is started and waiting by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OPEN_AND_WRITE, str(path), start],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(6)
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
        assert out.decode().strip() == "wal"
