"""Re-reading ID numbers printed in per-digit cells when detection lost digits.

Text detection often misses lone narrow digits in a row of boxed digits,
leaving a few of the 15 or 18, or none at all. Recognition of the whole row
(from the label, or the first detected digit, to the right edge of the page)
reads them far better, once the cells' vertical rules are painted out: the
rules are otherwise read as ``1``. The result is kept only if it is a valid ID
and the readings that give one agree; an 18-digit re-read is confirmed by its
check character. A 15-digit one (no check character) is confirmed only by a
second, different reading of the same digits (the row's cells set in a line of
their own, ``ocr.id_cells``; the row with its rules taken out without cutting
the digits written on them, ``ocr.id_rules``; or the engine's detection on the
strip) together
with the printed birth date and sex the ID states; otherwise it stays flagged
for review.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial

import cv2
import numpy as np

from ocr.crops import clip
from ocr.engine import OcrEngine
from ocr.id_cells import read_cells
from ocr.id_choice import (
    RowReading,
    agreeing_confidence,
    choose_id,
    fits_printed_facts,
    only_guessed,
    printed_birth,
    settled,
    states_printed_facts,
)
from ocr.id_missing import ValueBox, ids_held_by_nobody, lost_row_box, missing_id_boxes
from ocr.id_rules import inpaint_rules, ruleless_versions, strokes_cross_rules
from ocr.id_text import (
    filled_from_printed,
    read_ids,
    repaired_by_birth_date,
    restored_lost_digit,
    settle_on_home,
)
from ocr.result import Reading
from schemas.certno import parse_certificate_no
from schemas.idnumber import parse_id
from schemas.model import FieldInfo, TextLine

_RETRY_ISSUES = ("id_number_unreadable", "id_bad_length")
# A value read whole but invalid: a speck read as a mark inside it may have split
# it (``620.722198909126296`` taken as ``722198909126296``). Its own box is re-read.
_INVALID_ISSUES = (
    "id_bad_region",
    "id_bad_date",
    "id_check_digit",
    "id_bad_chars",
    "id_future_date",
    "id_too_old",
    "id_invalid",
)


def _strip(page: np.ndarray, bbox: list[int], margin: float = 0.25) -> np.ndarray:
    """The row of the ID: from the box's left to the page's right edge.

    ``margin`` (in box heights) above and below: digits written into cells may
    sit higher or lower than the ones detected, but a tall strip also takes in
    the table's horizontal rules, so both a narrow and a tall strip are read.
    """
    x, y, _w, h = bbox
    pad = int(h * margin)
    return clip(page, x, y - pad, page.shape[1], y + h + pad)


def remove_vertical_rules(crop: np.ndarray) -> np.ndarray:
    """The crop with its tall vertical strokes (cell borders) painted white.

    A stroke counts as a rule when it is dark ink (Otsu) running over at least
    60% of the crop's height; digits are shorter than the cells they sit in.
    """
    gray = crop if crop.ndim == 2 else cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
    ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)[1]
    tall = max(3, int(0.6 * gray.shape[0]))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, tall))
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    rules = cv2.dilate(rules, np.ones((1, 3), np.uint8))
    out = crop.copy()
    out[rules > 0] = 255
    return out


def _value_box(page: np.ndarray, bbox: list[int], margin: float = 0.25) -> np.ndarray:
    """The value's own box, ``margin`` box heights above and below, one box height
    either side: the re-read of a value read whole but invalid (the row may hold
    the other spouse's ID further right)."""
    x, y, w, h = bbox
    pad = int(h * margin)
    return clip(page, x - h, y - pad, x + w + h, y + h + pad)


# Detection scales a page's shorter side up to about this many pixels: a long,
# low strip would be blown up many times over, so it is laid on a sheet this tall
# (and no wider than DETECT_WIDTH) before detection.
DETECT_HEIGHT = 736
DETECT_WIDTH = 1600


def detection_sheet(strip: np.ndarray) -> np.ndarray:
    """The strip narrowed to ``DETECT_WIDTH`` at most and laid on top of a sheet of
    its own paper colour ``DETECT_HEIGHT`` tall (pure)."""
    scale = min(1.0, DETECT_WIDTH / max(1, strip.shape[1]))
    if scale < 1.0:
        strip = cv2.resize(strip, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    below = max(0, DETECT_HEIGHT - strip.shape[0])
    paper = [int(v) for v in np.median(strip.reshape(-1, strip.shape[-1]), axis=0)]
    return cv2.copyMakeBorder(strip, 0, below, 0, 0, cv2.BORDER_CONSTANT, value=paper)


def detected_row(strip: np.ndarray, engine: OcrEngine) -> tuple[str, float]:
    """The row as the engine's own detection finds it in the strip (digits the
    row recognizer merges or drops come back as boxes of their own), left to right."""
    if strip.size == 0:
        return "", 0.0
    lines = sorted(engine.recognize_page(detection_sheet(strip)), key=lambda line: line.bbox[0])
    if not lines:
        return "", 0.0
    return "".join(line.text for line in lines), min(line.confidence for line in lines)


def text_reading(source: str, text: str, confidence: float) -> RowReading:
    """What one reading of the row's text gives (``id_text``)."""
    ids, guessed = read_ids(text)
    return RowReading(source, frozenset(ids), confidence, text, guessed=frozenset(guessed))


def kept_row_readings(crops: list[np.ndarray], engine: OcrEngine) -> list[RowReading]:
    """The row's crops read once more with the rules taken out the ways that keep
    digits written on them (``ocr.id_rules``): one source, ``"kept"``. Only crops
    whose strokes cross the rules are read: elsewhere these versions are the row
    crops again, and reading the same pixels twice is no second source (an
    underlined sentence ID was "confirmed" so, with a wrong sequence digit)."""
    versions = [v for crop in crops if strokes_cross_rules(crop) for v in ruleless_versions(crop)]
    if not versions:
        return []
    texts = engine.recognize_lines(versions)
    return [text_reading("kept", text, conf) for text, conf in texts]


def kept_detection(strip: np.ndarray, engine: OcrEngine) -> RowReading:
    """The engine's detection on the strip with its rules inpainted (``ocr.id_rules``):
    the last try, part of the ``"kept"`` source; nothing when no stroke crosses
    the rules (the strip detection has read those pixels already)."""
    if not strokes_cross_rules(strip):
        return RowReading("kept", frozenset(), 0.0)
    text, conf = detected_row(inpaint_rules(strip), engine)
    return text_reading("kept", text, conf)


def _row_readings(
    page: np.ndarray,
    crops: list[np.ndarray],
    bbox: list[int],
    engine: OcrEngine,
    fits: Callable[[str], bool] | None = None,
) -> list[RowReading]:
    """The row read by every source in turn until one settles it (``reread_ids``)."""
    texts = engine.recognize_lines([remove_vertical_rules(c) for c in crops] + [crops[0]])
    readings = [text_reading("row", text, conf) for text, conf in texts]
    if not settled(readings, fits):
        cells = read_cells(page, bbox, engine)
        ids, guessed = read_ids(cells.value) if cells.value else (set(), set())
        text = " / ".join(cells.digits)  # every cut's digits, for repaired_by_birth_date
        readings.append(
            RowReading(
                "cells", frozenset(ids), cells.confidence, text, cells.cells, frozenset(guessed)
            )
        )
    if not settled(readings, fits):
        readings += kept_row_readings(crops, engine)
    if not settled(readings, fits):
        text, conf = detected_row(remove_vertical_rules(crops[1]), engine)
        readings.append(text_reading("detected", text, conf))
    if not settled(readings, fits):
        readings.append(kept_detection(crops[1], engine))
    return readings


def _take(reading: Reading, i: int, info: FieldInfo, readings: list[RowReading]) -> bool:
    """Set party ``i``'s ID from the readings' choice, flagged as a re-read; False
    when they give none (or the other party's number)."""
    # the other spouse's number, read again (a strip across a row that prints both
    # IDs side by side), is no reading of this party's
    others = {p.id_number for j, p in enumerate(reading.parties) if j != i and p.id_number}
    readings = [replace(r, ids=r.ids - others) for r in readings]
    chosen = choose_id(readings, partial(fits_printed_facts, reading, i))
    if chosen is None:
        return False
    value, confidence, sources = chosen
    reading.parties[i].id_number = value
    dropped = _RETRY_ISSUES + _INVALID_ISSUES
    info.issues = [i for i in info.issues if i not in dropped] + ["id_reread"]
    if len(value) == 18 and only_guessed(readings, value):
        info.issues.append("id_reread_unconfirmed")  # marks read as digits: held
    if len(value) == 15:
        # the region must be a listed one: nothing else on the form states it
        confirmed = (
            sources >= 2
            and states_printed_facts(reading, i, value)
            and not parse_id(value).warnings
        )
        info.issues.append("confirmed_by_second_reading" if confirmed else "id_reread_unconfirmed")
        if confirmed:
            confidence = agreeing_confidence(readings, value)
    info.confidence = round(confidence, 4)
    return True


def _overlaps(line: TextLine, info: FieldInfo | None) -> bool:
    """True when ``line`` lies on the page and over the box of the field ``info``."""
    if info is None or info.bbox is None or line.page != info.page:
        return False
    x, y, w, h = line.bbox
    fx, fy, fw, fh = info.bbox
    return x < fx + fw and fx < x + w and y < fy + fh and fy < y + h


def stated_elsewhere(reading: Reading, i: int) -> tuple[RowReading, TextLine] | None:
    """Party ``i``'s ID as another line of the record states it: a source of its own
    (``"elsewhere"``) for a party whose own row gives no ID.

    Only a valid ID no party holds (``ocr.id_missing.ids_held_by_nobody``), read
    outside the party's own ID box, that states party ``i``'s printed birth date
    and sex (``states_printed_facts``) and not another party's; None when no such
    ID or two different ones are read.
    """
    info = reading.fields.get(f"parties[{i}].id_number")
    others = [j for j in range(len(reading.parties)) if j != i]
    best: dict[str, tuple[float, TextLine]] = {}
    for value, line in ids_held_by_nobody(reading):
        if _overlaps(line, info) or not states_printed_facts(reading, i, value):
            continue
        if any(states_printed_facts(reading, j, value) for j in others):
            continue
        if value not in best or line.confidence > best[value][0]:
            best[value] = (line.confidence, line)
    if len(best) != 1:
        return None
    value, (confidence, line) = next(iter(best.items()))
    return RowReading("elsewhere", frozenset({value}), confidence), line


def _read_box(
    reading: Reading,
    i: int,
    page: np.ndarray,
    box: ValueBox,
    engine: OcrEngine,
    issues: list[str] | None = None,
    extra: list[RowReading] | None = None,
    unread: list[tuple[FieldInfo, list[RowReading]]] | None = None,
) -> bool:
    """Party ``i``'s ID read from ``box`` (``ocr.id_missing``) through every source,
    ``extra`` joining them when the box gives an ID; when a value is taken, its
    field (with ``issues`` kept) replaces any other. A box that gives no ID adds
    its field and readings to ``unread`` (for ``_take_unread``)."""
    bbox = box.bbox(page.shape[1])
    x, y, w, h = bbox
    crops = [clip(page, x, y - int(h * m), x + w, y + h + int(h * m)) for m in (0.25, 0.5)]
    if not crops[0].size:
        return False
    info = FieldInfo(confidence=0.0, page=box.page, bbox=bbox, issues=issues or [], source="ocr")
    row = _row_readings(page, crops, bbox, engine, partial(fits_printed_facts, reading, i))
    if not any(r.ids for r in row):
        if unread is not None:
            unread.append((info, row))
        return False
    if not _take(reading, i, info, row + (extra or [])):
        return False
    reading.fields[f"parties[{i}].id_number"] = info
    return True


def _read_missing(
    reading: Reading, i: int, pages: list[np.ndarray], engine: OcrEngine, extra: list[RowReading]
) -> bool:
    """Party ``i``'s ID read from the boxes its label gives (``ocr.id_missing``), in
    turn, when extraction found no value at all; when none gives an ID, the
    readings of each are repaired or filled from the printed birth date
    (``_last_resorts``: held). The field is added only when a
    value is read."""
    unread: list[tuple[FieldInfo, list[RowReading]]] = []
    for index, page in enumerate(pages):
        for box in missing_id_boxes(reading, i, page.shape[1]):
            if box.page == index and _read_box(reading, i, page, box, engine, None, extra, unread):
                return True
    for info, row in unread:
        if _last_resorts(reading, i, info, row):
            reading.fields[f"parties[{i}].id_number"] = info
            return True
    return False


def _read_lost_row(
    reading: Reading, i: int, pages: list[np.ndarray], engine: OcrEngine, extra: list[RowReading]
) -> bool:
    """Party ``i``'s unreadable ID read from the row after its label when the label
    ends its row and page detection lost the next one (``ocr.id_missing``)."""
    box = lost_row_box(reading, i)
    if box is None or box.page >= len(pages):
        return False
    kept = [x for x in reading.fields[f"parties[{i}].id_number"].issues if x not in _RETRY_ISSUES]
    return _read_box(reading, i, pages[box.page], box, engine, kept, extra)


def _take_elsewhere(reading: Reading, i: int, found: tuple[RowReading, TextLine] | None) -> bool:
    """Party ``i``'s ID from the line that states it elsewhere (``stated_elsewhere``),
    when its own row gave none: one source (a 15-digit value stays unconfirmed).
    The field points at that line and keeps extraction's other doubts."""
    if found is None:
        return False
    source, line = found
    key = f"parties[{i}].id_number"
    dropped = _RETRY_ISSUES + _INVALID_ISSUES
    kept = (
        [x for x in reading.fields[key].issues if x not in dropped] if key in reading.fields else []
    )
    info = FieldInfo(
        confidence=0.0, page=line.page, bbox=list(line.bbox), issues=kept, source="ocr"
    )
    if not _take(reading, i, info, [source]):
        return False
    reading.fields[key] = info
    return True


def _take_held(
    reading: Reading,
    i: int,
    info: FieldInfo,
    row: list[RowReading],
    source: str,
    derive: Callable[[RowReading, str, str], set[str]],
    home: frozenset[str] = frozenset(),
) -> bool:
    """Party ``i``'s ID that ``derive`` makes of its row's readings with the printed
    birth date and sex, when they give one value; always held
    (``id_reread_unconfirmed``): nothing but the printed facts and the check
    character confirm it. Readings that differ in the region only settle on the one
    of a ``home`` region (``home_regions``), when one is."""
    printed = printed_birth(reading, i)
    if printed is None:
        return False
    given = {r: derive(r, *printed) for r in row}
    values = settle_on_home(set().union(*given.values()), home)
    if len(values) != 1:
        return False
    confidence = max(r.confidence for r, found in given.items() if found & values)
    if not _take(reading, i, info, [RowReading(source, frozenset(values), confidence)]):
        return False
    if "id_reread_unconfirmed" not in info.issues:
        info.issues.append("id_reread_unconfirmed")
    return True


def _take_repaired(reading: Reading, i: int, info: FieldInfo, row: list[RowReading]) -> bool:
    """An 18-digit ID from the row's readings with their birth digits repaired to
    the printed birth date (``repaired_by_birth_date``); held."""
    return _take_held(
        reading,
        i,
        info,
        row,
        "repaired",
        lambda r, born, sex: repaired_by_birth_date([r.text], born, sex),
    )


def _filled(r: RowReading, born: str, sex: str) -> set[str]:
    value = filled_from_printed(r.cells, born, sex) if r.cells else None
    return {value} if value else set()


def _take_filled(reading: Reading, i: int, info: FieldInfo, row: list[RowReading]) -> bool:
    """An ID from the row's cells with the cells read as no digit filled from the
    printed birth date and the check character (``filled_from_printed``); held."""
    return _take_held(reading, i, info, row, "filled", _filled)


def home_regions(reading: Reading, i: int) -> frozenset[str]:
    """The regions the record states outside party ``i``'s ID: the registry's own
    (in the certificate number, ``J620722-2003-002122``) and the other parties' IDs."""
    registry = parse_certificate_no(reading.certificate_no).region
    found = [p.id_number[:6] for j, p in enumerate(reading.parties) if j != i and p.id_number]
    return frozenset(found + ([registry] if registry else []))


def _take_restored(reading: Reading, i: int, info: FieldInfo, row: list[RowReading]) -> bool:
    """An ID from the row's readings one digit short with that digit put back
    (``restored_lost_digit``: at a strike read inside the run, or where the printed
    full birth date places it); held."""
    home = home_regions(reading, i)

    def derive(r: RowReading, born: str, sex: str) -> set[str]:
        # a cells reading joins its cuts with " / ": each cut is a reading of its own
        return restored_lost_digit(r.text.split(" / "), born, sex, home)

    return _take_held(reading, i, info, row, "restored", derive, home)


def _last_resorts(reading: Reading, i: int, info: FieldInfo, row: list[RowReading]) -> bool:
    """The held last resorts for a row that read no ID, in turn."""
    return (
        _take_repaired(reading, i, info, row)
        or _take_filled(reading, i, info, row)
        or _take_restored(reading, i, info, row)
    )


def reread_ids(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> int:
    """Re-read unreadable ID fields from their whole row; returns how many were recovered.

    The row is read three times as one line (``_strip``); while that settles
    nothing (no valid 18-digit ID, no 15-digit one two sources give), it is read
    cell by cell (``ocr.id_cells``), as one line again with the rules taken out
    without cutting the digits on them (``kept_row_readings``), and then by the
    engine's own detection on the strip (``detected_row``), last on the strip with
    its rules inpainted (``kept_detection``). A 15-digit re-read is confirmed
    (``confirmed_by_second_reading``) only when two of these sources read it and
    the ID states the printed birth date and sex of its party; otherwise it stays
    ``id_reread_unconfirmed`` (review). A party whose ID extraction found no value
    for at all is read the same way from the boxes its label gives
    (``ocr.id_missing``); so is an unreadable one whose row read nothing, from
    the start of the next row when its sentence label ends its row and page
    detection lost that row or its start (``ocr.id_missing.lost_row_box``).
    An ID another line of the record states for the party (``stated_elsewhere``)
    joins these sources when the party's row gives an ID, and is taken alone when
    no row of the party's gives any. Last, an 18-digit row read with a failing
    check character may give its ID once its birth digits are the printed birth
    date (``repaired_by_birth_date``), or a row of cells some of which read as no
    digit (struck out and written again) once those are filled from the printed
    birth date and the check character (``filled_from_printed``): held for a clerk.
    """
    recovered = 0
    later: list[tuple[int, FieldInfo, list[RowReading], list[str] | None]] = []
    for i, party in enumerate(reading.parties):
        key = f"parties[{i}].id_number"
        info = reading.fields.get(key)
        if info is None and party.id_number is None:
            found = stated_elsewhere(reading, i)
            extra = [found[0]] if found else []
            recovered += _read_missing(reading, i, pages, engine, extra) or _take_elsewhere(
                reading, i, found
            )
            continue
        if info is None or info.bbox is None or info.page is None or info.page >= len(pages):
            continue
        invalid = party.id_number is not None and any(i in info.issues for i in _INVALID_ISSUES)
        if not invalid and not any(issue in info.issues for issue in _RETRY_ISSUES):
            continue
        page = pages[info.page]
        cut = _value_box if invalid else _strip
        crops = [cut(page, info.bbox, margin) for margin in (0.25, 0.5)]
        if not crops[0].size:
            continue
        found = stated_elsewhere(reading, i)
        extra = [found[0]] if found else []
        fits = partial(fits_printed_facts, reading, i)
        row = _row_readings(page, crops, info.bbox, engine, fits)
        read = any(r.ids for r in row)  # a row that read an ID is never overruled ...
        before = list(info.issues)
        taken = (
            (read and _take(reading, i, info, row + extra))
            or (not invalid and _read_lost_row(reading, i, pages, engine, extra))
            or (not read and _take_elsewhere(reading, i, found))
            or (not read and _last_resorts(reading, i, info, row))
        )
        recovered += taken
        # ... unless only by taking marks for digits, of an unlisted region, or with
        # another birth date or sex than the form prints: then a digit lost at a
        # strike is tried too
        unsound = (
            read and not extra and not any(_sound(v, fits) for r in row for v in r.ids - r.guessed)
        )
        if not taken and not read:
            later.append((i, info, row, None))
        elif taken and unsound:
            later.append((i, info, row, before))
    # after every other party's ID is read: their regions settle a tie (home_regions)
    for i, info, row, issues in later:
        recovered += _restore_later(reading, i, info, row, issues)
    return recovered


def _sound(value: str, fits: Callable[[str], bool]) -> bool:
    return fits(value) and not parse_id(value).warnings


def _restore_later(
    reading: Reading, i: int, info: FieldInfo, row: list[RowReading], before: list[str] | None
) -> bool:
    """``_take_restored`` for a row that gave no ID (``before`` None), or in place of
    the unsound ID it gave (``before``: the field's issues before that was taken);
    True when a row without an ID now has one."""
    # a take that fails changes nothing (``_take_held``) but the issues set here
    issues = info.issues
    if before is not None:
        info.issues = list(before)
    if _take_restored(reading, i, info, row):
        return before is None
    info.issues = issues
    return False
