"""Certificate numbers: modern J/L/BJ/BL and local county forms."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.certno import CERT_ERROR_TEXT, certificate_key, parse_certificate_no

# Deterministic budget: the machine is shared, so no wall-clock deadline.
PROPERTY = settings(max_examples=60, deadline=None)

TODAY = date(2026, 6, 15)

VALID = [
    # (as printed, kind, record type, reissue of, key)
    ("J620722-2005-000123", "modern", "marriage", None, "J620722-2005-000123"),
    ("j620722-2005-000123", "modern", "marriage", None, "J620722-2005-000123"),
    ("J 620722 - 2005 - 000123", "modern", "marriage", None, "J620722-2005-000123"),
    ("J620722－2005－000123", "modern", "marriage", None, "J620722-2005-000123"),
    ("Ｊ６２０７２２—２００５—０００１２３", "modern", "marriage", None, "J620722-2005-000123"),
    ("J6207222005000123", "modern", "marriage", None, "J620722-2005-000123"),
    ("J620722-2005000123", "modern", "marriage", None, "J620722-2005-000123"),
    ("L620724-2012-000045", "modern", "divorce", None, "L620724-2012-000045"),
    ("BJ620724-2010-000001", "modern", "reissue", "marriage", "BJ620724-2010-000001"),
    ("BL620724-2010-000002", "modern", "reissue", "divorce", "BL620724-2010-000002"),
    ("高民婚字第032号", "local", "marriage", None, "高民婚字第32号"),
    ("高民婚字第32号", "local", "marriage", None, "高民婚字第32号"),
    ("高民婚字第 032 号", "local", "marriage", None, "高民婚字第32号"),
    ("高民婚字第〇三二号", "local", "marriage", None, "高民婚字第32号"),
    ("高民离字第7号", "local", "divorce", None, "高民离字第7号"),
    ("高民離字第7號", "local", "divorce", None, "高民离字第7号"),
    ("(85)高婚字第123号", "local", "marriage", None, "(1985)高婚字第123号"),
    ("（85）高婚字第123号", "local", "marriage", None, "(1985)高婚字第123号"),
    ("〔85〕高婚字第123号", "local", "marriage", None, "(1985)高婚字第123号"),
    ("【85】高婚字第123号", "local", "marriage", None, "(1985)高婚字第123号"),
    ("[1985]高婚字第123号", "local", "marriage", None, "(1985)高婚字第123号"),
    ("(85)高婚字123号", "local", "marriage", None, "(1985)高婚字第123号"),  # 第 dropped by OCR
    ("高台民婚字第5号", "local", "marriage", None, "高台民婚字第5号"),
]


@pytest.mark.parametrize(("printed", "kind", "record_type", "reissue_of", "key"), VALID)
def test_valid_certificate_numbers(
    printed: str, kind: str, record_type: str, reissue_of: str | None, key: str
) -> None:
    result = parse_certificate_no(printed, today=TODAY)
    assert result.valid and result.errors == []
    assert (result.kind, result.record_type, result.reissue_of, result.key) == (
        kind,
        record_type,
        reissue_of,
        key,
    )


def test_modern_parts() -> None:
    result = parse_certificate_no("J620722-2005-000123", today=TODAY)
    assert (result.region, result.year, result.sequence) == ("620722", 2005, 123)


def test_local_parts() -> None:
    result = parse_certificate_no("(85)高婚字第123号", today=TODAY)
    assert (result.office, result.year, result.sequence) == ("高", 1985, 123)
    assert parse_certificate_no("高民婚字第032号", today=TODAY).year is None


INVALID = [
    ("", ["empty"]),
    (None, ["empty"]),
    ("  ", ["empty"]),
    ("hello", ["unparseable"]),
    ("620722-2005-000123", ["unparseable"]),  # no prefix
    ("J620722-05-000123", ["unparseable"]),
    ("J62072-2005-000123", ["unparseable"]),
    ("高民字第32号", ["unparseable"]),  # neither 婚 nor 离
    ("高民婚字第号", ["unparseable"]),
    ("婚字第32号", ["unparseable"]),  # no office
    ("X620722-2005-000123", ["bad_prefix"]),
    ("JL620722-2005-000123", ["bad_prefix"]),
    ("J990722-2005-000123", ["bad_region"]),
    ("J620000-2005-000123", ["bad_region"]),
    ("J620722-2099-000123", ["bad_year"]),
    ("J620722-1900-000123", ["bad_year"]),
    ("J620722-2005-00123", ["bad_sequence"]),  # a digit lost
    ("J620722-2005-0001234", ["bad_sequence"]),
    ("J620722-2005-000000", ["bad_sequence"]),
    ("高民婚字第0号", ["bad_sequence"]),
    ("(48)高婚字第1号", ["bad_year"]),  # 2048
    ("X990722-2099-00012", ["bad_prefix", "bad_region", "bad_year", "bad_sequence"]),
    ("J620722-2005-" + "1" * 5000, ["unparseable"]),  # huge input, no int() overflow
]


@pytest.mark.parametrize(("printed", "reasons"), INVALID)
def test_invalid_certificate_numbers_say_why(printed: str | None, reasons: list[str]) -> None:
    result = parse_certificate_no(printed, today=TODAY)
    assert not result.valid and result.key is None
    assert result.errors == reasons
    assert result.messages == [CERT_ERROR_TEXT[r] for r in reasons]


def test_certificate_key_equality() -> None:
    assert certificate_key("J 620722 2005 000123") == certificate_key("J620722-2005-000123")
    assert certificate_key("（85）高婚字第０１２３号") == certificate_key("(1985)高婚字第123号")
    assert certificate_key("高民婚字第32号") != certificate_key("高民离字第32号")
    assert certificate_key("J620722-2005-000123") != certificate_key("L620722-2005-000123")
    assert certificate_key("garbage") is None


@PROPERTY
@given(
    st.sampled_from(["J", "L", "BJ", "BL"]),
    st.sampled_from(["620722", "620724", "110105"]),
    st.integers(min_value=1990, max_value=2026),
    st.integers(min_value=1, max_value=999_999),
    st.sampled_from(["-", " ", "", "－", " - "]),
)
def test_modern_forms_normalize_to_one_key(
    prefix: str, region: str, year: int, seq: int, sep: str
) -> None:
    printed = f"{prefix}{sep}{region}{sep}{year}{sep}{seq:06d}"
    result = parse_certificate_no(printed, today=TODAY)
    assert result.key == f"{prefix}{region}-{year}-{seq:06d}"
    assert result.sequence == seq


@PROPERTY
@given(st.text(max_size=40))
def test_never_raises(text: str) -> None:
    result = parse_certificate_no(text, today=TODAY)
    assert result.valid == (result.key is not None)
    assert result.valid or result.errors
