"""The registration date from every place a record gives it, and the office it was signed by.

A record often gives its date more than once: the labelled field of the review
form (登记日期) and the sign-off (落款) of the certificate, where the issuing office
is printed with the date under it (or, in vertical writing, in the next column
to its left) and no label. Every reading is kept: readings that agree confirm
each other, readings that disagree send the record to review
(:func:`ocr.assemble.assemble` does both).

A labelled date that OCR could not read (``197.6.20``: a digit lost) does not
block a full reading found elsewhere, but only when it is consistent with it
(its characters appear, in order, in the full reading).
"""

from __future__ import annotations

import re

from ocr import values as V
from ocr.date_values import find_dates, speck_in_year_only
from ocr.found import Found
from ocr.layout import Segment, is_vertical, next_in_reading_order

# How far (in line heights) after the office its date may stand.
SIGNOFF_ROWS = 4.0


def _date_found(seg: Segment, issue: str) -> Found | None:
    dates = [d for d in find_dates(seg.text) if len(d.iso) == 10]
    if not dates:
        return None
    issues = [issue]
    if dates[0].year_only_normalized:
        issues.append("date_year_normalized")
    elif dates[0].normalized:
        issues.append("date_digits_normalized")
    return Found("registration_date", dates[0].iso, seg, seg.confidence, issues)


# Words of an office name, enough to anchor a sign-off even when OCR garbled the
# rest of it (高縣人民府民政秀): the anchor only tells where the date stands.
_OFFICE_WORDS = re.compile(r"政府|民政|委员|委員|登记处|登記處")


def _office_like(seg: Segment) -> bool:
    return seg.label is None and bool(_OFFICE_WORDS.search(seg.text)) and len(seg.text) >= 4


def _office_anchors(found: list[Found], segments: list[Segment]) -> list[tuple[Segment, float]]:
    """Issuing-office values (labelled or recognizable) and office labels, with how
    many of their line heights the date may stand below them (a label's value, a
    seal may hide it, comes between the label and the date)."""
    labelled = [f.segment for f in found if f.key == "office" and f.value]
    labels = [s for s in segments if s.label is not None and s.label.key == "office"]
    values = labelled + [s for s in segments if _office_like(s)]
    return [(s, SIGNOFF_ROWS) for s in values] + [(s, 1.5 * SIGNOFF_ROWS) for s in labels]


# A date set off its label's row (a skewed or shifted print: ``登记日期：`` and its
# value overlapping by under half a line, which the label rows do not take) still
# belongs to the label when the rows overlap by this share of the smaller height.
OFFSET_ROW_OVERLAP = 0.25
OFFSET_MAX_GAP = 20.0  # in label heights, as for any value right of its label


def _beside_label(found: list[Found], segments: list[Segment]) -> list[Found]:
    """The registration date right of its label when the label's row gave no value:
    the nearest unlabelled full date to the right whose row overlaps the label's,
    passing over what is left of the label's own line (:func:`label_residue`)."""
    if any(f.key == "registration_date" and f.value is not None for f in found):
        return []
    out: list[Found] = []
    for label in segments:
        if label.label is None or label.label.key != "registration_date":
            continue
        beside = []
        for seg in segments:
            if seg.label is not None or seg.page != label.page or seg.left < label.right - 1:
                continue
            overlap = min(seg.bottom, label.bottom) - max(seg.top, label.top)
            gap = seg.left - label.right
            if overlap >= OFFSET_ROW_OVERLAP * min(seg.height, label.height) and (
                gap <= OFFSET_MAX_GAP * label.height
            ):
                beside.append((gap, seg))
        for _, seg in sorted(beside, key=lambda pair: pair[0]):
            reading = _date_found(seg, "")
            if reading is not None:
                reading.issues = [i for i in reading.issues if i]
                out.append(reading)
            if reading is not None or not label_residue(seg.text):
                break
    return out


# At most this many characters, none of them a year, month or day mark: what OCR
# made of a label's colon or a speck after it (``登记时间问：``, ``登记日期：1``,
# ``批准日期首``), split off the label's line as its value. No date is this short.
RESIDUE_CHARS = 2


def label_residue(text: str) -> bool:
    """True when ``text`` is too short to be a date and holds no date mark: the
    rest of a label's own line, which the date beside it does not give way to."""
    text = V.halfwidth(text).strip(" :;,.")
    return len(text) <= RESIDUE_CHARS and not any(ch in text for ch in "年月日.-/")


def read_signoff_dates(found: list[Found], segments: list[Segment]) -> list[Found]:
    """Readings of the registration date no label row gave: the full date right after
    each issuing office (落款), one reading per date box, a date set off its
    label's row (:func:`_beside_label`), and, when the record gives no other, the
    one date column of a vertical certificate whose office was not read
    (:func:`_unanchored_column`)."""
    out: list[Found] = _beside_label(found, segments)
    seen: set[int] = set()
    for office, rows in _office_anchors(found, segments):
        for seg in next_in_reading_order(office, segments, rows=rows):
            if seg.index in seen or _office_like(seg):
                continue
            reading = _date_found(seg, "date_from_signoff")
            if reading is not None:
                seen.add(seg.index)
                out.append(reading)
                break
    if not out and not any(f.key == "registration_date" for f in found):
        out += _unanchored_column(segments)
    return out


def date_column(segments: list[Segment]) -> Segment | None:
    """The one unlabelled vertical column that reads like a date; None when there is
    none or more than one (which of them is the registration date is then unknown)."""
    columns = [
        s for s in segments if s.label is None and is_vertical(s.bbox, s.text) and date_like(s.text)
    ]
    return columns[0] if len(columns) == 1 else None


def _unanchored_column(segments: list[Segment]) -> list[Found]:
    """The full date of the one date column of a vertical certificate (竖排) whose
    issuing office was not read (under its seal, or lost), flagged
    ``date_without_office``: nothing on the page ties the column to the
    registration, so a clerk confirms it."""
    column = date_column(segments)
    reading = _date_found(column, "date_from_signoff") if column is not None else None
    if reading is None:
        return []
    reading.issues.append("date_without_office")
    return [reading]


def signoff_date_slots(segments: list[Segment]) -> list[Segment]:
    """The text right after an issuing office that reads like a date (:func:`date_like`)
    but gives no full date (``一九五年一月十六日``: the 〇 lost): where the sign-off
    date stands, for a re-read of its crop. Distinct segments, in page order."""
    out: list[Segment] = []
    for office, rows in _office_anchors([], segments):
        for seg in next_in_reading_order(office, segments, rows=rows):
            if _office_like(seg) or not date_like(seg.text):
                continue
            if not any(len(d.iso) == 10 for d in find_dates(seg.text)) and seg not in out:
                out.append(seg)
            break
    return out


# A date read in part: at most this many characters, most of them date characters.
DATE_LIKE_CHARS = 14
_DATE_CHARACTERS = set("0123456789〇○零一二三四五六七八九十年月日号號.")


def date_like(text: str) -> bool:
    """A short text made mostly of date characters, with a 年 or 月 or a dot
    (``九五三年二月一日``, ``一丸五三年四月十九日``, ``1987.7421``): a date read in part."""
    text = V.halfwidth(text).replace(" ", "")
    if not 4 <= len(text) <= DATE_LIKE_CHARS or not any(ch in text for ch in "年月."):
        return False
    return sum(ch in _DATE_CHARACTERS for ch in text) >= 0.6 * len(text)


_DATE_CHARS = re.compile(r"[^0-9〇○零一二三四五六七八九十年月日号號]")


def consistent_date_text(partial: str, full: str) -> bool:
    """True when the date characters of ``partial`` appear in ``full`` in the same order.

    Other characters of the partial reading (``一九九=七月``: 三年 read as ``=``)
    are what OCR made of lost ones and are skipped.
    """
    chars = iter(_DATE_CHARS.sub("", V.halfwidth(full)))
    return all(ch in chars for ch in _DATE_CHARS.sub("", V.halfwidth(partial)))


def _one_edit(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by one substitution, insertion or deletion (or none)."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


_YEAR_RUN = re.compile(r"^\s*([0-9OoIlZSB!|]{3,5})(?=\s*[年.\-/])")
_LEADING_MARKS = re.compile(r"^[\s:;,.]+")
_CN_YEAR_RUN = re.compile(r"^\s*([^\s年]{3,5})(?=\s*年)")
_CN_SPELLING = str.maketrans("0123456789", "〇一二三四五六七八九")
_SPLIT_YEAR = re.compile(r"^\s*([0-9]{2})[.,·:]([0-9]{2})(?=\s*[年.\-/])")


def year_from_certificate(text: str, cert_year: str | None) -> str | None:
    """The full date of ``text`` with its misread year replaced by the certificate's.

    Only when the year as read is one edit away from the certificate's year
    (``1092年5月3日`` with ``J620722-1992-…``; ``197.6.20`` with ``(87)…``;
    ``一次六一年七月十日`` with ``(61)…``, in Chinese numerals), or split
    by a speck into the certificate's year (``19.89.8.7`` with ``…-1989-…``), and the
    rest of the text then reads as a full date. The result still needs review:
    it is the certificate's year, not the date's.
    """
    text = _LEADING_MARKS.sub("", V.halfwidth(text))  # a label's colon at the crop's edge
    split = _SPLIT_YEAR.match(text)
    if split and cert_year and (split.group(1) + split.group(2)).endswith(cert_year):
        # 19.89.8.7: a speck read inside the year
        text = split.group(1) + split.group(2) + text[split.end() :]
    if not cert_year:
        return None
    years = [cert_year] if len(cert_year) == 4 else [f"19{cert_year}", f"20{cert_year}"]
    m = _YEAR_RUN.match(text)
    spell: dict[str, str] = {y: y for y in years}
    if not m:
        # 一次六一年 (九 read 次) under (61)…: the year in Chinese numerals
        m = _CN_YEAR_RUN.match(text)
        spell = {y: y.translate(_CN_SPELLING) for y in years}
    if not m:
        return None
    run = m.group(1).replace("○", "〇").replace("零", "〇")
    fits = [y for y in years if _one_edit(run, spell[y])]
    if len(fits) != 1:
        return None
    dates = find_dates(spell[fits[0]] + text[m.end() :])
    return dates[0].iso if dates and len(dates[0].iso) == 10 and dates[0].start == 0 else None


def _complete_partials(readings: list[Found]) -> None:
    """A partial reading (``一九六八年五月三十``: the day's end and 日 lost) that a
    full reading continues (``一九六八年五月三十一日`` in the sign-off) is no other
    date: it counts as unreadable, and so stands against the full reading only
    when its characters do not appear there in order."""
    full = [f for f in readings if f.value is not None and len(str(f.value)) == 10]
    for reading in readings:
        value = reading.value
        if value is None or len(str(value)) == 10:
            continue
        if any(
            str(f.value).startswith(str(value))
            and consistent_date_text(reading.segment.text, f.segment.text)
            for f in full
        ):
            reading.value = None
            reading.issues.append("date_partial_of_another_reading")


def confirm_specked_year(reading: Found, cert_year: str | None) -> bool:
    """A date whose one repair was a speck inside its year (``一九五，八年…``) and
    whose year the certificate carries (``(58)…``, ``…-1958-…``) is confirmed: the
    speck changed no numeral and the certificate states the year. True when so."""
    if "date_digits_normalized" not in reading.issues or not cert_year:
        return False
    date = speck_in_year_only(reading.segment.text)
    if date is None or date.iso != reading.value or not date.iso[:4].endswith(cert_year):
        return False
    reading.issues = [i for i in reading.issues if i != "date_digits_normalized"]
    reading.issues.append("date_year_confirmed")
    return True


# Repairs of a reading's own characters (an undone confusion, a lost leading 一, a speck).
_OWN_REPAIRS = ("date_year_normalized", "date_digits_normalized")
# A reading read as written that confirms another place's repaired reading of the
# same date must be as sure as a date needs to be (ocr/review.py: 0.90).
CLEAN_READING_MIN = 0.90


def confirm_by_clean_reading(readings: list[Found]) -> int:
    """A full date whose reading needed a repair (``九五五年七月十二日``: the leading
    一 lost) stands when another place of the record (the other page, the labelled
    field or the sign-off) reads the same date as written, surely: two places
    printed the date, one of them needed no repair. Returns how many were confirmed.
    """
    clean = [
        f
        for f in readings
        if f.value is not None
        and len(str(f.value)) == 10
        and f.confidence >= CLEAN_READING_MIN
        and not any(i in f.issues for i in (*_OWN_REPAIRS, "date_year_from_certificate"))
    ]
    confirmed = 0
    for reading in readings:
        if not any(i in reading.issues for i in _OWN_REPAIRS):
            continue
        if any(
            c.value == reading.value and c.segment.index != reading.segment.index for c in clean
        ):
            reading.issues = [i for i in reading.issues if i not in _OWN_REPAIRS]
            reading.issues.append("confirmed_by_second_reading")
            confirmed += 1
    return confirmed


def surest_reading_first(found: list[Found]) -> bool:
    """When the places of a record read different full dates (``三十日`` on one page at
    0.999, ``三十一日`` on the other at 1.0), put first the reading the clerk is shown
    (``ocr.assemble`` keeps the first and flags the conflict): one read as written
    before one that needed a repair, then the surer. The record goes to review either
    way; this only chooses the value shown. True when the order changed."""
    slots = [i for i, f in enumerate(found) if f.key == "registration_date"]
    readings = [found[i] for i in slots]
    if len({str(f.value) for f in readings if f.value is not None and len(str(f.value)) == 10}) < 2:
        return False

    def rank(f: Found) -> tuple[bool, bool, float]:
        full = f.value is not None and len(str(f.value)) == 10
        repaired = any(i in f.issues for i in (*_OWN_REPAIRS, "date_year_from_certificate"))
        return (not full, repaired, -f.confidence)

    ordered = sorted(readings, key=rank)
    for i, f in zip(slots, ordered, strict=True):
        found[i] = f
    return ordered != readings


def reconcile_registration_dates(found: list[Found], cert_year: str | None) -> None:
    """Flag full readings that an unreadable labelled date contradicts; repair a year
    one edit away from the certificate's (read or unreadable date), flagged for review;
    confirm a repaired reading that another place reads as written; show the surest
    of conflicting readings first (:func:`surest_reading_first`)."""
    readings = [f for f in found if f.key == "registration_date"]
    _complete_partials(readings)
    confirm_by_clean_reading(readings)
    unreadable = [f for f in readings if f.value is None]
    full = [f for f in readings if f.value is not None]
    for reading in full:
        if any(not consistent_date_text(u.segment.text, reading.segment.text) for u in unreadable):
            reading.issues.append("conflicting_values")
        confirm_specked_year(reading, cert_year)
        year = str(reading.value)[:4]
        if cert_year and not year.endswith(cert_year):
            # 1951.10.8 under a (91) certificate: a one-digit misread of the year
            repaired = year_from_certificate(reading.segment.text, cert_year)
            if repaired and repaired[4:] == str(reading.value)[4:]:
                reading.value = repaired
                reading.issues.append("date_year_from_certificate")
    if not full:
        for reading in unreadable:
            repaired = year_from_certificate(reading.segment.text, cert_year)
            if repaired:
                reading.value = repaired
                reading.confidence = reading.segment.confidence
                reading.issues.append("date_year_from_certificate")
                return
    surest_reading_first(found)
