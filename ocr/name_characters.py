"""A sentence name's own confidence: its characters' probabilities inside its line.

RapidOCR scores a line by the mean probability of all its characters. A name read
from the certificate sentence (``兹有牛德成男年二十四崴住高臺縣…與胡燕女年二十``)
carries the mean of thirty characters, most of them handwriting the name does not
share, so right names sit at 0.84-0.95, below the 0.96 a name needs. The
recognizer's CTC output gives each decoded character its own probability: the
line is recognized again (the same crop the page detection gave, from its box on
the prepared page), the name is found among the decoded characters, and when its
WEAKEST character reaches its bar (``NAME_CHARACTER_BAR``) the name takes that confidence
(``name_confirmed_by_characters``). Nothing is estimated: no crop position, no
averaging with the neighbours.

Measured on dev1-3 (230 records, docs/extraction.md "session 12"): of the 52
sentence names below 0.96, the 16 whose weakest character is >= 0.96 were right
but for two simplified answers on traditional forms (林俊鹏, 蒋俊喜), which
``name_script_mismatch`` holds back anyway; wrong sentence names had a weakest
character of 0.50-0.86 (章秀蘭 for 韋秀蘭 0.50, 谢兰吉 for 谢兰𠮷 0.65, 鐘榮明 for
鍾榮明 0.85). Names in table cells are not confirmed this way: there the line IS
the name, and the weakest character did not separate right from wrong (wrong ones
0.70-0.84, right ones 0.30-0.92).

A sentence's sex (``（女``) is confirmed the same way at the sex bar (0.85): a
short piece of the line read at 0.68-0.74 on its two characters' mean held a
女 read at 0.9+ by itself. Only where the line holds that character once.

The other way round, a name read sure as a whole whose own line shows one weak
character goes to review (``name_character_weak``, see ``WEAK_CHARACTER``).
"""

from __future__ import annotations

import logging

import numpy as np

from ocr.crops import clip
from ocr.engine import CharacterReader, OcrEngine
from ocr.name_reread import holds_name
from ocr.result import Reading
from ocr.review import min_confidence
from schemas.model import TextLine
from schemas.names import traditional_spelling

log = logging.getLogger("marriage_archive.ocr")

# RapidOCR turns a crop at least this much taller than wide a quarter turn before
# recognizing it (a vertical column of characters); the re-read does the same.
TALL_RATIO = 1.5
# A name read sure as a whole (a table cell: the line IS the name) with one character
# below this: a rare character forced onto a common class (江彧 read 江或 at 0.978,
# 或 at 0.645; 马建𠮷 read 马建吉 at 0.98, 吉 at 0.71). dev1-3: of 365 sure names
# outside sentences, 2 right ones have a character below 0.7 (方仁 0.58, 妥鑫 0.69).
WEAK_CHARACTER = 0.7
# The weakest character a sentence name needs to be confirmed. PP-OCRv4 gave right
# names' characters 0.96+ and wrong ones 0.50-0.86, so the name bar (0.96) served.
# PP-OCRv6 is surer of every character: a forced answer reaches the old bar (汤且 for
# 汤月, 且 at 0.961, dev5), right confirmed names sit at 0.98+ (session 15).
NAME_CHARACTER_BAR = 0.97


def character_probabilities(
    engine: OcrEngine, crops: list[np.ndarray], script_twins: bool = False
) -> list[list[tuple[str, float]]] | None:
    """Per crop, each character with its own probability (with ``script_twins``, its
    one-to-one twin in the other script counted as the same character); None when
    the engine cannot score characters (:class:`~ocr.engine.CharacterReader`)."""
    if not isinstance(engine, CharacterReader):
        return None
    return engine.recognize_characters(crops, script_twins=script_twins)


def line_crop(page: np.ndarray, bbox: list[int]) -> np.ndarray:
    """The line's box on the page, turned to read left to right when it is a column."""
    x, y, w, h = bbox
    crop = clip(page, x, y, x + w, y + h)
    if crop.shape[1] > 0 and crop.shape[0] >= TALL_RATIO * crop.shape[1]:
        crop = np.rot90(crop)
    return np.ascontiguousarray(crop)


def weakest_character(chars: list[tuple[str, float]], name: str) -> float | None:
    """The lowest probability among the name's characters where the decoded line
    holds the name (as read, or in its traditional spelling); the best such place
    when it occurs more than once; None when the line does not hold it."""
    text = "".join(ch for ch, _ in chars)
    n, best = len(name), None
    for k in range(len(text) - n + 1):
        window = text[k : k + n]
        if window == name or traditional_spelling(window) == name:
            weakest = min(p for _, p in chars[k : k + n])
            best = weakest if best is None else max(best, weakest)
    return best


def has_weak_character(chars: list[tuple[str, float]], name: str) -> bool:
    """The decoded line holds the name, and one of its characters is below
    ``WEAK_CHARACTER`` (a line that does not hold the name tells nothing)."""
    weakest = weakest_character(chars, name)
    return weakest is not None and weakest < WEAK_CHARACTER


def holding_line(lines: list[TextLine], page: int, bbox: list[int], name: str) -> TextLine | None:
    """The smallest recognized line on ``page`` whose box holds the centre of the
    name's box and whose text holds the name."""
    cx, cy = bbox[0] + bbox[2] / 2, bbox[1] + bbox[3] / 2
    found = [
        ln
        for ln in lines
        if ln.page == page
        and ln.bbox[0] <= cx <= ln.bbox[0] + ln.bbox[2]
        and ln.bbox[1] <= cy <= ln.bbox[1] + ln.bbox[3]
        and holds_name(ln.text, name)
    ]
    return min(found, key=lambda ln: ln.bbox[2] * ln.bbox[3], default=None)


SEX_CHARACTER = {"M": "男", "F": "女"}


def _wanted(reading: Reading, i: int) -> list[tuple[str, str]]:
    """(field key, the characters the sentence shows it as) for party ``i``'s name and sex."""
    party = reading.parties[i]
    out = []
    if party.name:
        out.append((f"parties[{i}].name", party.name))
    if party.sex in SEX_CHARACTER:
        out.append((f"parties[{i}].sex", SEX_CHARACTER[party.sex]))
    return out


def character_bar(key: str) -> float:
    """The weakest character's bar: a name's is above the name bar (see NAME_CHARACTER_BAR)."""
    bar = min_confidence(key)
    return max(bar, NAME_CHARACTER_BAR) if key.endswith(".name") else bar


def confirm_names_by_characters(
    reading: Reading, pages: list[np.ndarray], engine: OcrEngine
) -> int:
    """Give unsure sentence names, and sexes (男 / 女, bar 0.85), their weakest
    character's probability when that reaches their bar; flag a sure name outside
    sentences that holds a weak character (``name_character_weak``, blocking). See
    the module doc. Returns how many fields were confirmed."""
    todo: list[tuple[str, str, np.ndarray]] = []
    for i in range(len(reading.parties)):
        for key, shown in _wanted(reading, i):
            info = reading.fields.get(key)
            if info is None or info.bbox is None or info.page is None or info.page >= len(pages):
                continue
            sure = info.confidence >= min_confidence(key)
            in_sentence = "from_sentence" in info.issues
            if sure == in_sentence or (sure and not key.endswith(".name")):
                continue  # unsure sentence fields are confirmed, sure table names checked
            line = holding_line(reading.lines, info.page, info.bbox, shown)
            if line is None:
                continue
            crop = line_crop(pages[info.page], line.bbox)
            if crop.shape[0] >= 4 and crop.shape[1] >= 4:
                todo.append((key, shown, crop))
    if not todo:
        return 0
    decoded = character_probabilities(engine, [crop for _, _, crop in todo])
    if decoded is None:
        return 0
    confirmed = 0
    for (key, shown, _), chars in zip(todo, decoded, strict=True):
        info = reading.fields[key]
        if info.confidence >= min_confidence(key):
            if has_weak_character(chars, shown):
                info.issues.append("name_character_weak")
            continue
        if len(shown) == 1 and sum(ch == shown for ch, _ in chars) != 1:
            continue  # a sex character twice in the line: which one is this party's is unsure
        weakest = weakest_character(chars, shown)
        if weakest is not None and weakest >= character_bar(key):
            info.confidence = round(max(info.confidence, weakest), 4)
            info.issues.append(f"{key.rsplit('.', 1)[-1]}_confirmed_by_characters")
            confirmed += 1
    log.debug("sentence fields by characters: %s tried, %s confirmed", len(todo), confirmed)
    return confirmed
