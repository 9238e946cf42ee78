"""A party's sex read again from its own cell (ocr/sex_cell.py), with the real engine."""

from __future__ import annotations

import pytest

from ocr import extract_fields
from ocr.sex_cell import reread_sex, sex_in_cell
from schemas.model import Role, TextLine
from tests.ocr.conftest import render_page
from tests.ocr.forms import line, two_column_form


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("男", "M"),
        ("女", "F"),
        ("女：", "F"),
        ("七男", "M"),  # a speck read as a character beside the glyph
        ("性别女", "F"),
        ("(男)", "M"),
        ("男女", None),
        ("女汉族", None),  # the next cell's value came along: not one sex alone
        ("", None),
        ("汉", None),
    ],
)
def test_a_cell_gives_a_sex_only_when_it_holds_one_sex_character(text, sex):
    assert sex_in_cell(text) == sex


def _without(lines: list[TextLine], text: str, x: int) -> list[TextLine]:
    """The lines less the one the page detection lost (its glyph stays on the page)."""
    kept = [ln for ln in lines if not (ln.text == text and ln.bbox[0] == x)]
    assert len(kept) == len(lines) - 1
    return kept


def _party(reading, role: Role) -> int:
    return next(i for i, p in enumerate(reading.parties) if p.role == role)


def test_a_sex_the_page_detection_lost_beside_its_label_is_read_from_its_cell(engines):
    lines = two_column_form()
    page = render_page(lines)
    reading = extract_fields(_without(lines, "女", 2100))
    wife = _party(reading, Role.WIFE)
    assert reading.parties[wife].sex is None  # what extraction alone gives
    assert reread_sex(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[wife].sex == "F"
    info = reading.fields[f"parties[{wife}].sex"]
    assert info.issues == ["sex_reread"] and info.confidence >= 0.9
    assert info.bbox is not None and info.bbox[0] >= 1900 + 2 * 40  # right of her 性别 label
    assert reading.parties[_party(reading, Role.HUSBAND)].sex == "M"  # untouched


def test_a_cell_that_contradicts_the_role_is_not_written(engines):
    """The page shows 男 where the wife's sex belongs: no sex is written, so the
    record stays in review instead of taking a sex from the role."""
    lines = two_column_form()
    lines = [
        ln.model_copy(update={"text": "男"}) if (ln.text, ln.bbox[0]) == ("女", 2100) else ln
        for ln in lines
    ]
    page = render_page(lines)
    reading = extract_fields(_without(lines, "男", 2100))
    assert reread_sex(reading, [page], engines["rapidocr"]) == 0
    assert reading.parties[_party(reading, Role.WIFE)].sex is None


def test_a_sex_read_with_a_speck_is_read_again_from_its_box(engines):
    lines = two_column_form()
    lines = [
        ln.model_copy(update={"text": "七男", "bbox": [1060, 480, 80, 40]})
        if (ln.text, ln.bbox[0]) == ("男", 1100)
        else ln
        for ln in lines
    ]
    page = render_page(lines)
    reading = extract_fields(lines)
    husband = _party(reading, Role.HUSBAND)
    assert reading.parties[husband].sex is None
    assert "sex_unreadable" in reading.fields[f"parties[{husband}].sex"].issues
    assert reread_sex(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[husband].sex == "M"


def _column_table(wife_sex: str | None) -> list[TextLine]:
    """One column per party: 姓名 | 张建国 | 李秀英, then 性别 | 男 | 女."""
    rows = [
        line("结婚登记申请书", 500, 60),
        line("项目", 200, 200),
        line("男方", 600, 200),
        line("女方", 1100, 200),
        line("姓名", 200, 300),
        line("张建国", 600, 300),
        line("李秀英", 1100, 300),
        line("性别", 200, 400),
        line("男", 600, 400),
        line("年龄", 200, 500),
        line("二十五岁", 600, 500),
        line("二十三岁", 1100, 500),
        line("登记日期：1962年3月12日", 200, 700),
    ]
    if wife_sex:
        rows.append(line(wife_sex, 1100, 400))
    return rows


def test_a_sex_lost_in_a_table_with_a_column_per_party_is_read_under_her_name(engines):
    page = render_page(_column_table("女"), size=(1600, 900))
    reading = extract_fields(_column_table(None))
    wife = _party(reading, Role.WIFE)
    assert reading.parties[wife].sex is None
    assert reread_sex(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[wife].sex == "F"
    x, _y, w, _h = reading.fields[f"parties[{wife}].sex"].bbox or [0, 0, 0, 0]
    assert x < 1100 < x + w  # her column, not the husband's


def test_an_empty_cell_gives_nothing(engines):
    page = render_page(_column_table(None), size=(1600, 900))
    reading = extract_fields(_column_table(None))
    assert reread_sex(reading, [page], engines["rapidocr"]) == 0
    assert reading.parties[_party(reading, Role.WIFE)].sex is None
