"""Writing scans as scanner software does: PNG, JPEG, TIFF (also multi-page), PDF.

Every file carries its resolution (so poppler renders a PDF back at the scan's
dpi) and nothing time-dependent (so a seed gives byte-identical files). Files
are written to a temporary name and renamed into place once complete.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from PIL import Image

FORMATS = ("png", "jpeg", "tiff", "pdf")
EXTENSIONS = {"png": ".png", "jpeg": ".jpg", "tiff": ".tif", "pdf": ".pdf"}
MULTI_PAGE = frozenset({"tiff", "pdf"})
# A fixed document date: PDFs must not embed the wall clock (determinism).
_PDF_DATE = time.strptime("2024-01-01", "%Y-%m-%d")


def _image(arr: np.ndarray) -> Image.Image:
    return Image.fromarray(arr, "RGB" if arr.ndim == 3 else "L")


def write_scan(path: Path, pages: list[np.ndarray], fmt: str, dpi: int, quality: int = 88) -> None:
    """Write ``pages`` (uint8 RGB or grey) to ``path`` atomically.

    ``png``/``jpeg`` take exactly one page; ``tiff``/``pdf`` take one or more.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose from {FORMATS}")
    if len(pages) != 1 and fmt not in MULTI_PAGE:
        raise ValueError(f"{fmt} holds one page, got {len(pages)}")
    images = [_image(p) for p in pages]
    first, rest = images[0], images[1:]
    tmp = path.with_name(f".{path.name}.part")
    if fmt == "png":
        first.save(tmp, "PNG", dpi=(dpi, dpi), compress_level=1)
    elif fmt == "jpeg":
        first.save(tmp, "JPEG", dpi=(dpi, dpi), quality=quality)
    elif fmt == "tiff":
        compression = "tiff_lzw" if first.mode == "L" else "jpeg"
        extra = {"quality": quality} if compression == "jpeg" else {}
        first.save(
            tmp,
            "TIFF",
            dpi=(dpi, dpi),
            compression=compression,
            save_all=True,
            append_images=rest,
            **extra,
        )
    else:
        first.save(
            tmp,
            "PDF",
            resolution=float(dpi),
            save_all=True,
            append_images=rest,
            quality=quality,
            title=path.stem,
            creationDate=_PDF_DATE,
            modDate=_PDF_DATE,
        )
    os.replace(tmp, path)
