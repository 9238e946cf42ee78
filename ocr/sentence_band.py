"""A certificate sentence the page detection lost, detected again in its band.

On certificates the spouses are named in one sentence (``兹有姚俊（男，20岁）与朱英
（女，24岁）自愿结婚，经审查合于《中华人民共和国婚姻法》…``). A handwritten fill-in on
a printed line (names, ages, dates on underlines) can make the text detector,
which sees the whole page scaled down, miss that line altogether: the record
then has no name, sex or birth date at all, although the line is plainly
legible. Measured on dev1-3: 7 of 230 records lost both parties this way.

When a page shows the sentence's continuation (``…婚姻法…``, ``自愿结婚``,
``发给此证``, ``申请补领``) but not its opening (``兹有``), the band between the
certificate number (or the title) above and that continuation is detected
again, on its own, at two and then three times the page's detection scale.
When the opening was read but the sentence still names no second spouse (the
fill-ins after ``兹有`` or a whole middle line lost: ``兹有`` … ``生）自愿结婚``),
the band runs from the last line above the opening's row down to the
continuation. The lines found replace the page's lines inside the band when
they give more of the sentence (spouses named, then fields read) than the
page's lines did; a scale stops the search only when both spouses are named.
Only for records missing a spouse's name. Anchored on the form's wording,
never on template coordinates. Horizontal pages only (a vertical page's
columns are detected whole).

The band is handed to the engine's ``recognize_page`` with white space below it:
RapidOCR's detector scales an image's short side up to 736 px, so a band of
height h on a canvas of height H is detected at 736 / H of its size (the
canvas is at least the band).
"""

from __future__ import annotations

import logging
import re

import numpy as np

from ocr import values as V
from ocr.engine import OcrEngine
from ocr.layout import is_vertical
from ocr.sentence import OPENING
from schemas.model import TextLine

log = logging.getLogger("marriage_archive.ocr")

CONTINUATION = re.compile(
    r"婚姻法|自[愿願][结結离離]婚|[发發][给給]此[证證]|申[请請]补[领領]|补[领領][结結离離]婚[证證]"
)
_TITLE = re.compile(r"[结結离離]婚[证證]|[证證]明|[证證]书|[證证]$")
# The detector's short-side target (RapidOCR) and the scales the band is detected at,
# until one finds the opening. Measured on the 5 certificates of dev1-3 that lost
# the sentence: 2x found 2 openings (1.5x: 0 whole), 2.5x 3, 3x 4, each scale
# finding some the others missed; 1.5-3.5 CPU-s per scale on a 2200 px wide band.
DETECTOR_SHORT_SIDE = 736
BAND_SCALES = (2.0, 3.0)


def _bottom(line: TextLine) -> int:
    return line.bbox[1] + line.bbox[3]


def sentence_band(lines: list[TextLine]) -> tuple[int, int] | None:
    """Rows ``(top, bottom)`` of one page where its certificate sentence should be.

    ``lines``: the page's lines. Without the opening: between a certificate
    number or title and the continuation below it. With the opening: from the
    last line ending above the opening's row down to the continuation on or
    below that row. None on vertical pages and pages without the continuation.
    """
    if not lines or sum(is_vertical(line.bbox, line.text) for line in lines) > len(lines) / 2:
        return None
    openings = [line for line in lines if OPENING.search(line.text)]
    if openings:
        return _band_from_opening(lines, min(openings, key=lambda line: line.bbox[1]))
    tails = [line for line in lines if CONTINUATION.search(line.text)]
    if not tails:
        return None
    tail = min(tails, key=lambda line: line.bbox[1])
    heads = [
        line
        for line in lines
        if _bottom(line) <= tail.bbox[1]
        and (V.find_certificate_numbers(line.text) or _TITLE.search(line.text.strip()))
    ]
    if not heads:
        return None
    top = max(_bottom(line) for line in heads)
    return (top, _bottom(tail)) if _bottom(tail) - top > tail.bbox[3] else None


def _band_from_opening(lines: list[TextLine], opening: TextLine) -> tuple[int, int] | None:
    """The band of a sentence whose opening was read (module doc)."""
    row_top = opening.bbox[1] - opening.bbox[3] // 2
    tails = [line for line in lines if CONTINUATION.search(line.text) and line.bbox[1] >= row_top]
    if not tails:
        return None
    tail = min(tails, key=lambda line: line.bbox[1])
    above = [_bottom(line) for line in lines if _bottom(line) <= opening.bbox[1]]
    top = max(above, default=max(0, opening.bbox[1] - opening.bbox[3]))
    return top, _bottom(tail)


def _detect_band(
    page: np.ndarray, top: int, bottom: int, engine: OcrEngine, scale: float
) -> list[TextLine]:
    band = page[top:bottom]
    height = max(band.shape[0], round(DETECTOR_SHORT_SIDE / scale))
    canvas = np.full((height, *band.shape[1:]), 255, dtype=page.dtype)
    canvas[: band.shape[0]] = band
    found = engine.recognize_page(canvas)
    return _drop_repeats(
        [
            line.model_copy(update={"bbox": [line.bbox[0], line.bbox[1] + top, *line.bbox[2:]]})
            for line in found
            if line.bbox[1] < band.shape[0]
        ]
    )


def _drop_repeats(lines: list[TextLine]) -> list[TextLine]:
    """Band lines with characters read twice by two overlapping boxes taken once.

    Detected at a larger scale, a handwritten fill-in and the print beside it
    come back as overlapping boxes that both hold the character where they meet
    (``兹有姚东`` + ``东（男，…``, ``27岁`` + ``岁）自愿``). When a box on the same row
    starts inside the box before it, by about one character or more, and its
    first characters repeat that box's last ones, they are dropped from it.
    """
    ordered = sorted(lines, key=lambda line: (line.bbox[1], line.bbox[0]))
    out = list(ordered)
    for k, right in enumerate(out):
        for left in out:
            if left is right or not _same_row(left, right) or left.bbox[0] >= right.bbox[0]:
                continue
            overlap = left.bbox[0] + left.bbox[2] - right.bbox[0]
            pitch = right.bbox[2] / max(1, len(right.text))
            count = round(overlap / pitch) if overlap > 0 else 0
            if 1 <= count < len(right.text) and left.text.endswith(right.text[:count]):
                x, y, w, h = right.bbox
                shift = round(count * pitch)
                right = right.model_copy(
                    update={"text": right.text[count:], "bbox": [x + shift, y, w - shift, h]}
                )
                out[k] = right
    return out


def _same_row(a: TextLine, b: TextLine) -> bool:
    overlap = min(_bottom(a), _bottom(b)) - max(a.bbox[1], b.bbox[1])
    return overlap >= 0.5 * min(a.bbox[3], b.bbox[3])


def _cjk_count(lines: list[TextLine]) -> int:
    return sum(1 for line in lines for ch in line.text if "\u3400" <= ch <= "\u9fff")


def _replace(
    lines: list[TextLine], inside: list[TextLine], found: list[TextLine], page: int, top: int
) -> list[TextLine]:
    """``lines`` with ``inside`` dropped and ``found`` put where the band begins (the
    engine's reading order is kept for every other line)."""
    kept = [line for line in lines if not (line.page == page and line in inside)]
    at = next(
        (k for k, line in enumerate(kept) if line.page == page and line.bbox[1] >= top),
        next((k for k, line in enumerate(kept) if line.page > page), len(kept)),
    )
    return kept[:at] + found + kept[at:]


def _sentence_score(lines: list[TextLine]) -> tuple[int, int]:
    """(spouses named, party fields read) of the record these lines give."""
    from ocr.extract import extract_fields

    parties = extract_fields(lines).parties
    named = sum(1 for party in parties if party.name)
    fields = sum(
        1
        for party in parties
        for value in (party.name, party.sex, party.birth_date, party.age, party.id_number)
        if value is not None
    )
    return named, fields


def recover_sentence_lines(
    lines: list[TextLine], pages: list[np.ndarray], engine: OcrEngine
) -> list[TextLine]:
    """``lines`` with each page's lost certificate sentence detected again (module doc).

    Only when the lines give a spouse without a name. A page's lines inside the
    band are replaced by the band's only when those hold the sentence's opening,
    at least as much text, and give more of the sentence; otherwise ``lines``
    stay as they are.
    """
    score = _sentence_score(lines)
    if score[0] == 2:
        return lines
    out = list(lines)
    for index, page in enumerate(pages):
        on_page = [line for line in out if line.page == index]
        band = sentence_band(on_page)
        if band is None:
            continue
        top, bottom = band
        inside = [line for line in on_page if top <= line.bbox[1] + line.bbox[3] / 2 < bottom]
        best: list[TextLine] | None = None
        for scale in BAND_SCALES:
            found = [
                line.model_copy(update={"page": index})
                for line in _detect_band(page, top, bottom, engine, scale)
            ]
            if not any(OPENING.search(line.text) for line in found):
                continue
            if _cjk_count(found) < _cjk_count(inside):
                continue
            candidate = _replace(out, inside, found, index, top)
            found_score = _sentence_score(candidate)
            if found_score > score:
                best, score = candidate, found_score
            if score[0] == 2:
                break
        if best is None:
            log.debug("sentence band on page %s: nothing better found again", index)
            continue
        out = best
        log.debug("sentence band on page %s: band lines replace %s", index, len(inside))
    return out
