"""The ``opensearch`` search backend: OpenSearch 2.x / 3.x through ``opensearch-py``.

All index logic is shared with the Elasticsearch backend
(:class:`~search_api.search.es_common.ClusterBackend`); this module only wraps
the official client (timeouts, TLS, credentials, error translation).
"""

from __future__ import annotations

import logging
from typing import Any

from schemas.errors import ConfigError, ToolUnavailable
from schemas.settings import Settings
from search_api.search.es_common import ClusterBackend, RetryPolicy, redact_url
from search_api.search.registry import register

log = logging.getLogger("marriage_archive.search")

DEFAULT_TIMEOUT_S = 10.0


class OpenSearchTransport:
    """:class:`~search_api.search.es_common.ClusterTransport` over ``opensearchpy``."""

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
            from opensearchpy import OpenSearch
        except ImportError as exc:  # the `search` extra is not installed
            raise ConfigError(
                "search_backend=opensearch needs the opensearch-py package: "
                "pip install 'marriage-archive[search]'."
            ) from exc
        options: dict[str, Any] = {"timeout": timeout_s, "max_retries": 0}
        if username:
            options["http_auth"] = (username, password or "")
            if url.lower().startswith("http://"):
                log.warning("search cluster credentials are sent over plain HTTP: use https")
        if ca_certs:
            options["ca_certs"] = ca_certs
            options["verify_certs"] = True
        self.url = redact_url(url)
        self._client = OpenSearch(hosts=[url], **options)

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
        from opensearchpy.exceptions import ConnectionError as OsConnectionError
        from opensearchpy.exceptions import TransportError

        headers = {"content-type": "application/x-ndjson"} if ndjson else None
        payload = _ndjson(body) if ndjson else body
        try:
            answer = self._client.transport.perform_request(
                method, path, params=params, body=payload, headers=headers, timeout=timeout_s
            )
        except OsConnectionError as exc:
            raise ToolUnavailable(
                f"search degraded: OpenSearch at {self.url} does not answer "
                f"({type(exc.info).__name__ if exc.info else 'connection error'}).",
                code="search_unavailable",
            ) from exc
        except TransportError as exc:
            status = exc.status_code if isinstance(exc.status_code, int) else 599
            return status, exc.info if isinstance(exc.info, dict) else {"error": str(exc.error)}
        return 200, answer

    def close(self) -> None:
        """Close pooled connections."""
        self._client.close()


def _ndjson(lines: Any) -> str:
    import json

    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


class OpenSearchBackend(ClusterBackend):
    """Search on an OpenSearch 2.x/3.x cluster."""

    name = "opensearch"
    product = "opensearch"
    supported_majors = (2, 3)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, retry: RetryPolicy | None = None
    ) -> OpenSearchBackend:
        """The backend described by ``search_url`` and the credentials in ``settings``."""
        url = require_url(settings)
        transport = OpenSearchTransport(
            url,
            username=settings.search_username,
            password=settings.search_password.get_secret_value()
            if settings.search_password
            else None,
            ca_certs=str(settings.search_ca_certs) if settings.search_ca_certs else None,
            timeout_s=settings.search_timeout_s,
        )
        return cls(transport, url=url, prefix=settings.search_index_prefix, retry=retry)


def require_url(settings: Settings) -> str:
    """``search_url``, or a ConfigError that says how to set it."""
    if not settings.search_url:
        raise ConfigError(
            f"search_backend={settings.search_backend} needs search_url "
            "(MARRIAGE_ARCHIVE_SEARCH_URL=https://host:9200)."
        )
    return settings.search_url


register("opensearch", OpenSearchBackend.from_settings)
