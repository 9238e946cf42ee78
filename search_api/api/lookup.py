"""The marital-history lookup: who is asked about, which events match, what to answer.

Three steps: :func:`resolve_subject` validates the question (pure),
:func:`find_events` asks the search index and the catalog (I/O), and
:func:`build_answer` orders, links and judges the events and applies the
disclosure policy (pure; docs/disclosure-policy.md).

Verdict rules (docs/lookup-api.md): only events matched by ID (``id_exact`` or
``id_15_18``) are certain. The latest certain event that changes civil status
decides: a marriage (or a reissued marriage certificate) -> ``married``; a
divorce or annulment (or a reissued divorce certificate) -> ``divorced``. The
verdict is ``uncertain`` when that deciding record still needs review, when its
type is unknown, when only candidates were found, or when a candidate event is
dated after the last certain one. Nothing found -> ``no_record`` with the
archive's coverage, which is never the same as "not married".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from schemas.errors import ValidationFailed
from schemas.idnumber import ERROR_TEXT, mask_id, normalize_id, parse_id
from schemas.masking import mask_name
from schemas.model import Record, RecordStatus, RecordType
from search_api.api.conflicts import conflicting_marriages, date_key, link_events, sort_events
from search_api.api.models import (
    Coverage,
    Event,
    LookupAnswer,
    LookupQuery,
    Match,
    MatchKind,
    Verdict,
)
from search_api.search.base import TIERS, SearchQuery

CANDIDATE_MAX_SCORE = 0.9
MIN_MARRIAGE_AGE = 14  # no registration before this age: bounds the candidate search
MAX_NAME_HITS = 500  # name hits examined per lookup (5 pages of 100)
_CANDIDATE_TIERS = ("exact", "script_folded", "pinyin", "lookalike")
_TIER_REASONS = {
    "exact": "name equal as written",
    "script_folded": "name equal after traditional/simplified folding",
    "pinyin": "name equal in pinyin",
    "lookalike": "name equal after folding OCR look-alike characters",
}
_STATUS_CHANGING: dict[RecordType, Verdict] = {
    RecordType.MARRIAGE: "married",
    RecordType.DIVORCE: "divorced",
    RecordType.ANNULMENT: "divorced",
}


@dataclass(frozen=True)
class Subject:
    """The person asked about, validated."""

    id_18: str | None
    id_kind: str | None  # "15" or "18" as sent
    name: str | None
    birth_year: int | None
    sex: str | None

    @property
    def audit_key(self) -> str:
        """What the audit log HMACs: the 18-digit ID, else name + birth date."""
        return self.id_18 or f"name:{self.name}|{self.birth_year}"


@dataclass
class FoundEvent:
    record: Record
    party_index: int
    kind: MatchKind
    score: float
    reasons: list[str] = field(default_factory=list)


def resolve_subject(query: LookupQuery, today: date | None = None) -> Subject:
    """Validate the question; explain what is missing or wrong."""
    id_18 = kind = None
    birth_year = int(query.birth_date[:4]) if query.birth_date else None
    sex: str | None = query.sex
    if query.birth_date:
        try:
            date.fromisoformat(query.birth_date)
        except ValueError as exc:
            raise ValidationFailed("birth_date is not a real date (YYYY-MM-DD).") from exc
    if query.id_number:
        check = parse_id(query.id_number, today=today)
        if not check.valid:
            reasons = "; ".join(ERROR_TEXT.get(e, e) for e in check.errors)
            raise ValidationFailed(f"id_number is not a valid ID number: {reasons}.")
        id_18, kind = check.id_18, check.kind
        birth_year = check.birth_date.year if check.birth_date else birth_year
        sex = sex or check.sex
    name = (query.name or "").strip() or None
    if id_18 is None and not (name and query.birth_date):
        raise ValidationFailed("Send an id_number, or a name together with birth_date.")
    return Subject(id_18, kind, name, birth_year, sex)


def party_birth_year(record: Record, party_index: int) -> int | None:
    """Birth year as printed, else registration year minus age (pre-1956 forms)."""
    party = record.parties[party_index]
    if party.birth_date:
        return int(party.birth_date[:4])
    if party.age is not None and record.registration_date:
        return int(record.registration_date[:4]) - party.age
    return None


def find_events(subject: Subject, search, archive, candidate_limit: int = 100) -> list[FoundEvent]:
    """Events matched by ID, plus name candidates on records that carry no ID."""
    found: dict[str, FoundEvent] = {}
    if subject.id_18:
        query = SearchQuery(id_number=subject.id_18, limit=100, explain=False)
        hits = search.search(query).hits
        for hit in hits:
            event = _id_event(archive.get_record(hit.record_id), subject)
            if event is not None:
                found[event.record.record_id] = event
    if subject.name:
        # Sex and birth year are checked here, not in the index: old forms give an
        # age instead of a birth date and often no sex (the role implies it).
        for hit in _name_hits(search, subject, candidate_limit):
            if hit.record_id in found or hit.tier not in _CANDIDATE_TIERS:
                continue
            record = archive.get_record(hit.record_id)
            event = _candidate_event(record, hit, subject) if record else None
            if event is not None:
                found[hit.record_id] = event
    return list(found.values())


def _name_hits(search, subject: Subject, page: int) -> list:
    """Name hits registered while the person was 14..90, paged up to MAX_NAME_HITS.

    Hits come newest first, so one page of a common name could hold only modern
    (ID-bearing) records and cut off the old ID-less ones we are looking for.
    """
    by = subject.birth_year
    date_from = str(by + MIN_MARRIAGE_AGE) if by else None
    date_to = str(by + 90) if by else None
    hits: list = []
    for offset in range(0, MAX_NAME_HITS, page):
        query = SearchQuery(
            name=subject.name, date_from=date_from, date_to=date_to, limit=page, offset=offset
        )
        batch = search.search(query).hits
        hits.extend(batch)
        if len(batch) < page:
            break
    return hits


def _id_event(record: Record | None, subject: Subject) -> FoundEvent | None:
    if record is None:
        return None
    for index, party in enumerate(record.parties):
        if party.id_number_18 and party.id_number_18 == subject.id_18:
            printed = normalize_id(party.id_number or party.id_number_18)
            same_form = len(printed) == 18 and subject.id_kind == "18"
            same_form = same_form or (len(printed) == 15 and subject.id_kind == "15")
            if same_form:
                return FoundEvent(record, index, "id_exact", 1.0, ["ID number equal"])
            return FoundEvent(
                record, index, "id_15_18", 1.0, ["ID number equal (15-digit and 18-digit forms)"]
            )
    return None


def _candidate_event(record: Record, hit, subject: Subject) -> FoundEvent | None:
    index = hit.party_index
    if index is None or index >= len(record.parties):
        return None
    party = record.parties[index]
    if party.id_number_18:
        return None  # a record with an ID names someone else (or was matched above)
    # Our own wording, not the index's clerk-facing reasons: those quote the printed name.
    reasons = [_TIER_REASONS[hit.tier]]
    reasons.append("record carries no ID number")
    score = TIERS[hit.tier] / 100
    party_sex = party.sex or {"husband": "M", "wife": "F"}.get(party.role.value)
    if subject.sex and party_sex:
        if party_sex != subject.sex:
            return None
        reasons.append("sex matches")
    else:
        score -= 0.1
        reasons.append("sex not compared")
    born = party_birth_year(record, index)
    if born is not None and subject.birth_year is not None:
        if abs(born - subject.birth_year) > 1:
            return None
        how = "birth date" if party.birth_date else "age at registration"
        reasons.append(f"birth year from {how} within 1 year")
    else:
        score -= 0.2
        reasons.append("birth year not compared")
    return FoundEvent(
        record, index, "candidate", round(min(CANDIDATE_MAX_SCORE, score), 2), reasons
    )


def build_answer(found: list[FoundEvent], coverage: Coverage | None) -> LookupAnswer:
    """Order, link and judge the events; return only what the policy discloses."""
    by_id = {f.record.record_id: f for f in found}
    pairs = sort_events((f.record, f.party_index) for f in found)
    links = link_events(pairs)
    certain_pairs = [p for p in pairs if by_id[p[0].record_id].kind != "candidate"]
    conflicts = conflicting_marriages(certain_pairs)
    events = [
        _disclosed_event(by_id[r.record_id], by_id.get(links.get(r.record_id, "")), conflicts)
        for r, _ in pairs
    ]
    verdict, basis = judge([by_id[r.record_id] for r, _ in pairs])
    return LookupAnswer(
        verdict=verdict,
        verdict_basis=basis,
        events=events,
        conflicts=len(conflicts),
        coverage=coverage if verdict in ("no_record", "uncertain") else None,
    )


def _disclosed_event(found: FoundEvent, linked: FoundEvent | None, conflicts: set[str]) -> Event:
    record, index = found.record, found.party_index
    party = record.parties[index]
    spouse = next((p for i, p in enumerate(record.parties) if i != index), None)
    spouse_name = (spouse.name_simplified or spouse.name) if spouse else None
    certain = found.kind != "candidate"
    return Event(
        event_type=record.record_type.value,
        registration_date=record.registration_date,
        office=record.office,
        certificate_no=record.certificate_no,
        record_status=record.status.value,
        role=party.role.value,
        id_number_masked=mask_id(party.id_number_18) if party.id_number_18 else None,
        spouse_name_masked=mask_name(spouse_name),
        match=Match(kind=found.kind, certain=certain, score=found.score, reasons=found.reasons),
        linked_certificate_no=linked.record.certificate_no if linked else None,
        conflict=record.record_id in conflicts,
    )


def judge(ordered: list[FoundEvent]) -> tuple[Verdict, str]:
    """The verdict and a one-line basis, from events in date order (rules above)."""
    if not ordered:
        return "no_record", "no event in the archive matches this person"
    certain = [f for f in ordered if f.kind != "candidate"]
    if not certain:
        return "uncertain", "only candidate records without ID numbers: confirm each by hand"
    deciding = None
    for found in reversed(certain):
        if _status_of(found.record) is not None or found.record.record_type == RecordType.UNKNOWN:
            deciding = found
            break
    if deciding is None:
        return "uncertain", "no event by ID changes civil status"
    last_certain = date_key(certain[-1].record)
    if any(date_key(f.record) > last_certain for f in ordered if f.kind == "candidate"):
        return "uncertain", "a candidate record is dated after the last event matched by ID"
    status = _status_of(deciding.record)
    if status is None:
        return "uncertain", "the latest event by ID has an unknown record type"
    if deciding.record.status == RecordStatus.NEEDS_REVIEW:
        return "uncertain", "the deciding record is awaiting review by a clerk"
    return status, f"latest event matched by ID is a {deciding.record.record_type.value}"


def _status_of(record: Record) -> Verdict | None:
    if record.record_type == RecordType.REISSUE:
        cert = (record.certificate_no or "").upper()
        return "divorced" if cert.startswith("BL") else "married"
    return _STATUS_CHANGING.get(record.record_type)


def summarize_coverage(rows: list[tuple[int | None, str, str, int]]) -> Coverage:
    """Years digitized (as ranges) and the share of verified records."""
    years = sorted({y for y, _, _, n in rows if y is not None and n > 0})
    total = sum(n for *_, n in rows)
    verified = sum(n for _, _, status, n in rows if status == RecordStatus.VERIFIED.value)
    return Coverage(
        first_year=years[0] if years else None,
        last_year=years[-1] if years else None,
        years=_ranges(years),
        records=total,
        share_verified=round(verified / total, 4) if total else 0.0,
        note="Only registrations made in this county and digitized so far are covered; "
        "no_record does not mean the person is unmarried.",
    )


def _ranges(years: list[int]) -> list[str]:
    """[1950, 1951, 1952, 1960] -> ["1950-1952", "1960"]."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return [f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs]
