"""Assembling readings into a record: which value a name conflict shows the clerk."""

from __future__ import annotations

from ocr import assess, extract_fields
from schemas.model import TextLine
from tests.ocr.forms import line, two_column_form


def _wife_cell_read_as(text: str, conf: float) -> list[TextLine]:
    return [
        TextLine(text=text, bbox=ln.bbox, confidence=conf, page=0) if ln.text == "李秀英" else ln
        for ln in two_column_form()
    ]


def _signatures(wife: str) -> list[TextLine]:
    return [
        line("男方签名：", 200, 900),
        line("张建国", 420, 900),
        line("女方签名：", 1300, 900),
        line(wife, 1520, 900),
    ]


def test_a_name_conflict_shows_the_name_read_in_more_places_and_goes_to_review() -> None:
    # the wife's cell reads 李秀芙 unsurely; her signature and the certificate sentence
    # on a second page both read 李秀英
    sentence = line("兹有张建国（男，27岁）与李秀英（女，25岁）自愿结婚", 100, 300, page=1)
    lines = [*_wife_cell_read_as("李秀芙", 0.55), *_signatures("李秀英"), sentence]
    reading = assess(extract_fields(lines))
    assert reading.parties[1].name == "李秀英"
    assert "parties[1].name: conflicting_values" in reading.review_reasons


def test_a_name_conflict_between_two_single_readings_keeps_the_labelled_one() -> None:
    # the cell reads 李秀芙, the sentence 李秀英, once each: nothing says which is right
    sentence = line("兹有张建国（男，27岁）与李秀英（女，25岁）自愿结婚", 100, 300, page=1)
    reading = assess(extract_fields([*_wife_cell_read_as("李秀芙", 0.99), sentence]))
    assert reading.parties[1].name == "李秀芙"
    assert "parties[1].name: conflicting_values" in reading.review_reasons


def test_a_signature_alone_never_replaces_the_name_it_contradicts() -> None:
    reading = assess(extract_fields([*_wife_cell_read_as("李秀芙", 0.99), *_signatures("李秀英")]))
    assert reading.parties[1].name == "李秀芙"
