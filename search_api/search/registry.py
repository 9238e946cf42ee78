"""Search backends chosen by name (``settings.search_backend``): a plain registry.

The embedded ``sqlite`` backend is registered here; the scale-out backends add
themselves with one line each (``register("elasticsearch", factory)``).
"""

from __future__ import annotations

from collections.abc import Callable

from schemas.errors import ConfigError
from schemas.settings import Settings
from search_api.search.base import SearchBackend

BackendFactory = Callable[[Settings], SearchBackend]

_FACTORIES: dict[str, BackendFactory] = {}


def register(name: str, factory: BackendFactory) -> None:
    """Make a backend available under ``name`` (replaces an earlier registration)."""
    _FACTORIES[name] = factory


def backend_names() -> list[str]:
    """Names of the registered backends."""
    _load_optional()
    return sorted(_FACTORIES)


def get_backend(settings: Settings) -> SearchBackend:
    """The backend named by ``settings.search_backend``, not yet connected."""
    _load_optional()
    factory = _FACTORIES.get(settings.search_backend)
    if factory is None:
        raise ConfigError(
            f"Search backend {settings.search_backend!r} is not available; "
            f"choose one of {', '.join(sorted(_FACTORIES))} (MARRIAGE_ARCHIVE_SEARCH_BACKEND)."
        )
    return factory(settings)


def _sqlite(settings: Settings) -> SearchBackend:
    from search_api.search.sqlite_backend import SqliteBackend

    return SqliteBackend(settings.index_path)


def _load_optional() -> None:
    """Import the scale-out backends if they are installed in this tree."""
    import importlib

    for module in (
        "search_api.search.elastic_backend",
        "search_api.search.opensearch_backend",
        "search_api.search.elastic",  # the elasticsearch backend (issue 7)
    ):
        try:
            importlib.import_module(module)
        except ImportError:
            continue


register("sqlite", _sqlite)
