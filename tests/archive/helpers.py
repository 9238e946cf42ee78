"""Small real fixtures for the archive tests: JPEG pages, source files, records."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, ImageDraw

from archive import PageAssets, SourceFile
from schemas.model import FieldInfo, Page, Party, Record, RecordStatus, RecordType, Role, TextLine
from schemas.settings import Settings, load_settings


def make_settings(tmp: Path, **overrides: object) -> Settings:
    """Settings with a home under ``tmp`` (default roots: single disk allowed)."""
    values: dict[str, object] = {"home": tmp / "home", "log_json": False}
    values.update(overrides)
    return load_settings(environ={}, **values)


def jpeg(seed: int, size: tuple[int, int] = (240, 320)) -> bytes:
    """A small, distinct JPEG."""
    image = Image.new("RGB", size, (255, 255 - seed % 50, 250))
    draw = ImageDraw.Draw(image)
    draw.rectangle((10 + seed % 40, 20, 120, 60), outline=(200, 0, 0), width=3)
    draw.text((20, 100), f"page {seed}", fill=(0, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def make_source(batch: Path, name: str, seed: int) -> SourceFile:
    """Write a scan file into ``batch`` and describe it."""
    path = batch / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(jpeg(seed, (300, 400)))
    return SourceFile(path, name, hashlib.sha256(path.read_bytes()).hexdigest())


def make_record(
    record_id: str, source: SourceFile, batch_id: str = "b1", serial: int = 123
) -> Record:
    """A plausible machine-read marriage record for one single-page source.

    ``serial`` varies the certificate number and the day, so that records made
    with different serials are not possible duplicates of each other.
    """
    return Record(
        record_id=record_id,
        record_type=RecordType.MARRIAGE,
        registration_date=f"2005-03-{serial % 28 + 1:02d}",
        certificate_no=f"J620722-2005-{serial:06d}",
        office="高台县民政局",
        parties=[
            Party(
                role=Role.HUSBAND,
                name="張三",
                name_simplified="张三",
                sex="M",
                birth_date="1980-01-02",
                id_number="620722198001020019",
            ),
            Party(
                role=Role.WIFE,
                name="李四",
                name_simplified="李四",
                sex="F",
                birth_date="1982-05-06",
            ),
        ],
        pages=[Page(source=source.relpath, sha256=source.sha256, width=240, height=320, dpi=300)],
        status=RecordStatus.NEEDS_REVIEW,
        fields={
            "parties[0].name": FieldInfo(
                confidence=0.62, page=0, bbox=[10, 10, 80, 20], source="ocr"
            )
        },
        batch_id=batch_id,
        review_reasons=["low confidence: parties[0].name"],
    )


def make_page(seed: int) -> PageAssets:
    return PageAssets(
        prepared_jpeg=jpeg(seed), original_jpeg=jpeg(seed + 1000), width=240, height=320, dpi=300
    )


LINES = [
    TextLine(text="结婚登记审查处理表", bbox=[20, 10, 200, 24], confidence=0.95, page=0),
    TextLine(text="姓名 张三", bbox=[20, 60, 120, 20], confidence=0.9, page=0),
]


def commit_one(archive, batch: Path, n: int, record_id: str | None = None):
    """Archive one record made of one fresh source file; returns (result, source)."""
    source = make_source(batch, f"scan-{n:03d}.jpg", n)
    record = make_record(record_id or f"rec-{n:04d}", source, serial=n)
    return archive.commit_record(record, [source], [make_page(n)], LINES), source
