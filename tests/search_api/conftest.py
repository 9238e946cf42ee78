"""Fixtures of the web-app tests: a real archive (catalog + two copies) holding the
sample records, a real SQLite index fed from it, real users, and the Flask app."""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image, ImageDraw

from archive import Archive, PageAssets, SourceFile
from schemas.model import FieldInfo, Page, Record
from schemas.settings import Settings, load_settings
from search_api import create_app, services_of
from search_api.auth import create_user
from search_api.search.feed import sync_index
from tests.search_api.sample import sample_records

PASSWORD = "correct horse battery"
ROLES = ("clerk", "reviewer", "operator", "admin")
PAGE_SIZE = (600, 800)


def page_jpeg(seed: int, *, original: bool = False) -> bytes:
    """A small distinct page: a form frame and a box where the husband's name sits."""
    image = Image.new("RGB", PAGE_SIZE, (250, 248, 240) if not original else (235, 230, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 560, 760), outline=(120, 120, 120), width=3)
    draw.rectangle((100, 120, 300, 170), outline=(200, 0, 0), width=2)
    draw.text((60, 60 + seed % 20), f"record {seed}", fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def with_pages(record: Record, source: SourceFile) -> Record:
    """The sample record with one page and field boxes (as ingest would give)."""
    fields = {
        "parties[0].name": FieldInfo(confidence=0.97, page=0, bbox=[100, 120, 200, 50]),
        "registration_date": FieldInfo(
            confidence=0.55, page=0, bbox=[100, 400, 250, 40], issues=["date_unreadable"]
        ),
    }
    page = Page(source=source.relpath, sha256=source.sha256, width=600, height=800, dpi=300)
    return record.model_copy(update={"pages": [page], "fields": fields, "batch_id": "b1"})


def fill_archive(archive: Archive, batch_dir: Path) -> None:
    """Commit every sample record through the real archive write path."""
    archive.start_batch("b1", str(batch_dir))
    for seed, record in enumerate(sample_records()):
        path = batch_dir / f"scan-{seed:03d}.jpg"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(page_jpeg(seed, original=True))
        source = SourceFile(path, path.name, hashlib.sha256(path.read_bytes()).hexdigest())
        assets = PageAssets(page_jpeg(seed), page_jpeg(seed, original=True), 600, 800, 300)
        archive.commit_record(with_pages(record, source), [source], [assets], [])
    archive.finish_batch("b1", {"ingested": 7, "needs_review": 2, "rejected": 0})


@pytest.fixture(scope="session")
def seeded_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data home with the sample records archived (built once, copied per test)."""
    home = tmp_path_factory.mktemp("seeded") / "home"
    settings = load_settings(environ={}, home=home, log_json=False)
    archive = Archive.open(settings)
    try:
        fill_archive(archive, home.parent / "batch")
    finally:
        archive.close()
    for role in ROLES:
        create_user(settings, role, PASSWORD, role)
    return home


@pytest.fixture
def settings(seeded_home: Path, tmp_path: Path) -> Settings:
    """Settings over a private copy of the seeded home."""
    import shutil

    home = tmp_path / "home"
    shutil.copytree(seeded_home, home, symlinks=True)
    return load_settings(environ={}, home=home, log_json=False)


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings, {"TESTING": True})
    services = services_of(app)
    assert services.archive is not None
    sync_index(services.archive, services.search)
    yield app
    services.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token embedded in a page's form."""
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


def login(client: FlaskClient, username: str, password: str = PASSWORD) -> None:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"csrf_token": token, "username": username, "password": password}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


@pytest.fixture
def as_role(client: FlaskClient):  # type: ignore[no-untyped-def]
    """Log the test client in with the user of a role: ``as_role("clerk")``."""

    def _login(role: str) -> FlaskClient:
        login(client, role)
        return client

    return _login
