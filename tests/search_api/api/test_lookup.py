"""The marital-history lookup against a real archive + sqlite index."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from schemas.idnumber import check_char
from tests.search_api.api.conftest import bearer
from tests.search_api.api.sample_people import (
    IDS,
    NAMES,
    P1_ID,
    P2_ID15,
    P2_ID18,
    P4_ID,
    UNKNOWN_ID,
)

URL = "/api/v1/lookup/marital-history"
ID_RUN = re.compile(r"(?<!\d)(\d{17}[\dXx]|\d{15})(?!\d)")


def ask(client, key, **body):
    body.setdefault("purpose", "婚姻登记 case 2026-0001")
    return client.post(URL, json=body, headers=bearer(key))


BIRTH_DATES = {"1985-03-12", "1987-01-01", "1960-01-01", "1990-07-07", "1990-02-02", "1928"}
FORBIDDEN_KEYS = {"birth_date", "birth_year", "age", "address", "image", "pages", "record_id"}


def _walk(value, keys: set, strings: list) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            keys.add(key)
            _walk(inner, keys, strings)
    elif isinstance(value, list):
        for inner in value:
            _walk(inner, keys, strings)
    elif isinstance(value, str):
        strings.append(value)


def assert_minimum_disclosure(text: str) -> None:
    """No full ID, no birth date, no forbidden field anywhere in an answer."""
    import json

    assert not ID_RUN.search(text), "a full ID number left the API"
    keys: set = set()
    strings: list = []
    _walk(json.loads(text), keys, strings)
    assert not keys & FORBIDDEN_KEYS
    for value in strings:
        assert not any(b in value for b in BIRTH_DATES), value
        assert not any(n in value for n in NAMES), value


def test_id_history_in_date_order_with_links(client, keys):
    r = ask(client, keys["lookup"], id_number=P1_ID)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["verdict"] == "married"
    events = body["events"]
    assert [e["certificate_no"] for e in events] == [
        "J620722-2008-000101",
        "L620722-2012-000031",
        "BL620722-2013-000002",
        "J620722-2015-000200",
    ]
    assert [e["event_type"] for e in events] == ["marriage", "divorce", "reissue", "marriage"]
    assert all(e["match"]["kind"] == "id_exact" and e["match"]["certain"] for e in events)
    assert events[1]["linked_certificate_no"] == "J620722-2008-000101"
    assert events[2]["linked_certificate_no"] == "L620722-2012-000031"
    assert (
        events[0]["record_status"] == "verified" and events[3]["record_status"] == "auto_accepted"
    )
    assert events[0]["id_number_masked"] == P1_ID[:6] + "********" + P1_ID[-4:]
    assert events[0]["spouse_name_masked"] and "王丽" not in r.get_data(as_text=True)
    assert body["conflicts"] == 0 and body["coverage"] is None
    assert_minimum_disclosure(r.get_data(as_text=True))


def test_15_and_18_digit_forms_are_the_same_person_and_conflict_flagged(client, keys):
    for sent in (P2_ID18, P2_ID15):
        body = ask(client, keys["lookup"], id_number=sent).get_json()
        kinds = {e["certificate_no"]: e["match"]["kind"] for e in body["events"]}
        if sent == P2_ID18:
            assert kinds == {"高民婚字第088号": "id_15_18", "J620722-1996-000050": "id_exact"}
        else:
            assert kinds == {"高民婚字第088号": "id_exact", "J620722-1996-000050": "id_15_18"}
        assert all(e["conflict"] for e in body["events"])
        assert body["conflicts"] == 2 and body["verdict"] == "married"


def test_pre_1985_candidate_by_name_age_and_sex_is_never_certain(client, keys):
    body = ask(client, keys["lookup"], name="张国华", birth_date="1928-05-01", sex="M").get_json()
    assert body["verdict"] == "uncertain"
    (event,) = body["events"]
    assert event["certificate_no"] == "高民婚字第032号"
    assert event["match"]["kind"] == "candidate" and event["match"]["certain"] is False
    assert 0 < event["match"]["score"] < 1 and event["match"]["reasons"]
    assert event["id_number_masked"] is None
    assert body["coverage"]["records"] == 8
    # Birth year 2 years off, or the other sex: not a candidate.
    assert (
        ask(client, keys["lookup"], name="张国华", birth_date="1926-01-01", sex="M").get_json()[
            "events"
        ]
        == []
    )
    assert (
        ask(client, keys["lookup"], name="张国华", birth_date="1928-05-01", sex="F").get_json()[
            "events"
        ]
        == []
    )


def test_no_record_states_coverage(client, keys):
    body = ask(client, keys["lookup"], id_number=UNKNOWN_ID).get_json()
    assert body["verdict"] == "no_record" and body["events"] == []
    coverage = body["coverage"]
    assert coverage["first_year"] == 1953 and coverage["last_year"] == 2016
    assert coverage["records"] == 8 and coverage["share_verified"] == pytest.approx(5 / 8)
    assert "no_record does not mean" in coverage["note"]


def test_deciding_record_under_review_is_uncertain(client, keys):
    body = ask(client, keys["lookup"], id_number=P4_ID).get_json()
    assert body["verdict"] == "uncertain"
    assert body["events"][0]["record_status"] == "needs_review"


@pytest.mark.parametrize(
    "body",
    [
        {"id_number": P1_ID},  # no purpose
        {"id_number": P1_ID, "purpose": "abc"},  # purpose too short
        {"id_number": P1_ID, "purpose": "x" * 201},
        {"id_number": P1_ID, "purpose": "case 1", "role": "admin"},  # mass assignment
        {"id_number": P1_ID, "purpose": "case 1", "status": "verified"},
        {"purpose": "case 1"},  # nobody
        {"name": "李明", "purpose": "case 1"},  # name without birth date
        {"id_number": P1_ID[:-1] + ("0" if P1_ID[-1] != "0" else "1"), "purpose": "case 1"},
        {"id_number": "62072219850231123X", "purpose": "case 1"},  # 31 February
        {"name": "李明", "birth_date": "1985-02-30", "purpose": "case 1"},
        {"id_number": ["x"], "purpose": "case 1"},
    ],
)
def test_invalid_questions_are_422_with_the_error_shape(client, keys, body):
    r = client.post(URL, json=body, headers=bearer(keys["lookup"]))
    assert r.status_code == 422, r.get_json()
    error = r.get_json()["error"]
    assert set(error) == {"code", "message", "request_id"}
    assert P1_ID not in r.get_data(as_text=True)


INJECTIONS = [
    "*",
    "id_number:*",
    "/regex/",
    "NEAR(李 明)",
    "name:李明",
    '"李明',
    "李明'",
    "a OR 1=1",
    "%_%",
    "x" * 10_000,
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_never_5xx(client, keys, text):
    for body in (
        {"name": text, "birth_date": "1985-03-12", "purpose": "case 1"},
        {"id_number": text, "purpose": "case 1"},
        {"name": "李明", "birth_date": "1985-03-12", "purpose": text[:200] + "    "},
    ):
        r = client.post(URL, json=body, headers=bearer(keys["lookup"]))
        assert r.status_code < 500
        if r.status_code == 200:
            assert all(e["match"]["kind"] == "candidate" for e in r.get_json()["events"])


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 100_000 + "]" * 100_000,  # nesting bomb
        '{"queries":' + "[" * 5000,
        '{"purpose": "abcd", "id_number": "\\ud800"}',  # lone surrogate
        "1e999999",
        "",
    ],
)
def test_hostile_json_bodies_are_4xx(client, keys, raw):
    for url in (URL, URL + "/batch"):
        r = client.post(
            url, data=raw, headers={**bearer(keys["lookup"]), "Content-Type": "application/json"}
        )
        assert 400 <= r.status_code < 500
        assert set(r.get_json()["error"]) == {"code", "message", "request_id"}


def test_control_characters_in_names_never_5xx(client, keys):
    r = ask(client, keys["lookup"], name="\u0000李\u202e明", birth_date="1985-03-12")
    assert r.status_code == 200
    assert r.get_json()["verdict"] in ("no_record", "uncertain")


def test_batch_answers_each_query_and_audits_once(client, keys, app):
    audit = app.extensions["marriage_archive_api"].audit
    before = audit.count()
    queries = [
        {"id_number": P1_ID, "purpose": "case A"},
        {"id_number": UNKNOWN_ID, "purpose": "case B"},
        {"name": "张国华", "birth_date": "1928-05-01", "sex": "M", "purpose": "case C"},
    ]
    r = client.post(URL + "/batch", json={"queries": queries}, headers=bearer(keys["lookup"]))
    assert r.status_code == 200
    verdicts = [a["verdict"] for a in r.get_json()["results"]]
    assert verdicts == ["married", "no_record", "uncertain"]
    assert audit.count() == before + 1
    (entry,) = audit.tail(1)
    assert entry["result_count"] == 5 and len(entry["id_hmac"].split(",")) == 3
    assert "case A" in entry["purpose"] and P1_ID not in str(entry)
    too_many = {"queries": [{"id_number": P1_ID, "purpose": "case A"}] * 101}
    r = client.post(URL + "/batch", json=too_many, headers=bearer(keys["lookup"]))
    assert r.status_code == 422
    assert audit.count() == before + 2


def test_every_response_field_matches_the_lookup_schema(client, keys):
    from search_api.api.models import BatchLookupAnswer, LookupAnswer

    for body in (
        {"id_number": P1_ID},
        {"id_number": P2_ID15},
        {"id_number": UNKNOWN_ID},
        {"name": "张国华", "birth_date": "1928-05-01"},
        {"name": "李明", "birth_date": "1985-03-12", "sex": "M"},
    ):
        r = ask(client, keys["lookup"], **body)
        LookupAnswer.model_validate(r.get_json())  # closed models: an extra field fails
        text = r.get_data(as_text=True)
        assert_minimum_disclosure(text)
        for secret in [*IDS]:
            assert secret not in text
    r = client.post(
        URL + "/batch",
        json={"queries": [{"id_number": P1_ID, "purpose": "case 1"}]},
        headers=bearer(keys["lookup"]),
    )
    BatchLookupAnswer.model_validate(r.get_json())


def test_name_query_reveals_only_a_masked_id_that_cannot_be_rebuilt(client, keys):
    body = ask(client, keys["lookup"], name="李明", birth_date="1985-03-12", sex="M").get_json()
    returned = [e for e in body["events"] if e["id_number_masked"]]
    assert returned == [], "a name query must not turn candidates with IDs into ID disclosures"
    event = ask(client, keys["lookup"], id_number=P1_ID).get_json()["events"][0]
    masked = event["id_number_masked"]
    region, last4 = masked[:6], masked[-4:]
    # Every birth date 1900-01-01 .. registration date is hidden; count the full IDs
    # consistent with everything returned (region, sequence, check char, sex).
    day, end = date(1900, 1, 1), date.fromisoformat(event["registration_date"])
    consistent = 0
    while day <= end:
        first17 = region + day.strftime("%Y%m%d") + last4[:3]
        consistent += check_char(first17) == last4[3]
        day += timedelta(days=1)
    assert consistent > 1000
    for name in NAMES:
        assert name not in str(event)


def test_example_client_against_a_real_waitress_server(app, keys):
    """docs/examples/lookup_client.py, as an integrator runs it, over loopback HTTP."""
    import subprocess
    import sys
    import threading
    from pathlib import Path

    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}"
    script = Path(__file__).resolve().parents[3] / "docs" / "examples" / "lookup_client.py"
    try:
        done = subprocess.run(
            [sys.executable, str(script), "--url", url, "--key", keys["lookup"],
             "--id", P2_ID15, "--purpose", "example client test", "--json"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        import json

        answer = json.loads(done.stdout)
        assert answer["verdict"] == "married" and answer["conflicts"] == 2
        denied = subprocess.run(
            [sys.executable, str(script), "--url", url, "--key", "mak_000000000000_" + "x" * 43,
             "--id", P2_ID15, "--purpose", "example client test"],
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert denied.returncode == 1 and '"unauthorized"' in denied.stderr
    finally:
        server.close()
        thread.join(timeout=10)


def test_old_candidate_found_behind_many_newer_namesakes(populated, tmp_path):
    """A common name: 150 newer ID-bearing namesakes must not hide the 1953 record."""
    from schemas.model import Party, Record, Role
    from search_api.api.lookup import Subject, find_events
    from search_api.search.documents import record_to_doc
    from search_api.search.sqlite_backend import SqliteBackend
    from tests.search_api.api.sample_people import id18, lookup_records

    _, archive, _ = populated
    newer = [
        Record(
            record_id=f"namesake-{i}",
            record_type="marriage",
            registration_date=f"{1960 + i % 50}-01-01",
            parties=[
                Party(
                    role=Role.HUSBAND,
                    name="张国华",
                    sex="M",
                    id_number_18=id18(f"6207221928{i:07d}"),
                ),
                Party(role=Role.WIFE, name="某某", sex="F"),
            ],
        )
        for i in range(150)
    ]
    backend = SqliteBackend(tmp_path / "index.sqlite")
    backend.ensure_ready()
    old = next(r for r in lookup_records() if r.record_id == "p3-m1")
    backend.upsert([record_to_doc(r) for r in [*newer, old]])
    found = find_events(Subject(None, None, "张国华", 1928, "M"), backend, archive)
    backend.close()
    assert [(f.record.record_id, f.kind) for f in found] == [("p3-m1", "candidate")]
