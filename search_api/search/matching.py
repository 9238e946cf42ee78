"""The one query model, shared by every backend: parse, expand to keys, explain.

* :func:`parse_user_query` classifies what a clerk typed into one box.
* :func:`query_parts` expands a :class:`SearchQuery` into key specs
  ``(tier, kind, key)`` grouped by *part* (name, id, certificate); a record
  matches when it has a key of every part. Keys are computed with the same
  ``schemas.names`` functions as :mod:`search_api.search.documents`.
* :func:`best_match` / :func:`explain` say, in Chinese, why a document matched.

User text only ever becomes key *values* (bound parameters, or FTS5 strings
quoted by :func:`fts5_quote`), never query syntax.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from schemas import names
from schemas.idnumber import mask_id, normalize_id, upgrade_15_to_18
from search_api.search.base import TIERS, IndexDoc, PartyDoc, SearchQuery
from search_api.search.documents import as_key_list, certificate_key

MAX_QUERY_CHARS = 200
MIN_PREFIX_CHARS = 3

KeySpec = tuple[str, str, str]  # (tier, kind, key)

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
_CJK_NAME = re.compile(rf"^[{_CJK}·]{{1,8}}$")
_ID_RE = re.compile(r"^(\d{17}[\dX]|\d{15})$")
_CERT_RE = re.compile(r"^(B?[JL]|[JL])\d{6}-?\d{4}-?\d{6}$")
_LOCAL_CERT_RE = re.compile(rf"^[{_CJK}]{{1,6}}字第?\d+号?$")
_NAME_LAST4_RE = re.compile(
    rf"^(?P<name>[{_CJK}·]{{1,8}}|[a-z' ]{{2,40}})\s*(?P<last4>\d{{3}}[\dX])$"
)
_DATE_RE = re.compile(r"^(\d{4})(?:[-./年](\d{1,2}))?(?:[-./月](\d{1,2}))?日?$")
_LATIN_RE = re.compile(r"^[a-z' \-]{1,60}$")

ROLE_LABEL = {"husband": "男方", "wife": "女方"}


def clean_text(text: str | None) -> str:
    """NFKC, trimmed, length-capped user text (full-width digits become ASCII)."""
    if not text:
        return ""
    value = unicodedata.normalize("NFKC", text)[:MAX_QUERY_CHARS]
    return " ".join(value.split())


def pinyin_key(text: str) -> str:
    """Latin input as a pinyin key: tone marks dropped, ü -> v, letters only, lower case."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("ü", "v"))
    return "".join(ch for ch in decomposed if "a" <= ch <= "z")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("ü", "v"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def is_cjk_name(text: str) -> bool:
    """True when the text is 1-8 CJK characters (a name or part of one)."""
    return bool(_CJK_NAME.match(text))


def parse_user_query(text: str | None, **filters: object) -> SearchQuery:
    """Classify free input: ID (15/18) -> id, certificate pattern -> certificate,
    latin -> pinyin name, CJK -> name, "name + 4 digits" -> name + id_last4,
    a date (1962, 1962-03) -> registration date range. ``filters`` are passed to
    :class:`SearchQuery` unchanged (date_from, record_type, status, limit, ...).
    """
    value = clean_text(text)
    compact = value.replace(" ", "").upper()
    fields: dict[str, object] = {}
    if _ID_RE.match(compact):
        fields["id_number"] = compact
    elif _CERT_RE.match(compact) or _LOCAL_CERT_RE.match(compact):
        fields["certificate_no"] = compact
    elif match := _NAME_LAST4_RE.match(value.lower() if value.isascii() else value):
        fields["name"] = match.group("name").strip()
        fields["id_last4"] = match.group("last4").upper()
    elif match := _DATE_RE.match(compact):
        year, month, day = match.groups()
        stamp = year + (f"-{int(month):02d}" if month else "") + (f"-{int(day):02d}" if day else "")
        fields["date_from"] = fields["date_to"] = stamp
    elif value:
        fields["name"] = value
    merged = {k: v for k, v in filters.items() if v not in (None, "")}
    merged.update(fields)
    return SearchQuery(**merged)  # type: ignore[arg-type]


def _name_specs(name: str) -> list[KeySpec]:
    text = clean_text(name).replace(" ", "") if not name.isascii() else clean_text(name)
    if is_cjk_name(text):
        keys = names.name_keys(text)
        simplified = as_key_list(keys.get("simplified")) or [text]
        specs: list[KeySpec] = [("exact", "printed", text)]
        specs += [("script_folded", "simplified", s) for s in simplified]
        specs += [("pinyin", "pinyin", p) for p in as_key_list(keys.get("pinyin"))]
        specs += [("lookalike", "lookalike", k) for k in as_key_list(keys.get("lookalike"))]
        for part in {text, *simplified}:
            specs += [("partial", "surname", part), ("partial", "given", part)]
        return _unique(specs)
    key = pinyin_key(text)
    if not key or not _LATIN_RE.match(_strip_marks(text.lower())):
        return []
    parsed = names.normalize_query_name(text)
    forms = as_key_list(parsed.lookups.get("pinyin")) or [key]
    specs = [("pinyin", "pinyin", form) for form in forms]
    if len(key) <= 4:
        specs.append(("pinyin", "initials", key))
    specs += [("partial", "surname_pinyin", key), ("partial", "given_pinyin", key)]
    if len(key) >= MIN_PREFIX_CHARS:
        specs.append(("partial", "pinyin_prefix", key))
    return _unique(specs)


def _id_specs(id_number: str) -> list[KeySpec]:
    value = normalize_id(clean_text(id_number))
    if not _ID_RE.match(value):
        return [("id_exact", "id_printed", value)] if value else []
    specs: list[KeySpec] = [("id_exact", "id_printed", value)]
    if len(value) == 15:
        specs.append(("id_15_18", "id_18", upgrade_15_to_18(value)))
    else:
        specs.append(("id_15_18", "id_18", value))
    return specs


def _unique(specs: list[KeySpec]) -> list[KeySpec]:
    best: dict[tuple[str, str], str] = {}
    for tier, kind, key in specs:
        if (kind, key) not in best or TIERS[tier] > TIERS[best[(kind, key)]]:
            best[(kind, key)] = tier
    return [(tier, kind, key) for (kind, key), tier in best.items()]


def query_parts(query: SearchQuery) -> dict[str, list[KeySpec]]:
    """Key specs per part ("name", "id", "certificate"); a hit needs every part.

    A part whose input yields no key (e.g. ``*`` as a name) gives an empty list,
    which means: nothing can match.
    """
    parts: dict[str, list[KeySpec]] = {}
    if query.name and query.name.strip():
        parts["name"] = _name_specs(query.name)
    if query.id_number and query.id_number.strip():
        parts["id"] = _id_specs(query.id_number)
    if query.certificate_no and query.certificate_no.strip():
        key = certificate_key(clean_text(query.certificate_no))
        parts["certificate"] = [("certificate", "certificate", key)] if key else []
    return parts


def query_keys(query: SearchQuery) -> list[KeySpec]:
    """All key specs of a query, flattened: ``[(tier, kind, key)]``."""
    return [spec for specs in query_parts(query).values() for spec in specs]


def last4_of(query: SearchQuery) -> str | None:
    """The ID last-4 filter, normalized (upper-case X), or None."""
    if not query.id_last4:
        return None
    value = normalize_id(clean_text(query.id_last4))
    return value[-4:] if len(value) >= 4 else value or None


def warm_up() -> None:
    """Build the lazy tables (pinyin syllables, OpenCC) before the first clerk waits."""
    for text in ("張偉", "zhangwei"):
        query_parts(parse_user_query(text))


def fts5_quote(text: str) -> str:
    """One FTS5 string literal: the text in double quotes, inner quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


# ---------------------------------------------------------------------------- explain
@dataclass(frozen=True)
class Match:
    tier: str
    reasons: list[str]
    party_index: int | None


def _party_key_hits(party: PartyDoc, spec: KeySpec) -> bool:
    _tier, kind, key = spec
    if kind == "pinyin_prefix":
        return any(p.startswith(key) for p in party.keys.get("pinyin", []))
    if kind == "id_printed":
        return party.id_printed == key
    if kind == "id_18":
        return party.id_18 == key
    return key in party.keys.get(kind, [])


def _reason(spec: KeySpec, party: PartyDoc | None) -> str:
    _tier, kind, key = spec
    who = ROLE_LABEL.get(party.role, "当事人") if party else ""
    name = party.name if party else ""
    texts = {
        "printed": f"{who}姓名与查询完全一致（{name}）",
        "simplified": f"{who}姓名繁简转换后一致（{name}，简体：{key}）",
        "pinyin": f"{who}姓名拼音一致（{key}）",
        "initials": f"{who}姓名拼音首字母一致（{key}）",
        "lookalike": f"{who}姓名形近字匹配（{name}，可能为识别错误）",
        "surname": f"{who}姓氏一致（{key}）",
        "given": f"{who}名字一致（{key}）",
        "surname_pinyin": f"{who}姓氏拼音一致（{key}）",
        "given_pinyin": f"{who}名字拼音一致（{key}）",
        "pinyin_prefix": f"{who}姓名拼音以“{key}”开头",
        "id_printed": f"{who}身份证号一致（{mask_id(key)}）",
        "id_18": f"{who}身份证号15位与18位换算后一致（{mask_id(key)}）",
        "certificate": "结婚/离婚证字号一致",
    }
    return texts.get(kind, f"{who}{kind}")


def best_match(
    doc: IndexDoc, query: SearchQuery, parts: dict[str, list[KeySpec]] | None = None
) -> Match | None:
    """The best tier a document reaches for a query, with reasons; None if no match.

    Filters (dates, type, status, last 4, sex, birth year) are the backend's job;
    this only explains key matches. Filter-only queries give tier ``filter``.
    ``parts`` (from :func:`query_parts`) saves recomputing them for every hit.
    """
    parts = query_parts(query) if parts is None else parts
    if not parts:
        return Match("filter", _filter_reasons(query), None)
    best_tier, best_party, reasons = "", None, []
    for specs in parts.values():
        part_best: tuple[int, KeySpec, int | None] | None = None
        for spec in specs:
            if spec[1] == "certificate":
                if doc.certificate_key == spec[2] and part_best is None:
                    part_best = (TIERS[spec[0]], spec, None)
                continue
            for index, party in enumerate(doc.parties):
                if _party_key_hits(party, spec) and (
                    part_best is None or TIERS[spec[0]] > part_best[0]
                ):
                    part_best = (TIERS[spec[0]], spec, index)
        if part_best is None:
            return None
        _, spec, party_index = part_best
        matched = doc.parties[party_index] if party_index is not None else None
        reasons.append(_reason(spec, matched))
        if not best_tier or TIERS[spec[0]] > TIERS[best_tier]:
            best_tier, best_party = spec[0], party_index
    if last4_of(query):
        reasons.append("身份证号后四位一致")
    return Match(best_tier, reasons + _filter_reasons(query), best_party)


def _filter_reasons(query: SearchQuery) -> list[str]:
    reasons = []
    if query.date_from or query.date_to:
        reasons.append(f"登记日期在 {query.date_from or '…'} 至 {query.date_to or '…'} 之间")
    if query.record_type:
        reasons.append("登记类型符合")
    if query.status:
        reasons.append("状态符合")
    return reasons


def explain(doc: IndexDoc, query: SearchQuery) -> list[str]:
    """Why a document matched a query, in Chinese, for the clerk (empty if it did not)."""
    match = best_match(doc, query)
    return match.reasons if match else []


def date_bounds(query: SearchQuery) -> tuple[str | None, str | None]:
    """Inclusive bounds on ``IndexDoc.date_sort`` for the query's date range."""
    low = _pad(query.date_from, "00") if query.date_from else None
    high = _pad(query.date_to, "99") if query.date_to else None
    return low, high


def _pad(value: str, fill: str) -> str:
    parts = clean_text(value).replace("/", "-").replace(".", "-").split("-")
    parts = [p for p in parts if p][:3]
    year = parts[0][:4].zfill(4) if parts else "0000"
    rest = [p.zfill(2)[:2] for p in parts[1:]]
    while len(rest) < 2:
        rest.append(fill)
    return "-".join([year, *rest])
