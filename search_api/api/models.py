"""Request and response models of the JSON API; the OpenAPI document is built from them.

Requests forbid unknown fields (mass assignment -> 422). Responses are closed too,
so a test can check every field of every answer against the schema of its scope.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_BATCH = 100

MatchKind = Literal["id_exact", "id_15_18", "candidate"]
EventType = Literal["marriage", "divorce", "reissue", "annulment", "unknown"]
Verdict = Literal["married", "divorced", "no_record", "uncertain"]


class _Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LookupQuery(_Closed):
    """One marital-history question: an ID number and/or a name with a birth date."""

    id_number: str | None = Field(
        None, max_length=32, description="15 or 18 characters; both forms are the same person."
    )
    name: str | None = Field(None, max_length=40, description="As the requester knows it.")
    birth_date: str | None = Field(
        None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD (for name lookups)."
    )
    sex: Literal["M", "F"] | None = None
    purpose: str = Field(
        min_length=4, max_length=200, description="Why you ask: case reference or free text."
    )


class BatchLookupRequest(_Closed):
    queries: list[LookupQuery] = Field(min_length=1, max_length=MAX_BATCH)


class Match(_Closed):
    kind: MatchKind
    certain: bool = Field(description="False for candidates: a person must confirm.")
    score: float = Field(ge=0, le=1)
    reasons: list[str]


class Event(_Closed):
    """One registration event of the person; minimum disclosure (see docs)."""

    event_type: EventType
    registration_date: str | None
    office: str | None
    certificate_no: str | None
    record_status: Literal["verified", "auto_accepted", "needs_review"]
    role: Literal["husband", "wife"] | None
    id_number_masked: str | None = Field(
        description="Region + last 4 only, e.g. 620722********123X"
    )
    spouse_name_masked: str | None
    match: Match
    linked_certificate_no: str | None = Field(
        None, description="For divorce/reissue/annulment: the marriage it refers to."
    )
    conflict: bool = Field(
        False, description="Overlaps another marriage of this person with no divorce between."
    )


class Coverage(_Closed):
    first_year: int | None
    last_year: int | None
    years: list[str] = Field(description="Digitized year ranges, e.g. '1950-1984'.")
    records: int
    share_verified: float = Field(ge=0, le=1)
    note: str


class LookupAnswer(_Closed):
    verdict: Verdict
    verdict_basis: str
    events: list[Event]
    conflicts: int = 0
    coverage: Coverage | None = None


class BatchLookupAnswer(_Closed):
    results: list[LookupAnswer]


class PartySummary(_Closed):
    role: Literal["husband", "wife"]
    name: str | None
    sex: Literal["M", "F"] | None
    id_number_masked: str | None


class RecordSummary(_Closed):
    record_id: str
    record_type: EventType
    registration_date: str | None
    certificate_no: str | None
    office: str | None
    status: Literal["verified", "auto_accepted", "needs_review"]
    parties: list[PartySummary]
    match_tier: str | None = None


class RecordList(_Closed):
    total: int
    limit: int
    offset: int
    items: list[RecordSummary]


class RecordListParams(_Closed):
    """Query string of GET /api/v1/records."""

    q: str | None = Field(None, max_length=100, description="Name in any script or pinyin.")
    id_number: str | None = Field(None, max_length=32)
    certificate_no: str | None = Field(None, max_length=64)
    date_from: str | None = Field(None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    date_to: str | None = Field(None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    record_type: EventType | None = None
    status: Literal["verified", "auto_accepted", "needs_review"] | None = None
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


class ErrorBody(_Closed):
    code: str
    message: str
    request_id: str


class ErrorResponse(_Closed):
    error: ErrorBody
