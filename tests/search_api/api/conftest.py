"""Fixtures: a real archive (catalog + two copies) and sqlite index holding the
hand-written people, the API on a Flask app, keys of each scope, and a
session-end check that no log line carried an ID number or a name."""

from __future__ import annotations

import hashlib
import io
import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from PIL import Image

from archive import Archive, PageAssets, SourceFile
from schemas.model import Page, Record
from schemas.settings import Settings, load_settings
from search_api import create_app, services_of
from search_api.api import create_key
from search_api.search.feed import sync_index
from search_api.search.sqlite_backend import SqliteBackend
from tests.search_api.api.sample_people import IDS, NAMES, lookup_records

_LOG_LINES: list[str] = []
_ID_RUN = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15})(?!\d)")


class _Collect(logging.Handler):
    def emit(self, record: logging.LogRecord) -> None:
        _LOG_LINES.append(self.format(record))


@pytest.fixture(scope="session", autouse=True)
def no_personal_data_in_logs() -> Iterator[None]:
    """After every test of this package: no log line holds an ID number or a name."""
    handler = _Collect(level=logging.DEBUG)
    logger = logging.getLogger("marriage_archive")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    yield
    logger.removeHandler(handler)
    logger.setLevel(old_level)
    text = "\n".join(_LOG_LINES)
    assert not _ID_RUN.search(text), "an ID-like digit run reached the logs"
    for secret in [*IDS, *NAMES]:
        assert secret not in text, "personal data reached the logs"


def tiny_jpeg(seed: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), (seed % 256, 80, 80)).save(buf, "JPEG")
    return buf.getvalue()


def commit_with_placeholder_assets(archive: Archive, record: Record, work: Path, n: int) -> None:
    """Archive ``record`` with a tiny placeholder scan (the real commit path)."""
    data = tiny_jpeg(n) + record.record_id.encode()
    path = work / f"{record.record_id}.jpg"
    path.write_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    page = Page(source=path.name, page_index=0, sha256=digest, width=16, height=16)
    record = record.model_copy(update={"pages": [page]})
    jpeg = tiny_jpeg(n)
    archive.commit_record(
        record,
        [SourceFile(path, path.name, digest)],
        [PageAssets(jpeg, jpeg, 16, 16, 300)],
        [],
    )


@pytest.fixture(scope="session")
def populated(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Settings, Archive, SqliteBackend]]:
    home = tmp_path_factory.mktemp("api") / "data"
    settings = load_settings(environ={}, home=home, lookup_rate_per_minute=10_000)
    archive = Archive.open(settings)
    work = home / "incoming"
    work.mkdir(parents=True)
    for n, record in enumerate(lookup_records()):
        commit_with_placeholder_assets(archive, record, work, n)
    backend = SqliteBackend(settings.index_path)
    backend.ensure_ready()
    sync_index(archive, backend)
    yield settings, archive, backend
    backend.close()
    archive.close()


def make_app(settings: Settings) -> Flask:
    """The real app (search_api.create_app) over the populated data home."""
    return create_app(settings, {"TESTING": True, "WTF_CSRF_ENABLED": False})


def close_app(app: Flask) -> None:
    app.extensions["marriage_archive_api"].close()
    services_of(app).close()


@pytest.fixture(scope="session")
def app(populated) -> Iterator[Flask]:
    app = make_app(populated[0])
    yield app
    # Session end: after every test of this package, /metrics holds no ID number or name.
    metrics = app.test_client().get("/metrics").get_data(as_text=True)
    close_app(app)
    assert "marriage_archive_api_calls" in metrics
    # Sample values are floats (timestamps!): check names, labels and help texts only.
    labels = "\n".join(line.rsplit(" ", 1)[0] for line in metrics.splitlines() if line)
    assert not _ID_RUN.search(labels)
    for secret in [*IDS, *NAMES]:
        assert secret not in metrics


@pytest.fixture(scope="session")
def keys(populated) -> dict[str, str]:
    settings = populated[0]
    return {
        scope: create_key(settings, f"client {scope}", scope)
        for scope in ("lookup", "records:read", "admin")
    }


@pytest.fixture
def client(app):
    return app.test_client()


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
