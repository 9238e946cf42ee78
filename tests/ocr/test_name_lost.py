"""A sentence name whose last glyph the recognizer dropped goes to review."""

from __future__ import annotations

import numpy as np

from ocr import assess, extract_fields
from ocr.name_lost import flag_lost_characters, following, lost_after, step_after
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


def _placed(text: str, frames: list[int], weak: dict[int, float] | None = None):
    return [
        (ch, (weak or {}).get(k, 0.99), f)
        for k, (ch, f) in enumerate(zip(text, frames, strict=True))
    ]


# The recognizer's character places, as it gave them on stop 20's dev corpus 7000014
# (00232: 鄒巧𠁞, the 𠁞 decoded as nothing; 00188: 吳勇, right, and 穆娜𠁞 read 穆娜·)
# 與 鄒 巧 at 88, 93, 97, then 女 a step of 8 after 巧 (the line's: 4)
_STEPS = [2, 6, 11, 15, 19, 23, 27, 32, 36, 39, 44, 48, 53, 57, 61, 64, 68, 72, 75, 79, 82]
VERTICAL = ("茲有譚文海男年二十三歲住高臺縣羅城鎭西街村與鄒巧女", [*_STEPS, 88, 93, 97, 105])
SENTENCE = ("有吳勇（男，二十", [6, 12, 16, 22, 24, 28, 35, 39])
DOTTED = (
    "茲有吳勇（男，二十一歲）與穆娜·（女，",
    [2, 6, 12, 16, 22, 24, 28, 35, 39, 43, 47, 50, 54, 62, 65, 70, 74, 77, 80],
)
SPECK = ("王山贵.(男，", [5, 8, 11, 13, 15, 17, 20])  # 00106: a speck after a right name


def test_a_wide_step_after_or_inside_a_name_is_a_lost_character():
    assert step_after(_placed(*VERTICAL), "鄒巧")
    assert not step_after(_placed(*SENTENCE), "吳勇")  # a bracket's step: 1.5 at most
    text, frames = VERTICAL
    assert not step_after(_placed(text, frames), "譚文海")
    inside = [*frames[:-2], 101, 105]  # 鄒 at 93, 巧 at 101: room for one between
    assert step_after(_placed(text, inside), "鄒巧")


def test_a_dot_or_a_forced_character_after_a_name_is_a_lost_character():
    assert step_after(_placed(*DOTTED), "穆娜")  # 娜 at 65, （ at 74: the dot took a place
    assert not step_after(_placed(*DOTTED), "吳勇")
    assert not step_after(_placed(*SPECK), "王山贵")  # a speck between: no room taken
    # 曾仁𠀾 read 曾仁云: the 云 at 0.17
    forced = ("兹有曾仁云(男，", [2, 5, 10, 13, 16, 19, 21, 24])
    assert step_after(_placed(*forced, weak={4: 0.17}), "曾仁")
    assert not step_after(_placed(*forced), "曾仁")  # read sure: the name may end there


def test_a_line_without_the_name_or_ending_with_it_says_nothing():
    assert not step_after(_placed(*VERTICAL), "李秀")
    assert not step_after(_placed("兹有钱明", [2, 5, 10, 30]), "钱明")
    # digits are narrower than CJK characters: the step is measured between CJK ones
    digits = ("620722640814113）与蒋霞慧（女，", [1, 3, 5, 6, 8, 10, 12, 14, 15, 17, 19])
    frames = [*digits[1], 21, 22, 24, 26, 28, 32, 37, 40, 43, 47, 49, 51]
    assert not step_after(_placed(digits[0], frames), "蒋霞慧")
    # 7000013 00086: a handwritten name narrower than the line; the bracket's step 2.0
    line = "）与谭琴霞（女，一九六四年十一月六日生"
    places = [25, 28, 34, 36, 38, 42, 44, 46, 52, 54, 57, 59, 62, 64, 67, 69, 72, 74, 77]
    assert not step_after(_placed(line, places), "谭琴霞")
