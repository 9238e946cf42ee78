"""GB 11643-1999 citizen identity numbers (公民身份号码).

18 characters: 6-digit region code, birth date YYYYMMDD, 3-digit sequence
(odd = male, even = female), and a check character computed with
ISO 7064 MOD 11-2 over the first 17 digits (value 10 is written ``X``).

The legacy 15-digit form (issued 1984-1999) is region + YYMMDD + sequence, no
check character; its 18-digit upgrade inserts ``19`` before the year and appends
the check character. Both forms denote the same person.

Why MOD 11-2 catches OCR errors: the weights ``w_i = 2**(17-i) mod 11`` are
non-zero modulo the prime 11, so changing one digit by ``d`` (1..9) changes the
sum by ``d * w_i``, never 0 mod 11: every single substitution is caught. Swapping
two adjacent different digits ``a, b`` changes it by ``(a-b)(w_i - w_{i+1})`` and
``w_i - w_{i+1} = w_{i+1}`` (because ``w_i = 2 w_{i+1}``), again never 0 mod 11:
every adjacent transposition among the first 17 digits is caught. (A swap of
the 17th digit with the check character itself is not guaranteed.)

Region codes are checked against the administrative-division table that ships
with python-stdnum (GB/T 2260, historical codes included): an unknown province
is an error, an unlisted county only a warning (codes are renamed and merged,
and an old ID keeps its old code for life).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import cache

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))  # 7, 9, 10, 5, 8, 4, 2, 1, 6, ...
_CHECK_CHARS = "10X98765432"


def check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("check_char needs exactly 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def upgrade_15_to_18(id15: str) -> str:
    """The 18-digit form of a legacy 15-digit ID (century 19 inserted)."""
    if len(id15) != 15 or not id15.isdigit():
        raise ValueError("upgrade_15_to_18 needs exactly 15 digits")
    first17 = id15[:6] + "19" + id15[6:]
    return first17 + check_char(first17)


def normalize_id(text: str) -> str:
    """Strip spaces and separators, upper-case ``x``, full-width to ASCII; no validation."""
    if text and text.isascii() and text.isalnum():  # the common case, on every lookup
        return text.upper()
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(ch for ch in text.strip().upper() if ch.isalnum())


@dataclass(frozen=True)
class IdCheck:
    """Result of :func:`parse_id`: valid or not, and *why* not."""

    raw: str
    valid: bool
    kind: str | None = None  # "18" or "15"
    id_18: str | None = None
    birth_date: date | None = None
    sex: str | None = None  # "M" / "F"
    region: str | None = None
    errors: list[str] = field(default_factory=list)  # reason codes, see ERROR_TEXT
    warnings: list[str] = field(default_factory=list)  # e.g. "unlisted_region"
    expected_check: str | None = None  # set when the check character is wrong

    @property
    def derived_18(self) -> bool:
        """True when the 18-digit form was derived from a 15-digit original."""
        return self.kind == "15"

    @property
    def messages(self) -> list[str]:
        """Human-readable reasons, one per error code (never contains the ID itself)."""
        out = []
        for code in self.errors:
            text = ERROR_TEXT.get(code, code)
            if code == "check_digit" and self.expected_check:
                text += f" (the first 17 digits give {self.expected_check})"
            elif code == "bad_length":
                text += f" (found {len(normalize_id(self.raw))})"
            out.append(text)
        return out


ERROR_TEXT = {
    "empty": "no ID number",
    "bad_length": "an ID number has 15 or 18 characters",
    "bad_chars": "only digits (and a final X on 18-digit IDs) are allowed",
    "bad_region": "the first 6 digits are not a plausible region code",
    "bad_date": "the birth date inside the ID is not a real date",
    "future_date": "the birth date inside the ID is in the future",
    "too_old": "the birth date inside the ID is before 1880: not a living person's ID",
    "check_digit": "the check character does not match (likely a misread digit)",
}

WARNING_TEXT = {
    "unlisted_region": "the region code is not in the division table (old or new code?)",
}

EARLIEST_BIRTH_YEAR = 1880


def _birth(yyyymmdd: str) -> date | None:
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


@cache
def _region_info(region: str) -> tuple[str | None, str | None]:
    """(province name, county name) from python-stdnum's GB/T 2260 table."""
    from stdnum import numdb  # the table is read on first use

    province = county = None
    for _part, props in numdb.get("cn/loc").info(region):
        province = props.get("province", province)
        county = props.get("county", county)
    if county:
        # "[2002-]民乐县" or "[-1985]张掖县,[1985-]..." -> the latest name
        county = county.split(",")[-1].split("]")[-1]
    return province, county


def region_name(region: str) -> str | None:
    """Province and county of a 6-digit region code (``甘肃省高台县``), or ``None``."""
    if len(region) != 6 or not region.isascii() or not region.isdigit():
        return None
    province, county = _region_info(region)
    if not province:
        return None
    return province + (county if county and county != province else "")


def _region_problem(region: str) -> str:
    """'bad_region' (error), 'unlisted_region' (warning) or ''."""
    province, county = _region_info(region)
    if not province or region[2:] == "0000":
        return "bad_region"
    return "" if county else "unlisted_region"


def _is_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def parse_id(text: str | None, today: date | None = None) -> IdCheck:
    """Validate an ID number as printed and explain every problem found."""
    raw = text or ""
    value = normalize_id(raw)
    if not value:
        return IdCheck(raw, False, errors=["empty"])
    errors: list[str] = []
    warnings: list[str] = []
    if len(value) == 18:
        kind = "18"
        if not (_is_digits(value[:17]) and (_is_digits(value[17]) or value[17] == "X")):
            return IdCheck(raw, False, kind, errors=["bad_chars"])
        birth_digits = value[6:14]
        id_18 = value
    elif len(value) == 15:
        kind = "15"
        if not _is_digits(value):
            return IdCheck(raw, False, kind, errors=["bad_chars"])
        birth_digits = "19" + value[6:12]
        id_18 = upgrade_15_to_18(value)
    else:
        return IdCheck(raw, False, errors=["bad_length"])
    region = value[:6]
    region_problem = _region_problem(region)
    if region_problem == "bad_region":
        errors.append(region_problem)
    elif region_problem:
        warnings.append(region_problem)
    birth = _birth(birth_digits)
    if birth is None:
        errors.append("bad_date")
    elif birth > (today or date.today()):
        errors.append("future_date")
    elif birth.year < EARLIEST_BIRTH_YEAR:
        errors.append("too_old")
    expected = check_char(value[:17]) if kind == "18" else None
    if expected is not None and expected != value[17]:
        errors.append("check_digit")
    seq_digit = int(value[14] if kind == "15" else value[16])
    return IdCheck(
        raw,
        not errors,
        kind,
        id_18 if not errors else None,
        birth,
        "M" if seq_digit % 2 == 1 else "F",
        region,
        errors,
        warnings,
        expected if "check_digit" in errors else None,
    )


def id_search_key(text: str | None) -> str | None:
    """The 18-character key an ID is indexed and looked up by, or ``None``.

    A 15-digit ID gives its 18-digit upgrade; an 18-character ID gives itself
    (upper-case ``X``). The key is structural: it is produced even when the
    check character, date or region is wrong, so that a misprinted ID still
    finds the record printed with the same misprint; use :func:`parse_id` to
    decide whether to trust it.
    """
    value = normalize_id(text or "")
    if len(value) == 15 and _is_digits(value):
        return upgrade_15_to_18(value)
    if len(value) == 18 and _is_digits(value[:17]) and (_is_digits(value[17]) or value[17] == "X"):
        return value
    return None


def ids_equal(a: str | None, b: str | None) -> bool:
    """True when two printed IDs denote the same number (a 15-digit ID equals its upgrade)."""
    key_a = id_search_key(a)
    return key_a is not None and key_a == id_search_key(b)


def mask_id(value: str | None) -> str | None:
    """Mask for lists: region code and sequence kept, birth date hidden.

    18 characters: ``620722********123X`` (region + last 4). 15 digits:
    ``620722******123`` (region + last 3: the 4th from last is a birth-date
    digit there). Any other length is masked entirely.

    Recombination: the hidden part is exactly the birth date, so anyone who
    also knows the birth date rebuilds the whole ID (the check character even
    confirms it). Never return a masked ID beside the birth date, the age or
    the birth year of the same person. See docs/validators.md.
    """
    if not value:
        return value
    v = normalize_id(value)
    if len(v) == 18:
        return v[:6] + "*" * 8 + v[-4:]
    if len(v) == 15:
        return v[:6] + "*" * 6 + v[-3:]
    return "*" * len(v)
