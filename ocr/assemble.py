"""From the values found to one :class:`~ocr.result.Reading`: roles, conflicts, evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ocr.labels import PARTY_FIELDS, RECORD_FIELDS, fold
from ocr.parties import FIRST, HUSBAND, SECOND, WIFE
from ocr.result import Reading
from schemas.idnumber import parse_id
from schemas.model import FieldInfo, Party, Role, TextLine
from schemas.names import to_simplified, traditional_spelling

if TYPE_CHECKING:
    from ocr.found import Found

ROLE_ORDER = (HUSBAND, WIFE)


def _sex_of_slot(found: list[Found], slot: str) -> str | None:
    for f in found:
        if f.slot == slot and f.key == "sex" and f.value:
            return str(f.value)
    for f in found:
        if f.slot == slot and f.key == "id_number" and f.value:
            check = parse_id(str(f.value))
            if check.valid:
                return check.sex
    return None


def _role_map(found: list[Found]) -> dict[str, tuple[str, bool]]:
    """slot -> (role, decided_by_order)."""
    mapping: dict[str, tuple[str, bool]] = {HUSBAND: (HUSBAND, False), WIFE: (WIFE, False)}
    slots = {f.slot for f in found if f.slot in (FIRST, SECOND)}
    taken = {f.slot for f in found if f.slot in (HUSBAND, WIFE)}
    free = [r for r in ROLE_ORDER if r not in taken] or list(ROLE_ORDER)
    sexes = {s: _sex_of_slot(found, s) for s in slots}
    for slot in sorted(slots):
        sex = sexes[slot]
        if sex in ("M", "F") and (HUSBAND if sex == "M" else WIFE) in free:
            role = HUSBAND if sex == "M" else WIFE
            mapping[slot] = (role, False)
            free.remove(role)
    for slot in sorted(slots):
        if slot not in mapping:
            role = free.pop(0) if free else (HUSBAND if slot == FIRST else WIFE)
            mapping[slot] = (role, True)
    return mapping


def _same(key: str, value: object, traditional: bool = False) -> str:
    """The form in which two readings of one field are compared.

    A certificate number read in either script is one value (號 vs 号 on two
    pages). On a form written in traditional script a name is compared in that
    script: OCR answers some traditional glyphs in simplified script, one place
    at a time (邵福强 in the table, 邵福強 in the sentence). Only where the
    simplified reading has one traditional spelling (钟 may be 鍾 or 鐘: the
    readings stay different).
    """
    if key == "certificate_no":
        return fold(str(value))
    if key == "name" and traditional:
        return traditional_spelling(str(value)) or str(value)
    return str(value)


def _pick(items: list[Found], traditional: bool = False) -> Found | None:
    """The value to keep for one field; different readings -> a conflict issue.

    Readings that agree with the kept one lend it their confidence (the surest
    of them counts); supporting readings (signatures) only ever do that.
    ``traditional``: the form is written in traditional script (see :func:`_same`).
    """
    readable = [f for f in items if f.value is not None and not f.support]
    if not readable:
        return next((f for f in items if not f.support), None)
    best = readable[0]
    if len({_same(f.key, f.value, traditional) for f in readable}) > 1:
        if best.key == "name":
            best = _most_read(readable, items, traditional)
        best.issues.append("conflicting_values")
        return best
    kept = _same(best.key, best.value, traditional)
    agreeing = [
        f for f in items if f.value is not None and _same(f.key, f.value, traditional) == kept
    ]
    surest = max(agreeing, key=lambda f: f.confidence)
    if surest.confidence > best.confidence:
        best.confidence = surest.confidence
        best.issues.append("confirmed_by_second_reading")
    return best


def _most_read(readable: list[Found], items: list[Found], traditional: bool) -> Found:
    """Among conflicting readings of a name, the one whose value is read in the most
    places (signatures count: 贾风 in the table at 0.55, 贾凤 in the sentence and the
    signature); the first reading on a tie. The conflict still goes to review: this
    only chooses the value the clerk is shown."""

    def places(f: Found) -> int:
        kept = _same(f.key, f.value, traditional)
        return sum(
            1 for g in items if g.value is not None and _same(g.key, g.value, traditional) == kept
        )

    return max(readable, key=places)


def _info(f: Found) -> FieldInfo:
    x, y, w, h = f.segment.bbox
    issues = list(dict.fromkeys(f.issues))
    return FieldInfo(
        confidence=round(min(1.0, max(0.0, f.confidence)), 4),
        page=f.segment.page,
        bbox=[x, y, w, h],
        issues=issues,
        source="ocr",
    )


def _party(role: str, picked: dict[str, Found | None]) -> Party:
    values: dict[str, Any] = {k: (f.value if f else None) for k, f in picked.items()}
    name = values.get("name")
    id_number = values.get("id_number")
    check = parse_id(id_number) if id_number else None
    return Party(
        role=Role(role),
        name=name,
        name_simplified=to_simplified(name) if name else None,
        sex=values.get("sex"),
        birth_date=values.get("birth_date"),
        age=values.get("age"),
        id_number=id_number,
        id_number_18=check.id_18 if check and check.valid else None,
        ethnicity=values.get("ethnicity"),
    )


def assemble(found: list[Found], lines: list[TextLine], traditional: bool = False) -> Reading:
    """Build the reading: record fields, both parties (husband first), field evidence.

    ``traditional``: the form is written in traditional script (names read in
    either script are compared in it, :func:`_same`).
    """
    reading = Reading(lines=list(lines))
    roles = _role_map(found)
    for key in RECORD_FIELDS:
        picked = _pick([f for f in found if f.key == key])
        if picked is not None:
            if picked.value is not None:
                setattr(reading, key, picked.value)
            reading.fields[key] = _info(picked)
    for index, role in enumerate(ROLE_ORDER):
        picked_fields: dict[str, Found | None] = {}
        for key in PARTY_FIELDS:
            items = [
                f
                for f in found
                if f.key == key and f.slot and roles.get(f.slot, ("", False))[0] == role
            ]
            for f in items:
                if f.slot is not None and roles[f.slot][1]:
                    f.issues.append("role_by_order")
            picked_fields[key] = _pick(items, traditional)
            if picked_fields[key] is not None:
                reading.fields[f"parties[{index}].{key}"] = _info(picked_fields[key])  # type: ignore[arg-type]
        reading.parties.append(_party(role, picked_fields))
    return reading


def birth_dates_from_ids(reading: Reading) -> int:
    """Fill a party's missing birth date from its valid ID number (``birth_date_from_id``).

    For forms that print no birth date at all (certificates with the age and the
    ID): the ID states the date (GB 11643). The caller decides that the form has
    no birth-date field, so a year-month printed there is never overwritten by
    a full date. Returns how many were filled.
    """
    filled = 0
    printed = [p.birth_date for p in reading.parties if p.birth_date]
    # Written like the other spouse's (a sentence giving 1957年11月生 gives months).
    length = min((len(b) for b in printed), default=10)
    for index, party in enumerate(reading.parties):
        key = f"parties[{index}].id_number"
        if party.birth_date or not party.id_number or key not in reading.fields:
            continue
        check = parse_id(party.id_number)
        if not check.valid or check.birth_date is None:
            continue
        party.birth_date = check.birth_date.isoformat()[:length]
        source = reading.fields[key]
        reading.fields[f"parties[{index}].birth_date"] = source.model_copy(
            update={"issues": ["birth_date_from_id"]}
        )
        filled += 1
    return filled
