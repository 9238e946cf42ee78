"""GB 11643-1999 citizen identity numbers (公民身份号码).

18 characters: 6-digit region code, birth date YYYYMMDD, 3-digit sequence
(odd = male, even = female), and a check character computed with
ISO 7064 MOD 11-2 over the first 17 digits (value 10 is written ``X``).

The legacy 15-digit form (issued 1984-1999) is region + YYMMDD + sequence, no
check character; its 18-digit upgrade inserts ``19`` before the year and appends
the check character. Both forms denote the same person.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

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
    """Strip spaces and separators, upper-case ``x``; no validation."""
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

    @property
    def derived_18(self) -> bool:
        """True when the 18-digit form was derived from a 15-digit original."""
        return self.kind == "15"


ERROR_TEXT = {
    "empty": "no ID number",
    "bad_length": "an ID number has 15 or 18 characters",
    "bad_chars": "only digits (and a final X on 18-digit IDs) are allowed",
    "bad_region": "the first 6 digits are not a plausible region code",
    "bad_date": "the birth date inside the ID is not a real date",
    "future_date": "the birth date inside the ID is in the future",
    "check_digit": "the check character does not match (likely a misread digit)",
}


def _birth(yyyymmdd: str) -> date | None:
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def _region_plausible(region: str) -> bool:
    # Province codes 11-65 (plus 71 Taiwan, 81 HK, 82 Macau); prefecture/county not 00-00.
    province = int(region[:2])
    return (11 <= province <= 65 or province in (71, 81, 82)) and region[2:] != "0000"


def parse_id(text: str | None, today: date | None = None) -> IdCheck:
    """Validate an ID number as printed and explain every problem found."""
    raw = text or ""
    value = normalize_id(raw)
    if not value:
        return IdCheck(raw, False, errors=["empty"])
    errors: list[str] = []
    if len(value) == 18:
        kind = "18"
        if not (value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")):
            return IdCheck(raw, False, kind, errors=["bad_chars"])
        birth_digits = value[6:14]
        id_18 = value
    elif len(value) == 15:
        kind = "15"
        if not value.isdigit():
            return IdCheck(raw, False, kind, errors=["bad_chars"])
        birth_digits = "19" + value[6:12]
        id_18 = upgrade_15_to_18(value)
    else:
        return IdCheck(raw, False, errors=["bad_length"])
    region = value[:6]
    if not _region_plausible(region):
        errors.append("bad_region")
    birth = _birth(birth_digits)
    if birth is None:
        errors.append("bad_date")
    elif birth > (today or date.today()):
        errors.append("future_date")
    if kind == "18" and check_char(value[:17]) != value[17]:
        errors.append("check_digit")
    seq_digit = int(value[14] if kind == "15" else value[16])
    sex = "M" if seq_digit % 2 == 1 else "F"
    return IdCheck(
        raw,
        not errors,
        kind,
        id_18 if not errors else None,
        birth,
        sex,
        region,
        errors,
    )


def mask_id(value: str | None) -> str | None:
    """Mask for lists: region code and last 4 kept (``620722********123X``).

    The birth date, the part that would let someone rebuild the number with the
    check digit, is never shown.
    """
    if not value:
        return value
    v = normalize_id(value)
    if len(v) <= 10:
        return "*" * len(v)
    return v[:6] + "*" * (len(v) - 10) + v[-4:]
