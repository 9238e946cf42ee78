"""An ID that extraction found no value for, read from the box its label gives.

Pages are drawn from hand-built lines (tests/ocr/forms.py) with the real engine;
extraction gets the same lines without the ID's own line, as when detection drops
a handwritten number or a speck read inside it makes it no ID.
"""

from __future__ import annotations

import pytest

from ocr.extract import extract_fields
from ocr.id_missing import ids_held_by_nobody, lost_row_box, missing_id_boxes
from ocr.reread import reread_ids, stated_elsewhere
from schemas.model import TextLine
from tests.ocr.conftest import render_page
from tests.ocr.forms import id18, line, shared_label_table

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
    boxes = missing_id_boxes(reading, 1, 2300)
    assert len(boxes) == 1
    box = boxes[0]
    # the label row (y 580), from just left of the wife's name (x 1300) to the page's edge
    assert box.page == 0 and box.top == 580 and box.right is None
    assert 1200 < box.left <= 1300


def test_no_box_for_a_party_whose_id_was_read():
    reading = extract_fields(shared_label_table(HUSBAND_15, SENTENCE_WIFE_15))
    assert reading.parties[1].id_number == SENTENCE_WIFE_15
    assert missing_id_boxes(reading, 1, 2300) == []
    assert missing_id_boxes(reading, 0, 2300) == []


def test_no_box_on_forms_of_eras_without_ids():
    lines = [
        ln.model_copy(update={"text": ln.text.replace("95", "75")})
        for ln in shared_label_table(HUSBAND_15, None)
    ]
    reading = extract_fields(lines)
    assert reading.parties[1].id_number is None
    assert missing_id_boxes(reading, 1, 2300) == []


def test_a_sentence_gives_the_room_right_of_the_partys_own_label():
    reading = extract_fields(sentence_lines(wife_id=None))
    assert reading.parties[0].id_number == HUSBAND_15
    assert reading.parties[1].id_number is None
    boxes = missing_id_boxes(reading, 1, 2300)
    assert len(boxes) == 1  # text follows the label on its row: no lost row to read
    box = boxes[0]
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
    assert missing_id_boxes(reading, 1, 2300) == []


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


def lost_row_lines(tail: str = "生，身份证号", lost: bool = True) -> list[TextLine]:
    """A certificate sentence on rows 100 px apart whose wife's ID label ends row 2
    (``tail``); her number opens row 3, which page detection lost when ``lost``."""
    rest = "身份证号"[len(tail) - tail.index("身") :]  # what the row break left for row 3
    lines = [
        line("结婚证", 900, 60),
        line("兹有张建国（男，1958年10月5日生，身份证号", 100, 300),
        line(HUSBAND_15 + "）与李秀英（女，1963年5月12日" + tail, 100, 400),
        line("共和国婚姻法》关于结婚的规定，发给此证。", 100, 600),
        line("登记机关：高台县民政局", 900, 800),
        line("一九八五年九月十一日", 900, 880),
    ]
    if not lost:
        lines.append(line(rest + SENTENCE_WIFE_15 + "）自愿结婚，经审查合于《中华人民", 100, 500))
    return lines


def husband_row_lost_lines(lost: bool = True) -> list[TextLine]:
    """The husband's label ends the opening row; his number and the wife's name
    (row 2) are lost, her own label and number read on row 3."""
    lines = [
        line("结婚证", 900, 60),
        line("兹有张建国（男，1958年10月5日生，身份证号", 100, 300),
        line("身份证号：" + SENTENCE_WIFE_15 + "）自愿结婚，经审查合于《中华人民", 100, 500),
        line("共和国婚姻法》关于结婚的规定，发给此证。", 100, 600),
        line("登记机关：高台县民政局", 900, 800),
        line("一九八五年九月十一日", 900, 880),
    ]
    if not lost:
        lines.append(line(HUSBAND_15 + "）与李秀英（女，1963年5月12日生，", 100, 400))
    return lines


def test_a_label_ending_its_row_gives_the_start_of_the_lost_row_after_it():
    reading = extract_fields(lost_row_lines())
    assert reading.parties[0].id_number == HUSBAND_15
    assert "parties[1].id_number" not in reading.fields
    beside, below = missing_id_boxes(reading, 1, 2300)
    assert beside.top == 400 and beside.right is None  # the empty room after the label first
    # rows at 300, 400 and 600: the lost one is centred at 500, half a pitch tall,
    # from the sentence's left margin (x 100) less a label height, 14 label heights long
    assert (below.top, below.height) == (495, 50)
    assert (below.left, below.right) == (60, 60 + 14 * 40)


def test_a_label_split_by_the_row_break_gives_room_for_its_rest_too():
    reading = extract_fields(lost_row_lines(tail="生，身"))
    assert "parties[1].id_number" not in reading.fields
    (below,) = missing_id_boxes(reading, 1, 2300)  # half a label has no value beside it
    assert (below.top, below.left) == (495, 60)
    assert below.right == 60 + (14 + 3) * 40  # 份证号 comes first on the lost row


def test_no_next_row_box_when_the_row_after_the_label_was_read():
    lines = lost_row_lines(lost=False)
    lines[-1] = line("）自愿结婚，经审查合于《中华人民", 100, 500)  # no number written
    reading = extract_fields(lines)
    assert reading.parties[1].id_number is None
    boxes = missing_id_boxes(reading, 1, 2300)
    assert [b.top for b in boxes] == [400]  # only the room beside the label


def test_no_next_row_box_for_a_gap_of_many_rows():
    # the next text five rows below is no continuation of the label's row
    lines = [
        ln.model_copy(update={"bbox": [ln.bbox[0], ln.bbox[1] + 400, *ln.bbox[2:]]})
        if ln.bbox[1] >= 600
        else ln
        for ln in lost_row_lines()
    ]
    reading = extract_fields(lines)
    assert [b.top for b in missing_id_boxes(reading, 1, 2300)] == [400]


def test_an_unreadable_id_at_the_end_of_its_row_gives_the_lost_row():
    reading = extract_fields(husband_row_lost_lines())
    info = reading.fields["parties[0].id_number"]
    assert reading.parties[0].id_number is None and "id_number_unreadable" in info.issues
    box = lost_row_box(reading, 0)
    assert box is not None
    # rows at 300, 500 and 600 (pitch 100): the lost row is centred at 400
    assert (box.top, box.height, box.left) == (395, 50, 60)
    assert lost_row_box(reading, 1) is None  # the wife's was read


def row_start_lost_lines(lost: bool = True) -> list[TextLine]:
    """The husband's label ends the opening row; row 2 is read only from the wife's
    birth date on (its start, his number and her name, lost when ``lost``)."""
    lines = [
        line("结婚证", 900, 60),
        line("兹有张建国（男，1958年10月5日生，身份证号", 100, 300),
        line("1963年5月12日生，身份证号", 1020, 400),
        line(SENTENCE_WIFE_15 + "）自愿结婚，经审查合于《中华人民", 100, 500),
        line("共和国婚姻法》关于结婚的规定，发给此证。", 100, 600),
        line("登记机关：高台县民政局", 900, 800),
        line("一九八五年九月十一日", 900, 880),
    ]
    if not lost:
        lines.append(line(HUSBAND_15 + "）与李秀英（女，", 100, 400))
    return lines


def test_an_unreadable_id_whose_next_row_lost_its_start_gives_that_start():
    reading = extract_fields(row_start_lost_lines())
    assert "id_number_unreadable" in reading.fields["parties[0].id_number"].issues
    box = lost_row_box(reading, 0)
    assert box is not None
    # row 2 (y 400) from the margin less a label height up to its first text (x 1020),
    # at most 14 label heights
    assert (box.top, box.height, box.left, box.right) == (400, 40, 60, 60 + 14 * 40)


def test_a_table_label_with_nothing_beside_it_gives_no_lost_row():
    # a labelled form (the name under its header, not in a sentence): the rows below
    # are the form's own, wider apart than the header and its value
    lines = [
        line("结婚登记申请书", 700, 60),
        line("男方", 100, 200),
        line("姓名", 100, 260),
        line("性别", 600, 260),
        line("张建国", 100, 305),
        line("男", 600, 305),
        line("身份证件号", 100, 420),
        line("职业", 100, 510),
        line("农民", 100, 555),
    ]
    reading = extract_fields(lines)
    assert "id_number_unreadable" in reading.fields["parties[0].id_number"].issues
    assert lost_row_box(reading, 0) is None


@pytest.mark.slow
def test_an_id_on_a_lost_row_is_read_from_the_rows_start(engines):
    page = render_page(lost_row_lines(lost=False))
    reading = extract_fields(lost_row_lines())
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[1].id_number == SENTENCE_WIFE_15
    assert reading.parties[0].id_number == HUSBAND_15
    info = reading.fields["parties[1].id_number"]
    assert "id_reread" in info.issues and info.bbox is not None and info.bbox[1] == 495


@pytest.mark.slow
def test_an_id_whose_label_the_row_break_split_is_read_from_the_lost_row(engines):
    page = render_page(lost_row_lines(tail="生，身", lost=False))
    reading = extract_fields(lost_row_lines(tail="生，身"))
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[1].id_number == SENTENCE_WIFE_15


@pytest.mark.slow
def test_an_unreadable_id_is_read_from_the_lost_row_not_the_other_spouses(engines):
    page = render_page(husband_row_lost_lines(lost=False))
    reading = extract_fields(husband_row_lost_lines())
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[0].id_number == HUSBAND_15
    assert reading.parties[1].id_number == SENTENCE_WIFE_15
    issues = reading.fields["parties[0].id_number"].issues
    assert "id_reread" in issues and "id_number_unreadable" not in issues
    assert "role_by_order" in issues  # extraction's own doubts are kept


@pytest.mark.slow
def test_a_lost_row_without_a_number_adds_no_field(engines):
    lines = lost_row_lines(lost=False)
    lines[-1] = line("）自愿结婚，经审查合于《中华人民", 100, 500)
    page = render_page(lines)
    reading = extract_fields(lost_row_lines())
    assert reread_ids(reading, [page], engines["rapidocr"]) == 0
    assert "parties[1].id_number" not in reading.fields


@pytest.mark.slow
def test_an_unreadable_id_is_read_from_the_lost_start_of_the_next_row(engines):
    page = render_page(row_start_lost_lines(lost=False))
    reading = extract_fields(row_start_lost_lines())
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[0].id_number == HUSBAND_15
    assert reading.fields["parties[0].id_number"].bbox == [60, 400, 560, 40]


def two_page_lines(wife_id: str = SENTENCE_WIFE_15, wife_in_table: bool = False) -> list[TextLine]:
    """A table (page 0) whose wife's ID row read nothing, and the certificate (page 1)
    that states her ID again after its label, its opening row lost."""
    table = shared_label_table(HUSBAND_15, SENTENCE_WIFE_15 if wife_in_table else None)
    return [
        *table,
        line("离婚证", 700, 100, page=1),
        line("身份证號", 100, 300, page=1),
        line(wife_id + "·自愿离婚，经审查合于", 400, 300, page=1),
    ]


def test_ids_no_party_holds_are_listed_as_digits_with_their_line():
    reading = extract_fields(two_page_lines(wife_id="620|7|2|2630512248"))
    assert reading.parties[1].id_number is None  # extraction gave the value nobody
    found = ids_held_by_nobody(reading)
    assert [(value, ln.page) for value, ln in found] == [(SENTENCE_WIFE_15, 1)]


def test_an_id_a_party_holds_is_not_listed():
    reading = extract_fields(two_page_lines(wife_id=HUSBAND_15))
    assert reading.parties[0].id_number == HUSBAND_15
    assert ids_held_by_nobody(reading) == []


def test_an_id_stated_elsewhere_goes_to_the_party_whose_printed_facts_it_states():
    reading = extract_fields(two_page_lines())
    found = stated_elsewhere(reading, 1)
    assert found is not None
    source, where = found
    assert source.source == "elsewhere" and source.ids == {SENTENCE_WIFE_15}
    assert where.page == 1


@pytest.mark.parametrize(
    "wife_id",
    [
        "620722" + "630512" + "247",  # her birth date, a man's sequence digit
        "620722" + "640512" + "248",  # another birth year
        "620722" + "581005" + "137",  # the husband's birth date and sex: not hers
    ],
)
def test_an_id_stated_elsewhere_that_does_not_state_the_partys_facts_is_not_hers(wife_id):
    reading = extract_fields(two_page_lines(wife_id=wife_id))
    assert stated_elsewhere(reading, 1) is None


def test_two_different_ids_stated_elsewhere_give_none():
    lines = [*two_page_lines(), line("620722" + "630512" + "266", 400, 400, page=1)]
    assert stated_elsewhere(extract_fields(lines), 1) is None


@pytest.mark.slow
def test_an_id_its_row_does_not_give_is_taken_from_another_page_unconfirmed(engines):
    lines = two_page_lines()
    pages = [render_page([x for x in lines if x.page == p]) for p in (0, 1)]
    reading = extract_fields(lines)
    assert reread_ids(reading, pages, engines["rapidocr"]) == 1
    assert reading.parties[1].id_number == SENTENCE_WIFE_15
    info = reading.fields["parties[1].id_number"]
    assert info.page == 1  # the line that states it
    # one source: a 15-digit value stays held
    assert "id_reread" in info.issues and "id_reread_unconfirmed" in info.issues


@pytest.mark.slow
def test_an_id_its_row_reads_and_another_page_states_is_confirmed(engines):
    lines = two_page_lines()
    pages = [
        render_page([x for x in two_page_lines(wife_in_table=True) if x.page == 0]),
        render_page([x for x in lines if x.page == 1]),
    ]
    reading = extract_fields(lines)
    assert reread_ids(reading, pages, engines["rapidocr"]) == 1
    assert reading.parties[1].id_number == SENTENCE_WIFE_15
    info = reading.fields["parties[1].id_number"]
    assert info.page == 0  # read in its own row, the other page agreeing
    assert "confirmed_by_second_reading" in info.issues


def row_rest_lost_lines(lost: bool = True, wife_named: bool = True) -> list[TextLine]:
    """The husband's opening row read only up to his name (``兹有张建国（男，``): his
    age, label and number (the rest of the row) lost; the wife's details follow on
    the rows after it, as a certificate that gives ages wraps them."""
    wife = (
        "）与李秀英（女，1963年5月12日生，身份证号" if wife_named else "）1963年5月12日生，身份证号"
    )
    lines = [
        line("结婚证", 900, 60),
        line("兹有张建国（男，", 100, 300),
        line(wife, 60, 400),
        line(SENTENCE_WIFE_15 + "）自愿结婚，经审查合于《中华人民共和国", 60, 500),
        line("婚姻法》关于结婚的规定，发给此证。", 60, 600),
        line("登记机关：高台县民政局", 900, 800),
        line("一九八五年九月十一日", 900, 880),
    ]
    if not lost:
        lines.append(line("25岁，身份证号" + HUSBAND_15, 420, 300))
    return lines


def test_a_row_read_only_up_to_the_name_gives_its_rest():
    reading = extract_fields(row_rest_lost_lines())
    assert reading.parties[1].id_number == SENTENCE_WIFE_15
    assert "parties[0].id_number" not in reading.fields
    boxes = missing_id_boxes(reading, 0, 2300)
    assert len(boxes) == 1
    box = boxes[0]
    # the row of 兹有张建国（男， (x 100-420, y 300) from its end to past the sentence's margin
    assert (box.page, box.top, box.height) == (0, 300, 40)
    # (the row's segments end at its sex, ``（男，`` 340-420, estimated in its line)
    assert 340 <= box.left <= 420 and box.right is not None and box.right >= 1400


def test_no_row_rest_when_the_other_spouses_name_was_not_read():
    reading = extract_fields(row_rest_lost_lines(wife_named=False))
    assert reading.fields.get("parties[1].name") is None
    # the rest of his row might hold her details too: not read (the label on row 2
    # still gives its own box, session 16's)
    assert all(box.top != 300 for box in missing_id_boxes(reading, 0, 2300))


def test_no_row_rest_when_the_row_was_read_to_the_sentences_margin():
    lines = row_rest_lost_lines()
    lines[1] = line("兹有张建国（男，25岁，身份证号，住高台县城关镇东街村三号", 100, 300)
    reading = extract_fields(lines)
    assert "parties[0].id_number" not in reading.fields
    assert all(box.top != 300 or box.left < 1000 for box in missing_id_boxes(reading, 0, 2300))


@pytest.mark.slow
def test_an_id_on_the_lost_rest_of_the_name_row_is_read(engines):
    page = render_page(row_rest_lost_lines(lost=False))
    reading = extract_fields(row_rest_lost_lines())
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[0].id_number == HUSBAND_15
    assert reading.parties[1].id_number == SENTENCE_WIFE_15
    # no birth date printed for him: one reading or two, the value stays held
    assert "id_reread_unconfirmed" in reading.fields["parties[0].id_number"].issues


@pytest.mark.slow
def test_a_missing_id_whose_box_reads_a_birth_digit_wrong_is_repaired_and_held(engines):
    # the wife's 18-digit ID drawn with a wrong day digit (its check character
    # fails); the form prints her full birth date, which repairs it
    wife = id18("620722", "19630512", "248")
    drawn = wife[:12] + "17" + wife[14:]

    def lines(wife_id: str | None) -> list[TextLine]:
        out = shared_label_table(HUSBAND_15, wife_id)
        return [line("1963年5月12日", 1300, 500) if x.text == "1963年5月" else x for x in out]

    page = render_page(lines(drawn))
    reading = extract_fields(lines(None))
    assert reread_ids(reading, [page], engines["rapidocr"]) >= 1
    assert reading.parties[1].id_number == wife
    assert "id_reread_unconfirmed" in reading.fields["parties[1].id_number"].issues
