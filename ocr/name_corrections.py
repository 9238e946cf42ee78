"""A name written again after a struck-out one in the same cell (a registrar's correction).

A clerk who wrote a name wrong strikes it through and writes the right one beside
it: ``何英镇 何英丹`` (镇 struck out with the whole name), ``刘琴香 龚琴香``. The
recognizer reads the struck name too and the cell comes back as one value
(``每英镇何英丹``, ``丰淑薏海淑慧``, ``夏军陈夏军志``). The correction is the name
written last. A value is taken for such a pair when it splits into two halves of
equal length (2 + 2 or 3 + 3 characters), the second begins with a surname, and
the two agree in at least one place (the same person's name, corrected in part).
Four-character names of one person (才让卓玛, 欧阳振华) do not repeat a character
in the same place of both halves.

The cut value keeps the cell's confidence and is marked ``name_struck_out_before``
(blocking): the strike-through itself is not checked on the image, so a clerk
confirms which of the two names stands.
"""

from __future__ import annotations

from ocr.surnames import starts_with_surname

# Lengths of a struck-out name followed by its correction.
PAIR_LENGTHS = (4, 6)
# Raw text with these separators is one transliterated name (阿依古丽·买买提), not a pair.
NAME_JOINERS = "·•・"


def corrected_name(value: str, raw: str = "") -> str | None:
    """The name written after a struck-out one when ``value`` (a cleaned name) reads
    as such a pair; None when it does not. ``raw``: the text the value was cleaned
    from (a middle dot there marks one transliterated name)."""
    if len(value) not in PAIR_LENGTHS or any(ch in raw for ch in NAME_JOINERS):
        return None
    half = len(value) // 2
    struck, name = value[:half], value[half:]
    if struck == name or not starts_with_surname(name):
        return None
    if not any(a == b for a, b in zip(struck, name, strict=True)):
        return None
    return name


def name_span(text: str, name: str) -> tuple[int, int] | None:
    """Where the last copy of ``name`` stands in ``text`` (spaces between its
    characters allowed), as (start, end) indices of ``text``; None when absent."""
    positions = [k for k, ch in enumerate(text) if not ch.isspace()]
    squeezed = "".join(text[k] for k in positions)
    at = squeezed.rfind(name)
    if at < 0:
        return None
    return positions[at], positions[at + len(name) - 1] + 1
