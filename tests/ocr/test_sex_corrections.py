"""A sex cell read as a struck-out character and the sex after it gives that sex."""

from __future__ import annotations

from ocr import assess, extract_fields
from ocr.sex_corrections import corrected_sex, read_corrected_sexes
from schemas.model import TextLine
from tests.ocr.forms import two_column_form


def test_the_sex_after_one_struck_character_is_read():
    assert corrected_sex("亚女") == "F"
    assert corrected_sex("丹 男") == "M"
    assert corrected_sex("七男.") == "M"


def test_other_cells_stay_unread():
    assert corrected_sex("女") is None  # one sex: the extraction reads it already
    assert corrected_sex("男女") is None  # which one is struck is not known
    assert corrected_sex("女亚") is None  # the sex is not the correction
    assert corrected_sex("王亚女") is None
    assert corrected_sex("亚") is None


def _wife_sex_cell(text: str) -> list[TextLine]:
    lines = two_column_form()
    # the wife's sex cell is the second 女 of the form (after 性别 in her column)
    k = max(i for i, ln in enumerate(lines) if ln.text == "女")
    lines[k] = lines[k].model_copy(update={"text": text, "confidence": 0.95})
    return lines


def test_a_corrected_sex_cell_no_longer_holds_the_record():
    reading = extract_fields(_wife_sex_cell("亚女"))
    assert reading.parties[1].sex is None
    assert "sex_unreadable" in reading.fields["parties[1].sex"].issues
    assert read_corrected_sexes(reading) == 1
    assert reading.parties[1].sex == "F"
    info = reading.fields["parties[1].sex"]
    assert info.issues == ["sex_struck_out_before"] and info.confidence == 0.95
    assert not [r for r in assess(reading).review_reasons if "parties[1].sex" in r]


def test_a_correction_against_the_column_is_held_by_the_role_check():
    reading = extract_fields(_wife_sex_cell("亚男"))
    assert read_corrected_sexes(reading) == 1
    assert "parties[1].sex: sex_role_mismatch" in assess(reading).review_reasons


def test_two_sexes_in_one_cell_stay_unreadable():
    reading = extract_fields(_wife_sex_cell("男女"))
    assert read_corrected_sexes(reading) == 0
    assert "missing: parties[1].sex" in assess(reading).review_reasons
