"""A sure table name whose character no reading is sure of goes to review."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr import assess, extract_fields
from ocr.name_evidence import (
    cell_probability,
    flag_unsure_names,
    line_probabilities,
    padded_cells,
    unsure_characters,
)
from tests.ocr.conftest import FONT
from tests.ocr.forms import line


def _chars(text: str, probs: list[float]) -> list[tuple[str, float]]:
    return list(zip(text, probs, strict=True))


def _cells(text: str, prob: float) -> list[list[tuple[str, float]]]:
    return [[(ch, prob)] for ch in text]


def test_the_names_characters_are_found_in_their_line():
    assert line_probabilities(_chars("董峰吉", [0.999, 0.998, 0.96]), "董峰吉") == [
        0.999,
        0.998,
        0.96,
    ]
    # a traditional name is found in the model's simplified answer
    assert line_probabilities(_chars("刘丹", [0.98, 0.99]), "劉丹") == [0.98, 0.99]
    assert line_probabilities(_chars("张建军", [0.99] * 3), "张建国") is None
    assert line_probabilities([], "张建国") is None


def test_the_surest_place_counts_when_the_line_holds_the_name_twice():
    chars = _chars("王平王平", [0.5, 0.99, 0.97, 0.98])
    assert line_probabilities(chars, "王平") == [0.97, 0.98]


def test_a_cell_confirms_only_the_same_character_read_alone():
    assert cell_probability("吉", [("吉", 0.95)]) == 0.95
    assert cell_probability("劉", [("刘", 0.97)]) == 0.97  # the other script
    assert cell_probability("吉", [("告", 0.95)]) == 0.0  # another character
    assert cell_probability("鑫", [("金", 0.9), ("鑫", 0.9)]) == 0.0  # two characters
    assert cell_probability("吉", []) == 0.0  # nothing


def test_a_character_sure_in_any_one_reading_is_confirmed():
    name = "董峰吉"
    line_sure = [0.999, 0.998, 0.995]
    unsure_cells = [[("董", 0.99)], [("峰", 0.99)], [("告", 0.45)]]
    assert unsure_characters(name, line_sure, unsure_cells, unsure_cells) == []
    line_weak = [0.999, 0.998, 0.96]
    sure_padded = _cells(name, 0.97)
    assert unsure_characters(name, line_weak, unsure_cells, sure_padded) == []


def test_a_character_no_reading_is_sure_of_is_unsure():
    # 董峰𠮷 read 董峰吉 (dev4): 吉 at 0.96 in the line, 0.58 alone, 告 0.45 with a margin
    name = "董峰吉"
    line = [0.9995, 0.9985, 0.9612]
    cells = [[("董", 0.9997)], [("峰", 0.9988)], [("吉", 0.58)]]
    padded = [[("董", 0.997)], [("峰", 0.95)], [("告", 0.454)]]
    assert unsure_characters(name, line, cells, padded) == [2]


def test_a_line_without_the_name_confirms_nothing():
    name = "王平"
    assert unsure_characters(name, None, _cells(name, 0.5), _cells(name, 0.5)) == [0, 1]
    assert unsure_characters(name, None, _cells(name, 0.99), []) == []


def test_padded_cells_reach_into_the_neighbours_and_stay_on_the_page():
    page = np.zeros((100, 300), dtype=np.uint8)
    cells = padded_cells(page, [100, 40, 90, 30], 3)  # three cells of 30 x 30
    # 12% of a cell's width each side, 15% of the box's height above and below
    assert [c.shape for c in cells] == [(39, 37)] * 3
    edge = padded_cells(page, [0, 0, 60, 30], 2)
    assert edge[0].shape == (34, 33)  # clipped at the left and top edges


def _table(name: str, text: str, size: int = 44) -> tuple[list, np.ndarray]:
    """A label and a name cell as recognized lines, and the page printing ``text``
    in that cell with a font that has every character (Noto Sans CJK: CJK Ext-B too)."""
    lines = [line("姓名", 100, 100), line(name, 300, 100)]
    image = Image.new("RGB", (800, 300), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, size - 8)
    for ln, shown in ((lines[0], "姓名"), (lines[1], text)):
        x, y, _w, _h = ln.bbox
        draw.text((x + 2, y + 2), shown, "black", font=font)
    lines[1] = lines[1].model_copy(update={"bbox": [300, 100, size * len(text), size]})
    return lines, np.ascontiguousarray(np.array(image)[:, :, ::-1])


def test_a_clean_printed_name_is_left_alone(engines):
    lines, page = _table("董峰吉", "董峰吉")
    reading = extract_fields(lines)
    assert flag_unsure_names(reading, [page], engines["rapidocr"]) == 0
    assert "name_character_unsure" not in reading.fields["parties[0].name"].issues


def test_a_character_outside_the_alphabet_read_as_a_look_alike_goes_to_review(engines):
    # 𠀾 (U+2003E, CJK Ext-B) is not among the recognizer's classes: it answers 套
    # (吕金套 for 吕金𠀾, dev2), and neither its line nor its cells are sure of 套
    lines, page = _table("吕金套", "吕金𠀾")
    reading = extract_fields(lines)
    assert flag_unsure_names(reading, [page], engines["rapidocr"]) == 1
    assert "name_character_unsure" in reading.fields["parties[0].name"].issues
    assert "parties[0].name: name_character_unsure" in assess(reading).review_reasons


def test_an_engine_that_cannot_score_characters_flags_nothing(engines):
    lines, page = _table("董峰吉", "董峰𠮷")
    reading = extract_fields(lines)
    assert flag_unsure_names(reading, [page], engines["tesseract"]) == 0


def test_a_name_already_unsure_is_not_weighed(engines):
    lines, page = _table("董峰吉", "董峰𠮷")
    unsure = [lines[0], lines[1].model_copy(update={"confidence": 0.9})]
    reading = extract_fields(unsure)
    assert flag_unsure_names(reading, [page], engines["rapidocr"]) == 0
    assert "name_character_unsure" not in reading.fields["parties[0].name"].issues


def test_a_page_that_does_not_show_the_name_confirms_none_of_it(engines):
    lines, _page = _table("董峰吉", "董峰吉")
    blank = np.full((300, 800, 3), 255, dtype=np.uint8)
    assert flag_unsure_names(extract_fields(lines), [blank], engines["rapidocr"]) == 1
