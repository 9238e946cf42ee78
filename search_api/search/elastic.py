"""The ``elasticsearch`` search backend: Elasticsearch 8.x / 9.x via the official client.

All index logic is shared with the OpenSearch backend
(:class:`~search_api.search.es_common.ClusterBackend`); this module only wraps
the official ``elasticsearch`` client: timeouts, TLS, credentials, and error
translation. The client itself refuses a server that does not send the
``X-Elastic-Product: Elasticsearch`` header (a real OpenSearch cluster does
not); we translate that into a :class:`~schemas.errors.ConfigError` that names
the right backend. The client sends ``compatible-with=<client major>`` media
types, which Elasticsearch 8.x and 9.x both accept.
"""

from __future__ import annotations

import logging
from typing import Any

from schemas.errors import ConfigError, ToolUnavailable
from schemas.settings import Settings
from search_api.search.es_common import ClusterBackend, RetryPolicy, redact_url
from search_api.search.opensearch_backend import DEFAULT_TIMEOUT_S, require_url
from search_api.search.registry import register

log = logging.getLogger("marriage_archive.search")

_JSON = {"accept": "application/json", "content-type": "application/json"}
_NDJSON = {"accept": "application/json", "content-type": "application/x-ndjson"}


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
        self._client = Elasticsearch(url, **options)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        params: dict[str, str] | None = None,
        ndjson: bool = False,
    ) -> tuple[int, Any]:
        """One HTTP request; ``(status, body)`` for every answer, ToolUnavailable for none."""
        from elastic_transport import ConnectionError as EsConnectionError
        from elastic_transport import ConnectionTimeout, TransportError
        from elasticsearch import ApiError, UnsupportedProductError

        headers = _NDJSON if ndjson else _JSON
        try:
            response = self._client.perform_request(
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
