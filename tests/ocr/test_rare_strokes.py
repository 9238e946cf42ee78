"""A rare name character told from its look-alike by its strokes: ocr.rare_strokes."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr import assess, extract_fields
from ocr.rare_names import rare_lookalikes
from ocr.rare_strokes import JI, TING, horizontal_strokes, rare_by_strokes, resolve_rare_characters
from tests.ocr.conftest import render_page
from tests.ocr.forms import two_column_form

NOTO = "/usr/share/fonts/opentype/noto"
FACES = [
    (f"{NOTO}/NotoSansCJK-Regular.ttc", 2),
    (f"{NOTO}/NotoSerifCJK-Regular.ttc", 2),
    (f"{NOTO}/NotoSerifCJK-Bold.ttc", 2),
]


def glyph(ch: str, face: tuple[str, int], size: int = 45) -> np.ndarray:
    """One character drawn in ``face``, blurred a little as a scan is (RGB)."""
    font = ImageFont.truetype(face[0], size, index=face[1])
    image = Image.new("RGB", (size * 2, size * 2), "white")
    ImageDraw.Draw(image).text((size // 2, size // 2), ch, fill="black", font=font)
    import cv2

    return cv2.GaussianBlur(np.array(image), (3, 3), 0.8)


def test_the_strokes_across_wang_are_three_with_the_bottom_longest():
    strokes, width, _height = horizontal_strokes(glyph("王", FACES[0]))
    assert len(strokes) == 3
    assert strokes[2][2] == width and strokes[1][2] < strokes[0][2]


@pytest.mark.parametrize("face", FACES)
@pytest.mark.parametrize("size", [30, 45, 60])
def test_ji_is_told_from_its_lookalike_by_its_first_stroke(face, size):
    assert rare_by_strokes(glyph(JI, face, size), "吉") == JI
    assert rare_by_strokes(glyph("吉", face, size), "吉") is None


@pytest.mark.parametrize("face", FACES[:2])
def test_ting_is_told_from_wang_and_ren_by_its_short_top_and_long_bottom(face):
    assert rare_by_strokes(glyph(TING, face), "王") == TING
    assert rare_by_strokes(glyph(TING, face), "壬") == TING
    assert rare_by_strokes(glyph("王", face), "王") is None
    assert rare_by_strokes(glyph("壬", face), "壬") is None


def test_other_characters_and_blank_boxes_are_left_alone():
    assert rare_by_strokes(glyph("喜", FACES[0]), "喜") is None
    assert rare_by_strokes(np.full((40, 40, 3), 255, np.uint8), "吉") is None


def _form(printed: str) -> tuple[list, np.ndarray]:
    """The two-column form read 李秀吉 where the page prints ``printed`` (drawn 6 px
    higher than its box: the face's ascent would push the 口 out of a tight box)."""
    lines = [
        ln.model_copy(update={"text": "李秀吉"}) if ln.text == "李秀英" else ln
        for ln in two_column_form()
    ]
    drawn = [
        ln.model_copy(update={"text": printed, "bbox": [ln.bbox[0], ln.bbox[1] - 6, *ln.bbox[2:]]})
        if ln.text == "李秀吉"
        else ln
        for ln in lines
    ]
    return lines, np.ascontiguousarray(render_page(drawn)[:, :, ::-1])


def test_a_name_read_with_the_lookalike_is_written_with_the_rare_character_and_held():
    lines, page = _form("李秀" + JI)
    reading = extract_fields(lines)
    assert reading.parties[1].name == "李秀吉"
    assert resolve_rare_characters(reading, [page]) == 1
    assert reading.parties[1].name == reading.parties[1].name_simplified == "李秀" + JI
    assert "name_rare_by_strokes" in reading.fields["parties[1].name"].issues
    assert rare_lookalikes(reading.parties[1].name) == [JI]
    assert "parties[1].name: name_rare_lookalike" in assess(reading).review_reasons


def test_a_name_printed_with_the_common_character_keeps_it():
    lines, page = _form("李秀吉")
    reading = extract_fields(lines)
    assert resolve_rare_characters(reading, [page]) == 0
    assert reading.parties[1].name == "李秀吉"
    assert reading.parties[0].name == "张建国"
