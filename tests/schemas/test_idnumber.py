"""GB 11643 citizen IDs: check character, 15->18, reasons, equality, masking.

Expected values come from outside our code: the worked example printed in
GB 11643-1999 itself (11010519491231002X), python-stdnum's doctest example
(360426199101010071) and python-stdnum's independent check-digit routine.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from schemas.idnumber import (
    ERROR_TEXT,
    check_char,
    id_search_key,
    ids_equal,
    mask_id,
    normalize_id,
    parse_id,
    region_name,
    upgrade_15_to_18,
)

# Deterministic budget: the machine is shared, so no wall-clock deadline.
PROPERTY = settings(max_examples=60, deadline=None)

TODAY = date(2026, 6, 15)
STANDARD_EXAMPLE = "11010519491231002X"  # GB 11643-1999, annex example
STDNUM_EXAMPLE = "360426199101010071"


def test_check_char_on_published_examples() -> None:
    assert check_char(STANDARD_EXAMPLE[:17]) == "X"
    assert check_char(STDNUM_EXAMPLE[:17]) == "1"


def test_upgrade_on_published_example() -> None:
    assert upgrade_15_to_18("110105491231002") == STANDARD_EXAMPLE


@pytest.mark.parametrize("bad", ["", "1234", "1101051949123100", "11010519491231002A"])
def test_check_char_refuses_anything_but_17_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_char(bad)


@pytest.mark.parametrize("bad", ["", "11010549123100", "11010549123100X", "1101054912310021"])
def test_upgrade_refuses_anything_but_15_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        upgrade_15_to_18(bad)


VALID = [
    # (as printed, kind, id_18, birth, sex)
    (STANDARD_EXAMPLE, "18", STANDARD_EXAMPLE, date(1949, 12, 31), "F"),
    (STANDARD_EXAMPLE.lower(), "18", STANDARD_EXAMPLE, date(1949, 12, 31), "F"),
    ("110105 19491231 002X", "18", STANDARD_EXAMPLE, date(1949, 12, 31), "F"),
    ("110105-19491231-002x", "18", STANDARD_EXAMPLE, date(1949, 12, 31), "F"),
    ("１１０１０５１９４９１２３１００２Ｘ", "18", STANDARD_EXAMPLE, date(1949, 12, 31), "F"),
    (STDNUM_EXAMPLE, "18", STDNUM_EXAMPLE, date(1991, 1, 1), "M"),
    ("110105491231002", "15", STANDARD_EXAMPLE, date(1949, 12, 31), "F"),
    (" 110105 491231 002 ", "15", STANDARD_EXAMPLE, date(1949, 12, 31), "F"),
]


@pytest.mark.parametrize(("printed", "kind", "id_18", "birth", "sex"), VALID)
def test_valid_ids(printed: str, kind: str, id_18: str, birth: date, sex: str) -> None:
    check = parse_id(printed, today=TODAY)
    assert check.valid and check.errors == [] and check.messages == []
    assert (check.kind, check.id_18, check.birth_date, check.sex) == (kind, id_18, birth, sex)
    assert check.region == id_18[:6]
    assert check.derived_18 == (kind == "15")


def _with_check(first17: str) -> str:
    """Append the check character computed by python-stdnum (an independent oracle)."""
    return first17 + ric.calc_check_digit(first17 + "0")


@pytest.mark.parametrize(
    "county",
    ["620722", "620724", "622225", "620702", "620721", "622226", "110101", "650102"],
)
def test_real_county_codes_pass(county: str) -> None:
    check = parse_id(_with_check(county + "19850312123"), today=TODAY)
    assert check.valid, check.errors
    assert "bad_region" not in check.errors


def test_region_names() -> None:
    assert region_name("620724") == "甘肃省高台县"
    assert region_name("620722") == "甘肃省民乐县"  # the design note's example code
    assert region_name("622225") == "甘肃省高台县"  # Gaotai's code before 2002
    assert region_name("990101") is None
    assert region_name("62072") is None


INVALID = [
    # (as printed, reason codes)
    ("", ["empty"]),
    (None, ["empty"]),
    ("   ", ["empty"]),
    ("11010519491231002", ["bad_length"]),
    ("1101051949123100211", ["bad_length"]),
    ("11010549123100", ["bad_length"]),
    ("11010519491231O02X", ["bad_chars"]),  # letter O for zero: not guessed
    ("1101051949123100X2", ["bad_chars"]),  # X not last
    ("110105491231O02", ["bad_chars"]),
    ("11010549123100X", ["bad_chars"]),  # 15-digit IDs have no check character
    ("11010519491231002号", ["bad_chars"]),
    ("110105194912310021", ["check_digit"]),  # one misread digit at the end
    ("110105194912310O2X", ["bad_chars"]),
    (_with_check("99010519491231002"), ["bad_region"]),
    (_with_check("00000019491231002"), ["bad_region"]),
    (_with_check("62000019850312123"), ["bad_region"]),  # a province is not a place
    (_with_check("11010519491331002"), ["bad_date"]),  # month 13
    (_with_check("11010519490230002"), ["bad_date"]),  # 30 February
    ("110105491331002", ["bad_date"]),
    (_with_check("11010520990101002"), ["future_date"]),
    (_with_check("11010518700101002"), ["too_old"]),
    ("990105194913310021", ["bad_region", "bad_date", "check_digit"]),
]


@pytest.mark.parametrize(("printed", "reasons"), INVALID)
def test_invalid_ids_say_why(printed: str | None, reasons: list[str]) -> None:
    check = parse_id(printed, today=TODAY)
    assert not check.valid
    assert check.id_18 is None
    assert check.errors == reasons
    assert len(check.messages) == len(reasons)
    for code, message in zip(reasons, check.messages, strict=True):
        assert message.startswith(ERROR_TEXT[code])


def test_one_misread_digit_is_caught_and_explained() -> None:
    misread = STANDARD_EXAMPLE[:8] + "8" + STANDARD_EXAMPLE[9:]  # 1949 -> 1989 (4 read as 8)
    check = parse_id(misread, today=TODAY)
    assert check.errors == ["check_digit"]
    assert check.expected_check is not None and check.expected_check != "X"
    assert f"give {check.expected_check}" in check.messages[0]


def test_bad_length_message_says_how_many() -> None:
    assert "(found 17)" in parse_id("11010519491231002", today=TODAY).messages[0]


def test_unlisted_county_is_a_warning_not_an_error() -> None:
    check = parse_id(_with_check("62079919850312123"), today=TODAY)
    assert check.valid
    assert check.warnings == ["unlisted_region"]


def test_messages_never_contain_the_id() -> None:
    for printed, _ in INVALID:
        for message in parse_id(printed, today=TODAY).messages:
            assert "1949" not in message and "110105" not in message


# ---- equality and keys ----------------------------------------------------------


def test_ids_equal() -> None:
    assert ids_equal("110105491231002", STANDARD_EXAMPLE)
    assert ids_equal(STANDARD_EXAMPLE.lower(), "110105 19491231 002X")
    assert ids_equal("110105491231002", "110105491231002")
    assert not ids_equal("110105491231002", STDNUM_EXAMPLE)
    assert not ids_equal("110105491231003", STANDARD_EXAMPLE)
    assert not ids_equal(None, None)
    assert not ids_equal("", "")
    assert not ids_equal("abc", "abc")


def test_id_search_key() -> None:
    assert id_search_key("110105491231002") == STANDARD_EXAMPLE
    assert id_search_key("110105194912310o2x") is None
    assert id_search_key("11010519491231002x") == STANDARD_EXAMPLE
    # structural: a misprinted check character is kept as printed
    assert id_search_key("110105194912310021") == "110105194912310021"
    assert id_search_key("1234") is None
    assert id_search_key(None) is None


def test_normalize_id() -> None:
    assert normalize_id(" 110105-1949 1231-002x ") == STANDARD_EXAMPLE
    assert normalize_id("１１０") == "110"


# ---- masking --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        (STANDARD_EXAMPLE, "110105********002X"),
        ("11010519491231002x", "110105********002X"),
        ("110105491231002", "110105******002"),
        ("1234", "****"),
        ("11010519491231002", "*****************"),
        ("", ""),
        (None, None),
    ],
)
def test_mask_id_table(value: str | None, masked: str | None) -> None:
    assert mask_id(value) == masked


# ---- properties -------------------------------------------------------------------

births = st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31))
regions = st.sampled_from(["620722", "620724", "110105", "360426", "650102", "440524"])
sequences = st.integers(min_value=0, max_value=999).map(lambda n: f"{n:03d}")
digits17 = st.text(alphabet="0123456789", min_size=17, max_size=17)


@PROPERTY
@given(regions, births, sequences)
def test_15_to_18_round_trip(region: str, birth: date, seq: str) -> None:
    id15 = region + birth.strftime("%y%m%d") + seq
    id18 = upgrade_15_to_18(id15)
    assert len(id18) == 18
    assert id18[:6] + id18[8:17] == id15  # dropping the century and check gives it back
    assert ric.calc_check_digit(id18) == id18[17]
    check15, check18 = parse_id(id15, today=TODAY), parse_id(id18, today=TODAY)
    assert check15.valid and check18.valid
    assert check15.id_18 == check18.id_18 == id18
    assert (
        (check15.birth_date, check15.sex)
        == (check18.birth_date, check18.sex)
        == (
            birth,
            "M" if int(seq[-1]) % 2 else "F",
        )
    )
    assert ids_equal(id15, id18)


@PROPERTY
@given(digits17)
def test_check_char_agrees_with_python_stdnum(first17: str) -> None:
    assert check_char(first17) == ric.calc_check_digit(first17 + "0")


@PROPERTY
@given(digits17)
def test_every_single_digit_substitution_is_detected(first17: str) -> None:
    good = first17 + check_char(first17)
    for pos in range(17):
        for digit in "0123456789":
            if digit != good[pos]:
                bad = good[:pos] + digit + good[pos + 1 :]
                assert check_char(bad[:17]) != bad[17], (pos, digit)


@PROPERTY
@given(digits17, st.sampled_from("0123456789X"))
def test_every_check_character_substitution_is_detected(first17: str, other: str) -> None:
    assume(other != check_char(first17))
    assert "check_digit" in parse_id(first17 + other, today=TODAY).errors


@PROPERTY
@given(digits17)
def test_every_adjacent_transposition_is_detected(first17: str) -> None:
    good = first17 + check_char(first17)
    for pos in range(16):
        if good[pos] != good[pos + 1]:
            swapped = good[:pos] + good[pos + 1] + good[pos] + good[pos + 2 :]
            assert check_char(swapped[:17]) != swapped[17], pos


@PROPERTY
@given(regions, births, sequences, st.booleans())
def test_mask_never_reveals_birth_date_digits(
    region: str, birth: date, seq: str, legacy: bool
) -> None:
    id15 = region + birth.strftime("%y%m%d") + seq
    value = id15 if legacy else upgrade_15_to_18(id15)
    masked = mask_id(value)
    assert masked is not None and len(masked) == len(value)
    birth_span = range(6, 12) if legacy else range(6, 14)
    assert all(masked[i] == "*" for i in birth_span)
    assert masked[:6] == region


@PROPERTY
@given(st.text(max_size=25))
def test_parse_id_never_raises(text: str) -> None:
    check = parse_id(text, today=TODAY)
    assert check.valid == (not check.errors)
    assert (check.id_18 is not None) == check.valid
    masked = mask_id(text)
    if masked and len(normalize_id(text)) not in (15, 18):
        assert set(masked) == {"*"}
