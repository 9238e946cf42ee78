"""A sentence name's own confidence from its characters' probabilities inside its line."""

from __future__ import annotations

import numpy as np

from ocr import assess, extract_fields
from ocr.name_characters import (
    character_bar,
    character_probabilities,
    confirm_names_by_characters,
    has_weak_character,
    holding_line,
    line_crop,
    weakest_character,
)
from ocr.review import min_confidence
from schemas.model import TextLine
from tests.ocr.conftest import FONT, render_line
from tests.ocr.forms import line, sentence_certificate, sentence_printed_as


def _page(lines: list[TextLine], size: tuple[int, int] = (1500, 800)) -> np.ndarray:
    """The lines printed inside their boxes with a margin, as a detected box holds its ink."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for ln in lines:
        x, y, _w, h = ln.bbox
        font = ImageFont.truetype(FONT, round(0.75 * h))
        top, bottom = font.getbbox(ln.text)[1::2]
        draw.text((x + h // 8, y + (h - (bottom - top)) // 2 - top), ln.text, "black", font=font)
    return np.ascontiguousarray(np.array(image)[:, :, ::-1])


def _chars(text: str, probs: list[float]) -> list[tuple[str, float]]:
    return list(zip(text, probs, strict=True))


def test_the_weakest_character_of_the_name_counts_not_the_line():
    # the line is unsure around the name (有 0.3, （ 0.4), the name's own characters are sure
    chars = _chars("兹有张建国（男", [0.9, 0.3, 0.99, 0.97, 0.98, 0.4, 0.9])
    assert weakest_character(chars, "张建国") == 0.97


def test_a_name_in_traditional_script_is_found_in_its_simplified_answer():
    chars = _chars("與蔣國華（", [0.9, 0.98, 0.99, 0.97, 0.5])
    assert weakest_character(chars, "蔣國華") == 0.97


def test_a_line_that_does_not_hold_the_name_gives_nothing():
    assert weakest_character(_chars("兹有张建军", [0.99] * 5), "张建国") is None
    assert weakest_character([], "张建国") is None


def test_the_best_place_counts_when_the_name_occurs_twice():
    chars = _chars("王平与王平", [0.5, 0.99, 0.9, 0.98, 0.97])
    assert weakest_character(chars, "王平") == 0.97


def test_a_sure_name_with_one_weak_character_is_weak():
    # 江彧 answered 江或 at 0.978 as a line: 或 alone in the CTC output at 0.645
    assert has_weak_character(_chars("江或", [0.9996, 0.645]), "江或")
    assert not has_weak_character(_chars("张建国", [0.99, 0.95, 0.98]), "张建国")
    assert not has_weak_character(_chars("张建军", [0.99, 0.3, 0.98]), "张建国")  # not the name


def test_a_sure_table_name_printed_clean_is_not_flagged(engines):
    lines = [line("姓名", 100, 100), line("张建国", 300, 100, conf=0.99)]
    reading = extract_fields(lines)
    confirm_names_by_characters(reading, [_page(lines)], engines["rapidocr"])
    assert "name_character_weak" not in reading.fields["parties[0].name"].issues


def test_the_holding_line_is_the_smallest_with_the_name_on_its_page():
    sentence = TextLine(text="兹有张建国与李秀英", bbox=[100, 300, 360, 40], confidence=0.9, page=0)
    wide = TextLine(text="兹有张建国与李秀英自愿", bbox=[0, 250, 1000, 200], confidence=0.9, page=0)
    other_page = TextLine(text="张建国", bbox=[180, 300, 120, 40], confidence=0.9, page=1)
    name_box = [180, 300, 120, 40]
    lines = [wide, sentence, other_page]
    assert holding_line(lines, 0, name_box, "张建国") is sentence
    assert holding_line(lines, 1, name_box, "张建国") is other_page
    assert holding_line(lines, 0, name_box, "李秀英") is sentence  # its text holds it too
    assert holding_line(lines, 0, name_box, "王平") is None


def test_a_column_is_turned_to_read_left_to_right():
    page = np.full((600, 200, 3), 255, dtype=np.uint8)
    assert line_crop(page, [50, 20, 40, 300]).shape[:2] == (40, 300)
    assert line_crop(page, [10, 10, 100, 40]).shape[:2] == (40, 100)


def test_each_decoded_character_has_its_own_probability(engines):
    decoded = character_probabilities(engines["rapidocr"], [render_line("张建国与李秀英")])
    assert decoded is not None
    assert "".join(ch for ch, _ in decoded[0]) == "张建国与李秀英"
    assert all(0.9 <= p <= 1.0 for _, p in decoded[0])


def test_an_engine_without_a_pp_ocr_recognizer_gives_no_probabilities(engines):
    assert character_probabilities(engines["tesseract"], [render_line("张建国")]) is None


def test_an_unsure_sentence_name_with_sure_characters_is_accepted(engines):
    lines = sentence_certificate(conf=0.9)  # the whole line's mean confidence
    page = _page(lines)
    reading = extract_fields(lines)
    assert confirm_names_by_characters(reading, [page], engines["rapidocr"]) == 2
    for i in (0, 1):
        info = reading.fields[f"parties[{i}].name"]
        assert info.confidence >= 0.96
        assert "name_confirmed_by_characters" in info.issues
    assert assess(reading).review_reasons == []


def test_a_line_that_shows_another_name_confirms_nothing(engines):
    lines = sentence_certificate(conf=0.9)
    # the page shows 张建军 where the line was read 张建国
    printed = sentence_printed_as(lines, "张建国", "张建军")
    page = _page(printed)
    reading = extract_fields(lines)
    assert confirm_names_by_characters(reading, [page], engines["rapidocr"]) == 1  # the wife
    husband = reading.fields["parties[0].name"]
    assert husband.confidence == 0.9
    assert "low_confidence: parties[0].name" in assess(reading).review_reasons


def test_table_names_and_sure_names_are_left_alone(engines):
    blank = np.full((800, 1500, 3), 255, dtype=np.uint8)
    table = extract_fields([line("姓名", 100, 100), line("张建国", 300, 100, conf=0.9)])
    assert confirm_names_by_characters(table, [blank], engines["rapidocr"]) == 0
    assert table.fields["parties[0].name"].confidence == 0.9
    sure = extract_fields(sentence_certificate(conf=0.99))
    assert confirm_names_by_characters(sure, [blank], engines["rapidocr"]) == 0


def test_a_blank_page_confirms_nothing(engines):
    reading = extract_fields(sentence_certificate(conf=0.9))
    blank = np.full((800, 1500, 3), 255, dtype=np.uint8)
    assert confirm_names_by_characters(reading, [blank], engines["rapidocr"]) == 0
    assert "low_confidence: parties[1].name" in assess(reading).review_reasons


def test_an_unsure_sentence_sex_with_a_sure_character_is_accepted(engines):
    lines = sentence_certificate(conf=0.8)  # below the sex bar (0.85) as well
    reading = extract_fields(lines)
    assert "low_confidence: parties[1].sex" in assess(extract_fields(lines)).review_reasons
    confirm_names_by_characters(reading, [_page(lines)], engines["rapidocr"])
    for i in (0, 1):
        info = reading.fields[f"parties[{i}].sex"]
        assert info.confidence >= 0.85
        assert "sex_confirmed_by_characters" in info.issues
    reasons = assess(reading).review_reasons
    assert not [r for r in reasons if ".sex" in r or ".name" in r]


def test_a_sentence_name_needs_a_weakest_character_above_the_name_bar():
    # PP-OCRv6 reads a forced answer at the name bar itself (且 for 月 at 0.961)
    assert character_bar("parties[0].name") > min_confidence("name")
    assert character_bar("parties[1].sex") == min_confidence("sex")
