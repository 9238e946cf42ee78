"""The certificate sentence in the wordings of different decades, with OCR's losses."""

from __future__ import annotations

import pytest

from ocr import assess, extract_fields
from ocr.layout import segment_lines
from ocr.sentence import read_sentence
from schemas.model import TextLine
from tests.ocr.forms import HUSBAND_ID, WIFE_ID, column, line


def _by_slot(lines):
    out: dict[tuple[str, str], object] = {}
    for f in read_sentence(segment_lines(lines)):
        out[(str(f.slot), f.key)] = f.value
    return out


def test_brackets_with_ages_and_birth_dates():
    values = _by_slot(
        [
            line("兹有张建国（男，二十七岁）与李秀英（女，1980年1月2日生）自愿结婚，", 100, 200),
        ]
    )
    assert values[("husband", "name")] == "张建国"
    assert values[("husband", "age")] == 27
    assert values[("wife", "name")] == "李秀英"
    assert values[("wife", "birth_date")] == "1980-01-02"
    assert ("wife", "age") not in values


def test_a_bracket_lost_at_a_line_break_still_reads_both_parties():
    values = _by_slot(
        [
            line("兹有祁辉华（男，1946年2月14日", 100, 200),
            line("生）与陆琴婷", 1300, 205),
            line("女，37岁）自愿结婚，经审查合于《中华人民共和国婚姻法》", 100, 300),
        ]
    )
    assert values[("husband", "name")] == "祁辉华"
    assert values[("husband", "birth_date")] == "1946-02-14"
    assert values[("wife", "name")] == "陆琴婷"
    assert values[("wife", "age")] == 37


def test_fill_in_underscores_are_not_part_of_names():
    values = _by_slot([line("兹有徐东东（男，_28_岁）与_谢兰芳（女，25岁）自愿结婚", 100, 200)])
    assert values[("husband", "age")] == 28
    assert values[("wife", "name")] == "谢兰芳"


def test_1950s_wording_without_brackets_age_after_nian_and_address():
    # 兹有鍾榮明男年三十四歲住…與羅燕燕女年二十二歲住…  (歲 read as 崴, 與 as 興)
    lines = [
        column("兹有鍾榮明男年三十四崴住高臺縣合黎鄉東聯村興羅燕燕女年二十二崴住", 1600, 100),
        column("高臺縣駱駝城西街村自願結婚經審查合於婚姻法的規定發給此證", 1500, 100),
        column("一九五二年十一月十三日", 700, 300),
    ]
    values = _by_slot(lines)
    assert values[("husband", "name")] == "鍾榮明"
    assert values[("husband", "age")] == 34
    assert values[("wife", "name")] == "羅燕燕"
    assert values[("wife", "age")] == 22
    assert ("wife", "birth_date") not in values  # the sign-off date is nobody's birth date


def test_an_unterminated_numeral_is_not_taken_as_an_age():
    # "二十九）" lost its bracket at the line end: the numeral may have lost a digit too
    values = _by_slot(
        [
            line("兹有夏仁明（男，二十一）與曹雪桂（女，二十九", 100, 200),
            line("自結婚，經審查合於《中華人民共和國婚姻法》", 100, 300),
        ]
    )
    assert values[("husband", "age")] == 21
    assert ("wife", "age") not in values
    assert values[("wife", "name")] == "曹雪桂"


def test_ids_in_the_sentence():
    values = _by_slot(
        [
            line(f"兹有张建国（男，1978年5月6日生，身份证号{HUSBAND_ID}）与李秀英", 100, 200),
            line(f"（女，1980年1月2日生，身份证号{WIFE_ID}）自愿结婚", 100, 300),
        ]
    )
    assert values[("husband", "id_number")] == HUSBAND_ID
    assert values[("wife", "id_number")] == WIFE_ID
    assert values[("husband", "birth_date")] == "1978-05-06"


@pytest.mark.parametrize(
    "text",
    [
        "兹有张建国（男，二十七岁）与李秀英（男，二十五岁）自愿结婚",  # two husbands
        "经审查合于婚姻法关于结婚的规定，发给此证。",
        "男方签名：张建国  女方签名：李秀英",
    ],
)
def test_no_sentence_no_values(text):
    assert _by_slot([line(text, 100, 200)]) == {}


def test_sentence_agreeing_with_the_table_confirms_an_unsure_name():
    table = [
        line("补领结婚证申请书", 700, 60),
        line("男方", 200, 150),
        line("姓名", 200, 220),
        line("妥鑫", 500, 220, conf=0.88),
        line("性别", 900, 220),
        line("男", 1100, 220),
    ]
    sentence = [line("兹有妥鑫（男，48岁）与郭琴（女，28岁）申请补领结婚证", 100, 900, conf=0.97)]
    alone = assess(extract_fields(table))
    assert "low_confidence: parties[0].name" in alone.review_reasons
    both = assess(extract_fields(table + sentence))
    assert both.parties[0].name == "妥鑫"
    assert both.fields["parties[0].name"].confidence == pytest.approx(0.97)
    assert "low_confidence: parties[0].name" not in both.review_reasons


def _zhang_jianguo_table() -> list:
    """A simplified-script table naming the husband 张建国."""
    return [
        line("男方", 200, 150),
        line("姓名", 200, 220),
        line("张建国", 500, 220),
        line("性别", 900, 220),
        line("男", 1100, 220),
    ]


def test_sentence_disagreeing_with_the_table_is_a_conflict():
    table = _zhang_jianguo_table()
    sentence = [line("兹有张建图（男，27岁）与李秀英（女，25岁）自愿结婚", 100, 900)]
    reading = assess(extract_fields(table + sentence))
    assert "parties[0].name: conflicting_values" in reading.review_reasons


def test_a_sentence_cut_after_the_first_party_gives_what_its_own_line_says():
    values = _by_slot(
        [
            line("兹有额尔敦（男，一九六五年四月二十一日生，身份证号", 100, 200),
            line("身份证号620725760614204）申请补领结婚证，经审查双方婚姻", 100, 400),
        ]
    )
    assert values[("husband", "name")] == "额尔敦"
    assert values[("husband", "sex")] == "M"
    # his birth date is on his line, marked 生; the ID after the gap is the wife's
    # (a line was lost): not taken
    assert values[("husband", "birth_date")] == "1965-04-21"
    assert set(values) == {("husband", "name"), ("husband", "sex"), ("husband", "birth_date")}


def test_a_cut_sentence_takes_no_unmarked_date_from_the_next_line():
    values = _by_slot(
        [
            line("兹有额尔敦（男，", 100, 200),
            line("1970年7月", 100, 300),
        ]
    )
    assert set(values) == {("husband", "name"), ("husband", "sex")}


def test_a_stray_mark_between_name_and_bracket_is_skipped():
    values = _by_slot(
        [line("兹有寇兵卫.（男，27岁）与戴丽琴(女，18岁）申请补领结婚证，", 100, 200)]
    )
    assert values[("husband", "name")] == "寇兵卫"
    assert values[("husband", "age")] == 27
    assert values[("wife", "name")] == "戴丽琴"
    assert values[("wife", "sex")] == "F"
    assert values[("wife", "age")] == 18


@pytest.mark.parametrize("mark", ['"', "“", "'", "’"])
def test_a_speck_read_as_a_quote_before_the_bracket_is_skipped(mark: str) -> None:
    values = _by_slot(
        [
            line(f"兹有谭浩（男，21岁)与尹云淑{mark}(女,", 100, 200),
            line("1945年9月生）自愿结婚，经审查合于《中华人民共和国婚姻", 100, 260),
        ]
    )
    assert values[("wife", "name")] == "尹云淑"
    assert values[("wife", "sex")] == "F"
    assert values[("wife", "birth_date")] == "1945-09"
    assert values[("husband", "name")] == "谭浩"


@pytest.mark.parametrize("speck", ["！", "!", ".", "、", "："])
def test_a_speck_after_the_bracket_is_not_the_connector_when_yu_follows(speck: str) -> None:
    """``）!与欧阳桂（女``: the speck is skipped and 与 joins, not starts, the name."""
    values = _by_slot(
        [
            line("兹有王国平（男，一九六三年五月生，身份证号620722630512011", 100, 200),
            line(f"）{speck}", 100, 260),
            line("与欧阳桂（女，一九六五年十二月生，", 300, 260),
        ]
    )
    assert values[("wife", "name")] == "欧阳桂"
    assert values[("husband", "name")] == "王国平"


def test_a_single_character_after_the_bracket_is_still_the_connector() -> None:
    values = _by_slot([line("兹有王国平（男，28岁）興欧阳桂（女，25岁）自愿结婚", 100, 200)])
    assert values[("wife", "name")] == "欧阳桂"


def test_a_quote_is_not_taken_into_the_name() -> None:
    values = _by_slot([line("兹有张建国”（男，27岁）与李秀英（女，25岁）自愿结婚", 100, 200)])
    assert values[("husband", "name")] == "张建国"


def test_names_set_off_by_commas_are_read():
    values = _by_slot(
        [line("兹有张建国，男，二十七岁，与李秀英，女，二十五岁，自愿结婚", 100, 200)]
    )
    assert (values[("husband", "name")], values[("wife", "name")]) == ("张建国", "李秀英")
    assert (values[("husband", "sex")], values[("wife", "sex")]) == ("M", "F")


@pytest.mark.parametrize("unit", ["歲", "崴", "蕨", "茂", "葳"])
def test_an_age_whose_unit_ocr_misread_is_still_the_age(unit):
    # 兹有火喜發（男，二十四歲）與陶霞娟（女，六十二歲）: handwritten 歲 comes back as a
    # look-alike; the numeral before it is the age all the same.
    values = _by_slot(
        [line(f"兹有火喜發（男，二十四{unit}）與陶霞娟（女，六十二{unit}）自願離婚", 100, 200)]
    )
    assert values[("husband", "age")] == 24
    assert values[("wife", "age")] == 62


def test_a_numeral_before_a_date_unit_is_not_an_age():
    # 二十四日 is a day, not an age: the sentence gives no age for this party.
    values = _by_slot(
        [line("兹有张建国（男，二十四日）与李秀英（女，二十三岁）自愿结婚", 100, 200)]
    )
    assert ("husband", "age") not in values
    assert values[("wife", "age")] == 23


def _traditional_table_and_sentence(table_name: str, sentence_name: str) -> list:
    return [
        line("結婚登記申請書", 700, 60),
        line("男方", 600, 150),
        line("女方", 1200, 150),
        line("姓名", 200, 220),
        line(table_name, 600, 220, conf=0.93),
        line("劉淑貞", 1200, 220),
        line("性別", 200, 300),
        line("男", 600, 300),
        line("女", 1200, 300),
        line("年齡", 200, 380),
        line("二十五歲", 600, 380),
        line("二十二歲", 1200, 380),
        line("民族", 200, 460),
        line("漢", 600, 460),
        line("漢", 1200, 460),
        line(
            f"茲有{sentence_name}（男，二十五歲）與劉淑貞（女，二十二歲）自願結婚，經審查合於"
            "《中華人民共和國婚姻法》關於結婚的規定，發給此證。",
            100,
            900,
            conf=0.97,
        ),
        line("登記日期：一九五三年三月十二日", 200, 1100),
        line("證號：高民婚字第032號", 1200, 1100),
    ]


def test_a_name_read_in_either_script_on_a_traditional_form_is_one_name():
    # 邵福強 on a 1950s form: the table cell was answered 邵福强, the sentence 邵福強.
    reading = assess(extract_fields(_traditional_table_and_sentence("邵福强", "邵福強")))
    assert reading.traditional
    assert reading.parties[0].name == "邵福強"
    issues = reading.fields["parties[0].name"].issues
    assert "conflicting_values" not in issues
    # the surer reading of the same name counts (0.97 in the sentence)
    assert reading.fields["parties[0].name"].confidence == pytest.approx(0.97)


def test_an_ambiguous_simplified_reading_still_conflicts_on_a_traditional_form():
    # 钟 is 鍾 or 鐘: the table's 钟榮明 does not tell which, the sentence says 鐘.
    reading = assess(extract_fields(_traditional_table_and_sentence("钟榮明", "鐘榮明")))
    assert "parties[0].name: conflicting_values" in reading.review_reasons


def test_different_characters_still_conflict_on_a_traditional_form():
    reading = assess(extract_fields(_traditional_table_and_sentence("邵福強", "邵福康")))
    assert "parties[0].name: conflicting_values" in reading.review_reasons


def test_script_variants_on_a_simplified_form_still_conflict():
    # On a form in simplified script a traditional answer is not the printed name.
    table = _zhang_jianguo_table()
    sentence = [line("兹有張建國（男，27岁）与李秀英（女，25岁）自愿结婚", 100, 900)]
    reading = assess(extract_fields(table + sentence))
    assert not reading.traditional
    assert "parties[0].name: conflicting_values" in reading.review_reasons


def test_a_name_cut_across_two_boxes_is_only_as_sure_as_the_weaker_box():
    found = read_sentence(
        segment_lines(
            [
                line("兹有张建国（男，25岁）与李秀", 100, 200, conf=0.99),
                TextLine(
                    text="英（女，23岁）自愿结婚，", bbox=[1250, 200, 480, 40], confidence=0.7
                ),
            ]
        )
    )
    wife_name = next(f for f in found if f.key == "name" and str(f.slot) == "wife")
    assert wife_name.value == "李秀英"
    assert wife_name.confidence == pytest.approx(0.7)
    husband_name = next(f for f in found if f.key == "name" and str(f.slot) == "husband")
    assert husband_name.confidence == pytest.approx(0.99)


def test_a_fill_in_written_low_stays_on_its_row():
    # 27 sits below 兹有's box but overlaps the 岁 beside it: one row, read in order
    values = _by_slot(
        [
            line("牛福", 300, 190),
            line("兹有", 100, 215),
            line("（男，25岁）与梁月旻（女，", 380, 200),
            TextLine(text="27", bbox=[1400, 232, 60, 40], confidence=0.99),
            line("岁）自愿结婚，", 1470, 212),
            line("经审查合于《中华人民共和国婚姻法》", 100, 300),
        ]
    )
    assert values[("husband", "name")] == "牛福"
    assert values[("husband", "age")] == 25
    assert values[("wife", "name")] == "梁月旻"
    assert values[("wife", "age")] == 27


def test_an_unreadable_first_name_leaves_the_second_party_readable():
    values = _by_slot(
        [
            line("兹有#（男，49岁）与安月（女，一九四三年六月", 100, 200),
            line("生）自愿离婚，经审查合于《中华人民共和国婚姻法》关于离婚的", 100, 300),
        ]
    )
    assert values[("wife", "name")] == "安月"
    assert values[("wife", "birth_date")] == "1943-06"
    assert not any(slot == "husband" for slot, _ in values)


def test_two_parties_of_one_sex_after_an_unreadable_name_are_not_read():
    assert _by_slot([line("兹有#（女，49岁）与安月（女，二十岁）自愿结婚", 100, 200)]) == {}
