"""The verdict: names that lost a character or came back in the wrong script go to review."""

from __future__ import annotations

from ocr import assess, extract_fields
from ocr.rules import simplified_spelling
from schemas.model import TextLine
from tests.ocr.forms import CHAR, line, traditional_form, two_column_form


def _replace(lines: list[TextLine], text: str, new: TextLine) -> list[TextLine]:
    return [new if ln.text == text else ln for ln in lines]


def test_a_name_box_wide_enough_for_another_character_goes_to_review():
    # "张建国" recognized as "张建" in a box three characters wide: a character was dropped
    wide = TextLine(text="张建", bbox=[450, 480, 3 * CHAR, CHAR], confidence=0.99, page=0)
    reading = assess(extract_fields(_replace(two_column_form(), "张建国", wide)))
    assert reading.parties[0].name == "张建"
    assert "parties[0].name: name_box_wider_than_text" in reading.review_reasons


def test_a_name_box_that_fits_its_characters_is_fine():
    fitting = TextLine(text="张建", bbox=[450, 480, 2 * CHAR, CHAR], confidence=0.99, page=0)
    reading = assess(extract_fields(_replace(two_column_form(), "张建国", fitting)))
    assert reading.parties[0].name == "张建"
    assert reading.review_reasons == []


def test_a_simplified_name_on_a_traditional_form_is_written_back_when_unambiguous():
    # 陈 has one traditional form (陳): the model answered simplified for a 1950s glyph
    assert assess(extract_fields(traditional_form())).review_reasons == []
    lines = _replace(traditional_form(), "姓名：陳國華", line("姓名：陈國華", 200, 280))
    reading = assess(extract_fields(lines))
    assert reading.parties[0].name == "陳國華"
    assert reading.parties[0].name_simplified == "陈国华"
    assert "name_in_document_script" in reading.fields["parties[0].name"].issues
    assert reading.review_reasons == []


def test_a_simplified_name_with_two_traditional_forms_goes_to_review():
    # 钟 is 鍾 (a surname) or 鐘 (a bell): which one the form prints is not known
    lines = _replace(traditional_form(), "姓名：陳國華", line("姓名：钟國華", 200, 280))
    reading = assess(extract_fields(lines))
    assert reading.parties[0].name == "钟國華"
    assert "parties[0].name: name_script_mismatch" in reading.review_reasons


def test_a_simplified_form_may_hold_any_name():
    lines = _replace(two_column_form(), "张建国", line("張建国", 450, 480))
    assert assess(extract_fields(lines)).review_reasons == []


def test_a_traditional_name_on_a_simplified_form_is_written_in_its_script():
    # a form of 2005 records names in simplified script: 黃 is the model's answer for 黄
    lines = _replace(two_column_form(), "李秀英", line("黃秀靜", 1550, 480))
    reading = assess(extract_fields(lines))
    assert reading.parties[1].name == "黄秀静"
    assert "name_in_document_script" in reading.fields["parties[1].name"].issues
    assert reading.review_reasons == []


def test_characters_the_simplified_script_keeps_for_names_stay_as_read():
    # 昇 is a character of its own in simplified script (升's only form is 升);
    # 乾 and the surname 於 are kept by the name rules
    assert simplified_spelling("姜保昇") == "姜保昇"
    assert simplified_spelling("於乾") == "於乾"
    assert simplified_spelling("蕭萍犇") == "萧萍犇"
    assert simplified_spelling("鍾敏敏") == "钟敏敏"
    lines = _replace(two_column_form(), "张建国", line("姜保昇", 450, 480))
    reading = assess(extract_fields(lines))
    assert reading.parties[0].name == "姜保昇"
    assert "name_in_document_script" not in reading.fields["parties[0].name"].issues


def test_a_form_without_a_date_keeps_the_name_as_read():
    # no registration date: the era, and so the script of the names, is not known
    lines = [ln for ln in two_column_form() if not ln.text.startswith("登记日期")]
    lines = _replace(lines, "李秀英", line("黃秀靜", 1550, 480))
    assert extract_fields(lines).parties[1].name == "黃秀靜"


def test_a_traditional_form_read_partly_in_simplified_is_still_traditional():
    # OCR answers 别, 岁, 项 for 別, 歲, 項: the local certificate number keeps 號
    lines = [
        line("離婚登記表", 800, 60),
        line("離婚證字號：高民離字第829号", 200, 140),
        line("项目", 200, 200),
        line("男方", 600, 200),
        line("女方", 1200, 200),
        line("姓名", 200, 280),
        line("陳國華", 600, 280),
        line("劉淑貞", 1200, 280),
        line("性别", 200, 360),
        line("男", 600, 360),
        line("女", 1200, 360),
        line("年岁", 200, 440),
        line("二十五岁", 600, 440),
        line("二十二岁", 1200, 440),
        line("登記時間：一九五三年三月十二日", 200, 700),
    ]
    reading = assess(extract_fields(lines))
    assert reading.certificate_no == "高民離字第829號"
    assert (reading.parties[0].age, reading.parties[1].age) == (25, 22)


def test_an_unsure_birth_date_that_the_id_states_too_is_confirmed():
    unsure = line("1980年1月2日", 1550, 560, conf=0.8)
    reading = assess(extract_fields(_replace(two_column_form(), "1980年1月2日", unsure)))
    assert reading.parties[1].birth_date == "1980-01-02"
    assert "confirmed_by_id" in reading.fields["parties[1].birth_date"].issues
    assert reading.review_reasons == []


def test_an_unsure_birth_date_the_id_contradicts_goes_to_review():
    unsure = line("1980年1月3日", 1550, 560, conf=0.8)
    reading = assess(extract_fields(_replace(two_column_form(), "1980年1月2日", unsure)))
    assert "low_confidence: parties[1].birth_date" in reading.review_reasons
    assert "parties[1].id_number: id_birth_date_mismatch" in reading.review_reasons


def test_a_traditional_office_on_a_simplified_form_is_written_in_its_script():
    # PP-OCRv6 answers 委員會 for the printed 委员会 of a 1956-on form
    lines = _replace(
        two_column_form(), "登记机关：高台县民政局", line("登记机关：高台县人民委員會", 200, 900)
    )
    reading = assess(extract_fields(lines))
    assert reading.office == "高台县人民委员会"
    assert "office_in_document_script" in reading.fields["office"].issues
    assert reading.review_reasons == []


def test_an_office_on_a_traditional_form_stays_as_read():
    reading = extract_fields(traditional_form())
    assert reading.traditional
    assert reading.office is None or "office_in_document_script" not in (
        reading.fields["office"].issues if "office" in reading.fields else []
    )


def _struck_wife(*elsewhere: TextLine) -> list[TextLine]:
    lines = [ln for ln in two_column_form() if ln.text != "李秀英"]
    return [*lines, line("李秀莲 李秀英", 1550, 480), *elsewhere]


def test_a_struck_out_name_is_held_unless_the_record_writes_its_correction_alone():
    reading = assess(extract_fields(_struck_wife()))
    assert reading.parties[1].name == "李秀英"
    assert "parties[1].name: name_struck_out_before" in reading.review_reasons
    signed = [line("女方签名：", 1300, 900), line("李秀英", 1600, 900)]
    reading = assess(extract_fields(_struck_wife(*signed)))
    assert "name_correction_confirmed" in reading.fields["parties[1].name"].issues
    assert reading.review_reasons == []


def test_a_correction_is_not_confirmed_by_an_unsure_reading_or_the_struck_name_alone():
    unsure = [line("女方签名：", 1300, 900), line("李秀英", 1600, 900, conf=0.9)]
    reading = assess(extract_fields(_struck_wife(*unsure)))
    assert "parties[1].name: name_struck_out_before" in reading.review_reasons
    both = [line("李秀英", 1600, 900), line("李秀莲", 1600, 960)]
    reading = assess(extract_fields(_struck_wife(*both)))
    assert "parties[1].name: name_struck_out_before" in reading.review_reasons
