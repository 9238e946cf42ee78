"""Record content follows the domain facts of each era (IDs, dates, script, numbers)."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pytest

from schemas.idnumber import parse_id, upgrade_15_to_18
from schemas.names import simplify_name
from synth.content import ERAS, RECORD_TYPES, certificate_number, make_record, traditional_name
from synth.text import chinese_date, format_age, format_date, to_traditional


def _records(era: str, count: int = 40):
    return [
        make_record(np.random.default_rng([3, i]), f"r{i}", era, RECORD_TYPES[i % 4])
        for i in range(count)
    ]


def test_chinese_numeral_dates_are_written_like_the_forms():
    assert chinese_date(date(1953, 3, 12)) == "一九五三年三月十二日"
    assert chinese_date(date(1950, 10, 1)) == "一九五〇年十月一日"
    assert chinese_date(date(1955, 12, 31), zero="零") == "一九五五年十二月三十一日"
    assert format_date(date(1985, 3, 2), "dotted") == "1985.3.2"
    assert format_date(date(2005, 3, 2), "ymd_cn_padded") == "2005年03月02日"
    assert format_age(25, chinese=True, traditional=True) == "二十五歲"


def test_traditional_script_conversion():
    assert to_traditional("结婚证") == "結婚證"
    assert to_traditional("高台县") == "高臺縣"
    # surnames whose traditional "equivalent" is another surname stay as they are
    assert traditional_name("于芳萍") == "于芳萍"
    assert traditional_name("张国华") == "張國華"


def test_1950s_records_have_ages_traditional_names_and_no_ids():
    converted = 0
    for spec in _records("1950-55"):
        assert spec.traditional
        for p in spec.parties:
            assert p.id_number is None and p.show_age and not p.show_birth
            assert simplify_name(p.name) == p.name_simplified
            converted += p.name != p.name_simplified
        assert re.fullmatch(r"高民(婚|離)字第\d{3}號", spec.certificate_no), spec.certificate_no
    assert converted > 20  # most names have at least one character that changes


def test_1956_84_records_have_no_ids_and_local_certificate_numbers():
    for spec in _records("1956-84"):
        assert not spec.traditional
        assert all(p.id_number is None for p in spec.parties)
        assert re.fullmatch(r"\(\d\d\)高(婚|离)字第\d+号", spec.certificate_no)
        assert spec.certificate_no[1:3] == f"{spec.reg_date.year % 100:02d}"


def test_15_digit_ids_match_birth_date_sex_and_upgrade():
    for spec in _records("1985-99"):
        for p in spec.parties:
            assert p.id_number is not None and len(p.id_number) == 15
            check = parse_id(p.id_number, today=date(2030, 1, 1))
            assert check.valid, check.errors
            assert check.birth_date == p.birth and check.sex == p.sex
            assert p.id_number.startswith("6207") or p.id_number[:2] in ("64", "63", "62", "41")
            assert p.id_number_18 == upgrade_15_to_18(p.id_number)


def test_18_digit_ids_have_correct_check_character():
    ids = []
    for spec in _records("2000+"):
        for p in spec.parties:
            check = parse_id(p.id_number, today=date(2030, 1, 1))
            assert check.valid and check.kind == "18", (p.id_number, check.errors)
            assert check.birth_date == p.birth and check.sex == p.sex
            assert p.id_number == p.id_number_18
            ids.append(p.id_number)
    assert sum(i.startswith("620722") for i in ids) > len(ids) / 2  # mostly the home county


def test_age_is_consistent_with_birth_date_at_registration():
    for era in ERAS:
        for spec in _records(era, 20):
            for p in spec.parties:
                reg, b = spec.reg_date, p.birth
                expected = reg.year - b.year - ((reg.month, reg.day) < (b.month, b.day))
                assert p.age == expected
                assert p.age >= (20 if p.sex == "M" else 18)


@pytest.mark.parametrize(
    ("record_type", "pattern"),
    [
        ("marriage", r"J620722-2005-\d{6}"),
        ("divorce", r"L620722-2005-\d{6}"),
        ("reissue", r"B[JL]620722-2005-\d{6}"),
    ],
)
def test_modern_certificate_numbers(record_type, pattern):
    for i in range(10):
        number = certificate_number(np.random.default_rng(i), "2000+", record_type, 2005)
        assert re.fullmatch(pattern, number), number


def test_names_are_two_to_four_characters_with_some_rare_ones():
    names = [p.name_simplified for era in ERAS for s in _records(era, 100) for p in s.parties]
    assert all(2 <= len(n) <= 4 for n in names)
    assert any(ord(ch) >= 0x20000 for n in names for ch in n)  # CJK Extension B
    assert any(n[0] in "单曾解仇区" for n in names)
    assert any(n.startswith(("欧阳", "司马", "上官", "诸葛", "慕容")) for n in names)
