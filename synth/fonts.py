"""The system fonts the generator draws with, and glyph coverage checks.

Handwriting-like values use AR PL UKai (a brush-script Kaiti); printed labels
use Noto Serif/Sans CJK (Song/Hei styles of real printed forms) or AR PL UMing
for old traditional-script printing. Characters a font lacks (CJK Extension B
in names) fall back to the next font that has them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import ImageFont

from schemas.errors import ToolUnavailable

_ARPHIC = Path("/usr/share/fonts/truetype/arphic")
_NOTO = Path("/usr/share/fonts/opentype/noto")

# name -> (file, face index)
FONTS: dict[str, tuple[Path, int]] = {
    "kai_sc": (_ARPHIC / "ukai.ttc", 0),
    "kai_tc": (_ARPHIC / "ukai.ttc", 2),
    "ming_tc": (_ARPHIC / "uming.ttc", 2),
    "ming_sc": (_ARPHIC / "uming.ttc", 0),
    "serif_sc": (_NOTO / "NotoSerifCJK-Regular.ttc", 2),
    "serif_tc": (_NOTO / "NotoSerifCJK-Regular.ttc", 3),
    "serif_bold_sc": (_NOTO / "NotoSerifCJK-Bold.ttc", 2),
    "sans_sc": (_NOTO / "NotoSansCJK-Regular.ttc", 2),
    "sans_bold_sc": (_NOTO / "NotoSansCJK-Bold.ttc", 2),
}
FALLBACK_ORDER = ("kai_sc", "serif_sc", "serif_tc", "ming_tc")
APT_HINT = "apt-get install fonts-arphic-ukai fonts-arphic-uming fonts-noto-cjk"


@lru_cache(maxsize=256)
def font(name: str, size_px: int) -> ImageFont.FreeTypeFont:
    """A loaded font face; raises ToolUnavailable when the font file is missing."""
    path, index = FONTS[name]
    try:
        return ImageFont.truetype(str(path), max(4, size_px), index=index)
    except OSError as exc:
        raise ToolUnavailable(f"Font {path} is missing: run `{APT_HINT}`.") from exc


def missing_fonts() -> list[str]:
    """Font files this generator needs that are not installed."""
    return sorted({str(path) for path, _ in FONTS.values() if not path.exists()})


@lru_cache(maxsize=4096)
def has_glyph(name: str, char: str) -> bool:
    """True when font ``name`` draws ``char`` (not its .notdef box)."""
    face = font(name, 32)
    glyph = np.asarray(face.getmask(char))
    notdef = np.asarray(face.getmask("\U0010fffd"))
    if glyph.size == 0:
        return char.isspace()
    return not (glyph.shape == notdef.shape and bool((glyph == notdef).all()))


def font_for(name: str, char: str) -> str:
    """``name`` if it has ``char``, else the first fallback font that does."""
    if ord(char) < 0x2E80 or has_glyph(name, char):
        return name
    for other in FALLBACK_ORDER:
        if has_glyph(other, char):
            return other
    return name
