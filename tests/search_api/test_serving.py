"""`marriage-archive serve --processes 2`: real processes on a real port.

The rate limit holds across the server processes, SIGTERM stops every child,
and a parent killed outright (SIGKILL) leaves no child serving the port.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
import requests

from schemas.errors import ToolUnavailable
from schemas.settings import load_settings
from search_api.api.audit import AuditLog
from search_api.api.keys import create_key
from search_api.serving import STOP_GRACE_S, check_port

VALID_ID = "11010519491231002X"  # GB 11643's own example: valid check character


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(port: int, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the server exited during startup"
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError("server did not become healthy")


def _gone(pids: list[int], seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [p for p in pids if psutil.pid_exists(p) and _not_zombie(p)]
        if not alive:
            return True
        time.sleep(0.1)
    return False


def _not_zombie(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen, int, str, Path]]:
    home = tmp_path / "data"
    settings = load_settings(environ={}, home=home)
    key = create_key(settings, "two-process test client", "lookup")
    port = _free_port()
    env = {
        **os.environ,
        "MARRIAGE_ARCHIVE_HOME": str(home),
        "MARRIAGE_ARCHIVE_LOOKUP_RATE_PER_MINUTE": "5",
        "MARRIAGE_ARCHIVE_LOG_JSON": "false",
        "MARRIAGE_ARCHIVE_LOG_LEVEL": "WARNING",
        "OMP_THREAD_LIMIT": "1",
    }
    cmd = [sys.executable, "-m", "cli", "serve", "--port", str(port), "--processes", "2"]
    with (tmp_path / "serve.log").open("w") as log_file:
        proc = subprocess.Popen(  # its own process group, as a shell gives a command
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=log_file, start_new_session=True
        )
        try:
            _wait_healthy(port, proc)
            yield proc, port, key, home
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(timeout=30)


def _children(proc: subprocess.Popen) -> list[int]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        kids = psutil.Process(proc.pid).children()
        if len(kids) == 2:
            return [k.pid for k in kids]
        time.sleep(0.1)
    raise AssertionError("expected two server processes")


@pytest.mark.slow
def test_rate_limit_holds_across_processes_and_sigterm_stops_all(served) -> None:
    proc, port, key, home = served
    children = _children(proc)
    statuses = []
    for _ in range(8):  # a fresh connection each: any of the two processes may answer
        response = requests.post(
            f"http://127.0.0.1:{port}/api/v1/lookup/marital-history",
            json={"id_number": VALID_ID, "purpose": "two-process limit test"},
            headers={"Authorization": f"Bearer {key}", "Connection": "close"},
            timeout=30,
        )
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert int(response.headers["Retry-After"]) >= 1
    assert statuses.count(200) == 5 and statuses.count(429) == 3, statuses

    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    assert _gone(children), "a server process outlived SIGTERM"
    log = AuditLog.open(load_settings(environ={}, home=home))
    try:
        result = log.verify()
        assert result.ok and log.count() == 8  # one entry per call, allowed or refused
    finally:
        log.close()


@pytest.mark.slow
def test_ctrl_c_in_a_terminal_stops_every_process_without_killing_any(served) -> None:
    proc, _, _, home = served
    children = _children(proc)
    started = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole process group
    code = proc.wait(timeout=60)
    log = (home.parent / "serve.log").read_text()[-3000:]
    assert code == 0, log
    assert _gone(children), "a server process outlived Ctrl-C"
    # Killed workers would show as the main process waiting out its grace period.
    assert time.monotonic() - started < STOP_GRACE_S, f"a worker had to be killed: {log}"


@pytest.mark.slow
def test_children_stop_when_the_parent_is_killed(served) -> None:
    proc, port, _, _ = served
    children = _children(proc)
    proc.kill()  # SIGKILL: the parent cannot forward anything
    proc.wait(timeout=30)
    assert _gone(children), "an orphaned server process kept running"
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)


def test_a_port_in_use_is_refused_with_what_to_do() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ToolUnavailable, match="--port"):
            check_port("127.0.0.1", port)


@pytest.mark.slow
def test_a_child_failing_at_startup_stops_serve_without_restart_loop(tmp_path: Path) -> None:
    # Two copy roots on one disk without ALLOW_SINGLE_DISK: create_app refuses to start.
    env = {
        **os.environ,
        "MARRIAGE_ARCHIVE_HOME": str(tmp_path / "data"),
        "MARRIAGE_ARCHIVE_ROOT_A": str(tmp_path / "a"),
        "MARRIAGE_ARCHIVE_ROOT_B": str(tmp_path / "b"),
        "MARRIAGE_ARCHIVE_LOG_JSON": "false",
        "OMP_THREAD_LIMIT": "1",
    }
    port = _free_port()
    cmd = [sys.executable, "-m", "cli", "serve", "--port", str(port), "--processes", "2"]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 69, result.stderr[-2000:]
    assert "exited during startup" in result.stderr
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
