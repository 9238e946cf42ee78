"""Field extraction on hand-built recognized lines: layouts, wordings, scripts, failures."""

from __future__ import annotations

import pytest

from ocr import assess, extract_fields
from tests.ocr.forms import (
    HUSBAND_ID,
    WIFE_ID,
    labels_above_form,
    line,
    stacked_no_heading_form,
    traditional_form,
    two_column_form,
    vertical_certificate,
)


def test_two_column_form_is_read_and_auto_accepted():
    reading = assess(extract_fields(two_column_form()))
    assert reading.record_type == "marriage"
    assert reading.registration_date == "2005-03-12"
    assert reading.certificate_no == "J620722-2005-000123"
    assert reading.office == "高台县民政局"
    husband, wife = reading.parties
    assert (husband.role, husband.name, husband.sex) == ("husband", "张建国", "M")
    assert (husband.birth_date, husband.id_number, husband.ethnicity) == (
        "1978-05-06",
        HUSBAND_ID,
        "汉",
    )
    assert (wife.role, wife.name, wife.sex, wife.birth_date) == (
        "wife",
        "李秀英",
        "F",
        "1980-01-02",
    )
    assert wife.id_number == WIFE_ID and wife.ethnicity == "回"
    assert reading.era == "2000+"
    assert reading.review_reasons == []


def test_field_boxes_point_at_the_values():
    reading = extract_fields(two_column_form())
    x, y, w, _h = reading.fields["parties[1].name"].bbox
    assert (x, y) == (1550, 480) and w == 3 * 40
    x, _, w, _ = reading.fields["registration_date"].bbox
    assert 200 + 5 * 40 <= x <= 200 + 6 * 40  # after the label and its colon


def test_header_row_table_with_row_headings():
    reading = assess(extract_fields(labels_above_form()))
    assert reading.record_type == "divorce"
    husband, wife = reading.parties
    assert (husband.name, husband.birth_date, husband.id_number) == (
        "王小明",
        "1978-05-06",
        HUSBAND_ID,
    )
    assert (wife.name, wife.birth_date, wife.id_number) == ("赵丽", "1980-01-02", WIFE_ID)
    assert reading.registration_date == "2006-07-08"
    assert reading.certificate_no == "L620722-2006-000045"
    assert reading.review_reasons == []


def test_traditional_script_ages_and_chinese_numeral_date():
    reading = assess(extract_fields(traditional_form()))
    husband, wife = reading.parties
    assert (husband.name, husband.name_simplified, husband.age) == ("陳國華", "陈国华", 25)
    assert (wife.name, wife.name_simplified, wife.age) == ("劉淑貞", "刘淑贞", 22)
    assert husband.ethnicity == "汉"  # a category: normalized
    assert reading.registration_date == "1953-03-12"
    assert reading.certificate_no == "高民婚字第032號"
    assert reading.era == "1950-55"
    assert reading.record_type == "marriage"
    assert reading.review_reasons == []  # no ID is required before 1985


def test_roles_from_sex_when_there_are_no_headings():
    reading = assess(extract_fields(stacked_no_heading_form()))
    husband, wife = reading.parties
    assert (husband.name, husband.id_number) == ("张建国", HUSBAND_ID)
    assert (wife.name, wife.id_number) == ("李秀英", WIFE_ID)
    assert reading.review_reasons == []


def test_one_wrong_id_digit_goes_to_review():
    wrong = HUSBAND_ID[:10] + str((int(HUSBAND_ID[10]) + 1) % 10) + HUSBAND_ID[11:]
    reading = assess(extract_fields(two_column_form(husband_id=wrong)))
    assert reading.parties[0].id_number == wrong  # kept as printed, flagged
    assert "id_check_digit" in reading.fields["parties[0].id_number"].issues
    assert "parties[0].id_number: id_check_digit" in reading.review_reasons


def test_id_disagreeing_with_birth_date_and_sex_is_flagged():
    other = line("身份证件号", 200, 640)
    lines = [ln for ln in two_column_form() if ln.bbox[:2] not in ([200, 640], [500, 640])]
    # the wife's ID printed in the husband's block: wrong birth date and wrong sex
    lines += [other, line(WIFE_ID, 500, 640)]
    reading = assess(extract_fields(lines))
    issues = reading.fields["parties[0].id_number"].issues
    assert "id_sex_mismatch" in issues and "id_birth_date_mismatch" in issues
    assert reading.review_reasons


def test_missing_required_field_goes_to_review():
    lines = [ln for ln in two_column_form() if "结婚证字号" not in ln.text]
    reading = assess(extract_fields(lines))
    assert reading.certificate_no is None
    assert "missing: certificate_no" in reading.review_reasons


def test_low_confidence_value_goes_to_review():
    lines = [
        line("李秀英", 1550, 480, conf=0.4) if ln.text == "李秀英" else ln
        for ln in two_column_form()
    ]
    reading = assess(extract_fields(lines))
    assert "low_confidence: parties[1].name" in reading.review_reasons


def test_fifteen_digit_id_is_kept_and_upgrade_is_labelled_derived():
    id15 = "620722780506123"
    lines = two_column_form(husband_id=id15)
    lines = [
        line("登记日期：1995年3月12日", 200, 250) if "登记日期" in ln.text else ln for ln in lines
    ]
    lines = [
        line("结婚证字号：J620722-1995-000123", 1300, 250) if "结婚证字号" in ln.text else ln
        for ln in lines
    ]
    reading = assess(extract_fields(lines))
    husband = reading.parties[0]
    assert husband.id_number == id15
    assert husband.id_number_18 is not None and husband.id_number_18.startswith("62072219780506123")
    assert "id_18_derived" in reading.fields["parties[0].id_number"].issues
    assert reading.review_reasons == []


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("结婚登记审查处理表", "marriage"),
        ("离婚登记审查处理表", "divorce"),
        ("补发结婚证审查处理表", "reissue"),
        ("撤销婚姻登记审查表", "annulment"),
    ],
)
def test_record_type_from_the_title(title, expected):
    assert extract_fields(two_column_form(title=title)).record_type == expected


def test_certificate_prefix_contradicting_the_title_is_flagged():
    reading = assess(extract_fields(two_column_form(title="离婚登记审查处理表")))
    assert "certificate_type_mismatch" in reading.fields["certificate_no"].issues
    assert reading.review_reasons


def test_names_from_the_certificate_sentence():
    lines = [
        line("结婚证", 800, 60),
        line("兹有张建国（男，二十七岁）与李秀英（女，二十五岁）自愿结婚，", 100, 200),
        line("经审查符合婚姻法关于结婚的规定，发给此证。", 100, 260),
    ]
    reading = extract_fields(lines)
    assert reading.parties[0].name == "张建国" and reading.parties[1].name == "李秀英"


def test_empty_page_gives_an_unknown_record_for_review():
    reading = assess(extract_fields([]))
    assert reading.record_type == "unknown"
    assert "missing: registration_date" in reading.review_reasons
    assert len(reading.parties) == 2 and reading.parties[0].name is None


def test_vertical_certificate_read_right_to_left():
    reading = assess(extract_fields(vertical_certificate()))
    husband, wife = reading.parties
    assert (husband.name, husband.sex, husband.age) == ("陳國華", "M", 25)
    assert (wife.name, wife.sex, wife.age) == ("劉淑貞", "F", 22)
    assert reading.registration_date == "1953-03-12"  # the date under the office (落款)
    assert "date_from_signoff" in reading.fields["registration_date"].issues
    assert reading.office == "高臺縣人民政府"
    assert reading.certificate_no == "高民婚字第032號"
    assert reading.record_type == "marriage"
    assert reading.review_reasons == []


def test_certificate_number_follows_the_script_of_a_traditional_form():
    lines = [
        line("證號：高民婚字第032号", 1200, 700) if "證號" in ln.text else ln
        for ln in traditional_form()
    ]
    assert extract_fields(lines).certificate_no == "高民婚字第032號"
    assert extract_fields(two_column_form()).certificate_no == "J620722-2005-000123"


def test_a_checked_18_digit_id_outweighs_a_modest_engine_score():
    lines = [
        line(ln.text, *ln.bbox[:2], conf=0.8) if ln.text == HUSBAND_ID else ln
        for ln in two_column_form()
    ]
    reading = assess(extract_fields(lines))
    assert reading.fields["parties[0].id_number"].confidence >= 0.95
    assert reading.review_reasons == []
    name_unsure = [
        line(ln.text, *ln.bbox[:2], conf=0.8) if ln.text == "张建国" else ln
        for ln in two_column_form()
    ]
    assert "low_confidence: parties[0].name" in assess(extract_fields(name_unsure)).review_reasons


@pytest.mark.parametrize(("age", "flagged"), [(27, False), (28, False), (29, False), (31, True)])
def test_id_vs_age_accepts_full_years_and_nominal_age(age, flagged):
    # Born 1957-09-24, registered 1985-01-01: 27 full years, 28 or 29 as 虚岁.
    wife_id = "620722570924900"
    lines = [
        line("结婚证", 800, 60),
        line(f"兹有张建国（男，27岁）与李秀英（女，{age}岁，身份证号{wife_id}）自愿结婚", 100, 200),
        line("发证机关：", 700, 900),
        line("高台县民政局", 700, 960),
        line("1985年1月1日", 700, 1020),
    ]
    reading = assess(extract_fields(lines))
    issues = reading.fields["parties[1].id_number"].issues
    assert ("id_age_mismatch" in issues) is flagged
    assert reading.parties[1].birth_date == "1957-09-24"  # no birth date printed: the ID's
    if flagged:  # the printed age contradicts the ID: emptied, and the ID goes to review
        assert reading.parties[1].age is None
        assert "parties[1].id_number: id_age_mismatch" in reading.review_reasons
    else:
        assert reading.parties[1].age == age


def test_stacked_blocks_with_one_heading_lost_fall_back_to_the_blocks():
    # 女方 was not recognized: both blocks would fall under 男方; sex decides instead
    lines = [
        line("离婚登记表", 700, 60),
        line("证号：（71）高离字第716号", 700, 130),
        line("男方", 600, 200),
        line("姓名", 200, 280),
        line("陆学", 500, 280),
        line("性别", 900, 280),
        line("男", 1100, 280),
        line("年岁", 200, 360),
        line("22", 500, 360),
        line("妨", 600, 460, conf=0.9),
        line("姓名", 200, 540),
        line("寇雪娟", 500, 540),
        line("性别", 900, 540),
        line("女", 1100, 540),
        line("年岁", 200, 620),
        line("19", 500, 620),
        line("批准日期：1971年1月23日", 200, 800),
    ]
    reading = assess(extract_fields(lines))
    husband, wife = reading.parties
    assert (husband.name, husband.sex, husband.age) == ("陆学", "M", 22)
    assert (wife.name, wife.sex, wife.age) == ("寇雪娟", "F", 19)
    assert reading.review_reasons == []


def _certificate(husband: str, wife: str) -> list:
    return [
        line("结婚证", 800, 60),
        line("J620722-2005-000123", 1200, 120),
        line(f"兹有张建国（男，{husband}）与李秀英（女，{wife}）自愿结婚", 100, 200),
        line("发证机关：", 700, 900),
        line("高台县民政局", 700, 960),
        line("2005年3月12日", 700, 1020),
    ]


def test_a_certificate_without_birth_dates_takes_them_from_the_ids():
    reading = assess(
        extract_fields(_certificate(f"26岁，身份证号{HUSBAND_ID}", f"25岁，身份证号{WIFE_ID}"))
    )
    husband, wife = reading.parties
    assert (husband.birth_date, wife.birth_date) == ("1978-05-06", "1980-01-02")
    assert reading.fields["parties[0].birth_date"].issues == ["birth_date_from_id"]
    assert reading.review_reasons == []


def test_a_birth_date_from_the_id_follows_the_precision_the_form_uses():
    reading = extract_fields(_certificate("1978年5月生", f"25岁，身份证号{WIFE_ID}"))
    assert reading.parties[0].birth_date == "1978-05"
    assert reading.parties[1].birth_date == "1980-01"


def test_a_form_with_a_birth_date_field_is_never_filled_from_the_id():
    lines = [ln for ln in two_column_form() if ln.text != "1980年1月2日"]
    reading = assess(extract_fields(lines))
    assert reading.parties[1].birth_date is None
    assert "missing: parties[1].birth_date" in reading.review_reasons


def test_a_stray_dot_after_the_sex_label_leaves_the_value_beside_it():
    lines = [
        line(ln.text + "·", *ln.bbox[:2]) if ln.text == "性别" else ln for ln in two_column_form()
    ]
    lines = [line("·男", 1080, 480) if ln.text == "男" else ln for ln in lines]
    husband, wife = extract_fields(lines).parties
    assert (husband.sex, wife.sex) == ("M", "F")


def test_a_struck_out_birth_date_gives_its_correction_and_goes_to_review():
    lines = [
        ln.model_copy(update={"text": "1980.1李21980.1.2"}) if ln.text == "1980年1月2日" else ln
        for ln in two_column_form()
    ]
    reading = assess(extract_fields(lines))
    assert reading.parties[1].birth_date == "1980-01-02"
    assert "date_struck_out_before" in reading.fields["parties[1].birth_date"].issues
    assert "parties[1].birth_date: date_struck_out_before" in reading.review_reasons
    assert reading.parties[0].birth_date == "1978-05-06"  # the other spouse's, untouched


def test_a_struck_out_age_gives_its_correction_and_goes_to_review():
    # 二十五歲 struck through and 二十六歲 written after it: the reading holds both
    lines = [
        ln.model_copy(update={"text": "年齡：二十五歲二十六歲"})
        if ln.text == "年齡：二十五歲"
        else ln
        for ln in traditional_form()
    ]
    reading = assess(extract_fields(lines))
    assert reading.parties[0].age == 26
    assert "parties[0].age: age_struck_out_before" in reading.review_reasons
    assert reading.parties[1].age == 22  # the other spouse's, untouched
