"""A sex cell holding a struck-out entry and its correction (``亚女``: 亚 struck out, 女).

A clerk who wrote the wrong thing in the 性别 cell strikes it through and writes
the sex after it. OCR reads the struck glyph as some character and the cell as
two (``丹男``, ``七男``, ``甘女``, ``亚女`` on the dev corpora), which is not one sex:
``sex_unreadable``, and the record is held for a sex written plainly on the page.

When such a cell reads as exactly one character that is not a sex followed by
男 or 女, the sex is the last character (``sex_struck_out_before``, not
blocking). The strike-through is not checked on the image; what guards the
value is the verdict's own check that a husband is 男 and a wife 女
(``sex_role_mismatch``, blocking) with the party's role read from its column
heading, and the ID's sex digit where there is an ID (``id_sex_mismatch``). A
cell with two sexes (``男女``) or more text is left unread.
"""

from __future__ import annotations

import logging
import re
from typing import Literal

from ocr.result import Reading
from ocr.values import halfwidth
from schemas.model import FieldInfo, TextLine

log = logging.getLogger("marriage_archive.ocr")

SEXES: dict[str, Literal["M", "F"]] = {"男": "M", "女": "F"}
_NOISE = re.compile(r"[\s:：.,，。()（）□☑√✓]")


def corrected_sex(text: str) -> Literal["M", "F"] | None:
    """The sex after one struck-out character (``亚女`` -> "F"); None otherwise."""
    chars = _NOISE.sub("", halfwidth(text))
    if len(chars) != 2 or chars[0] in SEXES or chars[1] not in SEXES:
        return None
    return SEXES[chars[1]]


def _cell(lines: list[TextLine], info: FieldInfo) -> TextLine | None:
    """The recognized line that was read as the unreadable sex (its box)."""
    return next((ln for ln in lines if ln.page == info.page and ln.bbox == info.bbox), None)


def read_corrected_sexes(reading: Reading) -> int:
    """Give a party whose sex cell was unreadable the sex written after a struck-out
    character (see the module doc); returns how many sexes were read."""
    read = 0
    for i, party in enumerate(reading.parties):
        info = reading.fields.get(f"parties[{i}].sex")
        if party.sex or info is None or "sex_unreadable" not in info.issues or info.bbox is None:
            continue
        cell = _cell(reading.lines, info)
        sex = corrected_sex(cell.text) if cell is not None else None
        if cell is None or sex is None:
            continue
        party.sex = sex
        info.confidence = round(cell.confidence, 4)
        info.issues = [issue for issue in info.issues if issue != "sex_unreadable"]
        info.issues.append("sex_struck_out_before")
        read += 1
    log.debug("sex cells with a struck-out entry: %s read", read)
    return read
