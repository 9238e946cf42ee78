"""A certificate sentence the page detection lost is detected again in its band."""

from __future__ import annotations

import numpy as np

from ocr import extract_fields
from ocr.sentence_band import _drop_repeats, recover_sentence_lines, sentence_band
from schemas.model import TextLine
from tests.ocr.conftest import render_page
from tests.ocr.forms import SENTENCE, column, line, sentence_certificate


def _without_sentence(lines):
    """The page's lines as the detector returned them when it missed the sentence."""
    return [ln for ln in lines if ln.text != SENTENCE]


def test_the_band_lies_between_the_certificate_number_and_the_continuation():
    lines = _without_sentence(sentence_certificate())
    # 高民婚字第123号 ends at y = 160 + 40; 经审查符合婚姻法… ends at 380 + 40
    assert sentence_band(lines) == (200, 420)


def _opening_only(lines):
    """The page's lines when the detector kept only the printed 兹有 of the sentence."""
    return [line("兹有", 100, 300) if ln.text == SENTENCE else ln for ln in lines]


def test_with_the_opening_read_the_band_runs_from_the_line_above_it_to_the_continuation():
    # the number above ends at y = 200, the continuation below ends at 380 + 40
    assert sentence_band(_opening_only(sentence_certificate())) == (200, 420)


def test_a_continuation_on_the_openings_own_row_closes_the_band_there():
    lines = [
        line("结婚证", 900, 60),
        line("（76）高婚字第192号", 1500, 160),
        line("兹有", 100, 300),
        line("1955年5月31日", 900, 302),
        line("生）自愿结婚，经审查合于", 1500, 298),
        line("《中华人民共和国婚姻法》关于结婚的规定，发给此证。", 100, 420),
    ]
    assert sentence_band(lines) == (200, 338)


def test_a_reissue_certificate_continues_with_its_request_cut_from_the_opening_row():
    # 兹有熊海兵（男，…）与钟静巧（女，…）申请 / 补领结婚证，…特予补发: the row holding
    # 申请 was lost, the next row begins with 补领结婚证
    lines = [
        line("结婚证", 900, 60),
        line("(59)高婚字第626号", 1500, 160),
        line("兹有熊海兵(男，", 100, 300),
        line("补领结婚证，经审查双方婚姻关系属实，原证遗失，特予补发。", 100, 400),
    ]
    # from the number's bottom (200) to the continuation's (440)
    assert sentence_band(lines) == (200, 440)


def test_an_opening_without_any_continuation_has_no_band():
    lines = [line("结婚证", 900, 60), line("兹有", 100, 300), line("高台县民政局", 900, 600)]
    assert sentence_band(lines) is None


def test_repeated_characters_of_overlapping_band_boxes_are_taken_once():
    # 兹有姚东 ends at x = 260; the next box starts inside it, on 东 again
    first = TextLine(text="兹有姚东", bbox=[100, 300, 160, 40], confidence=0.97)
    second = TextLine(text="东（男，", bbox=[225, 302, 160, 40], confidence=0.98)
    kept = _drop_repeats([second, first])
    assert [ln.text for ln in kept] == ["兹有姚东", "（男，"]
    assert kept[1].bbox[0] >= 260


def test_overlapping_boxes_with_different_characters_are_both_kept():
    # a duplicate read as another character cannot be told from the real one
    first = TextLine(text="岁）与范琴秀", bbox=[100, 300, 240, 40], confidence=0.93)
    second = TextLine(text="参（女，", bbox=[310, 302, 160, 40], confidence=0.74)
    assert [ln.text for ln in _drop_repeats([first, second])] == ["岁）与范琴秀", "参（女，"]


def test_a_page_without_the_sentence_wording_has_no_band():
    lines = [line("离婚登记申请书", 700, 60), line("证号：L620722-2015-000091", 1200, 160)]
    assert sentence_band(lines) is None


def test_a_continuation_with_no_number_or_title_above_has_no_band():
    assert sentence_band([line("经审查符合婚姻法的规定，发给此证。", 100, 380)]) is None


def test_a_vertical_page_has_no_band():
    lines = [
        column("結婚證", 1800, 100),
        column("高民婚字第032號", 1700, 100),
        column("經審查合於婚姻法的規定，發給此證。", 1300, 100),
    ]
    assert sentence_band(lines) is None


def test_the_lost_sentence_is_read_again_from_its_band(engines):
    printed = sentence_certificate()
    page = render_page(printed, size=(1500, 800))
    lost = _without_sentence(printed)
    assert not extract_fields(lost).parties[0].name
    lines = recover_sentence_lines(lost, [page], engines["rapidocr"])
    reading = extract_fields(lines)
    husband, wife = reading.parties
    assert (husband.name, husband.sex, husband.age) == ("张建国", "M", 25)
    assert (wife.name, wife.sex, wife.age) == ("李秀英", "F", 23)
    # the band's lines stand where the sentence was, on its page
    assert all(ln.page == 0 for ln in lines)
    assert any("兹有" in ln.text and 200 <= ln.bbox[1] < 420 for ln in lines)


def test_fill_ins_lost_after_a_read_opening_are_read_again_from_the_band(engines):
    printed = sentence_certificate()
    page = render_page(printed, size=(1500, 800))
    lost = _opening_only(printed)
    assert not extract_fields(lost).parties[0].name
    reading = extract_fields(recover_sentence_lines(lost, [page], engines["rapidocr"]))
    husband, wife = reading.parties
    assert (husband.name, husband.sex, husband.age) == ("张建国", "M", 25)
    assert (wife.name, wife.sex, wife.age) == ("李秀英", "F", 23)


def test_a_blank_band_changes_nothing(engines):
    lost = _without_sentence(sentence_certificate())
    page = render_page(lost, size=(1500, 800))  # the page really has no sentence
    assert recover_sentence_lines(lost, [page], engines["rapidocr"]) == lost


def test_a_record_with_both_names_is_left_as_it_is(engines):
    lines = sentence_certificate()
    blank = np.full((800, 1500, 3), 255, dtype=np.uint8)
    assert recover_sentence_lines(lines, [blank], engines["rapidocr"]) == lines
