"""Linking events and overlapping marriages (pure functions + one pass over an archive)."""

from __future__ import annotations

from schemas.model import Party, Record, RecordType, Role
from search_api.api.conflicts import (
    conflicting_marriages,
    conflicts_in,
    find_conflicts,
    link_events,
)
from tests.search_api.api.sample_people import P2_ID18


def _rec(rid: str, kind: RecordType, day: str, spouse: str, cert: str | None = None) -> Record:
    return Record(
        record_id=rid,
        record_type=kind,
        registration_date=day,
        certificate_no=cert,
        parties=[
            Party(role=Role.HUSBAND, name="甲", id_number_18="X"),
            Party(role=Role.WIFE, name=spouse),
        ],
    )


def _events(*records: Record) -> list[tuple[Record, int]]:
    return [(r, 0) for r in records]


def test_divorce_links_to_the_marriage_with_the_same_spouse():
    m1 = _rec("m1", RecordType.MARRIAGE, "2000-01-01", "乙")
    m2 = _rec("m2", RecordType.MARRIAGE, "2005-01-01", "丙")
    d2 = _rec("d2", RecordType.DIVORCE, "2008-01-01", "丙")
    d1 = _rec("d1", RecordType.DIVORCE, "2003-01-01", "乙")
    assert link_events(_events(m2, d2, m1, d1)) == {"d1": "m1", "d2": "m2"}
    assert conflicting_marriages(_events(m1, d1, m2, d2)) == set()


def test_traditional_and_simplified_spouse_names_are_one_spouse():
    m1 = _rec("m1", RecordType.MARRIAGE, "1980", "張麗")
    d1 = _rec("d1", RecordType.DIVORCE, "1990", "张丽")
    assert link_events(_events(m1, d1)) == {"d1": "m1"}


def test_reissues_link_to_marriage_or_divorce_by_certificate_prefix():
    m1 = _rec("m1", RecordType.MARRIAGE, "2000-01-01", "乙")
    d1 = _rec("d1", RecordType.DIVORCE, "2003-01-01", "乙")
    bj = _rec("bj", RecordType.REISSUE, "2002-01-01", "乙", "BJ620722-2002-000001")
    bl = _rec("bl", RecordType.REISSUE, "2004-01-01", "乙", "BL620722-2004-000001")
    assert link_events(_events(m1, d1, bj, bl)) == {"d1": "m1", "bj": "m1", "bl": "d1"}


def test_second_marriage_before_divorce_is_a_conflict():
    m1 = _rec("m1", RecordType.MARRIAGE, "2000-01-01", "乙")
    m2 = _rec("m2", RecordType.MARRIAGE, "2002-01-01", "丙")
    d1 = _rec("d1", RecordType.DIVORCE, "2003-01-01", "乙")  # divorce came too late
    assert conflicting_marriages(_events(m1, m2, d1)) == {"m1", "m2"}
    same_couple_twice = _rec("m1b", RecordType.MARRIAGE, "2001-01-01", "乙")
    assert conflicting_marriages(_events(m1, same_couple_twice)) == set()


def test_find_conflicts_over_the_archive(populated):
    _, archive, _ = populated
    reports = find_conflicts(archive)
    assert [r.record_ids for r in reports] == [("p2-m1", "p2-m2")]
    assert reports[0].person == P2_ID18[:6] + "********" + P2_ID18[-4:]
    assert conflicts_in([]) == []
