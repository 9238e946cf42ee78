"""A name that lost its first character no longer begins with a surname."""

from __future__ import annotations

from ocr import assess, extract_fields
from ocr.surnames import starts_with_surname, surname_expected
from schemas.model import TextLine
from tests.ocr.forms import line, traditional_form, two_column_form


def _replace(lines: list[TextLine], text: str, new: TextLine) -> list[TextLine]:
    return [new if ln.text == text else ln for ln in lines]


def test_names_begin_with_a_surname_in_either_script():
    assert starts_with_surname("张建国")
    assert starts_with_surname("閆兵德")  # traditional form of a northern surname
    assert starts_with_surname("錢翠珍")
    assert starts_with_surname("歐陽修")  # compound surname, traditional script
    assert starts_with_surname("妥秀英")  # a Yugur/Hui surname of Gansu


def test_a_given_name_alone_does_not():
    # the first character dropped by recognition: 閆兵德 -> 兵德, 錢翠珍 -> 翠珍
    assert not starts_with_surname("兵德")
    assert not starts_with_surname("翠珍")
    assert not starts_with_surname("秀英")


def test_names_that_cannot_be_judged_pass():
    assert starts_with_surname("英")  # one character: nothing to split
    assert starts_with_surname("阿依古丽·买买提")  # a transliterated name with a middle dot


def test_peoples_without_surnames_are_waived():
    assert not surname_expected("藏族")
    assert not surname_expected("藏")
    assert not surname_expected("蒙古族")
    assert surname_expected("汉族")
    assert surname_expected("漢族")
    assert surname_expected("回")
    assert surname_expected(None)  # unknown people: the check stays


def test_a_name_that_lost_its_surname_goes_to_review_even_when_sure():
    lost = line("建国", 450, 480, conf=0.999)  # box as wide as its two characters
    reading = assess(extract_fields(_replace(two_column_form(), "张建国", lost)))
    assert reading.parties[0].name == "建国"
    assert "parties[0].name: name_surname_unknown" in reading.review_reasons


def test_a_tibetan_name_without_surname_is_accepted():
    lines = _replace(two_column_form(), "张建国", line("扎西", 450, 480))
    lines = _replace(lines, "汉", line("藏族", 1100, 560))
    reading = assess(extract_fields(lines))
    assert reading.parties[0].name == "扎西"
    assert reading.parties[0].ethnicity == "藏"
    assert reading.review_reasons == []


def test_a_traditional_form_with_surnames_stays_accepted():
    assert assess(extract_fields(traditional_form())).review_reasons == []
