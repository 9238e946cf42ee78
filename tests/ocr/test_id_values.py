"""ID numbers in OCR text (ocr/id_values.py): property tests (Hypothesis) on valid
IDs, their OCR confusions and wrong digits, and a run read across cell rules."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from ocr.id_values import find_ids
from schemas.idnumber import check_char

CONFUSE = {"0": "O", "1": "l", "5": "S", "8": "B", "2": "Z"}


@st.composite
def valid_ids(draw):
    birth = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2005, 12, 31)))
    first17 = "620722" + birth.strftime("%Y%m%d") + draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    return first17 + check_char(first17)


@settings(deadline=None)
@given(valid_ids(), st.sampled_from(["身份证号：", "公民身份号码 ", "", "号码:"]))
def test_a_valid_id_is_found_as_printed_inside_label_text(id18, prefix):
    found = find_ids(prefix + id18 + " 男")
    assert found, (prefix, id18)
    assert found[0].printed == id18 and found[0].valid and not found[0].normalized


@settings(deadline=None)
@given(valid_ids(), st.integers(min_value=0, max_value=16))
def test_an_ocr_confusion_is_undone_only_when_the_check_digit_confirms(id18, position):
    digit = id18[position]
    if digit not in CONFUSE:
        return
    misread = id18[:position] + CONFUSE[digit] + id18[position + 1 :]
    found = find_ids(misread)
    assert found[0].printed == id18 and found[0].normalized


@settings(deadline=None)
@given(valid_ids(), st.integers(min_value=0, max_value=16), st.integers(1, 9))
def test_a_wrong_digit_is_reported_invalid_never_repaired(id18, position, delta):
    wrong_digit = str((int(id18[position]) + delta) % 10)
    wrong = id18[:position] + wrong_digit + id18[position + 1 :]
    found = find_ids(wrong)
    assert found and found[0].printed == wrong
    assert not found[0].valid


def test_a_run_with_cell_rules_read_as_bars_is_kept_as_its_digits():
    """``620|7|2|2770204300``: 15 valid digits between bars, 18 characters as read. The
    value is the 15 digits, marked normalized, never the 18 characters with their bars
    (which would pass for an 18-digit ID and skip the 15-digit confirmation)."""
    found = find_ids("620|7|2|2770204300")
    assert [(v.printed, v.valid, v.normalized) for v in found] == [("620722770204300", True, True)]


def test_digits_printed_low_or_high_in_their_cells_are_digits():
    # read as a subscript 4, a superscript 2, a degree sign for a small 0
    assert [v.printed for v in find_ids("62072375102420₄）自愿结婚") if v.valid] == [
        "620723751024204"
    ]
    assert [v.printed for v in find_ids("62072²70°816965") if v.valid] == ["620722700816965"]
