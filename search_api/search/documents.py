"""Catalog ``Record`` -> :class:`IndexDoc`: every name key computed here, once.

The keys come from ``schemas.names.name_keys`` (the same function the query side
uses in :mod:`search_api.search.matching`), so index and query always agree.
Backends store the keys verbatim and match by equality; none of them needs a
tokenizer that understands Chinese.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from schemas import names
from schemas.idnumber import normalize_id, parse_id
from schemas.model import Party, Record
from search_api.search.base import IndexDoc, PartyDoc

_DOC_FIELDS = tuple(f.name for f in fields(IndexDoc) if f.name != "parties")
_PARTY_FIELDS = tuple(f.name for f in fields(PartyDoc))

# Key kinds a PartyDoc carries (see schemas.names.name_keys), plus the pinyin of the
# surname and of the given name alone, so "zhang" finds every 张 (partial tier).
NAME_KINDS = ("printed", "simplified", "pinyin", "initials", "lookalike", "surname", "given")
PINYIN_PART_KINDS = ("surname_pinyin", "given_pinyin")


def as_key_list(value: Any) -> list[str]:
    """Coerce one name_keys value (str, list, set, None) to a sorted unique key list."""
    if value is None:
        return []
    items = [value] if isinstance(value, str) else list(value)
    return sorted({str(v) for v in items if v})


def party_name_keys(name: str | None) -> dict[str, list[str]]:
    """Every key kind -> keys of one printed name (empty dict for no name)."""
    if not name or not name.strip():
        return {}
    raw = names.name_keys(name)
    keys = {kind: as_key_list(raw.get(kind)) for kind in NAME_KINDS}
    keys["surname_pinyin"] = _pinyin_keys(keys["surname"])
    keys["given_pinyin"] = _pinyin_keys(keys["given"])
    return {kind: values for kind, values in keys.items() if values}


def _pinyin_keys(parts: list[str]) -> list[str]:
    found: set[str] = set()
    for part in parts:
        found.update(as_key_list(names.pinyin_variants(part)))
    return sorted(found)


def date_sort_key(value: str | None) -> str:
    """A partial date padded for sorting: '1962' -> '1962-00-00', None -> '0000-00-00'."""
    if not value:
        return "0000-00-00"
    parts = [*value.split("-"), "00", "00"]
    return "-".join((parts[0].zfill(4), parts[1].zfill(2), parts[2].zfill(2)))


def certificate_key(value: str | None) -> str | None:
    """Certificate number normalized for equality: NFKC upper case, no spaces or dashes."""
    if not value:
        return None
    import unicodedata

    text = unicodedata.normalize("NFKC", value).upper()
    key = "".join(ch for ch in text if not ch.isspace() and ch not in "-_—－/")
    return key or None


def normalized_id_18(party: Party) -> str | None:
    """The 18-digit form of a party's ID (derived from 15 digits when needed)."""
    if party.id_number_18:
        return normalize_id(party.id_number_18)
    if party.id_number:
        check = parse_id(party.id_number)
        if check.id_18:
            return check.id_18
    return None


def _birth_year(party: Party) -> int | None:
    if party.birth_date:
        return int(party.birth_date[:4])
    return None


def party_doc(party: Party) -> PartyDoc:
    """One party's stored form: display values plus name keys."""
    return PartyDoc(
        role=party.role.value,
        name=party.name,
        name_simplified=party.name_simplified,
        sex=party.sex,
        birth_year=_birth_year(party),
        id_18=normalized_id_18(party),
        id_printed=normalize_id(party.id_number) if party.id_number else None,
        keys=party_name_keys(party.name or party.name_simplified),
    )


def record_to_doc(record: Record) -> IndexDoc:
    """The index document of one catalog record."""
    return IndexDoc(
        record_id=record.record_id,
        record_type=record.record_type.value,
        status=record.status.value,
        registration_date=record.registration_date,
        date_sort=date_sort_key(record.registration_date),
        certificate_no=record.certificate_no,
        certificate_key=certificate_key(record.certificate_no),
        office=record.office,
        parties=tuple(party_doc(p) for p in record.parties),
        version=record.version,
    )


def doc_to_dict(doc: IndexDoc) -> dict[str, Any]:
    """An IndexDoc as plain JSON-able data (what ``dataclasses.asdict`` gives, 20x faster)."""
    data = {name: getattr(doc, name) for name in _DOC_FIELDS}
    data["parties"] = [{name: getattr(p, name) for name in _PARTY_FIELDS} for p in doc.parties]
    return data


def doc_to_json(doc: IndexDoc) -> str:
    """Serialize an IndexDoc (backends store it to explain hits later)."""
    return json.dumps(doc_to_dict(doc), ensure_ascii=False, separators=(",", ":"))


def doc_from_json(text: str) -> IndexDoc:
    """Inverse of :func:`doc_to_json`."""
    data = json.loads(text)
    parties = tuple(PartyDoc(**p) for p in data.pop("parties"))
    return IndexDoc(parties=parties, **data)
