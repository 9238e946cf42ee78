"""The one wrapper around Poppler (``pdftoppm`` via pdf2image, ``pdfinfo``).

Every call has a timeout; Poppler's failures are translated to our errors:
a missing program -> :class:`ToolUnavailable`, a run over time ->
:class:`ToolTimeout`, a PDF it cannot parse -> :class:`InputRejected`
(``truncated``). Nothing else in the code base calls Poppler.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from PIL import Image

from schemas.errors import InputRejected, ToolTimeout, ToolUnavailable

_PROGRAMS = ("pdftoppm", "pdfinfo")


def probe() -> None:
    """Raise :class:`ToolUnavailable` when Poppler's programs are not installed."""
    missing = [name for name in _PROGRAMS if shutil.which(name) is None]
    if missing:
        raise ToolUnavailable(
            f"Poppler is not installed (missing {', '.join(missing)}): "
            "install the Debian package poppler-utils (make setup does it)."
        )


def render_page(path: Path, page_number: int, dpi: int, timeout_s: float) -> Image.Image:
    """Rasterize one page (1-based ``page_number``) of a PDF to an RGB image at ``dpi``."""
    from pdf2image import convert_from_path
    from pdf2image.exceptions import (
        PDFPageCountError,
        PDFPopplerTimeoutError,
        PDFSyntaxError,
        PopplerNotInstalledError,
    )

    try:
        images = convert_from_path(
            str(path),
            dpi=dpi,
            first_page=page_number,
            last_page=page_number,
            timeout=max(1, round(timeout_s)),
            strict=True,
            thread_count=1,
        )
    except PDFPopplerTimeoutError as exc:
        raise ToolTimeout(
            f"Poppler did not render page {page_number} within {timeout_s:.0f} s: "
            "check the PDF or raise tool_timeout_s."
        ) from exc
    except PopplerNotInstalledError as exc:
        probe()
        raise ToolUnavailable("Poppler could not be started: reinstall poppler-utils.") from exc
    except (PDFSyntaxError, PDFPageCountError) as exc:
        raise InputRejected(
            "Poppler cannot read this PDF (damaged or incomplete): export or rescan it again.",
            code="truncated",
        ) from exc
    if len(images) != 1:
        raise InputRejected(
            f"Poppler rendered no image for page {page_number}: export or rescan the PDF again.",
            code="truncated",
        )
    page = images[0]
    return page if page.mode == "RGB" else page.convert("RGB")  # convert would copy an RGB page
