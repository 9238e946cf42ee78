"""The access PDF: the prepared (upright, deskewed) pages with an invisible text
layer from the OCR lines, so that the PDF is searchable and selectable.

CJK text uses reportlab's built-in CID font ``STSong-Light`` (Adobe-GB1), which
PDF readers supply themselves, so nothing is embedded. Each line is drawn in
text render mode 3 (invisible), scaled horizontally to its box.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Protocol

from reportlab import rl_config
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from schemas.model import TextLine

FONT = "STSong-Light"


class _PageLike(Protocol):
    prepared_jpeg: bytes
    width: int
    height: int
    dpi: int


def _ensure_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    # Without reportlab's C accelerator, ASCII85-encoding a 1 MB JPEG in pure Python
    # takes ~1.5 s; binary image streams are valid PDF and 20% smaller.
    rl_config.useA85 = 0


def build_access_pdf(pages: Sequence[_PageLike], lines: Sequence[TextLine]) -> bytes:
    """PDF bytes: one PDF page per prepared page, image plus invisible OCR text."""
    _ensure_font()
    out = io.BytesIO()
    pdf = canvas.Canvas(out, invariant=True, pageCompression=1)
    pdf.setTitle("marriage-archive record")
    for index, page in enumerate(pages):
        scale = 72.0 / (page.dpi or 300)
        width_pt, height_pt = page.width * scale, page.height * scale
        pdf.setPageSize((width_pt, height_pt))
        pdf.drawImage(ImageReader(io.BytesIO(page.prepared_jpeg)), 0, 0, width_pt, height_pt)
        for line in lines:
            if line.page == index and line.text.strip():
                _draw_invisible_line(pdf, line, scale, height_pt)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _draw_invisible_line(pdf: canvas.Canvas, line: TextLine, scale: float, page_h: float) -> None:
    x, y, w, h = line.bbox
    size = max(h * scale * 0.85, 1.0)
    natural = pdfmetrics.stringWidth(line.text, FONT, size) or 1.0
    text = pdf.beginText()
    text.setTextRenderMode(3)
    text.setFont(FONT, size)
    text.setHorizScale(max(1.0, min(1000.0, 100.0 * (w * scale) / natural)))
    # PDF origin is bottom-left; the baseline sits near the bottom of the box.
    text.setTextOrigin(x * scale, page_h - (y + h) * scale + 0.15 * h * scale)
    text.textOut(line.text)
    pdf.drawText(text)
