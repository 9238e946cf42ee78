"""Linking a person's events, and overlapping marriages (``conflict``).

Pure functions over catalog records plus :func:`find_conflicts` (one pass over the
archive) for the clerk dashboard. A person's events are ``(record, party_index)``
pairs; the *spouse* is the other party, identified by their 18-digit ID when the
record has one, else by their name in simplified script.

* A divorce, annulment or reissue links to the latest earlier (or same-day)
  marriage with the same spouse; a reissue whose certificate starts with ``BL``
  (reissued divorce certificate) links to the divorce instead.
* Two marriages of one person to different spouses, the later one registered
  before any divorce/annulment ending the earlier one, are both in ``conflict``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from schemas.idnumber import id_search_key, mask_id
from schemas.model import Party, Record, RecordType
from schemas.names import to_simplified

PersonEvent = tuple[Record, int]  # (record, index of the person's party)
_ENDING = (RecordType.DIVORCE, RecordType.ANNULMENT)


def date_key(record: Record) -> str:
    """Sortable form of a partial date (unknown dates sort first)."""
    value = record.registration_date or ""
    return (value + "-00-00")[:10] if value else "0000-00-00"


def person_id(party: Party) -> str | None:
    """The 18-digit ID that identifies ``party``: the normalized form, or when it is
    missing (an older catalog row, a correction in progress) the 18-digit form of
    the ID as printed, so a 15-digit ID and its upgrade are one person."""
    return party.id_number_18 or id_search_key(party.id_number)


def spouse_key(record: Record, party_index: int) -> str | None:
    """Who the other party is: ``id:<18 digits>`` or ``name:<simplified>``, else None."""
    others = [p for i, p in enumerate(record.parties) if i != party_index]
    if not others:
        return None
    spouse = others[0]
    spouse_id = person_id(spouse)
    if spouse_id:
        return "id:" + spouse_id
    name = _simplified(spouse.name_simplified or spouse.name)
    return "name:" + name if name else None


def _same_spouse(a: PersonEvent, b: PersonEvent) -> bool:
    ka, kb = spouse_key(*a), spouse_key(*b)
    if ka is None or kb is None:
        return False
    if ka == kb:
        return True
    # One record may carry the spouse's ID and the other only the name: compare names.
    names_a = _spouse_names(a)
    return bool(names_a) and names_a == _spouse_names(b)


def _spouse_names(event: PersonEvent) -> str | None:
    record, index = event
    others = [p for i, p in enumerate(record.parties) if i != index]
    return _simplified(others[0].name_simplified or others[0].name) if others else None


def _simplified(name: str | None) -> str | None:
    return to_simplified(name.strip()) if name and name.strip() else None


def sort_events(events: Iterable[PersonEvent]) -> list[PersonEvent]:
    return sorted(events, key=lambda e: (date_key(e[0]), e[0].certificate_no or "", e[0].record_id))


def link_events(events: list[PersonEvent]) -> dict[str, str]:
    """record_id of each divorce/annulment/reissue -> record_id of the event it refers to."""
    ordered = sort_events(events)
    links: dict[str, str] = {}
    for pos, event in enumerate(ordered):
        record = event[0]
        if record.record_type in (RecordType.MARRIAGE, RecordType.UNKNOWN):
            continue
        wanted = RecordType.MARRIAGE
        if record.record_type == RecordType.REISSUE and (
            record.certificate_no or ""
        ).upper().startswith("BL"):
            wanted = RecordType.DIVORCE
        for earlier in reversed(ordered[:pos]):
            if earlier[0].record_type == wanted and _same_spouse(earlier, event):
                links[record.record_id] = earlier[0].record_id
                break
    return links


def conflicting_marriages(events: list[PersonEvent]) -> set[str]:
    """record_ids of marriages overlapping another marriage of the same person."""
    ordered = sort_events(events)
    marriages = [e for e in ordered if e[0].record_type == RecordType.MARRIAGE]
    links = link_events(ordered)
    ended_on: dict[str, str] = {}  # marriage record_id -> date of the divorce/annulment
    for event in ordered:
        target = links.get(event[0].record_id)
        if target and event[0].record_type in _ENDING:
            ended_on.setdefault(target, date_key(event[0]))
    flagged: set[str] = set()
    for i, first in enumerate(marriages):
        for second in marriages[i + 1 :]:
            if _same_spouse(first, second):
                continue  # the same couple again (a rescan or re-registration), not bigamy
            end = ended_on.get(first[0].record_id)
            if end is None or end > date_key(second[0]):
                flagged.update({first[0].record_id, second[0].record_id})
    return flagged


@dataclass(frozen=True)
class ConflictReport:
    """Overlapping marriages of one person, for the clerk dashboard."""

    person: str  # masked 18-digit ID
    record_ids: tuple[str, ...]
    certificate_nos: tuple[str | None, ...]
    dates: tuple[str | None, ...]


def conflicts_in(records: Iterable[Record]) -> list[ConflictReport]:
    """Group ID-bearing parties by 18-digit ID (:func:`person_id`) and report
    overlapping marriages."""
    by_person: dict[str, list[PersonEvent]] = {}
    for record in records:
        for index, party in enumerate(record.parties):
            person = person_id(party)
            if person:
                by_person.setdefault(person, []).append((record, index))
    reports = []
    for person, events in sorted(by_person.items()):
        if sum(1 for r, _ in events if r.record_type == RecordType.MARRIAGE) < 2:
            continue
        flagged = conflicting_marriages(events)
        if not flagged:
            continue
        chosen = [r for r, _ in sort_events(events) if r.record_id in flagged]
        reports.append(
            ConflictReport(
                person=mask_id(person) or "",
                record_ids=tuple(r.record_id for r in chosen),
                certificate_nos=tuple(r.certificate_no for r in chosen),
                dates=tuple(r.registration_date for r in chosen),
            )
        )
    return reports


def find_conflicts(archive) -> list[ConflictReport]:
    """Every person (by ID) with overlapping marriages in the archive (one full pass)."""
    return conflicts_in(archive.iter_records())
