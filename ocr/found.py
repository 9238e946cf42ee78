"""One value read for one field, with its evidence (shared by the extraction steps)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ocr.layout import Segment


@dataclass
class Found:
    """One value read for one field, with its evidence.

    ``support`` marks a reading that may only confirm another one (a signature
    repeating a name): it never supplies a value on its own and never conflicts.
    """

    key: str
    value: Any
    segment: Segment
    confidence: float
    issues: list[str] = field(default_factory=list)
    slot: str | None = None
    support: bool = False
