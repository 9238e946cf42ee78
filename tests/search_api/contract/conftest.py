"""The search-backend contract: every backend must give these answers.

The ``backend`` fixture is parametrized by name. The scale-out backends add
their own parameter (e.g. ``"opensearch"``) and a branch in ``make_backend``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from search_api.search.base import SearchBackend
from search_api.search.documents import record_to_doc
from search_api.search.sqlite_backend import SqliteBackend
from tests.search_api.sample import sample_records
from tests.search_api.test_elastic_harness import CLUSTER_BACKENDS, CLUSTER_PARAMS, cluster_backend

BACKENDS = [
    "sqlite",
    # issue 7: the scale-out backends on the osmem OpenSearch-compatible EMULATOR
    # (elasticsearch through the ES-compat proxy), plus real clusters when
    # MARRIAGE_ARCHIVE_TEST_ES_URL / _OS_URL are set: see test_elastic_harness.py.
    *CLUSTER_PARAMS,
]


def make_backend(name: str, tmp_path: Path) -> SearchBackend:
    """A fresh, empty backend of the given name."""
    if name == "sqlite":
        return SqliteBackend(tmp_path / "index.sqlite")
    if name in CLUSTER_BACKENDS:
        return cluster_backend(name)  # fresh index prefix on the EMULATOR
    raise pytest.UsageError(f"unknown backend {name}")


@pytest.fixture(params=BACKENDS)
def empty_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    backend = make_backend(request.param, tmp_path)
    backend.ensure_ready()
    yield backend
    backend.close()


@pytest.fixture
def backend(empty_backend: SearchBackend) -> SearchBackend:
    """A backend holding the sample records."""
    empty_backend.upsert([record_to_doc(r) for r in sample_records()])
    return empty_backend
