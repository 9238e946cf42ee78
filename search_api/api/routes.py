"""The JSON API blueprint: records (clerk scope) and the marital-history lookup."""

from __future__ import annotations

import re
import time
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import BadRequest

from schemas.errors import NotFound, ValidationFailed
from schemas.idnumber import mask_id, parse_id
from schemas.model import Record
from search_api.api.access import (
    CLERK_ROLES,
    Access,
    api_route,
    api_state,
    call_audit,
    current_caller,
    service,
)
from search_api.api.audit import hmac_subject
from search_api.api.lookup import (
    Subject,
    build_answer,
    find_events,
    resolve_subject,
    summarize_coverage,
)
from search_api.api.models import (
    BatchLookupAnswer,
    BatchLookupRequest,
    Coverage,
    LookupAnswer,
    LookupQuery,
    PartySummary,
    RecordList,
    RecordListParams,
    RecordSummary,
)
from search_api.search.base import SearchQuery

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")

RECORD_ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}$")
COVERAGE_TTL_S = 60.0
RECORDS_ACCESS = ("records:read", "admin")
M = TypeVar("M", bound=BaseModel)


@bp.before_request
def _limit_body() -> None:
    # Flask >= 3.1: a per-request cap; reading a larger body raises 413 (JSON shape).
    request.max_content_length = api_state().settings.max_request_bytes


def parse_model(model: type[M], data: Any) -> M:
    """Validate ``data``; the 422 message names fields, never echoes values."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc) from exc


def parse_body(model: type[M]) -> M:
    """Parse and validate the JSON body in one step with pydantic-core.

    Its parser bounds nesting depth (a ``[[[[…`` bomb is a 400, not a
    RecursionError), and reading the body enforces ``max_request_bytes`` (413).
    """
    if not request.is_json:
        raise ValidationFailed("Send a JSON body with 'Content-Type: application/json'.")
    data = request.get_data(cache=True)
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        if any(err["type"] in ("json_invalid", "recursion_loop") for err in exc.errors()):
            raise BadRequest("The body is not valid JSON.") from exc
        raise _invalid(exc) from exc


def _invalid(exc: ValidationError) -> ValidationFailed:
    problems = [
        f"{'.'.join(str(p) for p in err['loc']) or 'body'}: {err['msg']}"
        for err in exc.errors(include_input=False, include_url=False)[:10]
    ]
    return ValidationFailed("Invalid request: " + "; ".join(problems))


def json_response(model: BaseModel) -> Response:
    """Serialize with pydantic-core (faster than dict -> json.dumps on the hot path)."""
    return Response(model.model_dump_json(), mimetype="application/json")


# ---- lookup ---------------------------------------------------------------------


def _coverage() -> Coverage:
    state = api_state()
    with state.lock:
        cached = state.coverage_cache.get("value")
        if cached and time.monotonic() - state.coverage_cache["at"] < COVERAGE_TTL_S:
            return cached
    value = summarize_coverage(service("archive").coverage())
    with state.lock:
        state.coverage_cache.update(value=value, at=time.monotonic())
    return value


def _answer(subject: Subject) -> LookupAnswer:
    found = find_events(subject, service("search"), service("archive"))
    coverage = _coverage() if not any(f.kind != "candidate" for f in found) else None
    return build_answer(found, coverage)


def _lookup_many(queries: list[LookupQuery]) -> list[LookupAnswer]:
    state = api_state()
    caller = current_caller()
    audit = call_audit()
    purposes = list(dict.fromkeys(q.purpose.strip() for q in queries))
    audit.purpose = " | ".join(purposes)[:1000]
    invalid: ValidationFailed | None = None
    try:
        subjects = [resolve_subject(q) for q in queries]
    except ValidationFailed as exc:
        subjects, invalid = [], exc  # an invalid question still uses up its units, then 422
    hmacs = [hmac_subject(state.hmac_key, s.audit_key) for s in subjects]
    # One limiter transaction: take the units, then watch the subjects for enumeration.
    if caller.client:
        state.limiter.admit(caller.client.key_id, caller.client.name, len(queries), hmacs)
    else:
        state.limiter.consume(caller.label, len(queries))
    if invalid is not None:
        raise invalid
    audit.subjects = hmacs
    answers = [_answer(s) for s in subjects]
    if state.metrics is not None:
        for answer in answers:
            state.metrics.verdicts.labels(answer.verdict).inc()
    audit.result_count = sum(len(a.events) for a in answers)
    audit.detail = {
        "queries": len(queries),
        "events": [len(a.events) for a in answers],
        "verdicts": [a.verdict for a in answers],
    }
    return answers


@bp.post("/lookup/marital-history")
@api_route(
    Access(
        scopes=("lookup",),
        summary="Marital history of one person (inter-province lookup)",
        request_model=LookupQuery,
        response_model=LookupAnswer,
    )
)
def lookup_marital_history() -> Any:
    query = parse_body(LookupQuery)
    return json_response(_lookup_many([query])[0])


@bp.post("/lookup/marital-history/batch")
@api_route(
    Access(
        scopes=("lookup",),
        summary="Up to 100 marital-history lookups in one call (one audit entry)",
        request_model=BatchLookupRequest,
        response_model=BatchLookupAnswer,
    )
)
def lookup_marital_history_batch() -> Any:
    batch = parse_body(BatchLookupRequest)
    answers = _lookup_many(batch.queries)
    return json_response(BatchLookupAnswer(results=answers))


# ---- records (clerks) --------------------------------------------------------------


def _summary(record: Record, tier: str | None) -> RecordSummary:
    return RecordSummary(
        record_id=record.record_id,
        record_type=record.record_type.value,
        registration_date=record.registration_date,
        certificate_no=record.certificate_no,
        office=record.office,
        status=record.status.value,
        parties=[
            PartySummary(
                role=p.role.value,
                name=p.name,
                sex=p.sex,
                id_number_masked=mask_id(p.id_number_18 or p.id_number),
            )
            for p in record.parties
        ],
        match_tier=tier,
    )


@bp.get("/records")
@api_route(
    Access(
        scopes=RECORDS_ACCESS,
        roles=CLERK_ROLES,
        summary="Search records (masked ID numbers)",
        query_model=RecordListParams,
        response_model=RecordList,
    )
)
def list_records() -> Any:
    params = parse_model(RecordListParams, request.args.to_dict(flat=True))
    id_number = None
    if params.id_number:
        check = parse_id(params.id_number)
        if check.kind is None or "bad_chars" in check.errors:
            raise ValidationFailed("id_number must have 15 or 18 characters (digits, final X).")
        id_number = check.id_18 or check.raw
    results = service("search").search(
        SearchQuery(
            name=params.q,
            id_number=id_number,
            certificate_no=params.certificate_no,
            date_from=params.date_from,
            date_to=params.date_to,
            record_type=params.record_type,
            status=params.status,
            limit=params.limit,
            offset=params.offset,
        )
    )
    archive = service("archive")
    items = []
    for hit in results.hits:
        record = archive.get_record(hit.record_id)
        if record is not None:
            items.append(_summary(record, hit.tier))
    audit = call_audit()
    audit.purpose = "clerk search"
    audit.result_count = len(items)
    if id_number:
        audit.subjects = [hmac_subject(api_state().hmac_key, id_number)]
    return RecordList(
        total=results.total, limit=params.limit, offset=params.offset, items=items
    ).model_dump(mode="json")


def _record_or_404(record_id: str) -> Record:
    if not RECORD_ID_PATTERN.match(record_id):
        raise ValidationFailed("record_id is malformed.")
    call_audit().detail = {"record_id": record_id}
    record = service("archive").get_record(record_id)
    if record is None:
        raise NotFound("No record with this id.")
    return record


@bp.get("/records/<record_id>")
@api_route(
    Access(
        scopes=RECORDS_ACCESS,
        roles=CLERK_ROLES,
        summary="One record in the export format (audited; full IDs for reviewer/admin "
        "and admin keys only, masked otherwise)",
        response_model=Record,
    )
)
def get_record(record_id: str) -> Any:
    record = _record_or_404(record_id)
    audit = call_audit()
    audit.purpose, audit.result_count = "clerk record view", 1
    body = record.model_dump(mode="json")
    if not current_caller().sees_full_ids:
        for party in body["parties"]:
            party["id_number"] = mask_id(party["id_number"])
            party["id_number_18"] = mask_id(party["id_number_18"])
    return body


@bp.get("/records/<record_id>/pages/<int:n>")
@api_route(
    Access(
        scopes=RECORDS_ACCESS,
        roles=CLERK_ROLES,
        summary="JPEG of one page (prepared, or original with ?kind=original)",
        response_kind="jpeg",
    )
)
def get_record_page(record_id: str, n: int) -> Any:
    record = _record_or_404(record_id)
    kind = request.args.get("kind", "prepared")
    if kind not in ("prepared", "original"):
        raise ValidationFailed("kind must be 'prepared' or 'original'.")
    if not 0 <= n < len(record.pages):
        raise NotFound("This record has no such page.")
    image = service("archive").page_image(record_id, n, kind)
    audit = call_audit()
    audit.purpose, audit.result_count = "clerk page view", 1
    audit.detail = {"record_id": record_id, "page": n, "kind": kind}
    return Response(image, mimetype="image/jpeg", headers={"Cache-Control": "private, no-store"})


@bp.get("/openapi.json")
@api_route(Access(scopes=("*",), summary="This OpenAPI 3.1 document (authenticated)"))
def openapi_document() -> Any:
    from search_api.api.openapi import build_openapi

    return build_openapi(current_app)
