"""Feeding the cluster index from the real catalog while the cluster comes and goes.

Real archive (catalog + two copies on disk), real feeder
(``search_api.search.feed.sync_index``), and the osmem EMULATOR as the cluster
(started and stopped by these tests). Ingest never waits for the index: the
catalog commits while the cluster is down, ``health()`` says "search degraded",
and the index catches up when the cluster is back.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import Archive
from schemas.errors import ToolUnavailable
from search_api.search.base import SearchQuery
from search_api.search.es_common import ClusterBackend
from search_api.search.feed import sync_index
from tests.archive.helpers import commit_one, make_settings
from tests.search_api.test_elastic_harness import (
    EMULATED,
    EsCompatProxy,
    cluster_backend,
    drop_indices,
    emulator,
    start_emulator,
    stop_emulator,
)

pytestmark = pytest.mark.emulator


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    opened = Archive.open(make_settings(tmp_path))
    yield opened
    opened.close()


def indexed_ids(backend: ClusterBackend) -> set[str]:
    hits = backend.search(SearchQuery(date_from="1900", limit=100)).hits
    return {h.record_id for h in hits}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_cluster_restart_then_sync_restores_every_record(archive: Archive, tmp_path: Path) -> None:
    """Stop the EMULATOR, keep ingesting, restart it (empty: it is in-memory), sync."""
    batch = tmp_path / "batch"
    addr = f"127.0.0.1:{free_port()}"
    server = start_emulator(addr)
    backend = cluster_backend("opensearch", url=server.url)
    try:
        for n in range(3):
            commit_one(archive, batch, n)
        assert sync_index(archive, backend) == 3
        assert indexed_ids(backend) == {"rec-0000", "rec-0001", "rec-0002"}

        stop_emulator(server)  # the cluster goes away
        for n in range(3, 5):
            result, _ = commit_one(archive, batch, n)  # ingest still commits
            assert result.created
        with pytest.raises(ToolUnavailable):
            sync_index(archive, backend)
        health = backend.health()
        assert health is not None and health.startswith("search degraded")

        server = start_emulator(addr)  # back, and empty
        backend.ensure_ready()
        assert backend.get_cursor() == 0
        sync_index(archive, backend)
        assert indexed_ids(backend) == {f"rec-{n:04d}" for n in range(5)}
        assert backend.get_cursor() == archive.last_change_seq()
        assert backend.health() is None
    finally:
        backend.close()
        stop_emulator(server)


@pytest.mark.parametrize("name", EMULATED)
def test_network_outage_then_sync_applies_only_what_was_missed(
    archive: Archive, tmp_path: Path, name: str
) -> None:
    """The cluster keeps its data; the feeder resumes from its cursor."""
    batch = tmp_path / "batch"
    proxy = EsCompatProxy(emulator().url, pose_as="9.1.0" if name == "elasticsearch" else None)
    backend = cluster_backend(name, url=proxy.url)
    try:
        for n in range(2):
            commit_one(archive, batch, n)
        sync_index(archive, backend)
        cursor = backend.get_cursor()

        proxy.down = True
        commit_one(archive, batch, 2)
        with pytest.raises(ToolUnavailable):
            sync_index(archive, backend)
        assert (backend.health() or "").startswith("search degraded")

        proxy.down = False
        assert backend.get_cursor() == cursor  # nothing was marked as applied
        assert sync_index(archive, backend) == archive.last_change_seq() - cursor
        assert indexed_ids(backend) == {"rec-0000", "rec-0001", "rec-0002"}
    finally:
        drop_indices(backend)
        backend.close()
        proxy.close()


def test_reindex_from_the_catalog_matches_incremental_feeding(
    archive: Archive, tmp_path: Path
) -> None:
    """rebuild_index (what `marriage-archive reindex` runs) gives the same index."""
    from search_api.search.feed import rebuild_index

    for n in range(4):
        commit_one(archive, tmp_path / "batch", n)
    fed = cluster_backend("opensearch")
    rebuilt = cluster_backend("opensearch")
    try:
        sync_index(archive, fed)
        assert rebuild_index(archive, rebuilt) == 4
        query = SearchQuery(name="张三")
        assert [h.record_id for h in fed.search(query).hits] == [
            h.record_id for h in rebuilt.search(query).hits
        ]
        assert rebuilt.get_cursor() == fed.get_cursor() == archive.last_change_seq()
    finally:
        for backend in (fed, rebuilt):
            drop_indices(backend)
            backend.close()
