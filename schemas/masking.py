"""Minimum-disclosure masks for the lookup API and lists (PIPL).

``mask_name`` keeps the surname and the last character of a given name of two
or more characters (``张*明``, ``欧阳*明``), or only the surname (``张*``).
``mask_id`` (re-exported from :mod:`schemas.idnumber`) keeps the region code and
the sequence, never the birth date. What a masked value still reveals, and
what it must never be shown beside, is written down in docs/validators.md.
"""

from __future__ import annotations

from schemas.idnumber import mask_id
from schemas.names import COMPOUND_SURNAMES, clean_name, is_cjk, simplify_name

__all__ = ["mask_id", "mask_name"]

_MASK = "*"


def mask_name(name: str | None) -> str | None:
    """A name with the given name masked: ``张晓明`` -> ``张*明``, ``张明`` -> ``张*``.

    The name keeps its script. Compound surnames stay whole (``欧阳小明`` ->
    ``欧阳*明``); names without a separable surname (``阿依古丽·买买提``) keep
    their first character only; a single character becomes ``*``.
    """
    if name is None:
        return None
    text = clean_name(name, "NFC")  # as printed: no compatibility folding
    if len(text) <= 1:
        return _MASK if text else ""
    if "·" in text or not all(is_cjk(ch) for ch in text):
        return text[0] + _MASK * (len(text) - 1)
    surname_len = 2 if len(text) >= 3 and simplify_name(text[:2]) in COMPOUND_SURNAMES else 1
    surname, given = text[:surname_len], text[surname_len:]
    if len(given) == 1:
        return surname + _MASK
    return surname + _MASK * (len(given) - 1) + given[-1]
