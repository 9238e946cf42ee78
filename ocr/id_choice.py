"""Choosing a party's ID among the ways a row was read (pure).

``ocr.reread`` reads an unreadable ID's row by several sources (the whole row,
its cells, the rules taken out, the engine's detection); each gives the valid
IDs it read (``RowReading``). Here the choice: one valid 18-digit ID wins (its
check character confirms it) unless it states another birth date or sex than
the form prints, a 15-digit one needs two sources, and the printed birth date
and sex (``printed_birth``) are what other fields of the form can confirm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ocr.id_values import id_states_birth_date
from ocr.result import Reading
from ocr.review import min_confidence
from schemas.idnumber import parse_id


def states_printed_facts(reading: Reading, i: int, value: str) -> bool:
    """True when the ID states the birth date and sex printed for party ``i``.

    Both must be printed and read surely (the birth date at least to the month):
    a 15-digit ID has no check character, and these are the parts of it that
    other fields of the form can confirm.
    """
    printed = printed_birth(reading, i)
    if printed is None:
        return False
    # 出生年月 forms print the year and month only: those must match, and the day
    # rests on the two readings that agree
    check = parse_id(value)
    return id_states_birth_date(check, printed[0]) and check.sex == printed[1]


def fits_printed_facts(reading: Reading, i: int, value: str) -> bool:
    """False when the form prints party ``i``'s birth date and sex (read surely)
    and the ID states another; True when they agree or nothing is printed."""
    return printed_birth(reading, i) is None or states_printed_facts(reading, i, value)


def printed_birth(reading: Reading, i: int) -> tuple[str, str] | None:
    """Party ``i``'s birth date and sex as the form prints them, when both were read
    surely (the date not taken from the ID itself); else None."""
    party = reading.parties[i]
    born = reading.fields.get(f"parties[{i}].birth_date")
    if not party.birth_date or not party.sex:
        return None
    if born is None or "birth_date_from_id" in born.issues:
        return None
    if born.confidence < min_confidence("birth_date"):
        return None
    return party.birth_date, party.sex


@dataclass(frozen=True)
class RowReading:
    """The valid IDs one way of reading the row gives, and its confidence."""

    source: str  # "row" (whole row, three crops), "cells", "kept", "detected"
    ids: frozenset[str]
    confidence: float
    text: str = ""  # what was read (``repaired_by_birth_date`` looks at it)
    # the cells' digits, None where a cell read as none (``filled_from_printed``)
    cells: tuple[str | None, ...] | None = None
    # those of ``ids`` read only by taking marks for digits (``id_text.guessed_ids``)
    guessed: frozenset[str] = frozenset()


def only_guessed(readings: list[RowReading], value: str) -> bool:
    """True when every reading that gives ``value`` guessed it (``guessed_ids``)."""
    return all(value in r.guessed for r in readings if value in r.ids)


def choose_id(
    readings: list[RowReading], fits: Callable[[str], bool] | None = None
) -> tuple[str, float, int] | None:
    """The ID the readings give: ``(value, best confidence, how many sources give it)``.

    One valid 18-digit ID wins (its check character confirms it; 15-digit windows
    of a misread row are no evidence against it); two different ones give None.
    Among 15-digit IDs the one most sources give wins; a tie goes to the values of
    a listed region that ``fits`` the printed facts, then to the kept
    crops when they give one value (they exist only when the digits cross the
    cell rules, which the row crops cut: PP-OCRv6 reads a cut ``8`` as ``3``),
    else to the whole-row reading when it gives one value, else (each value from
    one source) to the value most readings give, else to nobody.
    Two different 18-digit IDs are settled by the one a reading gives plainly
    when the others are only guessed (``only_guessed``), then by ``fits`` (the
    party's printed facts, ``fits_printed_facts``) when exactly one of them fits.
    """
    eighteen = {v for r in readings for v in r.ids if len(v) == 18}
    if len(eighteen) > 1:  # one a reading gives plainly beats those only guessed
        eighteen = {v for v in eighteen if not only_guessed(readings, v)} or eighteen
    if len(eighteen) > 1 and fits is not None:
        eighteen = {v for v in eighteen if fits(v)} or eighteen
    if len(eighteen) > 1:
        return None
    support: dict[str, set[str]] = {}
    for r in readings:
        for v in r.ids:
            support.setdefault(v, set()).add(r.source)
    if eighteen:
        value = next(iter(eighteen))
    elif support:
        most = max(len(s) for s in support.values())
        top = [v for v, s in support.items() if len(s) == most]
        if len(top) > 1:  # of a listed region (``620172…`` is a misread ``620722…``)
            top = [v for v in top if not parse_id(v).warnings] or top
        if len(top) > 1 and fits is not None:  # the printed birth date and sex
            top = [v for v in top if fits(v)] or top
        for source in ("kept", "row"):
            given = {v for r in readings if r.source == source for v in r.ids}
            if len(top) > 1 and len(given) == 1 and given <= set(top):
                top = list(given)
        if len(top) > 1 and most == 1:
            top = _most_read(readings, top)
        if len(top) != 1:
            return None
        value = top[0]
    else:
        return None
    confidence = max(r.confidence for r in readings if value in r.ids)
    return value, confidence, len(support[value])


def _most_read(readings: list[RowReading], top: list[str]) -> list[str]:
    """Of values one source each gives, the one more of the readings give than any
    other (two of the three row crops read ``410102…``, one ``110102…``); all of
    them when none does. One source still: such a 15-digit value stays held."""
    count = {v: sum(v in r.ids for r in readings) for v in top}
    best = max(count.values())
    winners = [v for v in top if count[v] == best]
    return winners if len(winners) == 1 else top


def agreeing_confidence(readings: list[RowReading], value: str) -> float:
    """The confidence of ``value`` read by two different sources: the doubt left is
    the chance that both misread it the same way, ``(1 - a) * (1 - b)`` for the two
    surest sources that give it (one source: its own confidence).

    Only for a 15-digit ID that the printed birth date, sex and a listed region
    confirm as well (``reread_ids``): measured on the dev corpora, single sources
    misread a 15-digit row 8 times in 197 readings (a sequence digit, a month
    digit, a window shifted by a border), never two sources the same way once
    the printed facts were checked (0 wrong of 90 agreeing pairs).
    """
    best: dict[str, float] = {}
    for r in readings:
        if value in r.ids:
            best[r.source] = max(best.get(r.source, 0.0), r.confidence)
    top = sorted(best.values(), reverse=True)[:2]
    if not top:
        return 0.0
    if len(top) == 1:
        return top[0]
    return 1 - (1 - top[0]) * (1 - top[1])


def settled(readings: list[RowReading], fits: Callable[[str], bool] | None = None) -> bool:
    """True when more readings cannot change the outcome: an 18-digit ID that
    ``fits`` the party's printed facts, or a 15-digit one that two sources
    already give. An 18-digit ID that states another birth date or sex than the
    form prints may be a misread whose check character passes by chance (two
    6s read as 5s), and so may one only guessed: the other sources are read too."""
    chosen = choose_id(readings, fits)
    if chosen is None:
        return False
    if len(chosen[0]) == 18:
        return (fits is None or fits(chosen[0])) and not only_guessed(readings, chosen[0])
    return chosen[2] >= 2
