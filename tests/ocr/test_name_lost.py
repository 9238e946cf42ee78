"""A sentence name whose last glyph the recognizer dropped goes to review."""

from __future__ import annotations

import numpy as np

from ocr import assess, extract_fields
from ocr.name_lost import flag_lost_characters, following, lost_after
from tests.ocr.conftest import render_page
from tests.ocr.forms import sentence_certificate, sentence_printed_as


def test_what_follows_a_name_leaves_spaces_out():
    assert following("兹有钱明 （男，1951年", "钱明") == "（男，1951年"
    assert following("与夏红荟", "夏红") == "荟"
    assert following("与夏红", "夏红") == ""
    assert following("与劉淑貞（女", "刘淑贞") == "（女"  # either script
    assert following("与李秀英（女", "张建国") is None


def test_a_character_the_line_does_not_show_after_the_name_is_a_lost_one():
    line = "兹有钱明（男，1951年12月生）与夏红（女，"
    assert lost_after(line, "与夏红荟", "夏红")  # the dropped 𠀾 read as a look-alike
    assert not lost_after(line, "有钱明（男", "钱明")  # what the line shows next
    assert not lost_after(line, "有钱明男", "钱明")  # a bracket lost is no character
    assert not lost_after(line, "与夏红", "夏红")  # the crop ends with the name
    assert not lost_after(line, "与夏红（", "夏红")
    assert not lost_after(line, "与夏紅（女", "夏红")  # the other script
    assert not lost_after(line, "夏江荟", "夏红")  # the re-read does not hold the name
    assert not lost_after(line, "与夏红1", "夏红")  # not a CJK character
    # past the bracket the crop reaches a cut glyph or the next row: not the name's
    assert not lost_after(line, "有钱明（与", "钱明")
    # a line that ends with the name: the re-read may show the next row
    assert not lost_after("茲有段義學", "有段義學（男", "段義學")


def _reading_and_page(printed_name: str, read_name: str):
    # the page prints printed_name; the engine read the sentence with read_name
    printed = sentence_printed_as(sentence_certificate(), "李秀英", printed_name)
    lines = sentence_printed_as(sentence_certificate(), "李秀英", read_name)
    page = render_page(printed, size=(1800, 800))
    return extract_fields(lines), page


def test_a_glyph_the_sentence_reading_dropped_sends_the_name_to_review(engines):
    # 𠀾 (U+2003E) is not among PP-OCRv6's classes: the line reads 李秀 for 李秀𠀾
    reading, page = _reading_and_page("李秀𠀾", "李秀")
    assert reading.parties[1].name == "李秀"
    assert flag_lost_characters(reading, [page], engines["rapidocr"]) == 1
    assert "parties[1].name: name_character_lost" in assess(reading).review_reasons
    assert "name_character_lost" not in reading.fields["parties[0].name"].issues


def test_names_read_whole_are_left_alone(engines):
    reading, page = _reading_and_page("李秀英", "李秀英")
    assert flag_lost_characters(reading, [page], engines["rapidocr"]) == 0


def test_a_blank_page_flags_nothing(engines):
    reading, _page = _reading_and_page("李秀英", "李秀英")
    blank = np.full((800, 1800, 3), 255, dtype=np.uint8)
    assert flag_lost_characters(reading, [blank], engines["rapidocr"]) == 0
