"""A name read below the bar is confirmed when two crops of its own read it surely."""

from __future__ import annotations

import numpy as np

from ocr import assess, extract_fields
from ocr.name_confirm import (
    cell_of,
    confirm_names_by_crops,
    fills_its_cell,
    reads_only,
    same_name,
    weakest_in_reading,
)
from schemas.model import FieldInfo, TextLine
from tests.ocr.conftest import render_page
from tests.ocr.forms import two_column_form


def test_a_name_is_the_same_in_the_script_the_form_allows():
    assert same_name("黄学东", "黄学东", traditional=False)
    assert same_name("黃学东", "黄学东", traditional=False)  # traditional glyph, simplified form
    assert not same_name("黃学东", "黄学东", traditional=True)
    assert same_name("蒋榮忠", "蔣榮忠", traditional=True)  # one traditional spelling
    assert not same_name("黄学冬", "黄学东", traditional=False)


def test_the_weakest_character_is_the_names_own():
    chars = [("与", 0.5), ("孔", 0.99), ("月", 0.98), ("套", 0.6), ("（", 0.4)]
    assert weakest_in_reading(chars, "孔月", traditional=False) == 0.98
    assert weakest_in_reading(chars, "孔月套", traditional=False) == 0.6
    assert weakest_in_reading(chars, "孔月荟", traditional=False) is None


def test_the_cell_is_the_line_that_reads_the_name_and_nothing_else():
    info = FieldInfo(confidence=0.8, page=0, bbox=[600, 700, 116, 75], issues=[], source="ocr")
    cell = TextLine(text="穆義", bbox=[600, 700, 174, 75], confidence=0.8, page=0)
    assert cell_of([cell], info, "穆義", traditional=True) is cell
    dotted = cell.model_copy(update={"text": "穆義·"})  # the lost 𠁞 read as a dot
    assert cell_of([dotted], info, "穆義", traditional=True) is None
    elsewhere = cell.model_copy(update={"page": 1})
    assert cell_of([elsewhere], info, "穆義", traditional=True) is None


def test_a_cells_crop_must_read_the_name_alone():
    assert reads_only([("萧", 0.99), ("仁", 1.0)], "萧仁")
    assert reads_only([("萧", 0.99), (" ", 0.5), ("仁", 1.0)], "萧仁")
    assert not reads_only([("穆", 1.0), ("義", 0.99), ("·", 0.9)], "穆義")
    assert not reads_only([("汪", 1.0), ("慧", 0.99), ("荟", 0.6)], "汪慧")


def test_a_cell_wider_than_its_characters_is_not_filled():
    # 穆義𠁞 read 穆義· : the cell holds room for a third glyph
    assert not fills_its_cell(TextLine(text="穆義", bbox=[0, 0, 174, 75], confidence=0.8), "穆義")
    assert fills_its_cell(TextLine(text="萧仁", bbox=[0, 0, 110, 72], confidence=0.9), "萧仁")


def _form(
    read_as: str, confidence: float, printed: str = "张建国"
) -> tuple[list[TextLine], np.ndarray]:
    """The two-column form whose husband's name cell was read ``read_as`` at
    ``confidence``; the page prints ``printed`` there."""
    lines = two_column_form()
    page = render_page(
        [ln.model_copy(update={"text": printed}) if ln.text == "张建国" else ln for ln in lines]
    )
    read = [
        ln.model_copy(update={"text": read_as, "confidence": confidence})
        if ln.text == "张建国"
        else ln
        for ln in lines
    ]
    return read, page


def test_a_clear_name_read_unsure_is_confirmed_by_its_crops(engines):
    lines, page = _form("张建国", 0.90)
    reading = extract_fields(lines)
    assert reading.fields["parties[0].name"].confidence < 0.96
    assert confirm_names_by_crops(reading, [page], engines["rapidocr"]) == 1
    info = reading.fields["parties[0].name"]
    assert "name_confirmed_by_crops" in info.issues and info.confidence >= 0.97
    assert not [r for r in assess(reading).review_reasons if "parties[0].name" in r]


def test_a_glyph_outside_the_alphabet_is_not_confirmed(engines):
    # 𠀾 (U+2003E) is not among PP-OCRv6's classes: its answers change with the crop
    lines, page = _form("张建套", 0.80, printed="张建𠀾")
    reading = extract_fields(lines)
    assert confirm_names_by_crops(reading, [page], engines["rapidocr"]) == 0
    assert "low_confidence: parties[0].name" in assess(reading).review_reasons


def test_a_cell_holding_more_than_the_name_is_not_confirmed(engines):
    # the cell read 张建· : something was there that is not the name
    lines, page = _form("张建·", 0.80, printed="张建国")
    reading = extract_fields(lines)
    assert reading.parties[0].name == "张建"
    assert confirm_names_by_crops(reading, [page], engines["rapidocr"]) == 0


def test_sure_names_and_engines_without_characters_are_left_alone(engines):
    lines, page = _form("张建国", 0.99)
    reading = extract_fields(lines)
    assert confirm_names_by_crops(reading, [page], engines["rapidocr"]) == 0
    lines, page = _form("张建国", 0.90)
    reading = extract_fields(lines)
    assert confirm_names_by_crops(reading, [page], engines["tesseract"]) == 0
