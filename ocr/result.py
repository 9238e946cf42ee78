"""What extraction hands back: one :class:`Reading` per record."""

from __future__ import annotations

from dataclasses import dataclass, field

from schemas.model import FieldInfo, Party, TextLine

# Eras of the archive (design.md "Domain facts"), by registration year.
ERAS: tuple[tuple[str, int, int], ...] = (
    ("1950-55", 1949, 1955),
    ("1956-84", 1956, 1984),
    ("1985-99", 1985, 1999),
    ("2000+", 2000, 9999),
)


def era_of(registration_date: str | None) -> str | None:
    """The era name for a registration date (``"YYYY…"``), None when unknown."""
    if not registration_date or not registration_date[:4].isdigit():
        return None
    year = int(registration_date[:4])
    return next((name for name, lo, hi in ERAS if lo <= year <= hi), None)


@dataclass
class Reading:
    """Fields read from one record's pages, with per-field evidence and review reasons.

    ``fields`` is keyed like the export format (``"registration_date"``,
    ``"parties[0].id_number"``) and holds confidence, page, bbox and issues.
    ``review_reasons`` is empty only when every required field is present,
    valid and confident: then the record may be auto-accepted.
    """

    record_type: str = "unknown"
    registration_date: str | None = None
    certificate_no: str | None = None
    office: str | None = None
    parties: list[Party] = field(default_factory=list)
    fields: dict[str, FieldInfo] = field(default_factory=dict)
    lines: list[TextLine] = field(default_factory=list)
    review_reasons: list[str] = field(default_factory=list)
    era: str | None = None
    traditional: bool = False  # the form is printed in traditional script (rules.py)
