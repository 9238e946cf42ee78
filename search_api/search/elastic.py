"""The ``elasticsearch`` search backend: Elasticsearch 8.x / 9.x via the official client.

All index logic is shared with the OpenSearch backend
(:class:`~search_api.search.es_common.ClusterBackend`); this module only wraps
the official ``elasticsearch`` client (8.x or 9.x): timeouts, TLS, credentials,
REST-compatibility headers and error translation. The client itself refuses a
server that does not send the ``X-Elastic-Product: Elasticsearch`` header (a
real OpenSearch cluster does not); we translate that into a
:class:`~schemas.errors.ConfigError` that names the right backend.
"""

from __future__ import annotations

import logging
from typing import Any

from schemas.errors import ConfigError, ToolUnavailable
from schemas.settings import Settings
from search_api.search.es_common import ClusterBackend, RetryPolicy, ServerInfo, redact_url
from search_api.search.opensearch_backend import DEFAULT_TIMEOUT_S, require_url
from search_api.search.registry import register

log = logging.getLogger("marriage_archive.search")

_COMPAT = "application/vnd.elasticsearch+{kind}; compatible-with={major}"


def compat_headers(major: int, ndjson: bool = False) -> dict[str, str]:
    """REST-compatibility media types for a server major version.

    The official client would send ``compatible-with=<client major>``, which a
    server of an older major refuses (a 9.x client against Elasticsearch 8).
    Headers we set in this form are passed through unchanged by the client, so
    one installed client serves 8.x and 9.x servers: ``GET /`` goes out as 8
    (understood by both), later requests as the server's own major.
    """
    accept = _COMPAT.format(kind="json", major=major)
    content = _COMPAT.format(kind="x-ndjson" if ndjson else "json", major=major)
    return {"accept": accept, "content-type": content}


class ElasticsearchTransport:
    """:class:`~search_api.search.es_common.ClusterTransport` over ``elasticsearch``."""

    def __init__(
        self,
        url: str,
        *,
        username: str | None = None,
        password: str | None = None,
        ca_certs: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ):
        try:
            from elasticsearch import Elasticsearch
        except ImportError as exc:  # the `search` extra is not installed
            raise ConfigError(
                "search_backend=elasticsearch needs the elasticsearch package: "
                "pip install 'marriage-archive[search]'."
            ) from exc
        options: dict[str, Any] = {
            "request_timeout": timeout_s,
            "max_retries": 0,  # retries are ours (bounded backoff in es_common.send_bulk)
            "retry_on_timeout": False,
        }
        if username:
            options["basic_auth"] = (username, password or "")
            if url.lower().startswith("http://"):
                log.warning("search cluster credentials are sent over plain HTTP: use https")
        if ca_certs:
            options["ca_certs"] = ca_certs
        self.url = redact_url(url)
        self.compat_major = 8  # until the server check has read the server's version
        self._client = Elasticsearch(url, **options)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, str] | None = None,
        ndjson: bool = False,
        timeout_s: float | None = None,
    ) -> tuple[int, Any]:
        """One HTTP request; ``(status, body)`` for every answer, ToolUnavailable for none."""
        from elastic_transport import ConnectionError as EsConnectionError
        from elastic_transport import ConnectionTimeout, TransportError
        from elasticsearch import ApiError, UnsupportedProductError

        headers = compat_headers(self.compat_major, ndjson)
        try:
            client = self._client.options(request_timeout=timeout_s) if timeout_s else self._client
            response = client.perform_request(
                method, path, params=params, headers=headers, body=body
            )
        except UnsupportedProductError as exc:
            raise ConfigError(
                f"search_url {self.url} is not Elasticsearch (no X-Elastic-Product header; an "
                "OpenSearch cluster?): set MARRIAGE_ARCHIVE_SEARCH_BACKEND=opensearch.",
                code="search_product_mismatch",
            ) from exc
        except ApiError as exc:
            return int(exc.meta.status), exc.body
        except (EsConnectionError, ConnectionTimeout, TransportError) as exc:
            raise ToolUnavailable(
                f"search degraded: Elasticsearch at {self.url} does not answer "
                f"({type(exc).__name__}).",
                code="search_unavailable",
            ) from exc
        return int(response.meta.status), response.body

    def close(self) -> None:
        """Close pooled connections."""
        self._client.close()


class ElasticsearchBackend(ClusterBackend):
    """Search on an Elasticsearch 8.x/9.x cluster."""

    name = "elasticsearch"
    product = "elasticsearch"
    supported_majors = (8, 9)

    def check_server(self) -> ServerInfo:
        """The common product/version check; then speak the server's own major version."""
        server = super().check_server()
        if isinstance(self._transport, ElasticsearchTransport) and server.major:
            self._transport.compat_major = server.major
        return server

    @classmethod
    def from_settings(
        cls, settings: Settings, *, retry: RetryPolicy | None = None
    ) -> ElasticsearchBackend:
        """The backend described by ``search_url`` and the credentials in ``settings``."""
        url = require_url(settings)
        password = settings.search_password
        transport = ElasticsearchTransport(
            url,
            username=settings.search_username,
            password=password.get_secret_value() if password else None,
            ca_certs=str(settings.search_ca_certs) if settings.search_ca_certs else None,
            timeout_s=settings.search_timeout_s,
        )
        return cls(transport, url=url, prefix=settings.search_index_prefix, retry=retry)


register("elasticsearch", ElasticsearchBackend.from_settings)
