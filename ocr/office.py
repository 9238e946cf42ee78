"""The issuing office (登记机关, 发证机关, the sign-off's 落款) as printed: pure text rules.

An office is optional: one the rules below doubt is emptied by the verdict
(``ocr/review.py``), never guessed. Three ways OCR gives an office that was not
printed, each seen accepted on a PP-OCRv6 corpus:

* the name read twice in one line, once misread (``高台三人民委员会高台县人民委员会``:
  the value beside its label and the seal's or sign-off's copy merged);
* an agency word misread into another word (``高台县大民委员会``: 人 read 大);
* a character of the place lost (``高县革命委员会``: 台 lost; 高县 is a real county
  too, so only the form's own text can tell).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ocr.values import OFFICE_UNIT

# The words an agency's name is made of after its place (both scripts): a people's
# or revolutionary committee, a government, a civil-affairs bureau, section or
# desk, a marriage registry, a sub-district office, a commune's administration.
_AGENCY_WORDS = (
    "人民",
    "政府",
    "革命",
    "委员会",
    "委員會",
    "民政",
    "局",
    "科",
    "股",
    "婚姻",
    "登记",
    "登記",
    "处",
    "處",
    "办事处",
    "辦事處",
    "公所",
    "公社",
    "管理",
)
_WORD = re.compile("|".join(sorted(_AGENCY_WORDS, key=len, reverse=True)))
_AGENCY = re.compile(f"(?:{_WORD.pattern})+")


def agency_is_known(office: str) -> bool:
    """True when the words after the office's last administrative unit are all agency
    words (``高台县人民委员会``: 人民 委员会); False for ``高台县大民委员会`` (大民 is
    no word of an agency: 人 misread), one that repeats a word (``高台县人民委员会委员会``)
    or one naming no unit."""
    units = list(OFFICE_UNIT.finditer(office))
    if not units:
        return False
    agency = office[units[-1].end() :]
    if not agency or _AGENCY.fullmatch(agency) is None:
        return False
    words = _WORD.findall(agency)
    return len(set(words)) == len(words)  # 人民委员会委员会: the agency read twice


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (short strings: an office name)."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[len(b)]


# A misread copy differs from the clean one in at most this many characters.
COPY_MAX_EDITS = 2


def undoubled_office(text: str, valid: Callable[[str], bool]) -> str | None:
    """The office of a text that reads it twice (``高台三人民委员会高台县人民委员会``).

    Returns ``text`` itself when it is not two copies of one name. When it is (cut,
    where the two parts are closest, in parts at most :data:`COPY_MAX_EDITS`
    characters apart, each of 3 or more), the one copy that is a valid office
    (``valid``) is kept: the other is a misread of it. Two valid copies that differ,
    or none, give None.
    """
    cuts = {cut: _edits(text[:cut], text[cut:]) for cut in range(3, len(text) - 2)}
    best = min(cuts.values(), default=COPY_MAX_EDITS + 1)
    if best > COPY_MAX_EDITS:
        return text
    choices: set[str] = set()
    for cut in (c for c, edits in cuts.items() if edits == best):
        choices |= {copy for copy in (text[:cut], text[cut:]) if valid(copy)}
    return choices.pop() if len(choices) == 1 else None


def _places(office: str) -> list[str]:
    """The places an office names, up to each of its units (``甘肃省高台县民政局`` ->
    ``甘肃省``, ``甘肃省高台县``)."""
    return [office[: m.end()] for m in OFFICE_UNIT.finditer(office)]


def place_misread(office: str, other_texts: list[str]) -> bool:
    """True when the record's other text names the office's place otherwise, one
    character apart, and never as the office reads it (``高县革命委员会`` on a form whose
    addresses or seal read ``高台县``), or only as the tail of a longer name
    (``台县革命委员会`` where the form reads ``高台县``): the office lost or misread a
    character of it.

    Only the county-level place (the part up to 县, 市, 区, 旗 …) is compared; a form
    whose other text names no such place says nothing (False).
    """
    places = _places(office)
    if not places:
        return False
    place = places[-1] if len(places) == 1 else places[1]
    # the place without a province before it (甘肃省高台县 -> 高台县)
    head = places[0] if len(places) > 1 and place.startswith(places[0]) else ""
    local = place[len(head) :]
    unit = local[-1]
    joined = "\n".join(other_texts)
    if local in joined:
        # seen, but only as the tail of a longer name (台县 in 高台县): the office
        # lost the head of its place
        before = [joined[m.start() - 1 : m.start()] for m in re.finditer(re.escape(local), joined)]
        return all(_is_cjk(ch) and not OFFICE_UNIT.fullmatch(ch) for ch in before)
    for m in re.finditer(re.escape(unit), joined):
        for size in (len(local), len(local) + 1):
            seen = joined[max(0, m.end() - size) : m.end()]
            if (
                len(seen) == size
                and seen != local
                and all(_is_cjk(ch) for ch in seen)
                and _edits(seen, local) == 1
            ):
                return True
    return False


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"
