"""``marriage-archive serve`` in one or several processes (waitress, pre-fork).

One interpreter runs Python on one core at a time, so a single waitress process
cannot use a second core. With ``processes > 1`` the parent binds the listening
socket once and forks that many children *before* it opens anything (no thread,
no database connection crosses the fork). Each child builds its own app
(``create_app``: its own SQLite connections) and serves the inherited socket with
waitress; the kernel hands each new connection to whichever child accepts first.
Child 0 also runs the index follower (one writer of the index). State that must
be global lives in SQLite files shared by all children: the audit chain
(``BEGIN IMMEDIATE`` per group commit), the rate limit, quota and enumeration
counters (``search_api.api.limits``), API keys and users.

The parent only supervises: SIGTERM or SIGINT (Ctrl-C) -> SIGTERM to every child,
wait up to ``STOP_GRACE_S``, then SIGKILL; a child that dies is restarted, unless
it died within ``STARTUP_GRACE_S`` of its start (a broken configuration would
otherwise restart forever): then everything stops and serve fails. On Linux each
child asks the kernel for SIGTERM when the parent dies (``PR_SET_PDEATHSIG``),
so even a SIGKILLed parent leaves no orphan serving the port.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

from schemas.errors import ToolUnavailable

log = logging.getLogger("marriage_archive.search_api.serving")

STARTUP_GRACE_S = 10.0
STOP_GRACE_S = 15.0
POLL_S = 0.2
BACKLOG = 1024
_PR_SET_PDEATHSIG = 1

# run_child(sock, index): serve on ``sock`` until SystemExit; index 0 follows the index.
ChildMain = Callable[[socket.socket, int], None]


def listening_socket(host: str, port: int) -> socket.socket:
    """Bind and listen once, in the parent; the children inherit it."""
    try:
        family, _, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        return socket.create_server(address, family=family, backlog=BACKLOG)
    except OSError as exc:
        raise ToolUnavailable(
            f"Cannot listen on {host}:{port} ({exc.strerror or exc}): "
            "choose another --port or stop the program using it."
        ) from exc


def stop_on_sigterm() -> None:
    """SIGTERM raises SystemExit in the main thread (waitress then shuts down cleanly)."""

    def _exit(signum: int, frame: FrameType | None) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one clean shutdown, not two
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _exit)


@dataclass
class _Child:
    index: int
    pid: int
    started: float


@dataclass
class Supervisor:
    """Forks ``processes`` children running ``child_main`` and keeps them running."""

    sock: socket.socket
    processes: int
    child_main: ChildMain
    children: dict[int, _Child] = field(default_factory=dict)
    stopping: bool = False
    failure: str | None = None

    def run(self) -> None:
        """Serve until SIGTERM/SIGINT; raises ToolUnavailable if a child fails at startup."""
        previous = {
            s: signal.signal(s, self._request_stop) for s in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            for index in range(self.processes):
                self._spawn(index)
            log.info("serving with %s processes (parent pid %s)", self.processes, os.getpid())
            while not self.stopping:
                self._reap(restart=True)
                time.sleep(POLL_S)
        finally:
            self._stop_children()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if self.failure:
            raise ToolUnavailable(self.failure)

    def _request_stop(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def _spawn(self, index: int) -> None:
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: never returns into the parent's code
            code = 1
            try:
                _child_setup(parent)
                self.child_main(self.sock, index)
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 0
            except BaseException:  # the child's outer boundary: log, exit non-zero
                log.exception("server process %s crashed", index)
            finally:
                logging.shutdown()
                os._exit(code)
        self.children[pid] = _Child(index, pid, time.monotonic())

    def _reap(self, restart: bool) -> None:
        while self.children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            if pid == 0:
                return
            child = self.children.pop(pid, None)
            if child is None or not restart or self.stopping:
                continue
            code = os.waitstatus_to_exitcode(status)
            if time.monotonic() - child.started < STARTUP_GRACE_S:
                self.failure = (
                    f"Server process {child.index} exited during startup (code {code}): "
                    "see its log lines above, fix the cause, then start serve again."
                )
                self.stopping = True
                return
            log.warning("server process %s exited (code %s): restarting it", child.index, code)
            self._spawn(child.index)

    def _stop_children(self) -> None:
        for pid in list(self.children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_S
        while self.children and time.monotonic() < deadline:
            self._reap(restart=False)
            time.sleep(0.05)
        for pid in list(self.children):
            log.warning("server process pid %s did not stop in time: killing it", pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        self.children.clear()


def _child_setup(parent: int) -> None:
    """Signals of a child: SIGTERM stops it, Ctrl-C is the parent's business."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stop_on_sigterm()
    _die_with_parent()
    if os.getppid() != parent:  # the parent died before the request above took effect
        raise SystemExit(0)


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("c")
    libc: Any = ctypes.CDLL(name, use_errno=True) if name else None
    if libc is not None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
