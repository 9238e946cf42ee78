"""The registration date from the labelled field and the sign-off, and its year checks."""

from __future__ import annotations

import pytest

from ocr import assess, extract_fields
from ocr.regdate import label_residue, year_from_certificate
from ocr.rules import certificate_year
from tests.ocr.forms import column, line, two_column_form


def _with_date(text: str, cert: str = "结婚证字号：J620722-2005-000123") -> list:
    out = []
    for ln in two_column_form():
        if ln.text.startswith("登记日期"):
            ln = line(f"登记日期：{text}", 200, 250)
        elif ln.text.startswith("结婚证字号"):
            ln = line(cert, 1300, 250)
        out.append(ln)
    return out


def _signoff(date: str, page: int = 1) -> list:
    return [
        line("结婚证", 800, 60, page=page),
        line("发证机关：", 700, 900, page=page),
        line("高台县民政局", 700, 960, page=page),
        line(date, 700, 1020, page=page),
    ]


def test_a_labelled_date_with_a_lost_digit_gives_way_to_the_signoff_date():
    reading = assess(extract_fields(_with_date("205年3月12日") + _signoff("2005年3月12日")))
    assert reading.registration_date == "2005-03-12"
    assert reading.review_reasons == []


def test_a_signoff_date_the_unreadable_one_contradicts_goes_to_review():
    reading = assess(extract_fields(_with_date("205年4月12日") + _signoff("2005年3月12日")))
    assert reading.registration_date == "2005-03-12"
    assert "registration_date: conflicting_values" in reading.review_reasons


def test_two_readings_of_the_date_that_disagree_go_to_review():
    reading = assess(extract_fields(_with_date("2005年3月12日") + _signoff("2005年3月13日")))
    assert "registration_date: conflicting_values" in reading.review_reasons


def test_the_signoff_of_a_vertical_certificate_without_labels():
    lines = [
        column("結婚證", 1800, 100),
        column("茲有陳國華男年二十五歲住高臺縣城關與劉淑貞女年二十二歲住", 1500, 100),
        column("高臺縣城關自願結婚經審查合於婚姻法的規定發給此證", 1400, 100),
        column("高臺縣人民政府民政科", 800, 300),
        column("一九五三年三月十二日", 700, 300),
    ]
    reading = assess(extract_fields(lines))
    assert reading.registration_date == "1953-03-12"
    assert "date_from_signoff" in reading.fields["registration_date"].issues
    assert (reading.parties[0].name, reading.parties[0].age) == ("陳國華", 25)
    assert (reading.parties[1].name, reading.parties[1].age) == ("劉淑貞", 22)


def test_a_year_confusion_confirmed_by_the_certificate_is_accepted():
    reading = assess(extract_fields(_with_date("200５年3月12日".replace("５", "S"))))
    assert reading.registration_date == "2005-03-12"
    assert "date_year_confirmed" in reading.fields["registration_date"].issues
    assert reading.review_reasons == []


def test_a_year_confusion_the_certificate_does_not_confirm_goes_to_review():
    reading = assess(extract_fields(_with_date("200S年3月12日", "结婚证字号：J620722-2008-000123")))
    assert "registration_date: date_year_normalized" in reading.review_reasons
    # one edit from the certificate's year: its year is proposed, never confirmed by it
    reading = assess(extract_fields(_with_date("200S年3月12日", "结婚证字号：J620722-2006-000123")))
    assert reading.registration_date == "2006-03-12"
    assert "registration_date: date_year_from_certificate" in reading.review_reasons
    assert "date_year_confirmed" not in reading.fields["registration_date"].issues


def test_a_confusion_in_month_or_day_is_never_confirmed_by_the_year():
    reading = assess(extract_fields(_with_date("2005年3月l2日")))
    assert reading.registration_date == "2005-03-12"
    assert "registration_date: date_digits_normalized" in reading.review_reasons


def test_an_unreadable_year_is_taken_from_the_certificate_but_reviewed():
    reading = assess(extract_fields(_with_date("1005年3月12日")))
    assert reading.registration_date == "2005-03-12"
    assert "registration_date: date_year_from_certificate" in reading.review_reasons


@pytest.mark.parametrize(
    ("text", "cert_year", "expected"),
    [
        ("1092年5月3日", "1992", "1992-05-03"),
        ("11997年12月7日", "1997", "1997-12-07"),  # one digit too many
        ("11197年12月7日", "1997", None),  # two edits: not repaired
        ("197.6.20", "87", "1987-06-20"),
        ("1951.10.8", "91", "1991-10-08"),
        ("1951.10.8", "83", None),  # two digits apart: not a misread of that year
        ("280年", "80", None),  # no month and day
        ("1092年5月3日", None, None),
        ("一次六一年七月十日", "61", "1961-07-10"),  # 九 read as 次, Chinese numerals
        ("一九六一年七月十日", "1961", "1961-07-10"),
        ("次六一年七月十日", "61", None),  # two edits from 一九六一
        ("一九七〇年七月十日", "61", None),
        ("一次六一年七月", "61", None),  # no day
        ("：1092年5月3日", "1992", "1992-05-03"),  # the label's colon at the crop's edge
    ],
)
def test_year_from_certificate(text, cert_year, expected):
    assert year_from_certificate(text, cert_year) == expected


@pytest.mark.parametrize(
    ("cert", "year"),
    [
        ("J620722-2005-000123", "2005"),
        ("BL620722-1999-000001", "1999"),
        ("(85)高婚字第123号", "85"),
        ("（1985）高婚字第123号", "1985"),
        ("高民婚字第032號", None),
        (None, None),
    ],
)
def test_certificate_year(cert, year):
    assert certificate_year(cert) == year


def test_a_local_certificate_year_contradicting_the_date_is_flagged():
    reading = assess(extract_fields(_with_date("1991年10月8日", "证书编号：(83)高民婚字第843号")))
    assert reading.registration_date == "1991-10-08"
    assert "certificate_no: certificate_year_mismatch" in reading.review_reasons


def test_a_date_year_one_edit_from_the_certificate_year_is_repaired_for_review():
    reading = assess(extract_fields(_with_date("1951年10月8日", "证书编号：(91)高民婚字第843号")))
    assert reading.registration_date == "1991-10-08"
    assert "registration_date: date_year_from_certificate" in reading.review_reasons


def test_a_year_split_by_a_speck_is_read_only_as_the_certificates_year():
    assert year_from_certificate("19.89.8.7", "1989") == "1989-08-07"
    assert year_from_certificate("19.89.8.7", "89") == "1989-08-07"
    assert year_from_certificate("19.89.8.7", "1988") is None
    assert year_from_certificate("19.89.8.7", None) is None


def test_a_partial_date_the_signoff_continues_gives_way_to_it():
    # 日 and the last numeral of the day lost in the labelled field: 三十 may be
    # the 30th or the 31st; the sign-off reads the whole date, in the same characters
    lines = _with_date("二〇〇五年三月三十", "结婚证字号：J620722-2005-000123")
    reading = assess(extract_fields(lines + _signoff("二〇〇五年三月三十一日")))
    assert reading.registration_date == "2005-03-31"
    assert not [r for r in reading.review_reasons if "registration_date" in r]


def test_a_partial_date_the_signoff_contradicts_still_goes_to_review():
    lines = _with_date("二〇〇五年四月三十", "结婚证字号：J620722-2005-000123")
    reading = assess(extract_fields(lines + _signoff("二〇〇五年三月三十一日")))
    assert "registration_date: conflicting_values" in reading.review_reasons


def test_a_speck_inside_the_year_the_certificate_states_is_accepted():
    # 一九五八年 with a comma read between 五 and 八; the certificate is of (58)
    reading = assess(extract_fields(_with_date("一九五，八年五月二十六日", "(58)高婚字第663号")))
    assert reading.registration_date == "1958-05-26"
    assert "date_year_confirmed" in reading.fields["registration_date"].issues
    # the form's parties are of the 2000s: only the date's own reasons matter here
    assert [r for r in reading.review_reasons if r.startswith("registration_date")] == []


def test_a_speck_inside_a_year_the_certificate_does_not_state_goes_to_review():
    reading = assess(extract_fields(_with_date("一九五，八年五月二十六日", "(59)高婚字第663号")))
    assert "registration_date: date_digits_normalized" in reading.review_reasons
    # no certificate year at all: nothing confirms the year either
    reading = assess(extract_fields(_with_date("一九五，八年五月二十六日", "高民婚字第663號")))
    assert "registration_date: date_digits_normalized" in reading.review_reasons


def test_a_speck_in_the_day_is_not_confirmed_by_the_certificate_year():
    # 二十，一日: the speck may stand where a numeral was lost (二十 / 二十一)
    reading = assess(extract_fields(_with_date("一九五八年五月二十，一日", "(58)高婚字第663号")))
    assert "registration_date: date_digits_normalized" in reading.review_reasons


def _label_then_date(label_text: str) -> list:
    """The two-column form with its date label's line and the date beside it as
    detection split them: what OCR made of the colon stays with the label."""
    out = []
    for ln in two_column_form():
        if ln.text.startswith("登记日期"):
            out += [
                line(label_text, 200, 250),
                line("2005年3月12日", 260 + 40 * len(label_text), 252),
            ]
        else:
            out.append(ln)
    return out


@pytest.mark.parametrize("label_text", ["登记时间问：", "登记日期：1", "批准日期首"])
def test_the_rest_of_a_labels_line_does_not_hide_the_date_beside_it(label_text):
    reading = assess(extract_fields(_label_then_date(label_text)))
    assert reading.registration_date == "2005-03-12"
    assert reading.review_reasons == []


def test_a_label_residue_that_the_date_beside_it_does_not_hold_goes_to_review():
    # ``3`` is a date character the date 2005年4月12日 lacks: it may be a lost day
    lines = [ln for ln in _label_then_date("登记日期：3") if "2005年3月12日" not in ln.text]
    lines.append(line("2005年4月12日", 260 + 40 * 6, 252))
    reading = assess(extract_fields(lines))
    assert "registration_date: conflicting_values" in reading.review_reasons


@pytest.mark.parametrize(
    ("text", "residue"),
    [("问", True), ("1", True), ("：首", True), ("2005", False), ("年", False), ("三月", False)],
)
def test_label_residue(text, residue):
    assert label_residue(text) == residue


def _vertical_without_office(*dates: str) -> list:
    lines = [
        column("結婚證", 1800, 100),
        column("茲有陳國華男年二十五歲住高臺縣城關與劉淑貞女年二十二歲住", 1500, 100),
        column("高臺縣城關自願結婚經審查合於婚姻法的規定發給此證", 1400, 100),
        column("高民婚字第032號", 1300, 100),
    ]
    return lines + [column(d, 700 - 100 * i, 300) for i, d in enumerate(dates)]


def test_the_one_date_column_of_a_vertical_certificate_without_its_office_is_held():
    reading = assess(extract_fields(_vertical_without_office("一九五三年十月八日")))
    assert reading.registration_date == "1953-10-08"
    assert "registration_date: date_without_office" in reading.review_reasons


def test_a_vertical_date_column_that_lost_its_leading_yi_is_shown_for_review():
    reading = assess(extract_fields(_vertical_without_office("九五三年十月八日")))
    assert reading.registration_date == "1953-10-08"
    assert {"date_without_office", "date_year_normalized"} <= set(
        reading.fields["registration_date"].issues
    )


def test_two_date_columns_without_an_office_give_no_date():
    reading = assess(
        extract_fields(_vertical_without_office("一九五三年十月八日", "一九五三年十月九日"))
    )
    assert reading.registration_date is None


def test_a_date_column_under_its_office_is_no_unanchored_date():
    lines = [*_vertical_without_office("一九五三年十月八日"), column("高臺縣人民政府", 800, 300)]
    reading = assess(extract_fields(lines))
    assert reading.registration_date == "1953-10-08"
    assert "date_without_office" not in reading.fields["registration_date"].issues
