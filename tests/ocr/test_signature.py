"""Signature lines confirm names read elsewhere; they never supply or contradict one."""

from __future__ import annotations

import pytest

from ocr import assess, extract_fields
from tests.ocr.forms import line, two_column_form


def _with(lines, *extra):
    return assess(extract_fields(list(lines) + list(extra)))


def _unsure_husband_name():
    return [
        line(ln.text, *ln.bbox[:2], conf=0.9) if ln.text == "张建国" else ln
        for ln in two_column_form()
    ]


def test_a_confident_signature_confirms_an_unsure_name():
    assert "low_confidence: parties[0].name" in _with(_unsure_husband_name()).review_reasons
    reading = _with(
        _unsure_husband_name(),
        line("男方签名：", 200, 1000),
        line("张建国", 500, 1000, conf=0.99),
    )
    assert reading.parties[0].name == "张建国"
    assert reading.fields["parties[0].name"].confidence == pytest.approx(0.99)
    assert reading.review_reasons == []


def test_a_signature_with_the_qian_lost_still_counts_and_is_no_block_heading():
    reading = _with(_unsure_husband_name(), line("男方名：张建国", 200, 1000, conf=0.99))
    assert reading.review_reasons == []
    assert reading.parties[1].name == "李秀英"  # the 男方 of the signature did not take the wife


def test_a_different_signature_neither_confirms_nor_conflicts():
    reading = _with(_unsure_husband_name(), line("男方签名：张建图", 200, 1000, conf=0.99))
    assert reading.parties[0].name == "张建国"
    assert "low_confidence: parties[0].name" in reading.review_reasons
    assert not any("conflicting" in r for r in reading.review_reasons)


def test_a_signature_alone_supplies_no_name():
    lines = [ln for ln in two_column_form() if ln.text != "张建国"]
    reading = _with(lines, line("男方签名：张建国", 200, 1000))
    assert reading.parties[0].name is None
    assert "missing: parties[0].name" in reading.review_reasons
