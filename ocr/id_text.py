"""The text rules of a re-read ID row: from what a crop read to the valid IDs it gives.

Pure functions on strings (``ocr.reread`` cuts and reads the crops and decides what
to take). A row of per-digit cells comes back spaced out, with cell rules read as
``1``, ``-`` or ``:``, specks read as dots, and now and then a digit read as two or a
cut ``8`` read as ``3``; each rule below undoes one of these and lets only the ID
validators (check character, region, date) decide.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ocr import values as V
from ocr.id_values import find_ids
from schemas.idnumber import normalize_id, parse_id

# A 15-digit row read with a cell border as ``1`` at either end is 17 characters
# long; a longer run is an 18-digit row (PP-OCRv6 reads a digit of one as two:
# ``…9 7 13 0 5…`` for ``…9 7 8 0 5…``), and 15 of its digits are no reading.
MAX_RUN_FOR_15 = 17


def valid_ids(text: str) -> set[str]:
    """Valid IDs in a re-read row, also inside a longer digit run.

    Digit cells come back spaced out (``6 2 0 7 …``) and a cell border at either
    end may be read as ``1``: every 15- or 18-character window of a longer run
    is tried, and only the validators decide.
    """
    return read_ids(text)[0]


def guessed_ids(text: str) -> set[str]:
    """The IDs ``valid_ids`` gives for a row only by reading marks as digits it did
    not see (``_eighteen_with_ones_on_rules``): a digit lost beside a mark turns
    into a ``1`` there, and the check character passes such a value one time in
    eleven (``6 -2 70 2…`` for ``620702…`` gave ``612702…``). ``reread`` holds
    such a value unless a reading gives it plainly. So is an 18-digit ID that
    needs a letter read as a digit (``6I272 2198801…``: a struck digit read as
    ``I``, a 0 lost, ``612722…`` for ``620722…``)."""
    return read_ids(text)[1]


def read_ids(text: str) -> tuple[set[str], set[str]]:
    """``(valid_ids(text), guessed_ids(text))`` in one pass over the row."""
    ids, guessed = _read_ids(text)
    wide = V.halfwidth(text)
    masked = wide.translate(_LETTERS_MASKED)
    if masked != wide and any(len(v) == 18 for v in ids - guessed):
        again, again_guessed = _read_ids(masked)
        plain = again - again_guessed
        guessed |= {v for v in ids if len(v) == 18 and v not in plain}
    return ids, guessed


def _read_ids(text: str) -> tuple[set[str], set[str]]:
    """``(valid IDs, those of them guessed)`` for a re-read row."""
    joined = re.sub(r"\s+", "", V.halfwidth(text))
    found = {v.printed for v in find_ids(joined) if v.valid}
    for run in re.findall(r"[0-9Xx]{16,21}", joined):
        for size in (18, 15):
            if size == 15 and len(run) > MAX_RUN_FOR_15:
                break  # an 18-digit row read with a digit split in two, not a 15-digit one
            in_run = set()
            for start in range(len(run) - size + 1):
                window = run[start : start + size]
                in_run |= {v.printed for v in find_ids(window) if v.valid}
            found |= in_run
            if in_run and size == 18:
                break  # 15 of a valid 18 digits (``221987…``) are no reading of their own
    found |= _side_by_side(joined)
    if not found:
        found = _valid_without_specks(joined) or _fifteen_without_specks(joined)
    guessed = set() if found else _eighteen_with_ones_on_rules(joined)
    # digits only: a cell rule read as ``|`` inside a run (``620|7|2|2770204300``)
    # validates as the 15 digits around it, and must count as 15 digits, not 18
    return {normalize_id(v) for v in found | guessed}, {normalize_id(v) for v in guessed}


# Both parties' IDs printed side by side in one table row (身份证件号 | husband's |
# wife's): a strip across the row reads them as one run of 30 or 36 digits.
_TWO_IDS = {30: 15, 36: 18}


def _side_by_side(joined: str) -> set[str]:
    """The valid IDs of a run that is exactly two IDs of one form back to back.

    Each half must validate on its own (``reread`` drops the other party's ID
    from what a row of this party's gives); a dot read between two digits is
    dropped first, as in ``_fifteen_without_specks``.
    """
    digits = re.sub(_DOT, "", joined.translate(V.DIGIT_CONFUSIONS))
    out: set[str] = set()
    for run in re.findall(r"(?<![0-9X])[0-9X]+(?![0-9X])", digits.upper()):
        half = _TWO_IDS.get(len(run))
        if half is None:
            continue
        for part in (run[:half], run[half:]):
            out |= {v.printed for v in find_ids(part) if v.valid and len(v.printed) == half}
    return out


# Marks read between digit cells (``62#0722…``, ``62=0722…``): a rule's stub or a
# speck read as a character of its own.
_SPECK = re.compile(r"[^0-9Xx\u4e00-\u9fff]")


def _valid_without_specks(joined: str) -> set[str]:
    """18-digit IDs left once non-digit marks are dropped from a re-read row.

    Only 18 digits (or one more: a cell border read as ``1`` at either end) and
    only 18-digit IDs, whose check character confirms that no digit was lost
    with the marks.
    """
    digits = _SPECK.sub("", joined.translate(V.DIGIT_CONFUSIONS))
    out: set[str] = set()
    # a run of exactly 18 or 19: windows of a longer one are valid by chance (one in
    # eleven each: ``210722193911074991`` inside ``62107221939110749910``)
    for run in re.findall(r"(?<![0-9X])[0-9X]{18,19}(?![0-9X])", digits):
        for start in range(len(run) - 17):
            window = run[start : start + 18]
            out |= {v.printed for v in find_ids(window) if v.valid and len(v.printed) == 18}
    return out


# A scanner speck read as a dot between two digits of a 15-digit row
# (``620722580823.543``); strike marks (``=``, ``≥``: a corrected digit) are not specks.
_DOT = "[.,:;'`·・。，、]"
_DOTTED_RUN = re.compile(rf"[0-9](?:{_DOT}?[0-9])+")


def _fifteen_without_specks(joined: str) -> set[str]:
    """15-digit IDs left once dots read between two digits are dropped.

    Only a run of exactly 15 digits with one dot at most between two of them: a
    dot read in place of a digit leaves 14, and no window of a longer run is
    taken. Without a check character, such a value is still confirmed only by two
    sources and the printed facts (``reread_ids``).
    """
    digits = joined.translate(V.DIGIT_CONFUSIONS)
    out: set[str] = set()
    for run in _DOTTED_RUN.findall(digits):
        bare = re.sub(_DOT, "", run)
        if bare != run and len(bare) == 15:
            out |= {v.printed for v in find_ids(bare) if v.valid and len(v.printed) == 15}
    return out


# A ``1`` written on a cell's rule goes with the rule when the rules are taken out;
# the stub left of it reads as a dash or a colon (``620722-97807-30580`` for
# ``620722197807130580``, ``620722-9780-086240``).
_RULE_ONE = "[-:：－]"
_RUN_WITH_RULE_ONES = re.compile(rf"[0-9](?:{_RULE_ONE}?[0-9])*{_RULE_ONE}?[0-9X]")
MAX_RULE_ONES = 2


def _eighteen_with_ones_on_rules(joined: str) -> set[str]:
    """18-digit IDs left once single dashes or colons between two digits are read as ``1``.

    Only a run that makes exactly 18 characters so, with at most ``MAX_RULE_ONES``
    such marks, and only when the check character then holds: it catches any one
    wrong digit and most pairs. Never for 15 digits (nothing confirms them).
    """
    digits = joined.translate(V.DIGIT_CONFUSIONS)
    out: set[str] = set()
    for run in _RUN_WITH_RULE_ONES.findall(digits):
        marks = len(re.findall(_RULE_ONE, run))
        whole = re.sub(_RULE_ONE, "1", run)
        if 0 < marks <= MAX_RULE_ONES and len(whole) == 18:
            out |= {v.printed for v in find_ids(whole) if v.valid and len(v.printed) == 18}
    return out


# Birth digits of an 18-digit row the printed birth date may replace: PP-OCRv6 reads
# a cut ``8`` as ``3`` (``620722193911074990`` for 1989-11-07), and 198x years and
# day 28 hold many 8s; more differences would be another number.
MAX_REPAIRED_DIGITS = 2
# The letters among the OCR's digit confusions (``ρ`` for a 0 across a rule).
_LETTER_DIGITS = {k: v for k, v in V.DIGIT_CONFUSIONS.items() if chr(k).isalpha()}
_LETTERS_MASKED = {k: "#" for k in _LETTER_DIGITS}


def repaired_by_birth_date(texts: list[str], birth_date: str, sex: str) -> set[str]:
    """18-digit IDs that rows read with a check character that fails give once their
    birth digits are the printed birth date (pure).

    Only runs of exactly 18 characters whose birth digits differ from the printed
    full date (``YYYY-MM-DD``) in one or two places, and only when the check
    character then holds, the region is a listed one and the sex digit states the
    printed sex. The printed date chooses the digits; the check character (one
    chance in eleven to pass by accident) is all that confirms the rest, so such a
    value is always held for a clerk (``reread_ids``).
    """
    want = birth_date.replace("-", "")
    if len(want) != 8 or not want.isdigit():
        return set()
    out: set[str] = set()
    for text in texts:
        joined, letters = _two_views(text)
        runs = set(re.findall(r"(?<![0-9X])[0-9]{17}[0-9X](?![0-9X])", joined))
        runs |= set(re.findall(r"(?<![0-9X])[0-9]{17}[0-9X](?![0-9X])", letters))
        for run in sorted(runs):
            differ = sum(a != b for a, b in zip(run[6:14], want, strict=True))
            if not 0 < differ <= MAX_REPAIRED_DIGITS:
                continue
            value = run[:6] + want + run[14:]
            check = parse_id(value)
            if check.valid and not check.warnings and check.sex == sex:
                out.add(value)
    return out


def filled_from_printed(cells: Sequence[str | None], birth_date: str, sex: str) -> str | None:
    """The ID a row of cells gives once its unread cells are filled (pure).

    ``cells`` holds each written cell's digit, None where the cell read as no
    digit (a digit struck out and written again over or beside it, a blot). The
    unread cells of the birth digits take the printed birth date's digits (as far
    as it is printed: ``YYYY-MM`` fills the year and month only); one unread
    cell left elsewhere in an 18-digit ID takes the one digit its check character
    allows. The result must then be valid, of a listed region, and state the
    printed birth date and sex. Nothing but the printed facts and the check
    character confirm the filled digits, so such a value is always held for a
    clerk (``reread_ids``). None when nothing is unread or it cannot be filled.
    """
    size = len(cells)
    if size not in (15, 18) or all(c is not None for c in cells):
        return None
    printed = birth_date.replace("-", "")
    if not printed.isdigit() or len(printed) < 6:
        return None
    birth = printed if size == 18 else printed[2:]
    chars = list(cells)
    for k, digit in enumerate(birth):
        if chars[6 + k] is None:
            chars[6 + k] = digit
    unread = [k for k, c in enumerate(chars) if c is None]
    if len(unread) > (1 if size == 18 else 0):
        return None
    candidates = ["".join(c or "" for c in chars)] if not unread else []
    for digit in "0123456789X" if unread else "":
        if digit == "X" and unread[0] != 17:
            continue
        chars[unread[0]] = digit
        candidates.append("".join(c or "" for c in chars))
    good = [v for v in candidates if _states_printed(v, birth_date, sex)]
    return good[0] if len(good) == 1 else None


# A digit struck out and written again squeezed beside it, or lost under a blot: the
# row reads one digit short, the strike or blot often as a mark of its own at the place
# (``6=2722198801063959`` for ``620722198801063959``; ``62072319751≠065817``).
_MARK = r"[^0-9X]{1,2}"
_MARKED_RUN = re.compile(rf"(?<![0-9X])([0-9]+){_MARK}([0-9]+X?)(?![0-9X])")
_BARE_RUN = re.compile(r"(?<![0-9X])[0-9]+X?(?![0-9X])")
_SHORT = {17: 18, 14: 15}


def restored_lost_digit(
    texts: list[str], birth_date: str, sex: str, home: frozenset[str] = frozenset()
) -> set[str]:
    """IDs that rows read one digit short give once that digit is put back (pure).

    A run one digit short of 18 (or 15) with one mark inside it (a strike, a blot:
    one or two characters that are no digit) takes the lost digit at the mark, or
    right after the digit that follows it (a struck digit's correction written
    beside it covers the next cell's digit: ``6I2722…`` for ``620722…``); with
    every digit there, the mark is dropped (``6207227410118≠31``). A bare run one
    digit short takes it anywhere, but only when the form prints the full birth
    date (``YYYY-MM-DD``), whose digits the result must then hold where an ID
    states them. Every digit 0-9 is tried; what is kept must be valid, of a
    listed region, and state the printed birth date (as far as printed) and sex. A
    reading that allows two values gives none. The check character is no
    confirmation here (it chooses the put-back digit), so nothing but the printed
    facts checks the other digits: such a value is always held for a clerk
    (``reread_ids``). Where a reading allows values that differ in their region
    only, the one of a ``home`` region (the regions the record states elsewhere:
    the registry's own, the other party's) is taken: a marriage is registered
    where one party lives.
    """
    want = birth_date.replace("-", "")
    out: set[str] = set()
    for text in texts:
        found: set[str] = set()
        for joined in _digit_views(text):
            for m in _MARKED_RUN.finditer(joined):
                head, tail = m.group(1), m.group(2)
                if len(head) + len(tail) in _SHORT:
                    found |= {head + d + tail for d in "0123456789"}
                    found |= {head + tail[0] + d + tail[1:] for d in "0123456789"}
                elif len(head) + len(tail) in _SHORT.values():
                    found.add(head + tail)  # every digit there: the mark is no digit
            if len(want) == 8 and want.isdigit():
                for run in _BARE_RUN.findall(joined):
                    size = _SHORT.get(len(run))
                    if size is None:
                        continue
                    birth = want if size == 18 else want[2:]
                    for k in range(len(run) + 1):
                        for d in "0123456789X" if k == len(run) else "0123456789":
                            value = run[:k] + d + run[k:]
                            if value[6 : 6 + len(birth)] == birth:
                                found.add(value)
        kept = settle_on_home({v for v in found if _states_printed(v, birth_date, sex)}, home)
        if len(kept) == 1:
            out |= kept
    return out


def settle_on_home(values: set[str], home: frozenset[str]) -> set[str]:
    """Of IDs that differ in their region only, those of a ``home`` region (pure);
    ``values`` as they are otherwise."""
    if len(values) > 1 and len({v[6:] for v in values}) == 1:
        return {v for v in values if v[:6] in home}
    return values


def _two_views(text: str) -> tuple[str, str]:
    """A re-read row without spaces, upper case: as read, and with the letters read
    for digits undone (a rule read as ``|`` stays a border: translated, it would
    lengthen the run)."""
    spaced = re.sub(r"\s+", "", V.halfwidth(text))
    return spaced.upper(), spaced.translate(_LETTER_DIGITS).upper()


def _digit_views(text: str) -> set[str]:
    """``_two_views`` of a re-read row, without dots between digits."""
    return {re.sub(rf"(?<=[0-9]){_DOT}(?=[0-9])", "", v) for v in _two_views(text)}


def _states_printed(value: str, birth_date: str, sex: str) -> bool:
    check = parse_id(value)
    if not check.valid or check.warnings or check.sex != sex:
        return False
    return check.birth_date is not None and check.birth_date.isoformat().startswith(birth_date)
