"""Test harness for the scale-out backends: the osmem EMULATOR and an ES-compat proxy.

No Elasticsearch or OpenSearch server can be installed on these machines. The
tests therefore run against **osmem-server**, an in-memory OpenSearch-compatible
EMULATOR (PyPI ``osmem-server``), started by the tests themselves (once per test
process, stopped at exit; it also exits when this process dies).

The ``elasticsearch`` 9 client sends ``application/vnd.elasticsearch+json;
compatible-with=9``, which the emulator refuses with 406. To run the
*elasticsearch backend's own code* (official client, our transport, product and
version check, requests) against a running server, :class:`EsCompatProxy` sits on
loopback between client and emulator and, clearly labelled as a test shim:

* rewrites the compatibility media types to plain ``application/json`` /
  ``application/x-ndjson`` (what ES itself treats them as);
* (``pose_as`` set) answers ``GET /`` with an Elasticsearch-shaped root document
  of the given version, because the emulator truthfully says "opensearch";
* can inject failures (HTTP 429/503 on the next N bulk requests) to exercise retries.

What this proves and what still needs a real Elasticsearch cluster is written
down in docs/search-backends.md.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import json
import os
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest
from osmem_server import OsmemServer

from schemas.errors import MarriageArchiveError
from schemas.settings import load_settings
from search_api.search.es_common import ClusterBackend, RetryPolicy
from search_api.search.registry import get_backend

EMULATED = ["opensearch", "elasticsearch"]  # on the EMULATOR (elasticsearch via the proxy)
FAST_RETRY = RetryPolicy(attempts=3, base_s=0.01, cap_s=0.05)

# EXTRA coverage on real clusters, only when their URLs are given (see docs/search-backends.md):
#   MARRIAGE_ARCHIVE_TEST_ES_URL / _ES_USERNAME / _ES_PASSWORD / _ES_CA_CERTS (Elasticsearch 8/9)
#   MARRIAGE_ARCHIVE_TEST_OS_URL / _OS_USERNAME / _OS_PASSWORD / _OS_CA_CERTS (OpenSearch 2/3)
_REAL_ENV = {"elasticsearch": "MARRIAGE_ARCHIVE_TEST_ES", "opensearch": "MARRIAGE_ARCHIVE_TEST_OS"}
REAL = [f"{name}@real" for name, env in _REAL_ENV.items() if os.environ.get(f"{env}_URL")]
CLUSTER_BACKENDS = EMULATED + REAL
CLUSTER_PARAMS = [
    *(pytest.param(name, marks=pytest.mark.emulator) for name in EMULATED),
    *REAL,
]

_lock = threading.Lock()
_state: dict[str, Any] = {}


def start_emulator(addr: str | None = None) -> OsmemServer:
    """Start an osmem EMULATOR process (CJK analysis without the Japanese extras)."""
    return OsmemServer.start(addr=addr, japanese=False)


def stop_emulator(server: OsmemServer) -> None:
    """Stop an EMULATOR process and close our end of its stdout pipe."""
    server.close()
    if server.process.stdout is not None:
        server.process.stdout.close()


def emulator() -> OsmemServer:
    """The process-wide osmem EMULATOR (started on first use, stopped at exit)."""
    with _lock:
        server = _state.get("emulator")
        if server is None:
            server = start_emulator()
            atexit.register(stop_emulator, server)
            _state["emulator"] = server
        return server


def es_proxy() -> EsCompatProxy:
    """The process-wide ES-compat proxy in front of the emulator, posing as ES 9."""
    with _lock:
        proxy = _state.get("proxy")
    if proxy is None:
        proxy = EsCompatProxy(emulator().url, pose_as="9.1.0")
        atexit.register(proxy.close)
        with _lock:
            _state["proxy"] = proxy
    return proxy


_COMPAT = {
    "application/vnd.elasticsearch+json": "application/json",
    "application/vnd.elasticsearch+x-ndjson": "application/x-ndjson",
}
_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


def plain_media_type(value: str) -> str:
    """``application/vnd.elasticsearch+json; compatible-with=9`` -> ``application/json``."""
    head = value.split(";", 1)[0].strip().lower()
    return _COMPAT.get(head, value)


def es_root(number: str, cluster_name: str = "emulated") -> dict[str, Any]:
    """An Elasticsearch-shaped ``GET /`` document (what a real ES node answers)."""
    return {
        "name": "emulated-node",
        "cluster_name": cluster_name,
        "version": {"number": number, "build_flavor": "default", "build_type": "docker"},
        "tagline": "You Know, for Search",
    }


class EsCompatProxy:
    """Loopback HTTP proxy: ES client -> (media types rewritten) -> EMULATOR."""

    def __init__(self, upstream: str, *, pose_as: str | None = "9.1.0"):
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.pose_as = pose_as
        self.fail_bulk: list[int] = []  # statuses to answer the next bulk requests with
        self.fail_all: int | None = None  # answer every request with this status
        self.down = False  # drop every connection without an answer (network outage)
        self.product_header = True  # send X-Elastic-Product (a real OpenSearch does not)
        self.seen_content_types: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                proxy.seen_content_types.append(self.headers.get("Content-Type") or "")
                if proxy.down:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if proxy.fail_all is not None:
                    self._reply(proxy.fail_all, b'{"error":{"type":"injected"}}', {})
                    return
                if self.path.startswith("/_bulk") and proxy.fail_bulk:
                    self._reply(proxy.fail_bulk.pop(0), b'{"error":{"type":"injected"}}', {})
                    return
                if self.command == "GET" and self.path in ("/", "") and proxy.pose_as:
                    self._reply(200, json.dumps(es_root(proxy.pose_as)).encode(), {})
                    return
                headers = {
                    k: plain_media_type(v) if k.lower() in ("content-type", "accept") else v
                    for k, v in self.headers.items()
                    if k.lower() not in _HOP
                }
                conn = http.client.HTTPConnection(*proxy.upstream, timeout=30)
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data = resp.read()
                    extra = {k: v for k, v in resp.getheaders() if k.lower() not in _HOP}
                    self._reply(resp.status, data, extra)
                finally:
                    conn.close()

            def _reply(self, status: int, data: bytes, headers: dict[str, str]) -> None:
                self.send_response(status)
                for key, value in headers.items():
                    if key.lower() not in ("content-type", "x-elastic-product", "date", "server"):
                        self.send_header(key, value)
                self.send_header("Content-Type", "application/json")
                if proxy.product_header:
                    self.send_header("X-Elastic-Product", "Elasticsearch")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        return Handler


def unique_prefix() -> str:
    return f"t-{uuid.uuid4().hex[:10]}"


def cluster_backend(
    name: str, *, prefix: str | None = None, url: str | None = None
) -> ClusterBackend:
    """A backend via the registry: ``opensearch`` / ``elasticsearch`` on the EMULATOR
    (elasticsearch through the proxy), or ``<name>@real`` on the cluster named by the
    MARRIAGE_ARCHIVE_TEST_* environment variables."""
    product, _, real = name.partition("@")
    options: dict[str, Any] = {}
    if real:
        env = _REAL_ENV[product]
        url = os.environ[f"{env}_URL"]
        options = {
            "search_username": os.environ.get(f"{env}_USERNAME"),
            "search_password": os.environ.get(f"{env}_PASSWORD"),
            "search_ca_certs": os.environ.get(f"{env}_CA_CERTS"),
        }
    elif url is None:
        url = emulator().url if product == "opensearch" else es_proxy().url
    settings = load_settings(
        {},
        search_backend=product,
        search_url=url,
        search_index_prefix=prefix or unique_prefix(),
        **{k: v for k, v in options.items() if v},
    )
    backend = get_backend(settings)
    assert isinstance(backend, ClusterBackend)
    backend.retry = FAST_RETRY
    backend.fail_fast_s = 0.0  # outage tests bring the cluster back at once
    backend.harness_name = name  # type: ignore[attr-defined]  # to open a second client
    return backend


def raw(backend: ClusterBackend, method: str, path: str, body: Any = None) -> Any:
    """Inspect the cluster behind a backend (tests only): the decoded answer of one request."""
    status, answer = backend._transport.request(method, path, body=body)
    assert 200 <= status < 300, (status, answer)
    return answer


def drop_indices(backend: ClusterBackend) -> None:
    """Delete the backend's indices (test cleanup)."""
    with contextlib.suppress(MarriageArchiveError):  # already gone / cluster down
        backend.drop()


# ---- tests of the harness itself ---------------------------------------------------


def test_plain_media_type_rewrites_only_compat_types() -> None:
    assert (
        plain_media_type("application/vnd.elasticsearch+json; compatible-with=9")
        == "application/json"
    )
    assert (
        plain_media_type("application/vnd.elasticsearch+x-ndjson; compatible-with=8")
        == "application/x-ndjson"
    )
    assert plain_media_type("text/plain") == "text/plain"


@pytest.mark.emulator
def test_emulator_refuses_compat_media_type_without_the_proxy() -> None:
    """Why the proxy exists: the EMULATOR answers 406 to the ES 9 client's media type."""
    host, port = urlsplit(emulator().url).hostname, urlsplit(emulator().url).port
    conn = http.client.HTTPConnection(host or "127.0.0.1", port, timeout=10)
    conn.request(
        "PUT",
        f"/{unique_prefix()}-probe",
        body=b"{}",
        headers={"Content-Type": "application/vnd.elasticsearch+json; compatible-with=9"},
    )
    assert conn.getresponse().status == 406
    conn.close()


@pytest.mark.emulator
def test_elasticsearch_client_sends_compat_types_through_the_proxy() -> None:
    """The backend under test really uses the official client's ES 9 media types."""
    backend = cluster_backend("elasticsearch")
    try:
        backend.ensure_ready()
        assert any("compatible-with=9" in ct for ct in es_proxy().seen_content_types)
    finally:
        drop_indices(backend)
        backend.close()
