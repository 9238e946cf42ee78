"""The search-backend interface: one query model, every backend.

The index is derived data. It is fed from the catalog's change sequence
(:func:`search_api.search.feed.sync_index`) and can be dropped and rebuilt.

Division of labour (so that every backend gives the same answers):

* :mod:`search_api.search.documents` turns a catalog ``Record`` into an
  :class:`IndexDoc` whose name *keys* (printed, simplified, pinyin, initials,
  look-alike canonical form, surname, given name) are computed by our own
  ``schemas.names`` code at index time: no server plugin, no tokenizer magic.
* :mod:`search_api.search.matching` turns a :class:`SearchQuery` into the keys
  to look for, each with its tier, and explains a hit. It is pure Python and
  shared by every backend.
* A backend only stores documents, retrieves candidates whose keys equal the
  query keys (plus filters), and orders them by (tier desc, date desc, id).

Tiers, best first: ``id_exact`` > ``id_15_18`` > ``certificate`` > ``exact`` >
``script_folded`` > ``pinyin`` > ``lookalike`` > ``partial``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

TIERS: dict[str, int] = {
    "id_exact": 100,
    "id_15_18": 95,
    "certificate": 90,
    "exact": 80,
    "script_folded": 70,
    "pinyin": 60,
    "lookalike": 50,
    "partial": 40,
    "filter": 10,  # matched only by filters (date range, type, status)
}

MAX_LIMIT = 100


@dataclass(frozen=True)
class SearchQuery:
    """What a clerk (or the lookup API) asks. All parts are ANDed.

    ``name`` may be in either script, pinyin (full or initials), a surname or a
    given name alone. ``id_number`` is 15 or 18 characters (equal forms);
    ``id_last4`` narrows a name search by the ID's last four characters.
    ``explain=False`` says the caller uses only each hit's record id and tier
    (the lookup API reads the records themselves): a backend may then skip
    loading documents and writing reasons where the query alone decides the
    tier (no name in it). Results and their order are the same either way.
    """

    name: str | None = None
    id_number: str | None = None
    id_last4: str | None = None
    certificate_no: str | None = None
    date_from: str | None = None  # YYYY[-MM[-DD]], inclusive
    date_to: str | None = None
    record_type: str | None = None
    status: str | None = None
    sex: str | None = None
    birth_year: int | None = None
    birth_year_tolerance: int = 0
    limit: int = 20
    offset: int = 0
    explain: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "limit", max(1, min(int(self.limit), MAX_LIMIT)))
        object.__setattr__(self, "offset", max(0, int(self.offset)))


@dataclass(frozen=True)
class PartyDoc:
    role: str
    name: str | None
    name_simplified: str | None
    sex: str | None
    birth_year: int | None
    id_18: str | None  # normalized 18-digit ID (derived from 15 when needed)
    id_printed: str | None
    keys: dict[str, list[str]]  # kind -> keys, see schemas.names.name_keys


@dataclass(frozen=True)
class IndexDoc:
    """What a backend stores for one record (no images, no free OCR text)."""

    record_id: str
    record_type: str
    status: str
    registration_date: str | None
    date_sort: str  # "YYYY-MM-DD" padded for sorting ("0000-00-00" when unknown)
    certificate_no: str | None
    certificate_key: str | None  # normalized for equality (upper case, no spaces)
    office: str | None
    parties: tuple[PartyDoc, ...]
    version: int = 1


@dataclass(frozen=True)
class SearchHit:
    record_id: str
    tier: str  # one of TIERS
    score: float
    reasons: list[str] = field(default_factory=list)  # in Chinese, for the clerk
    party_index: int | None = None
    # The stored document, when the backend has it at hand (lets a result list be
    # shown without a catalog round trip per hit). Optional for backends.
    doc: IndexDoc | None = None


@dataclass(frozen=True)
class SearchResults:
    total: int
    hits: list[SearchHit]
    # True when a backend bounded its work (very common names on a large archive):
    # ``total`` is then "at least"; the clerk is asked to narrow the query.
    total_is_lower_bound: bool = False


@runtime_checkable
class SearchBackend(Protocol):
    """What every search backend implements (sqlite, elasticsearch, opensearch)."""

    name: str

    def ensure_ready(self) -> None:
        """Create the index if missing; check server product/version. Raises ToolUnavailable."""

    def upsert(self, docs: Sequence[IndexDoc]) -> None:
        """Insert or replace documents (by record_id)."""

    def delete(self, record_ids: Sequence[str]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResults:
        """Candidates by key equality + filters, ordered by tier, date desc, id."""

    def get_cursor(self) -> int:
        """The last catalog change sequence number applied (0 for a new index)."""

    def set_cursor(self, seq: int) -> None: ...

    def rebuild(self, docs: Iterable[IndexDoc], cursor: int) -> int:
        """Build a fresh index from ``docs`` and swap it in atomically; returns the count."""

    def health(self) -> str | None:
        """``None`` when healthy, else a short description of the problem."""

    def close(self) -> None: ...
