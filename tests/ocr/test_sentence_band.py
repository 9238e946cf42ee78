"""A certificate sentence the page detection lost is detected again in its band."""

from __future__ import annotations

import numpy as np

from ocr import extract_fields
from ocr.sentence_band import recover_sentence_lines, sentence_band
from tests.ocr.conftest import render_page
from tests.ocr.forms import SENTENCE, column, line, sentence_certificate


def _without_sentence(lines):
    """The page's lines as the detector returned them when it missed the sentence."""
    return [ln for ln in lines if ln.text != SENTENCE]


def test_the_band_lies_between_the_certificate_number_and_the_continuation():
    lines = _without_sentence(sentence_certificate())
    # 高民婚字第123号 ends at y = 160 + 40; 经审查符合婚姻法… ends at 380 + 40
    assert sentence_band(lines) == (200, 420)


def test_a_page_whose_sentence_was_read_has_no_band():
    assert sentence_band(sentence_certificate()) is None


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


def test_a_blank_band_changes_nothing(engines):
    lost = _without_sentence(sentence_certificate())
    page = render_page(lost, size=(1500, 800))  # the page really has no sentence
    assert recover_sentence_lines(lost, [page], engines["rapidocr"]) == lost


def test_a_record_with_both_names_is_left_as_it_is(engines):
    lines = sentence_certificate()
    blank = np.full((800, 1500, 3), 255, dtype=np.uint8)
    assert recover_sentence_lines(lines, [blank], engines["rapidocr"]) == lines
