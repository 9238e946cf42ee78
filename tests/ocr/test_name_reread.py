"""Names read inside a longer line: their own box, and a re-read of it that confirms them."""

from __future__ import annotations

import numpy as np

from ocr import assess, extract_fields
from ocr.layout import span_box
from ocr.name_reread import (
    cell_agrees,
    check_name_characters,
    holds_name,
    name_crops,
    reread_names,
)
from schemas.model import TextLine
from tests.ocr.conftest import render_page
from tests.ocr.forms import (
    CHAR,
    column,
    line,
    sentence_certificate,
    sentence_printed_as,
    two_column_form,
)


def test_a_span_of_cjk_characters_takes_its_share_of_the_line():
    # 9 characters in 360 px: 张建国 are characters 2-4
    assert span_box("兹有张建国与李秀英", (100, 50, 360, 40), 2, 5) == (180, 50, 120, 40)


def test_digits_take_less_width_than_cjk_characters():
    box = (0, 0, 1000, 40)
    digits = span_box("张三25岁", box, 2, 4)
    cjk = span_box("张三25岁", box, 0, 2)
    assert digits[2] < cjk[2]
    assert cjk[0] == 0 and digits[0] == cjk[0] + cjk[2]


def test_a_span_of_a_vertical_line_is_its_cells():
    assert span_box("茲有陳國華", (10, 100, 40, 200), 2, 5) == (10, 180, 40, 120)


def test_a_sentence_name_gets_its_own_box():
    reading = extract_fields(sentence_certificate())
    # 兹有 before the husband's name, 兹有张建国（男，二十五岁）与 before the wife's
    assert reading.fields["parties[0].name"].bbox == [100 + 2 * CHAR, 300, 3 * CHAR, CHAR]
    assert reading.fields["parties[1].name"].bbox == [100 + 14 * CHAR, 300, 3 * CHAR, CHAR]


def test_a_vertical_sentence_name_gets_its_cells():
    lines = [
        column("結婚證", 1800, 100),
        column("茲有陳國華（男，二十五歲）與劉淑貞（女，二十二歲）自願結婚", 1500, 100),
    ]
    reading = extract_fields(lines)
    assert reading.parties[0].name == "陳國華"
    assert reading.fields["parties[0].name"].bbox == [1500, 100 + 2 * CHAR, CHAR, 3 * CHAR]


def test_the_name_is_found_in_a_reread_as_read_or_in_its_traditional_form():
    assert holds_name("有张建国（", "张建国")
    assert holds_name("有蒋國華", "蔣國華")  # 蒋 has one traditional form
    assert not holds_name("有张建（", "张建国")
    assert not holds_name("张建军", "张建国")


def test_crops_of_a_vertical_name_are_laid_side_by_side():
    page = np.full((400, 200, 3), 255, dtype=np.uint8)
    crops = name_crops(page, [50, 40, 40, 120], "陳國華")
    assert len(crops) == 1
    assert crops[0].shape[0] == 40 and crops[0].shape[1] > 3 * 40


def test_an_unsure_sentence_name_confirmed_by_its_reread_is_accepted(engines):
    lines = sentence_certificate(conf=0.9)  # the whole line's mean confidence
    page = render_page(lines, size=(1500, 800))
    reading = extract_fields(lines)
    assert reread_names(reading, [page], engines["rapidocr"]) == 2
    for i in (0, 1):
        info = reading.fields[f"parties[{i}].name"]
        assert info.confidence >= 0.96
        assert "name_confirmed_by_reread" in info.issues
    assert assess(reading).review_reasons == []


def test_a_reread_that_shows_another_name_confirms_nothing(engines):
    lines = sentence_certificate(conf=0.9)
    # the page shows 张建军 where the line was read 张建国
    printed = sentence_printed_as(lines, "张建国", "张建军")
    page = render_page(printed, size=(1500, 800))
    reading = extract_fields(lines)
    reread_names(reading, [page], engines["rapidocr"])
    husband = reading.fields["parties[0].name"]
    assert husband.confidence == 0.9
    assert "name_confirmed_by_reread" not in husband.issues
    assert "low_confidence: parties[0].name" in assess(reading).review_reasons


def test_sure_names_and_table_names_are_not_reread(engines):
    reading = extract_fields(sentence_certificate(conf=0.99))
    blank = np.full((800, 1500, 3), 255, dtype=np.uint8)
    assert reread_names(reading, [blank], engines["rapidocr"]) == 0
    table = extract_fields([line("姓名", 100, 100), line("张建国", 300, 100, conf=0.9)])
    assert reread_names(table, [blank], engines["rapidocr"]) == 0


def _page(lines: list[TextLine], size: tuple[int, int] = (2300, 1000)) -> np.ndarray:
    """The lines printed with their ink inside their boxes (BGR)."""
    from PIL import Image, ImageDraw, ImageFont

    from tests.ocr.conftest import FONT

    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for ln in lines:
        x, y, _w, h = ln.bbox
        font = ImageFont.truetype(FONT, h)  # one glyph advance per CHAR, as the boxes
        top, bottom = font.getbbox(ln.text)[1::2]
        draw.text((x, y + (h - (bottom - top)) // 2 - top), ln.text, fill="black", font=font)
    return np.ascontiguousarray(np.array(image)[:, :, ::-1])


def test_a_cell_agrees_only_with_its_own_character_alone():
    assert cell_agrees("蔣", "蒋", 0.95)  # the other script of the same character
    assert not cell_agrees("吉", "告", 0.95)  # another character
    assert not cell_agrees("勇", "勇堃", 0.95)  # two characters in one cell: one was lost
    assert not cell_agrees("梁", "梁", 0.3)  # a forced answer


def test_a_name_read_right_passes_its_character_check(engines):
    lines = two_column_form()
    reading = extract_fields(lines)
    assert check_name_characters(reading, [_page(lines)], engines["rapidocr"]) == 0
    assert assess(reading).review_reasons == []


def test_a_name_that_lost_a_character_fails_its_character_check(engines):
    printed = two_column_form()  # the page shows 张建国 ...
    read = [  # ... recognition returned 张建 for the box of three characters
        TextLine(text="张建", bbox=ln.bbox, confidence=0.99, page=0) if ln.text == "张建国" else ln
        for ln in printed
    ]
    reading = extract_fields(read)
    assert check_name_characters(reading, [_page(printed)], engines["rapidocr"]) == 1
    assert "parties[0].name: name_character_unconfirmed" in assess(reading).review_reasons


def test_a_character_read_as_another_one_fails_its_character_check(engines):
    # the page shows 李秀英, recognition answered 李秀芙 at 0.99 (a look-alike in its place)
    printed = two_column_form()
    read = [
        TextLine(text="李秀芙", bbox=ln.bbox, confidence=0.99, page=0)
        if ln.text == "李秀英"
        else ln
        for ln in printed
    ]
    reading = extract_fields(read)
    assert check_name_characters(reading, [_page(printed)], engines["rapidocr"]) == 1
    assert "name_character_unconfirmed" in reading.fields["parties[1].name"].issues


def _read_at(printed: list[TextLine], shown: str, read: str, conf: float) -> list[TextLine]:
    """The lines of ``printed`` with the box showing ``shown`` recognized as ``read``."""
    return [
        TextLine(text=read, bbox=ln.bbox, confidence=conf, page=0) if ln.text == shown else ln
        for ln in printed
    ]


def test_a_name_just_below_the_bar_is_confirmed_by_its_cells(engines):
    printed = two_column_form()  # the page shows 李秀英; the cell was read right at 0.93
    reading = extract_fields(_read_at(printed, "李秀英", "李秀英", 0.93))
    check_name_characters(reading, [_page(printed)], engines["rapidocr"])
    info = reading.fields["parties[1].name"]
    assert "name_confirmed_by_cells" in info.issues
    assert info.confidence >= 0.96
    assert assess(reading).review_reasons == []


def test_a_misread_name_below_the_bar_is_not_confirmed(engines):
    printed = two_column_form()  # the page shows 李秀英, recognition answered 李秀芙 at 0.93
    reading = extract_fields(_read_at(printed, "李秀英", "李秀芙", 0.93))
    check_name_characters(reading, [_page(printed)], engines["rapidocr"])
    info = reading.fields["parties[1].name"]
    assert "name_confirmed_by_cells" not in info.issues
    assert "low_confidence: parties[1].name" in assess(reading).review_reasons


def test_a_name_well_below_the_bar_is_not_confirmed(engines):
    printed = two_column_form()
    reading = extract_fields(_read_at(printed, "李秀英", "李秀英", 0.85))
    check_name_characters(reading, [_page(printed)], engines["rapidocr"])
    assert "name_confirmed_by_cells" not in reading.fields["parties[1].name"].issues


def test_a_name_of_the_first_years_is_not_confirmed_by_cells(engines):
    printed = [  # the same form registered in 1953: handwritten traditional era
        TextLine(text="登记日期：1953年3月12日", bbox=ln.bbox, confidence=0.99, page=0)
        if ln.text.startswith("登记日期")
        else ln
        for ln in two_column_form()
    ]
    reading = extract_fields(_read_at(printed, "李秀英", "李秀英", 0.93))
    assert reading.era == "1950-55"
    check_name_characters(reading, [_page(printed)], engines["rapidocr"])
    assert "name_confirmed_by_cells" not in reading.fields["parties[1].name"].issues
