"""A spouse the sentence lost to detection is read from the gap in its row."""

from __future__ import annotations

import numpy as np

from ocr import assess, extract_fields
from ocr.name_gap import ISSUE, read_missing_spouse, row_gaps, sentence_rows
from tests.ocr.conftest import render_page
from tests.ocr.forms import CHAR, SENTENCE, line, sentence_certificate

# SENTENCE = 兹有张建国（男，二十五岁）与李秀英（女，二十三岁）自愿结婚，
FIRST = SENTENCE[: SENTENCE.index("与")]  # 兹有张建国（男，二十五岁）
LAST = SENTENCE[SENTENCE.index("自愿") :]  # 自愿结婚，


def _lost_middle() -> list:
    """The certificate as detection read it: the sentence row's middle (``与李秀英
    （女，二十三岁）``) not detected; the page itself prints the whole sentence."""
    kept = [ln for ln in sentence_certificate() if ln.text != SENTENCE]
    return [
        *kept,
        line(FIRST, 100, 300),
        line(LAST, 100 + CHAR * SENTENCE.index("自愿"), 300),
    ]


def test_the_rows_run_from_the_opening_to_the_first_continuation():
    rows = sentence_rows(_lost_middle())
    assert [[ln.text for ln in row] for row in rows] == [[FIRST, LAST]]
    # without 自愿结婚 the sentence runs on to the row that shows 婚姻法
    lines = [ln for ln in _lost_middle() if ln.text != LAST]
    assert [[ln.text for ln in row] for row in sentence_rows(lines)] == [
        [FIRST],
        ["经审查符合婚姻法的规定，发给此证。"],
    ]


def test_a_page_without_the_opening_or_the_continuation_has_no_sentence_rows():
    lines = _lost_middle()
    assert sentence_rows([ln for ln in lines if ln.text != FIRST]) == []
    no_end = [ln for ln in lines if ln.text not in (LAST, "经审查符合婚姻法的规定，发给此证。")]
    assert sentence_rows(no_end) == []


def test_a_gap_is_a_stretch_of_a_row_wider_than_a_few_row_heights():
    first, last = line(FIRST, 100, 300), line(LAST, 100 + CHAR * 24, 300)
    next_row = line("经审查符合婚姻法", 100, 380)
    gaps = row_gaps([[first, last], [next_row]])
    # between the two lines of the first row, and the second row's rest up to the block's edge
    assert gaps == [
        (100 + CHAR * len(FIRST), 300, 100 + CHAR * 24, 300 + CHAR),
        (100 + CHAR * 8, 380, 100 + CHAR * (24 + len(LAST)), 380 + CHAR),
    ]
    # two characters' room between lines is a word space, not a lost stretch
    close = line(LAST, 100 + CHAR * (len(FIRST) + 2), 300)
    assert row_gaps([[first, close]]) == []


def _page():
    return render_page(sentence_certificate(), size=(1800, 800))


def test_the_lost_spouse_is_read_from_the_gap_and_held(engines):
    reading = extract_fields(_lost_middle())
    assert reading.parties[1].name is None
    assert read_missing_spouse(reading, [_page()], engines["rapidocr"])
    wife = reading.parties[1]
    assert (wife.role, wife.name, wife.sex) == ("wife", "李秀英", "F")
    assert ISSUE in reading.fields["parties[1].name"].issues
    assert reading.parties[0].name == "张建国"  # the other spouse as before
    assert reading.parties[1].age is None  # only the name and the sex are taken
    assert f"parties[1].name: {ISSUE}" in assess(reading).review_reasons


def test_a_gap_the_page_leaves_blank_names_nobody(engines):
    reading = extract_fields(_lost_middle())
    blank = render_page(_lost_middle(), size=(1800, 800))  # the page prints no second spouse
    assert not read_missing_spouse(reading, [blank], engines["rapidocr"])
    assert reading.parties[1].name is None
    assert "parties[1].name" not in reading.fields


def test_a_record_with_both_spouses_named_is_not_reread(engines):
    reading = extract_fields(sentence_certificate())
    before = [p.model_copy() for p in reading.parties]
    empty = np.full((800, 1800, 3), 255, dtype=np.uint8)
    assert not read_missing_spouse(reading, [empty], engines["rapidocr"])
    assert reading.parties == before
