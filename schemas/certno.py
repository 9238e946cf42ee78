"""Certificate numbers (结婚证字号 / 离婚证字号) in their modern and local forms.

Modern (national system, 2000s on): ``J620722-2005-000123``: a prefix (``J``
marriage, ``L`` divorce, ``BJ`` / ``BL`` reissued marriage / divorce
certificate), the 6-digit region code of the registering office, the 4-digit
year and a 6-digit sequence. Spaces, any dash (full-width too) and missing
dashes are tolerated; the normalized key always has the dashes.

Local (county forms before the national system): ``高民婚字第032号``,
``(85)高婚字第123号``: an optional year in any bracket style, the office's
abbreviation (1-4 characters, e.g. 高 for 高台), an optional ``民``, ``婚`` or
``离``, ``字第``, the sequence and ``号``. Traditional characters and Chinese
numerals in the sequence are accepted. The key folds the year to four digits
and drops leading zeros from the sequence (``第032号`` and ``第32号`` are the
same number written two ways).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from schemas.idnumber import region_name
from schemas.names import to_simplified

CERT_ERROR_TEXT: dict[str, str] = {
    "empty": "no certificate number",
    "unparseable": "not a certificate number in the modern or local form",
    "bad_prefix": "the modern prefix must be J, L, BJ or BL",
    "bad_region": "the 6-digit region code is not a known region",
    "bad_year": "the year is not plausible for a certificate",
    "bad_sequence": "the sequence number must be 6 digits (modern) and not zero",
}

MODERN_PREFIXES: dict[str, tuple[str, str | None]] = {
    # prefix -> (record type hint, type of the original certificate when reissued)
    "J": ("marriage", None),
    "L": ("divorce", None),
    "BJ": ("reissue", "marriage"),
    "BL": ("reissue", "divorce"),
}
EARLIEST_YEAR = 1950
MAX_CHARS = 40  # longer input is refused before any number is read from it

_DASHES = re.compile(r"[‐‑‒–—―−－_~〜/]")
_SPACES = re.compile(r"\s+")
_MODERN = re.compile(r"^(?P<prefix>[A-Z]{1,3})-?(?P<region>\d{6})-?(?P<year>\d{4})-?(?P<seq>\d+)$")
_NUMERALS = "〇○零一二三四五六七八九"
_OPEN = "([【〔［｛{〈《"
_CLOSE = ")]】〕］｝}〉》"
_LOCAL = re.compile(
    rf"^(?:[{re.escape(_OPEN)}](?P<year>\d{{2}}|\d{{4}})[{re.escape(_CLOSE)}])?"
    r"(?P<office>[\u4e00-\u9fff]{1,4}?)(?P<min>民)?(?P<kind>婚|离)字"
    rf"第?(?P<seq>[0-9{_NUMERALS}]+)号?$"
)


@dataclass(frozen=True)
class CertParse:
    """Result of :func:`parse_certificate_no`.

    ``kind`` is ``"modern"`` or ``"local"`` (``None`` when unparseable);
    ``record_type`` a hint (``marriage``, ``divorce``, ``reissue``);
    ``key`` the normalized form used for equality and lookup (``None`` when
    invalid); ``errors`` reason codes (see :data:`CERT_ERROR_TEXT`).
    """

    raw: str
    kind: str | None = None
    record_type: str | None = None
    reissue_of: str | None = None
    key: str | None = None
    region: str | None = None
    office: str | None = None
    year: int | None = None
    sequence: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return self.key is not None and not self.errors

    @property
    def messages(self) -> list[str]:
        """Human-readable reasons, in the order of ``errors``."""
        return [CERT_ERROR_TEXT.get(code, code) for code in self.errors]


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = _SPACES.sub("", text)
    return _DASHES.sub("-", text).upper()


def _parse_modern(raw: str, text: str, today: date) -> CertParse | None:
    match = _MODERN.match(text)
    if not match:
        return None
    prefix, region = match["prefix"], match["region"]
    year, seq_text = int(match["year"]), match["seq"]
    errors = []
    if prefix not in MODERN_PREFIXES:
        errors.append("bad_prefix")
    if region_name(region) is None or region[2:] == "0000":
        errors.append("bad_region")
    if not EARLIEST_YEAR <= year <= today.year:
        errors.append("bad_year")
    if len(seq_text) != 6 or int(seq_text) == 0:
        errors.append("bad_sequence")
    record_type, reissue_of = MODERN_PREFIXES.get(prefix, (None, None))
    key = None if errors else f"{prefix}{region}-{year}-{seq_text}"
    return CertParse(
        raw, "modern", record_type, reissue_of, key, region, None, year, int(seq_text), errors
    )


_NUMERAL_DIGIT = {"〇": "0", "○": "0", "零": "0"} | {
    c: str(i) for i, c in enumerate("一二三四五六七八九", start=1)
}


def _local_sequence(text: str) -> int:
    """A sequence written digit by digit, in Arabic or Chinese numerals (〇三二 = 32)."""
    return int("".join(_NUMERAL_DIGIT.get(c, c) for c in text))


def _parse_local(raw: str, text: str, today: date) -> CertParse | None:
    match = _LOCAL.match(to_simplified(text))
    if not match:
        return None
    errors = []
    year: int | None = None
    if match["year"]:
        year = int(match["year"])
        if len(match["year"]) == 2:
            # Two-digit years on local forms: these forms predate 2000 by design
            # (the national J/L format replaced them), so 50-99 -> 1950-1999.
            year += 1900 if year >= 50 else 2000
        if not EARLIEST_YEAR <= year <= today.year:
            errors.append("bad_year")
    sequence = _local_sequence(match["seq"])
    if sequence == 0:
        errors.append("bad_sequence")
    kind = match["kind"]
    office = match["office"]
    year_part = f"({year})" if year else ""
    key = None if errors else f"{year_part}{office}{match['min'] or ''}{kind}字第{sequence}号"
    record_type = "marriage" if kind == "婚" else "divorce"
    return CertParse(raw, "local", record_type, None, key, None, office, year, sequence, errors)


def parse_certificate_no(text: str | None, *, today: date | None = None) -> CertParse:
    """Parse a certificate number in the modern or a local form, or say why not."""
    raw = text or ""
    cleaned = _clean(raw)
    if not cleaned:
        return CertParse(raw, errors=["empty"])
    if len(cleaned) > MAX_CHARS:
        return CertParse(raw, errors=["unparseable"])
    today = today or date.today()
    parsed = _parse_modern(raw, cleaned, today) or _parse_local(raw, cleaned, today)
    return parsed or CertParse(raw, errors=["unparseable"])


def certificate_key(text: str | None) -> str | None:
    """The normalized key of a valid certificate number (for equality and lookup)."""
    return parse_certificate_no(text).key
