"""Real tiny input files, good and bad, for the ingest tests (made here, not mocked)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pikepdf
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
LINES = [
    "结婚登记审查处理表",
    "姓名 张三 性别 男 出生日期 1980年1月2日",
    "姓名 李四 性别 女 民族 汉族",
    "身份证件号 620722198001021234",
    "登记日期 2005年3月12日 高台县民政局",
    "结婚证字号 J620722-2005-000123",
]


def text_page(
    width: int = 1240, height: int = 1754, size: int = 40, seal: bool = False
) -> np.ndarray:
    """An upright RGB page of printed Chinese form lines (150 dpi A4 by default)."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, size)
    for i, line in enumerate(LINES * 3):
        draw.text((100, 100 + i * round(size * 2)), line, fill="black", font=font)
    if seal:
        draw.ellipse((600, 250, 900, 550), outline=(220, 30, 30), width=14)
        draw.text((660, 380), "高台县民政局", fill=(220, 30, 30), font=font)
    return np.asarray(image)


def png_bytes(rgb: np.ndarray, dpi: int = 300) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def jpeg_bytes(rgb: np.ndarray, dpi: int = 300) -> bytes:
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "JPEG", dpi=(dpi, dpi), quality=80)
    return out.getvalue()


def tiff_bytes(frames: list[np.ndarray], dpi: int = 300) -> bytes:
    out = io.BytesIO()
    images = [Image.fromarray(f) for f in frames]
    images[0].save(out, "TIFF", save_all=True, append_images=images[1:], dpi=(dpi, dpi))
    return out.getvalue()


def pdf_bytes(rgb: np.ndarray, dpi: int = 300) -> bytes:
    """A one-page PDF holding the image at ``dpi`` (as a scanner would write it)."""
    out = io.BytesIO()
    Image.fromarray(rgb).save(out, "PDF", resolution=float(dpi))
    return out.getvalue()


def encrypted_pdf_bytes(rgb: np.ndarray) -> bytes:
    with pikepdf.open(io.BytesIO(pdf_bytes(rgb))) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="owner", R=6))
        return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb_bytes(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels (a few hundred bytes)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", idat)
        + _chunk(b"IEND", b"")
    )


def small_page(value: int = 0) -> np.ndarray:
    """A tiny page with a few marks (not blank)."""
    page = np.full((200, 160, 3), 255, np.uint8)
    page[40:60, 20:140] = value
    page[100:110, 30:120] = value
    return page


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
