"""Property tests of the pure lookup rules (Hypothesis, tiny generated event lists)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.errors import RateLimited
from schemas.model import Party, Record, RecordStatus, RecordType, Role
from search_api.api.limits import LookupLimiter
from search_api.api.lookup import FoundEvent, _ranges, build_answer

KINDS = ["id_exact", "id_15_18", "candidate"]


@st.composite
def found_events(draw) -> list[FoundEvent]:
    n = draw(st.integers(0, 6))
    events = []
    for i in range(n):
        year = draw(st.integers(1950, 2025))
        date = draw(st.sampled_from([f"{year}", f"{year}-03", f"{year}-03-0{1 + i % 9}", None]))
        record = Record(
            record_id=f"r{i}",
            record_type=draw(st.sampled_from(list(RecordType))),
            registration_date=date,
            certificate_no=draw(st.sampled_from([None, f"J620722-{year}-00000{i}", "BL1"])),
            status=draw(st.sampled_from(list(RecordStatus))),
            parties=[
                Party(role=Role.HUSBAND, name="甲", id_number_18="X"),
                Party(role=Role.WIFE, name=draw(st.sampled_from(["乙", "丙", "丁"]))),
            ],
        )
        kind = draw(st.sampled_from(KINDS))
        events.append(FoundEvent(record, 0, kind, 1.0 if kind != "candidate" else 0.5, ["r"]))
    return events


@settings(max_examples=150, deadline=None)
@given(found_events())
def test_answers_are_ordered_and_candidates_never_decide(found):
    answer = build_answer(found, None)
    keys = [e.registration_date or "" for e in answer.events]
    padded = [(k + "-00-00")[:10] if k else "0000-00-00" for k in keys]
    assert padded == sorted(padded)
    assert len(answer.events) == len(found)
    for event in answer.events:
        assert event.match.certain == (event.match.kind != "candidate")
        assert event.match.score < 1 or event.match.certain
    if not found:
        assert answer.verdict == "no_record"
    elif all(f.kind == "candidate" for f in found):
        assert answer.verdict == "uncertain"
    if answer.verdict in ("married", "divorced"):
        assert any(f.kind != "candidate" for f in found)
    assert answer.conflicts == sum(e.conflict for e in answer.events)


@given(st.sets(st.integers(1950, 2030)))
def test_year_ranges_cover_exactly_the_years(years):
    out = set()
    for part in _ranges(sorted(years)):
        first, _, last = part.partition("-")
        out.update(range(int(first), int(last or first) + 1))
    assert out == years


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 200), st.integers(1, 5)), max_size=60), st.integers(1, 10))
def test_limiter_never_allows_more_than_the_rate_in_any_minute(calls, rate):
    now = [0.0]
    limiter = LookupLimiter(rate, 10**9, 10**9, clock=lambda: now[0])
    allowed: list[float] = []
    for at, units in sorted(calls):
        now[0] = at
        try:
            limiter.consume("k", units)
        except RateLimited as exc:
            assert exc.retry_after >= 1
            continue
        allowed += [at] * units
    for t in allowed:
        assert sum(1 for u in allowed if t - 60 < u <= t) <= rate
