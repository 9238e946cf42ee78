"""``marriage-archive serve``: granian workers, one per core by default.

granian is a WSGI server whose HTTP layer (parsing, keep-alive, socket I/O) is
written in Rust and runs outside the interpreter lock; only the app runs in
Python. Measured on this 2-core machine against waitress (pure Python, same
app, same load, interleaved): server CPU per lookup 3.5 vs 4.4-4.7 ms, per
``/healthz`` 0.52 vs 1.04-1.10 ms (docs/lookup-api.md, docs/benchmarks.md).

One interpreter runs Python on one core at a time, so ``processes`` workers
share the port. granian's main process forks them before any app exists; each
worker builds its own app (``app_factory``: its own SQLite connections) and runs
it on ``threads`` Python threads. State that must be global lives in SQLite
files shared by all workers: the audit chain, the rate limit, quota and
enumeration counters (``search_api.api.limits``), API keys and users.

Supervision (granian's main process): SIGTERM or SIGINT (Ctrl-C) stops every
worker gracefully (killed after ``STOP_GRACE_S``); a worker that dies is
restarted, unless it dies again within seconds of its restart (a broken
configuration would otherwise restart forever): then everything stops and
serve fails with :class:`ToolUnavailable`. Each worker asks the kernel for
SIGTERM when the main process dies (``PR_SET_PDEATHSIG``), so even a SIGKILLed
main process leaves no orphan serving the port.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from schemas.errors import ToolUnavailable

log = logging.getLogger("marriage_archive.search_api.serving")

STARTUP_GRACE_S = 10.0
STOP_GRACE_S = 15
BACKLOG = 1024
_PR_SET_PDEATHSIG = 1

WsgiApp = Callable[..., Any]


def check_port(host: str, port: int) -> None:
    """Refuse early, with what to do, when ``host:port`` cannot be listened on."""
    try:
        family, _, _, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        with socket.create_server(address, family=family):
            pass
    except OSError as exc:
        raise ToolUnavailable(
            f"Cannot listen on {host}:{port} ({exc.strerror or exc}): "
            "choose another --port or stop the program using it."
        ) from exc


def serve_workers(
    app_factory: Callable[[], WsgiApp], host: str, port: int, processes: int, threads: int
) -> None:
    """Serve ``app_factory()``'s app in ``processes`` workers until SIGTERM/SIGINT.

    Raises :class:`ToolUnavailable` when the port is taken or the workers could
    not be kept running (their log lines say why).
    """
    try:
        from granian import Granian
        from granian.constants import HTTPModes, Interfaces
        from granian.log import LogLevels
    except ImportError as exc:  # a declared dependency: only a broken install lacks it
        raise ToolUnavailable(
            "The web server (granian) is not installed: run `make setup` again."
        ) from exc

    check_port(host, port)
    server = Granian(
        "search_api.app:create_app",  # a label only: the loader below builds the app
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        http=HTTPModes.http1,
        workers=processes,
        blocking_threads=threads,
        runtime_threads=1,
        backlog=BACKLOG,
        websockets=False,
        respawn_failed_workers=True,
        workers_kill_timeout=STOP_GRACE_S,
        log_level=LogLevels.warning,
        log_access=False,
    )
    started = time.monotonic()
    log.info(
        "serving with %s processes x %s threads (main pid %s)", processes, threads, os.getpid()
    )
    try:
        server.serve(target_loader=lambda _label: _worker_app(app_factory), wrap_loader=True)
    except SystemExit as exc:
        if exc.code in (0, None):
            return
        if server.interrupt_signal:  # asked to stop: a worker hit while starting says 1
            log.warning("stopped; a server process ended with an error while stopping")
            return
        if time.monotonic() - started < STARTUP_GRACE_S:
            raise ToolUnavailable(
                f"A server process exited during startup (code {exc.code}): see its log "
                "lines above, fix the cause, then start serve again."
            ) from None
        raise ToolUnavailable(
            f"Server processes kept exiting (code {exc.code}): see their log lines above, "
            "fix the cause, then start serve again."
        ) from None


def _worker_app(app_factory: Callable[[], WsgiApp]) -> WsgiApp:
    """In a worker: ignore Ctrl-C, die with the main process, then build the app.

    Ctrl-C in a terminal sends SIGINT to the whole process group; the main
    process answers it by sending SIGTERM to every worker. A worker that got
    both signals hung in granian's shutdown until it was killed (measured: 16 s
    instead of 1.3 s), so workers block SIGINT before any of their threads exists
    (threads inherit the mask) and stop on the main process's SIGTERM alone.
    Until granian installs the worker's own handler (after this returns), a
    worker inherits the main process's SIGTERM handler, which does nothing here:
    a stop asked while the app was being built was lost and the worker killed
    15 s later. While it builds the app, SIGTERM simply ends the worker.
    """
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    parent = os.getppid()
    _die_with_parent()
    if os.getppid() != parent:  # the main process died before the request took effect
        raise SystemExit(0)
    return app_factory()


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    name = ctypes.util.find_library("c")
    libc: Any = ctypes.CDLL(name, use_errno=True) if name else None
    if libc is not None:
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
