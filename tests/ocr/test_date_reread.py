"""Re-reading the registration date from its crop: the rules, then a real engine on pages."""

from __future__ import annotations

import pytest

from ocr.date_reread import (
    DateSite,
    _another_possible_year,
    _confirm_unanchored,
    _fits,
    _only_with_mark_repair,
    _read_cleanly,
    _read_once,
    agreed_date,
    dates_read,
    reread_registration_date,
)
from ocr.result import Reading
from schemas.model import FieldInfo
from tests.ocr.conftest import render_page
from tests.ocr.forms import line


def test_each_crop_gives_its_full_date_and_a_year_one_edit_off_takes_the_certificates():
    texts = [("1961年7月6日", 0.95), ("1161年7月6日", 0.9), ("1961年7月", 0.99), ("期：", 0.5)]
    assert [v for v, _, _ in dates_read(texts, "61")] == ["1961-07-06", "1961-07-06"]


def test_a_year_that_contradicts_the_certificate_gives_no_date():
    assert dates_read([("1975年7月6日", 0.99)], "1961") == []


def test_two_crops_must_agree_and_no_crop_may_read_another_date():
    two = [("1961-07-06", 0.95, "a"), ("1961-07-06", 0.91, "b")]
    assert agreed_date(two) == ("1961-07-06", 0.91, ["a", "b"])
    assert agreed_date(two[:1]) is None
    assert agreed_date([*two, ("1961-07-08", 0.99, "c")]) is None


def test_a_reread_must_fit_the_certificate_year_and_what_was_read_page_wide():
    assert _fits("1993-09-30", ["1993.9.30"], "19:3.9.30", "1993")
    # the page saw a 0 the crop lost: 30 read as 3
    assert not _fits("1993-09-03", ["193.9.3"], "19:3.9.30", "1993")
    assert not _fits("1994-09-30", ["1994.9.30"], "", "1993")
    assert _fits("2001-08-28", ["2001-08-28"], "", "2001")
    assert not _fits("2001-08-28", ["2001-08-28"], "", None)  # nothing to check it against


def _form(date_text: str) -> list:
    return [
        line("结婚证字号：J620722-2005-000123", 100, 60),
        line("登记日期：", 100, 200),
        line(date_text, 330, 200),
    ]


def _reading(lines: list, value: str | None, issues: list[str]) -> Reading:
    reading = Reading(registration_date=value, certificate_no="J620722-2005-000123")
    reading.lines = lines
    date_box = lines[2].bbox
    reading.fields["registration_date"] = FieldInfo(
        confidence=0.0 if value is None else 0.97, page=0, bbox=date_box, issues=issues
    )
    return reading


@pytest.mark.slow
def test_an_unreadable_date_is_filled_from_its_crop(engines):
    lines = _form("2005年3月12日")
    page = render_page(lines, size=(1600, 320))
    # page-wide the box read as a fragment that keeps the date's characters in order
    lines[2] = lines[2].model_copy(update={"text": "2005年3月2日"})
    reading = _reading(lines, None, ["registration_date_unreadable"])
    assert reread_registration_date(reading, [page], engines["rapidocr"])
    assert reading.registration_date == "2005-03-12"
    info = reading.fields["registration_date"]
    assert "registration_date_unreadable" not in info.issues and info.confidence > 0.5


@pytest.mark.slow
def test_a_confident_date_the_crops_read_otherwise_goes_to_review(engines):
    lines = _form("2005年3月21日")
    page = render_page(lines, size=(1600, 320))
    reading = _reading(lines, "2005-03-01", [])  # page-wide detection lost the 2 of 21
    assert reread_registration_date(reading, [page], engines["rapidocr"])
    assert reading.registration_date == "2005-03-01"  # never replaced, only flagged
    assert "conflicting_values" in reading.fields["registration_date"].issues


@pytest.mark.slow
def test_a_reread_against_the_certificate_year_is_not_kept(engines):
    lines = _form("1995年3月12日")  # the certificate says 2005
    page = render_page(lines, size=(1600, 320))
    reading = _reading(lines, None, ["registration_date_unreadable"])
    assert not reread_registration_date(reading, [page], engines["rapidocr"])
    assert reading.registration_date is None
    assert reading.fields["registration_date"].issues == ["registration_date_unreadable"]


@pytest.mark.slow
def test_a_date_detection_missed_is_read_right_of_its_label(engines):
    lines = _form("2005年3月12日")
    page = render_page(lines, size=(1600, 320))
    reading = Reading(certificate_no="J620722-2005-000123")
    reading.lines = lines[:2]  # nothing detected beside the label
    assert reread_registration_date(reading, [page], engines["rapidocr"])
    assert reading.registration_date == "2005-03-12"
    assert reading.fields["registration_date"].page == 0


@pytest.mark.slow
def test_a_date_that_lost_its_day_is_completed_from_its_crop(engines):
    lines = _form("2005.3.12")
    page = render_page(lines, size=(1600, 320))
    lines[2] = lines[2].model_copy(update={"text": "2005.3"})
    reading = _reading(lines, "2005-03", [])
    assert reread_registration_date(reading, [page], engines["rapidocr"])
    assert reading.registration_date == "2005-03-12"


@pytest.mark.slow
def test_a_confident_date_the_crops_confirm_is_left_alone(engines):
    lines = _form("2005年3月12日")
    page = render_page(lines, size=(1600, 320))
    reading = _reading(lines, "2005-03-12", [])
    assert not reread_registration_date(reading, [page], engines["rapidocr"])
    assert reading.fields["registration_date"].issues == []


@pytest.mark.slow
def test_a_year_repaired_page_wide_is_confirmed_when_both_crops_read_it_as_written(engines):
    lines = _form("2005年3月12日")
    page = render_page(lines, size=(1600, 320))
    reading = _reading(lines, "2005-03-12", ["date_year_from_certificate"])  # read 2O0S年…
    assert reread_registration_date(reading, [page], engines["rapidocr"])
    info = reading.fields["registration_date"]
    assert info.issues == ["confirmed_by_second_reading"] and info.confidence > 0.9


@pytest.mark.slow
def test_a_repair_stays_for_review_when_the_crops_do_not_read_the_date_cleanly(engines):
    lines = _form("2005年3月")  # the day is not on the page: no crop reads the full date
    page = render_page(lines, size=(1600, 320))
    reading = _reading(lines, "2005-03-12", ["date_year_from_certificate"])
    assert not reread_registration_date(reading, [page], engines["rapidocr"])
    assert reading.fields["registration_date"].issues == ["date_year_from_certificate"]


@pytest.mark.slow
def test_a_partial_date_repaired_page_wide_is_confirmed_when_both_crops_read_it_whole(engines):
    # page-wide the leading 一 came as a dash (a repaired year) and the day was split
    # (``二—十六``: only the month kept); both crops read the whole date as written
    lines = _form("一九五二年九月二十六日")
    page = render_page(lines, size=(1600, 320))
    reading = _reading(lines, "1952-09", ["date_year_normalized"])
    reading.certificate_no = "高民婚字第556號"  # no year to check it against
    assert reread_registration_date(reading, [page], engines["rapidocr"])
    assert reading.registration_date == "1952-09-26"
    assert reading.fields["registration_date"].issues == ["confirmed_by_second_reading"]


def test_a_crop_reads_a_date_cleanly_only_as_written():
    assert _read_cleanly("1952-09-26", ["一九五二年九月二十六日", "1952.9.26"])
    assert not _read_cleanly("1952-09-26", ["一九五二年九月二十六日", "九五二年九月二十六日"])
    assert not _read_cleanly("1958-05-26", ["一九五，八年五月二十六日"])  # a speck dropped
    assert not _read_cleanly("1952-09-26", [])


@pytest.mark.parametrize(
    ("text", "current", "expected"),
    [
        ("2008-03-17", "2009-03-17", True),  # a year a registration could have
        ("1905.8.21", "1995-08-21", False),  # before any registration: a misread
        ("2905年3月12日", "2005-03-12", False),  # no real date at all
        ("19.89.8.7", "1989-08-07", False),
        ("2005年3月12日", "2005-03-12", False),  # the same year
    ],
)
def test_another_possible_year(text, current, expected):
    assert _another_possible_year(text, current) is expected


def _repaired(printed: str, certificate: str) -> tuple[Reading, list]:
    lines = _form(printed)
    reading = _reading(lines, "2005-03-12", ["date_year_from_certificate"])
    reading.certificate_no = certificate
    return reading, [render_page(lines, size=(1600, 320))]


@pytest.mark.slow
def test_a_misread_year_taken_from_the_certificate_is_confirmed_by_both_crops(engines):
    # 2905 is no year: both crops read 3月12日 with a year one edit from the certificate's
    reading, pages = _repaired("2905年3月12日", "J620722-2005-000123")
    assert reread_registration_date(reading, pages, engines["rapidocr"])
    assert reading.registration_date == "2005-03-12"
    assert reading.fields["registration_date"].issues == ["date_year_confirmed"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("printed", "certificate"),
    [
        ("2004年3月12日", "J620722-2005-000123"),  # a real other year: for a clerk
        ("2905年3月12日", "BJ620722-2005-000123"),  # a reissue carries the reissue year
    ],
)
def test_a_year_from_the_certificate_stays_for_review(engines, printed, certificate):
    reading, pages = _repaired(printed, certificate)
    reread_registration_date(reading, pages, engines["rapidocr"])
    assert "date_year_from_certificate" in reading.fields["registration_date"].issues


def _site(page_text: str) -> DateSite:
    return DateSite([], 0, (330, 200, 400, 40), page_text)


def test_a_date_one_crop_reads_in_full_is_shown_but_held():
    # page-wide 一九五年: the year's last numeral lost; one crop reads it, the other not
    reading = Reading(certificate_no="高民婚字第890號")
    readings = dates_read([("一九五一年四月十七日", 0.95), ("一九五年四月十七日", 0.93)], None)
    assert _read_once(reading, _site("一九五年四月十七日"), readings, None)
    assert reading.registration_date == "1951-04-17"
    assert reading.fields["registration_date"].issues == ["date_reread_unconfirmed"]


@pytest.mark.parametrize(
    ("texts", "page_text", "current"),
    [
        ([("2018-05-24", 0.99), ("2018-05-21", 0.97)], "2018-05", "2018-05"),  # crops disagree
        ([("九八一年七月二十日", 0.95)], "九八一年七月二十一十日", "1981-07"),  # page saw more
        ([("2018-06-24", 0.99)], "2018-05", "2018-05"),  # another month than the page's
        ([("2018-05-24", 0.99)], "", None),  # nothing to check it against
    ],
)
def test_a_single_crop_reading_that_does_not_fit_is_not_shown(texts, page_text, current):
    reading = Reading(registration_date=current)
    readings = dates_read(texts, None)
    assert not _read_once(reading, _site(page_text), readings, None)
    assert reading.registration_date == current


def test_a_date_only_a_mark_repair_gives_is_told_apart():
    assert _only_with_mark_repair("一九五五年十二月二月", "1955-12-02")
    assert _only_with_mark_repair("2019-0510", "2019-05-10")
    assert not _only_with_mark_repair("2019-05-10", "2019-05-10")
    assert not _only_with_mark_repair("九五五年十二月二日", "1955-12-02")  # another repair
    assert not _only_with_mark_repair("2019-0511", "2019-05-10")  # another date


def test_crops_that_agree_confirm_a_date_column_no_office_anchored():
    info = FieldInfo(
        confidence=0.99,
        page=0,
        bbox=[400, 300, 40, 360],
        issues=["date_from_signoff", "date_year_normalized", "date_without_office"],
        source="ocr",
    )
    readings = dates_read([("一九五三年十月八日", 0.97), ("一九五三年十月八日", 0.96)], None)
    site = _site("九五三年十月八日")
    assert _confirm_unanchored(info, "1953-10-08", readings, site, None)
    assert info.issues == ["date_from_signoff", "confirmed_by_second_reading"]
    # one crop reading another day: not confirmed, still for a clerk
    info.issues = ["date_from_signoff", "date_without_office"]
    other = [*readings, ("1953-10-09", 0.9, "一九五三年十月九日")]
    assert not _confirm_unanchored(info, "1953-10-08", other, site, None)
    assert "date_without_office" in info.issues
