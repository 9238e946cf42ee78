#!/usr/bin/env python3
"""Minimal client of the marital-history lookup API (standard library only).

    python lookup_client.py --url http://127.0.0.1:8000 --key mak_… \
        --id 62072219850312123X --purpose "婚姻登记 川民婚(2026)0412"

Exit code: 0 answered, 1 API error (printed as JSON), 2 usage.
"""

# ruff: noqa: T201  (a command-line example: it prints its answer)
from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request


def lookup(url: str, key: str, query: dict, retries: int = 3) -> dict:
    """POST one lookup; waits ``Retry-After`` on 429 (up to ``retries`` times)."""
    body = json.dumps(query).encode("utf-8")
    for attempt in range(retries + 1):
        request = urllib.request.Request(
            url.rstrip("/") + "/api/v1/lookup/marital-history",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.load(response)
        except urllib.error.HTTPError as err:
            if err.code == 429 and attempt < retries:
                time.sleep(int(err.headers.get("Retry-After", "1")))
                continue
            raise
    raise RuntimeError("unreachable")


def show(answer: dict) -> None:
    print(f"verdict: {answer['verdict']}  ({answer['verdict_basis']})")
    for event in answer["events"]:
        match = event["match"]
        sure = "certain" if match["certain"] else f"CANDIDATE score {match['score']}"
        flags = "  CONFLICT" if event["conflict"] else ""
        print(
            f"  {event['registration_date'] or '????'}  {event['event_type']:<9}"
            f" {event['certificate_no'] or '-':<24} {event['record_status']:<13}"
            f" {match['kind']} ({sure}) spouse {event['spouse_name_masked'] or '-'}{flags}"
        )
        if event["linked_certificate_no"]:
            print(f"      refers to {event['linked_certificate_no']}")
    if answer.get("coverage"):
        cov = answer["coverage"]
        print(
            f"  archive covers {', '.join(cov['years'])}; {cov['records']} records,"
            f" {cov['share_verified']:.0%} verified. {cov['note']}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description="Ask the archive for a marital history.")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--key", required=True, help="API key with scope 'lookup'")
    parser.add_argument("--id", dest="id_number")
    parser.add_argument("--name")
    parser.add_argument("--birth-date", help="YYYY-MM-DD")
    parser.add_argument("--sex", choices=["M", "F"])
    parser.add_argument("--purpose", required=True, help="case reference or reason")
    parser.add_argument("--json", action="store_true", help="print the raw JSON answer")
    args = parser.parse_args()
    query = {
        k: v
        for k, v in {
            "id_number": args.id_number,
            "name": args.name,
            "birth_date": args.birth_date,
            "sex": args.sex,
            "purpose": args.purpose,
        }.items()
        if v
    }
    try:
        answer = lookup(args.url, args.key, query)
    except urllib.error.HTTPError as err:
        print(err.read().decode("utf-8", "replace"), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        show(answer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
