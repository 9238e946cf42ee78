"""ID numbers in recognized text: pure functions, str in -> :class:`IdValue`.

A resident ID number is 15 or 18 characters and carries its own validator
(:mod:`schemas.idnumber`: a known region, a real birth date, and the GB 11643
check digit of an 18-character one). A run of
digit-like characters is therefore kept as printed when it validates, and its
OCR confusions (O/0, l/1, B/8 ...) are undone only when the result validates
(``normalized``). A run of the right length that still does not validate is
returned too, invalid, so that a misread ID is reported and never dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ocr.values import DIGIT_CONFUSIONS, halfwidth
from schemas.idnumber import IdCheck, normalize_id, parse_id


@dataclass(frozen=True)
class IdValue:
    """An ID-number candidate found in text, as printed and validated."""

    printed: str
    valid: bool
    errors: tuple[str, ...]
    start: int
    end: int
    normalized: bool = False


_ID_CHARS = "0-9OoIlZSBDQ|xX×Ｘ°"
_ID_TOKEN = re.compile(rf"[{_ID_CHARS}]+")
_ID_JOIN = re.compile(r"[\s-]{0,2}")


def _id_runs(text: str) -> list[tuple[str, int, int]]:
    """Digit-like runs of 15 or 18 characters; up to 3 tokens split by spaces or hyphens join."""
    tokens = [(m.group(0), m.start(), m.end()) for m in _ID_TOKEN.finditer(text)]
    runs = []
    for i in range(len(tokens)):
        joined, start, end = tokens[i]
        if len(joined) in (15, 18):
            runs.append((joined, start, end))
            continue
        for j in range(i + 1, min(i + 3, len(tokens))):
            between = text[end : tokens[j][1]]
            if not _ID_JOIN.fullmatch(between):
                break
            joined += tokens[j][0]
            end = tokens[j][2]
            if len(joined) in (15, 18):
                runs.append((joined, start, end))
                break
            if len(joined) > 18:
                break
    return runs


def find_ids(text: str) -> list[IdValue]:
    """ID-number candidates (15 or 18 characters) in ``text``, best first.

    A run is kept as printed when it validates; otherwise OCR confusions are
    undone and the run is kept only if the result validates (``normalized``).
    Invalid digit runs of the right length are returned too (``valid=False``)
    so that a misread ID is reported, never silently dropped.
    """
    text = halfwidth(text)
    out: list[IdValue] = []
    for run, start, end in _id_runs(text):
        printed = run.upper() if run[-1] in "xX" else run
        check = parse_id(printed)
        if check.valid and not printed.isalnum():
            # ``parse_id`` drops marks it does not know: ``620|7|2|2770204300`` (cell
            # rules read as ``|``) validates as its 15 digits. The value is those digits
            # (normalized), never the 18 characters read: as printed it would pass for
            # an 18-digit ID and skip the confirmation a 15-digit one needs.
            out.append(IdValue(normalize_id(printed), True, (), start, end, normalized=True))
            continue
        if check.valid:
            out.append(IdValue(printed, True, (), start, end))
            continue
        fixed = run.translate(DIGIT_CONFUSIONS)
        fixed_check = parse_id(fixed) if fixed != printed else check
        if fixed_check.valid:
            out.append(IdValue(fixed, True, (), start, end, normalized=True))
        elif sum(ch.isdigit() for ch in run) >= len(run) - 1:
            out.append(IdValue(fixed, False, tuple(fixed_check.errors), start, end))
    out.sort(key=lambda v: (not v.valid, v.normalized))
    return out


def id_states_birth_date(check: IdCheck, printed: str) -> bool:
    """True when the valid ID ``check`` states the printed birth date ``printed``.

    At least the year and month must be printed (出生年月 forms give no day); those
    must match the ID's date.
    """
    return (
        check.valid
        and check.birth_date is not None
        and len(printed) >= 7
        and check.birth_date.isoformat().startswith(printed)
    )
