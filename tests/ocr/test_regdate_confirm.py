"""A repaired reading of the registration date confirmed by another place read as written."""

from __future__ import annotations

from ocr import assess, extract_fields
from tests.ocr.forms import column, line


def _certificate(page0_date: str, page1_date: str | None, conf1: float = 0.99) -> list:
    """A 1950s vertical certificate (page 0) and its horizontal copy (page 1)."""
    lines = [
        column("結婚證", 1800, 100),
        column("高民婚字第032號", 1700, 100),
        column("茲有陳國華男年二十五歲住高臺縣城關與劉淑貞女年二十二歲住", 1500, 100),
        column("高臺縣城關自願結婚經審查合於婚姻法的規定發給此證", 1400, 100),
        column("高臺縣人民政府民政科", 800, 300),
        column(page0_date, 700, 300),
    ]
    if page1_date is not None:
        lines += [
            line("高臺縣人民政府", 700, 960, page=1),
            line(page1_date, 700, 1020, conf=conf1, page=1),
        ]
    return lines


def test_a_lost_leading_one_alone_goes_to_review():
    reading = assess(extract_fields(_certificate("九五三年三月十二日", None)))
    assert reading.registration_date == "1953-03-12"
    assert "registration_date: date_year_normalized" in reading.review_reasons


def test_a_lost_leading_one_is_confirmed_by_the_other_page_read_as_written():
    reading = assess(extract_fields(_certificate("九五三年三月十二日", "一九五三年三月十二日")))
    assert reading.registration_date == "1953-03-12"
    assert "date_year_normalized" not in reading.fields["registration_date"].issues
    assert not [r for r in reading.review_reasons if "registration_date" in r]


def test_an_unsure_clean_reading_confirms_nothing():
    lines = _certificate("九五三年三月十二日", "一九五三年三月十二日", conf1=0.8)
    reading = assess(extract_fields(lines))
    assert "registration_date: date_year_normalized" in reading.review_reasons


def test_a_clean_reading_of_another_date_confirms_nothing():
    reading = assess(extract_fields(_certificate("九五三年三月十二日", "一九五三年三月二十二日")))
    reasons = [r for r in reading.review_reasons if "registration_date" in r]
    assert "registration_date: conflicting_values" in reasons
    # the reading read as written is the one shown (surest_reading_first); neither
    # is confirmed by the other
    assert reading.registration_date == "1953-03-22"
    assert "confirmed_by_second_reading" not in reading.fields["registration_date"].issues


def test_two_repaired_readings_do_not_confirm_each_other():
    reading = assess(extract_fields(_certificate("九五三年三月十二日", "九五三年三月十二日")))
    assert "registration_date: date_year_normalized" in reading.review_reasons


def _review_form(value_y: int) -> list:
    """A printed review form whose date value sits ``value_y - 1800`` px below its label."""
    return [
        line("补发结婚证审查处理表", 600, 80),
        line("BL620722-2015-000714", 360, 250),
        line("登记日期：", 850, 1800),
        line("2015年06月01日", 1100, value_y),
    ]


def test_a_date_half_a_line_below_its_label_is_the_labelled_date():
    reading = assess(extract_fields(_review_form(1822)))  # rows overlap by 18 of 40 px
    assert reading.registration_date == "2015-06-01"
    assert reading.fields["registration_date"].confidence == 0.99
    assert not [r for r in reading.review_reasons if "registration_date" in r]


def test_a_date_a_whole_line_below_its_label_is_not_taken_for_it():
    reading = assess(extract_fields(_review_form(1836)))  # 4 of 40 px: the next row
    assert reading.registration_date is None
    assert "missing: registration_date" in reading.review_reasons


def test_of_two_conflicting_places_the_surer_reading_is_shown():
    # page 0's sign-off lost a numeral of the day at 0.93; page 1 reads it whole at 0.999
    lines = _certificate("一九五三年三月二十二日", "一九五三年三月十二日", conf1=0.999)
    lines[-3] = lines[-3].model_copy(update={"confidence": 0.93})
    reading = assess(extract_fields(lines))
    assert reading.registration_date == "1953-03-12"
    assert "registration_date: conflicting_values" in reading.review_reasons


def test_a_repaired_reading_is_not_shown_before_one_read_as_written():
    # the lost leading 一 (a repair) is surer than the other page, which is read as
    # written: the one read as written is shown; both disagree, so review
    reading = assess(
        extract_fields(_certificate("九五三年三月十二日", "一九五三年五月十二日", 0.95))
    )
    assert reading.registration_date == "1953-05-12"
    assert "registration_date: conflicting_values" in reading.review_reasons


def test_agreeing_places_keep_their_reading_order():
    lines = _certificate("一九五三年三月十二日", "一九五三年三月十二日", conf1=0.999)
    reading = assess(extract_fields(lines))
    assert reading.registration_date == "1953-03-12"
    assert reading.fields["registration_date"].page == 0
    assert not [r for r in reading.review_reasons if "registration_date" in r]
