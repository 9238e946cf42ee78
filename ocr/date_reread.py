"""Re-reading the registration date from its own crop of the page.

Page-wide detection often cuts a date short (the thin leading ``一`` of
``一九五一年`` lost, a digit of a handwritten day dropped: ``1982年2月1日`` for
the 21st) or returns a box that does not read as a date at all. Recognition of a
crop around the value (from the date label, or the value box widened by a few
character heights, up to the next label) reads many of those again. The result is
kept only when it is a real, full date that two crops agree on and that agrees
with the rest of the record: the certificate number's year, and the characters
the page-wide reading did deliver. A confident page-wide date that both crops
read as another date goes to review (``conflicting_values``): two readings of
the same ink disagree.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass

import numpy as np

from ocr.crops import clip
from ocr.date_values import find_dates, is_registration_year
from ocr.engine import OcrEngine
from ocr.layout import Segment, is_vertical, same_row, segment_lines
from ocr.regdate import (
    consistent_date_text,
    date_column,
    signoff_date_slots,
    year_from_certificate,
)
from ocr.result import Reading, era_of
from ocr.rules import certificate_year, type_from_certificate
from schemas.model import FieldInfo

log = logging.getLogger("marriage_archive.ocr")

KEY = "registration_date"
# How far (in box heights) a crop reaches past the value box on either side, and
# right of a label whose value was not detected at all (a date is ~10 characters).
VALUE_PAD = (1.0, 2.0)
LABEL_REACH = 14.0
# Crops of a vertical date column: (past its ends, across it) in column widths.
# Measured on the vertical 1950s certificates of dev4: each crop alone reads
# some dates the page missed (``九五三年…`` for ``一九五三年…``, ``一丸五三年``)
# and misreads others; two must agree (:func:`agreed_date`).
COLUMN_PADS = ((0.6, 0.15), (1.2, 0.15), (0.6, 0.3), (1.2, 0.3))


def _usable(crops: list[np.ndarray]) -> list[np.ndarray]:
    return [c for c in crops if c.size and c.shape[0] >= 8 and c.shape[1] >= 8]


def _labels_on_row(segments: list[Segment], page: int, box: tuple[int, ...]) -> list[Segment]:
    probe = Segment(-1, "", (box[0], box[1], box[2], box[3]), 0.0, page, -1)
    return [s for s in segments if s.label is not None and s.page == page and same_row(s, probe)]


def date_crops(
    page: np.ndarray, bbox: tuple[int, ...], row_labels: list[Segment]
) -> list[np.ndarray]:
    """Two crops around a date value box: a tight one and a wider, taller one.

    They start right of the nearest label on the row left of the box (never
    taking in its characters) and end before the next label to its right.
    """
    x, y, w, h = bbox
    left_bound = max([s.right for s in row_labels if s.right <= x + h] or [0])
    right_bound = min([s.left for s in row_labels if s.left >= x + w - h] or [page.shape[1]])
    crops = []
    for pad, vpad in zip(VALUE_PAD, (0.25, 0.5), strict=True):
        x0 = max(left_bound, x - pad * h)
        x1 = min(right_bound, x + w + pad * h)
        crops.append(clip(page, x0, y - vpad * h, x1, y + h + vpad * h))
    return _usable(crops)


def column_crops(page: np.ndarray, bbox: tuple[int, ...]) -> list[np.ndarray]:
    """Crops around a vertical date column (竖排), each turned a quarter to the left
    (as RapidOCR turns a column before recognizing it), so it reads as one line.

    They reach past the column's ends (a thin leading ``一`` cut off by detection)
    and across it by the :data:`COLUMN_PADS`, in column widths.
    """
    x, y, w, h = bbox
    crops = [
        clip(page, x - across * w, y - along * w, x + w + across * w, y + h + along * w)
        for along, across in COLUMN_PADS
    ]
    return [np.ascontiguousarray(np.rot90(c)) for c in _usable(crops)]


def label_crops(page: np.ndarray, label: Segment, row_labels: list[Segment]) -> list[np.ndarray]:
    """Crops right of a date label whose value was not detected: up to the next label."""
    h = label.height
    right_bound = min([s.left for s in row_labels if s.left > label.right] or [page.shape[1]])
    x1 = min(right_bound, label.right + LABEL_REACH * h)
    crops = [
        clip(page, label.right, label.top - vpad * h, x1, label.bottom + vpad * h)
        for vpad in (0.3, 0.6)
    ]
    return _usable(crops)


# A crop's blank margin before the date, read as 〇 (``〇一九五〇年…``): no
# registration year starts with 〇, so a 〇 before 一九 / 二〇 at the start is the margin.
_MARGIN_ZERO = re.compile(r"^\s*[〇○]+(?=[一二][九〇○零])")


def trim_margin(text: str) -> str:
    """A crop's reading without the 〇 its blank left margin was read as."""
    return _MARGIN_ZERO.sub("", text)


def dates_read(
    texts: list[tuple[str, float]], cert_year: str | None
) -> list[tuple[str, float, str]]:
    """The full date each re-read text gives, with its confidence and the text.

    A year one edit away from the certificate's is taken from the certificate
    (``1161年7月6日`` under ``(61)…``); any other year must carry the certificate's
    year when the certificate gives one.
    """
    out = []
    for text, conf in texts:
        full = [d for d in find_dates(text) if len(d.iso) == 10]
        value = full[0].iso if full else year_from_certificate(text, cert_year)
        if value is None:
            continue
        if cert_year and not value[:4].endswith(cert_year):
            value = year_from_certificate(text, cert_year)
            if value is None:
                continue
        out.append((value, conf, text))
    return out


def agreed_date(readings: list[tuple[str, float, str]]) -> tuple[str, float, list[str]] | None:
    """The date at least two crops read alike (and no other), with the lower
    confidence and the texts that gave it."""
    counts = Counter(value for value, _, _ in readings)
    if len(counts) != 1:
        return None
    value, n = counts.most_common(1)[0]
    if n < 2:
        return None
    return value, min(c for _, c, _ in readings), [t for _, _, t in readings]


@dataclass(frozen=True)
class DateSite:
    """Where the date is re-read: crops of one page, the box they surround, the text
    read there page-wide (empty when nothing was detected beside the label)."""

    crops: list[np.ndarray]
    page: int
    bbox: tuple[int, int, int, int]
    page_text: str
    vertical: bool = False


def _box_site(
    pages: list[np.ndarray],
    segments: list[Segment],
    page: int,
    bbox: tuple[int, int, int, int],
    page_text: str,
    vertical: bool,
) -> DateSite:
    """The crops of a date box: around its column when vertical, else its row's."""
    if vertical:
        return DateSite(column_crops(pages[page], bbox), page, bbox, page_text, vertical=True)
    row = _labels_on_row(segments, page, bbox)
    return DateSite(date_crops(pages[page], bbox, row), page, bbox, page_text)


def _site(reading: Reading, pages: list[np.ndarray]) -> DateSite | None:
    """The date's value box, else the space right of a date label; None if neither."""
    segments = segment_lines(reading.lines)
    info = reading.fields.get(KEY)
    if info is not None and info.bbox is not None and info.page is not None:
        if info.page >= len(pages):
            return None
        x, y, w, h = info.bbox
        texts = [s.text for s in segments if s.page == info.page and list(s.bbox) == info.bbox]
        page_text = texts[0] if texts else ""
        vertical = is_vertical(info.bbox, "xx")
        return _box_site(pages, segments, info.page, (x, y, w, h), page_text, vertical)
    for label in segments:
        if label.label is None or label.label.key != KEY or label.page >= len(pages):
            continue
        if is_vertical(label.bbox, label.text):
            continue
        row = _labels_on_row(segments, label.page, label.bbox)
        crops = label_crops(pages[label.page], label, row)
        box = (label.right, label.top, int(LABEL_REACH * label.height), label.height)
        return DateSite(crops, label.page, box, "")
    slots = signoff_date_slots(segments)
    # the date under the issuing office that did not parse, else a vertical date
    # column that no office anchored
    slot = slots[0] if len(slots) == 1 else date_column(segments)
    if slot is None or slot.page >= len(pages):
        return None
    vertical = is_vertical(slot.bbox, slot.text)
    return _box_site(pages, segments, slot.page, slot.bbox, slot.text, vertical)


def _fits(value: str, texts: list[str], page_text: str, cert_year: str | None) -> bool:
    """A re-read date fits the record when the certificate carries its year (if it
    carries one) and the characters read page-wide, if any, appear in order in a
    crop's reading (``19:3.9.30`` does not fit ``193.9.3``: its day lost a digit)."""
    if cert_year and not value[:4].endswith(cert_year):
        return False
    if page_text:
        return any(consistent_date_text(page_text, t) for t in texts)
    return cert_year is not None


# Issues of a date whose characters needed repair page-wide (a year from the
# certificate, an undone confusion, a lost separator): two clean crop readings of
# the same date confirm it.
_REPAIRS = ("date_year_from_certificate", "date_year_normalized", "date_digits_normalized")


def _reads_as_written(text: str, value: str) -> bool:
    """True when ``text`` holds the full date ``value`` with no repair of its own
    (no year from the certificate, no undone confusion or speck)."""
    return any(d.iso == value and not d.normalized for d in find_dates(text))


def _confirm_repair(info: FieldInfo, current: str, texts: list[tuple[str, float]]) -> bool:
    """Clear the repair issues of ``current`` when at least two crops read it as
    written, with no repair of their own, and no crop reads another full date
    (both crops of a horizontal box; of a vertical column's four, the ones that
    read ``二九`` for ``一九`` need a repair themselves and do not count); True when so."""
    if not any(issue in info.issues for issue in _REPAIRS):
        return False
    clean = [conf for text, conf in texts if _reads_as_written(text, current)]
    others = [
        text
        for text, _ in texts
        if any(len(d.iso) == 10 and d.iso != current for d in find_dates(text))
    ]
    if len(clean) < 2 or others:
        return False
    info.issues = [i for i in info.issues if i not in _REPAIRS]
    info.issues.append("confirmed_by_second_reading")
    # readings that agree: the surest counts (as in ocr.assemble)
    info.confidence = max(info.confidence, round(min(clean), 4))
    return True


def _read_cleanly(value: str, texts: list[str]) -> bool:
    """True when every crop text reads ``value`` as written (:func:`_reads_as_written`)."""
    return bool(texts) and all(_reads_as_written(text, value) for text in texts)


def _another_possible_year(text: str, current: str) -> bool:
    """True when ``text`` reads as a date in another year a registration could
    have (``2008-03-17`` under a 2009 certificate): a real disagreement for a
    clerk, not a misread year (``1905``, ``1092``, ``19.89``, ``一次六一``)."""
    return any(
        d.iso[:4] != current[:4] and is_registration_year(d.iso[:4]) for d in find_dates(text)
    )


def _confirm_certificate_year(
    info: FieldInfo,
    current: str,
    readings: list[tuple[str, float, str]],
    certificate_no: str | None,
) -> bool:
    """A year taken from the certificate stands when the year as read is no year a
    registration could have (``1905.8.21`` or ``19.89.8.7`` under ``J…-1989-…``,
    ``一次六一年`` under ``(61)…``), both crops read the same month and day with a
    year one edit from the certificate's (``dates_read``), and the certificate is
    an original one (J/L, or a local number), whose year is the registration's: a
    reissue (BJ/BL) carries the year it was reissued. True when confirmed."""
    if "date_year_from_certificate" not in info.issues:
        return False
    if "conflicting_values" in info.issues or "date_digits_normalized" in info.issues:
        return False  # other readings disagree, or a month or day needed repair
    if type_from_certificate(certificate_no) == "reissue":
        return False
    if len(readings) < 2 or any(value != current for value, _, _ in readings):
        return False
    if any(_another_possible_year(text, current) for _, _, text in readings):
        return False
    info.issues = [i for i in info.issues if i not in _REPAIRS and i != f"{KEY}_unreadable"]
    info.issues.append("date_year_confirmed")
    return True


def reread_registration_date(reading: Reading, pages: list[np.ndarray], engine: OcrEngine) -> bool:
    """Re-read the registration date from its crop; True when the reading changed.

    A missing, unreadable or partial date (``1999.6``: the day lost) is filled
    when two crops agree on a full date that fits the certificate's year and the
    characters read page-wide. A full date read page-wide that no crop confirms
    while a crop reads another full date is flagged ``conflicting_values``
    (``1982年2月1日`` page-wide, ``1982年2月11日`` in the crop: a digit was lost
    by one of them, and only a clerk can tell which). A date repaired page-wide
    (``1092年5月3日`` with the certificate's 1992) that both crops read as written
    is confirmed by them.
    """
    info = reading.fields.get(KEY)
    if info is not None and "conflicting_values" in info.issues:
        return False
    site = _site(reading, pages)
    if site is None or not site.crops:
        return False
    cert_year = certificate_year(reading.certificate_no)
    recognized = [(trim_margin(text), conf) for text, conf in engine.recognize_lines(site.crops)]
    readings = dates_read(recognized, cert_year)
    current = reading.registration_date
    if current is not None and len(current) == 10:
        values = {value for value, _, _ in readings}
        if info is None or not values:
            return False
        if current in values:
            if _confirm_unanchored(info, current, readings, site, cert_year):
                return True
            if _confirm_repair(info, current, recognized):
                return True
            return _confirm_certificate_year(info, current, readings, reading.certificate_no)
        info.issues.append("conflicting_values")
        return True
    agreed = agreed_date(readings)
    if agreed is None:
        return _read_once(reading, site, readings, cert_year)
    value, confidence, texts = agreed
    if current is not None and not value.startswith(current):
        return False
    if not _fits(value, texts, site.page_text, cert_year):
        return False
    if info is None:
        info = FieldInfo(confidence=0.0, page=site.page, bbox=list(site.bbox), source="ocr")
        reading.fields[KEY] = info
    reading.registration_date = value
    drop = {f"{KEY}_unreadable"}
    if _read_cleanly(value, texts):
        # the page-wide repair (``—九五二年九月二—十六日``: a dash taken for 一) is
        # what both crops read as written: they confirm it, as for a full date
        drop.update(_REPAIRS)
    info.issues = [i for i in info.issues if i not in drop]
    info.issues.append("confirmed_by_second_reading")
    if all(_only_with_mark_repair(text, value) for text in texts):
        # every crop needed its 日 or a separator put back (十二月二月): for a clerk
        info.issues.append("date_digits_normalized")
    info.confidence = round(confidence, 4)
    reading.era = era_of(value)
    log.debug("registration date re-read from its crop")
    return True


def _only_with_mark_repair(text: str, value: str) -> bool:
    """True when ``text`` reads the full date ``value`` only once a lost or misread
    日 or separator is put back (``date_values.DateValue.mark_repaired``)."""
    marks = [d.mark_repaired for d in find_dates(text) if d.iso == value]
    return bool(marks) and all(marks)


def _confirm_unanchored(
    info: FieldInfo,
    current: str,
    readings: list[tuple[str, float, str]],
    site: DateSite,
    cert_year: str | None,
) -> bool:
    """A date column no office anchored (``date_without_office``) stands as a date
    re-read from its crops does: two crops agree on it, none reads another, and it
    fits the record (:func:`_fits`); its page-wide repairs go with it, as they would
    for a date the page did not read. True when confirmed."""
    if "date_without_office" not in info.issues:
        return False
    agreed = agreed_date(readings)
    if (
        agreed is None
        or agreed[0] != current
        or not _fits(current, agreed[2], site.page_text, cert_year)
    ):
        return False
    info.issues = [i for i in info.issues if i != "date_without_office" and i not in _REPAIRS]
    info.issues.append("confirmed_by_second_reading")
    if all(_only_with_mark_repair(text, current) for text in agreed[2]):
        info.issues.append("date_digits_normalized")
    info.confidence = round(agreed[1], 4)
    return True


def _read_once(
    reading: Reading, site: DateSite, readings: list[tuple[str, float, str]], cert_year: str | None
) -> bool:
    """A missing or partial date that one crop reads in full (``一九五一年四月十七日``
    where the page read ``一九五年四月十七日``, the year's last numeral lost) while no
    other crop reads a full date: shown, and held for review
    (``date_reread_unconfirmed``): one reading, which no second one confirms. It must
    fit the record as an agreed reading does (:func:`_fits`). True when so."""
    if len(readings) != 1:
        return False
    value, confidence, text = readings[0]
    current = reading.registration_date
    if current is not None and not value.startswith(current):
        return False
    if not _fits(value, [text], site.page_text, cert_year):
        return False
    info = reading.fields.get(KEY)
    if info is None:
        info = FieldInfo(confidence=0.0, page=site.page, bbox=list(site.bbox), source="ocr")
        reading.fields[KEY] = info
    reading.registration_date = value
    info.issues = [i for i in info.issues if i != f"{KEY}_unreadable"]
    info.issues.append("date_reread_unconfirmed")
    info.confidence = round(confidence, 4)
    reading.era = era_of(value)
    log.debug("registration date read once from its crop: held for review")
    return True
