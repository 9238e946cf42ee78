"""An ID that extraction found no value for, read from the box its label gives.

Pages are drawn from hand-built lines (tests/ocr/forms.py) with the real engine;
extraction gets the same lines without the ID's own line, as when detection drops
a handwritten number or a speck read inside it makes it no ID.
"""

from __future__ import annotations

import pytest

from ocr.extract import extract_fields
from ocr.id_missing import missing_id_box
from ocr.reread import reread_ids
from schemas.model import TextLine
from tests.ocr.conftest import render_page
from tests.ocr.forms import line, shared_label_table

# 15-digit IDs (no check character): region 620722, birth YYMMDD, sequence (odd: male)
HUSBAND_15 = "620722" + "581005" + "135"  # born 1958-10-05, male
SENTENCE_WIFE_15 = "620722" + "630512" + "248"  # born 1963-05-12, female


def sentence_lines(wife_id: str | None = SENTENCE_WIFE_15) -> list[TextLine]:
    """A 1980s certificate sentence; the wife's ID on a row of its own after her label."""
    lines = [
        line("结婚证", 900, 60),
        line("兹有张建国（男，1958年10月5日生，身份证号", 100, 300),
        line(HUSBAND_15 + "）与李秀英", 100, 400),
        line("（女，1963年5月12日生，", 900, 400),
        line("身份证号", 100, 500),
        line("）自愿结婚，经审查合于婚姻法的规定，", 1000, 500),
        line("登记机关：高台县民政局", 900, 700),
        line("一九八五年九月十一日", 900, 780),
    ]
    if wife_id is not None:
        lines.append(line(wife_id, 300, 500))
    return lines


def test_a_table_column_gives_the_box_right_of_the_shared_label_row():
    reading = extract_fields(shared_label_table(HUSBAND_15, None))
    assert reading.parties[1].id_number is None
    assert "parties[1].id_number" not in reading.fields
    box = missing_id_box(reading, 1, 2300)
    assert box is not None
    # the label row (y 580), from just left of the wife's name (x 1300) to the page's edge
    assert box.page == 0 and box.top == 580 and box.right is None
    assert 1200 < box.left <= 1300


def test_no_box_for_a_party_whose_id_was_read():
    reading = extract_fields(shared_label_table(HUSBAND_15, SENTENCE_WIFE_15))
    assert reading.parties[1].id_number == SENTENCE_WIFE_15
    assert missing_id_box(reading, 1, 2300) is None
    assert missing_id_box(reading, 0, 2300) is None


def test_no_box_on_forms_of_eras_without_ids():
    lines = [
        ln.model_copy(update={"text": ln.text.replace("95", "75")})
        for ln in shared_label_table(HUSBAND_15, None)
    ]
    reading = extract_fields(lines)
    assert reading.parties[1].id_number is None
    assert missing_id_box(reading, 1, 2300) is None


def test_a_sentence_gives_the_room_right_of_the_partys_own_label():
    reading = extract_fields(sentence_lines(wife_id=None))
    assert reading.parties[0].id_number == HUSBAND_15
    assert reading.parties[1].id_number is None
    box = missing_id_box(reading, 1, 2300)
    assert box is not None
    # right of the wife's 身份证号 (x 100-260, y 500) up to the text after it (x 1000)
    assert (box.top, box.right) == (500, 1000)
    assert 250 <= box.left <= 270


def test_a_sentence_label_with_no_room_beside_it_gives_no_box():
    lines = [
        ln.model_copy(update={"bbox": [300, 500, 720, 40]}) if ln.text.startswith("）自愿") else ln
        for ln in sentence_lines(wife_id=None)
    ]
    reading = extract_fields(lines)
    assert reading.parties[1].id_number is None
    assert missing_id_box(reading, 1, 2300) is None


@pytest.mark.slow
def test_a_table_id_detection_dropped_is_read_from_its_column(engines):
    page = render_page(shared_label_table(HUSBAND_15, SENTENCE_WIFE_15))
    reading = extract_fields(shared_label_table(HUSBAND_15, None))
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[1].id_number == SENTENCE_WIFE_15  # not the husband's, left of it
    assert reading.parties[0].id_number == HUSBAND_15
    info = reading.fields["parties[1].id_number"]
    assert info.page == 0 and "id_reread" in info.issues
    # 15 digits: confirmed only by two sources and the printed birth date and sex
    assert "confirmed_by_second_reading" in info.issues


@pytest.mark.slow
def test_a_table_id_of_another_sex_stays_unconfirmed(engines):
    # the wife's column holds a male 15-digit number (odd sequence): read, but held
    male = "620722" + "630512" + "247"
    page = render_page(shared_label_table(HUSBAND_15, male))
    reading = extract_fields(shared_label_table(HUSBAND_15, None))
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[1].id_number == male
    assert "id_reread_unconfirmed" in reading.fields["parties[1].id_number"].issues


@pytest.mark.slow
def test_a_sentence_id_detection_dropped_is_read_beside_its_label(engines):
    page = render_page(sentence_lines())
    reading = extract_fields(sentence_lines(wife_id=None))
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[1].id_number == SENTENCE_WIFE_15
    assert reading.parties[0].id_number == HUSBAND_15
    assert "id_reread" in reading.fields["parties[1].id_number"].issues


@pytest.mark.slow
def test_an_empty_box_adds_no_field(engines):
    # the wife's ID really is not written: nothing is read, the field stays missing
    page = render_page(sentence_lines(wife_id=None))
    reading = extract_fields(sentence_lines(wife_id=None))
    assert reread_ids(reading, [page], engines["rapidocr"]) == 0
    assert reading.parties[1].id_number is None
    assert "parties[1].id_number" not in reading.fields


@pytest.mark.slow
def test_the_other_partys_number_is_not_taken(engines):
    # the wife's box holds the husband's number (written twice by mistake): no ID of hers
    page = render_page(sentence_lines(wife_id=HUSBAND_15))
    reading = extract_fields(sentence_lines(wife_id=None))
    assert reread_ids(reading, [page], engines["rapidocr"]) == 0
    assert reading.parties[1].id_number is None
