"""The verdict on a reading: content checks, per-field issues, review reasons.

An auto-accepted record must be right, so this module is biased to review: a
record is accepted only when every required field is present, passes its
content validator, agrees with the other fields (ID vs birth date and sex, age
vs dates, certificate number vs year and type) and is read confidently.
"""

from __future__ import annotations

from datetime import date

from ocr.rare_names import rare_lookalikes
from ocr.result import Reading, era_of
from ocr.rules import (
    certificate_year,
    type_from_certificate,
    type_from_wording,
)
from ocr.surnames import starts_with_surname, surname_expected
from schemas.dates import age_at, birth_year_from_age, parse_date
from schemas.idnumber import parse_id
from schemas.model import FieldInfo, Party
from schemas.names import to_traditional

# Below this combined confidence a field goes to review (optional fields are emptied).
MIN_CONFIDENCE = 0.85
# Stricter where OCR misreads come with high confidence: rare or look-alike name
# characters (𠮷 read as 吉 at 0.94, 賈 as 買 at 0.90) and long office names.
# Dates: a handwritten 七 read as 九 at 0.855 (dev corpus, 1961-07-10 -> 1961-09-10),
# while every date read at 0.90 or more was right but one (a lost digit at 0.96).
FIELD_MIN_CONFIDENCE = {
    "name": 0.96,
    "office": 0.97,
    "registration_date": 0.90,
    "birth_date": 0.90,
}


def min_confidence(key: str) -> float:
    """The confidence a field needs to be accepted."""
    return FIELD_MIN_CONFIDENCE.get(key.rsplit(".", 1)[-1], MIN_CONFIDENCE)


# Issues that inform the clerk but do not by themselves send a record to review.
NON_BLOCKING = frozenset(
    {
        "id_18_derived",
        "id_digits_normalized",  # undone OCR confusion confirmed by the check digit
        "found_without_label",
        "party_by_order",
        "from_sentence",
        "date_from_signoff",
        "id_reread",  # 18 digits: confirmed by the check character
        "second_opinion_empty",
        "second_opinion_agrees",
        "second_opinion_unsure",  # a different reading that is unsure or invalid itself
        "age_nominal",
        "birth_date_from_id",  # the form prints no birth date; its valid ID states it
        "confirmed_by_id",  # the birth date as printed is the one the valid ID states
        "confirmed_by_second_reading",  # another reading of the same value was surer
        "date_year_confirmed",  # an undone confusion in the year, same year elsewhere
        "name_in_document_script",  # 蒋 read on a traditional form, written back as 蔣
        "office_in_document_script",  # 委員會 read on a simplified form, written as 委员会
        "name_confirmed_by_reread",  # a sentence name re-read alone, as sure (name_reread.py)
        "name_confirmed_by_characters",  # its weakest character, as sure (name_characters.py)
        "name_confirmed_by_cells",  # each character read alone, as sure (name_reread.py)
        "name_confirmed_by_crops",  # two crops of its own, every character sure (name_confirm.py)
        "name_rare_by_strokes",  # 𠮷 for 吉 by its strokes; name_rare_lookalike still holds it
        "sex_confirmed_by_characters",  # 男 / 女 itself, as sure (name_characters.py)
        "sex_reread",  # its cell read alone: the one character the role states (sex_cell.py)
        "name_correction_confirmed",  # the correction of a struck-out name, written alone elsewhere
    }
)
ERAS_WITH_IDS = ("1985-99", "2000+")
# Share of the engine's doubt left once the ID's check character matches.
CHECKED_ID_DOUBT = 0.2


def _info(reading: Reading, key: str) -> FieldInfo:
    info = reading.fields.get(key)
    if info is None:
        info = FieldInfo(confidence=0.0, page=None, bbox=None, issues=[], source="ocr")
        reading.fields[key] = info
    return info


def _flag(reading: Reading, key: str, issue: str) -> None:
    issues = _info(reading, key).issues
    if issue not in issues:
        issues.append(issue)


def _confirm_year(reading: Reading, key: str, other_year: str | None) -> None:
    """A date whose year needed an OCR confusion undone (``196！年``) stands when
    another source gives the same year (the certificate number, the ID number)."""
    info = reading.fields.get(key)
    value = _value(reading, key)
    if info is None or "date_year_normalized" not in info.issues or not value:
        return
    if "date_year_from_certificate" in info.issues:
        return  # the year was taken from the certificate: no confirmation by it
    if (other_year and str(value).startswith(other_year[-4:])) or (
        other_year and len(other_year) == 2 and str(value)[2:4] == other_year
    ):
        info.issues = [i for i in info.issues if i != "date_year_normalized"]
        info.issues.append("date_year_confirmed")


def _check_registration(reading: Reading) -> None:
    if reading.registration_date is None:
        return
    _confirm_year(reading, "registration_date", certificate_year(reading.certificate_no))
    parsed = parse_date(reading.registration_date, min_year=1949)
    if not parsed.ok:
        _flag(reading, "registration_date", "implausible_date")
    elif parsed.precision != "day":
        _flag(reading, "registration_date", "partial_date")
    elif parsed.as_date and parsed.as_date < date(1949, 10, 1):
        _flag(reading, "registration_date", "implausible_date")


def _confirm_by_id(reading: Reading, i: int, id_confidence: float) -> None:
    """A printed birth date that the (valid) ID states too is as sure as the ID:
    two values read apart from each other agree (``1983年3月`` at 0.87, ID …198303…)."""
    info = reading.fields.get(f"parties[{i}].birth_date")
    if info is None or "birth_date_from_id" in info.issues or info.confidence >= id_confidence:
        return
    info.confidence = id_confidence
    info.issues.append("confirmed_by_id")


def _check_id(reading: Reading, i: int, party: Party) -> None:
    key = f"parties[{i}].id_number"
    if not party.id_number:
        return
    check = parse_id(party.id_number)
    if reading.era and reading.era not in ERAS_WITH_IDS:
        _flag(reading, key, "id_before_1985")
    if not check.valid:
        for error in check.errors:
            _flag(reading, key, f"id_{error}")
        return
    if check.kind == "15":
        _flag(reading, key, "id_18_derived")
    else:
        # The check character catches every single misread digit and every swap of
        # neighbours: a confirmed 18-digit ID is far surer than the engine's own score.
        info = _info(reading, key)
        info.confidence = round(1 - (1 - info.confidence) * CHECKED_ID_DOUBT, 4)
    if party.sex and check.sex != party.sex:
        _flag(reading, key, "id_sex_mismatch")
    if check.birth_date:
        _confirm_year(reading, f"parties[{i}].birth_date", str(check.birth_date.year))
    if party.birth_date and check.birth_date:
        if not check.birth_date.isoformat().startswith(party.birth_date):
            _flag(reading, key, "id_birth_date_mismatch")
        else:
            _confirm_by_id(reading, i, _info(reading, key).confidence)
    if party.age is not None and check.birth_date and reading.registration_date:
        # The printed age may be the full years or the nominal age (虚岁): either fits.
        lo, _ = birth_year_from_age(party.age, reading.registration_date)
        _, hi = birth_year_from_age(party.age, reading.registration_date, nominal=True)
        if not lo <= check.birth_date.year <= hi:
            _flag(reading, key, "id_age_mismatch")


def _check_birth_and_age(reading: Reading, i: int, party: Party) -> None:
    reg = reading.registration_date
    if party.birth_date:
        key = f"parties[{i}].birth_date"
        parsed = parse_date(party.birth_date, min_year=1850)
        if not parsed.ok:
            _flag(reading, key, "implausible_date")
        elif reg and party.birth_date >= reg:
            _flag(reading, key, "born_after_registration")
        elif reg:
            years = age_at(party.birth_date, reg)
            if years is not None and not 14 <= years <= 100:
                _flag(reading, key, "implausible_age")
    if party.age is not None:
        key = f"parties[{i}].age"
        if not 14 <= party.age <= 100:
            _flag(reading, key, "implausible_age")
        if party.birth_date and reg:
            years = age_at(party.birth_date, reg)
            if years is not None and party.age != years:
                # 虚岁 (nominal age) is the full years plus one or two
                nominal = party.age in (years + 1, years + 2)
                _flag(reading, key, "age_nominal" if nominal else "age_mismatch")


def _check_party(reading: Reading, i: int, party: Party) -> None:
    expected = "M" if party.role == "husband" else "F"
    if party.sex and party.sex != expected:
        _flag(reading, f"parties[{i}].sex", "sex_role_mismatch")
    _check_id(reading, i, party)
    _check_birth_and_age(reading, i, party)


def _check_name_scripts(reading: Reading) -> None:
    """On a form written in traditional script, a name read with simplified-only
    characters (蒋 for 蔣) was answered by the model in the wrong script: review."""
    if not reading.traditional:  # decided once, by extract_fields
        return
    for i, party in enumerate(reading.parties):
        if party.name and any(to_traditional(ch) != ch for ch in party.name):
            _flag(reading, f"parties[{i}].name", "name_script_mismatch")


def _check_surnames(reading: Reading) -> None:
    """A name that does not begin with a surname lost its first character (兵德 for
    閆兵德): review, unless the spouse's people name without surnames (ocr/surnames.py)."""
    for i, party in enumerate(reading.parties):
        if party.name and surname_expected(party.ethnicity) and not starts_with_surname(party.name):
            _flag(reading, f"parties[{i}].name", "name_surname_unknown")


def _check_rare_lookalikes(reading: Reading) -> None:
    """A given name holding the look-alike of a rare name character (吉 for 𠮷) that
    the recognizer cannot answer: the clerk checks the scan (ocr/rare_names.py)."""
    for i, party in enumerate(reading.parties):
        if not party.name:
            continue
        # A spouse of a people without surnames whose name still begins with one
        # (錢玉吉, 蒙古) carries a Han-style name: its given name is checked too.
        han_style = surname_expected(party.ethnicity) or starts_with_surname(party.name)
        if rare_lookalikes(party.name, han_style):
            _flag(reading, f"parties[{i}].name", "name_rare_lookalike")


def _confirm_corrections(reading: Reading) -> None:
    """A name cut from after a struck-out one (``毛莲镇毛莲英`` -> 毛莲英,
    ``name_struck_out_before``) stands when the record writes it alone elsewhere
    (the signature, the other page's table) as surely as a name must be read, and
    nowhere writes the struck part alone: which half was struck is then settled
    (``name_correction_confirmed``, not blocking). The name's own checks still apply."""
    texts = [ln.text.replace(" ", "") for ln in reading.lines]
    for i, party in enumerate(reading.parties):
        info = reading.fields.get(f"parties[{i}].name")
        name = party.name
        if not name or info is None or "name_struck_out_before" not in info.issues:
            continue
        struck = {t[: -len(name)] for t in texts if t != name and t.endswith(name)}
        alone = any(
            t == name and ln.confidence >= min_confidence("name")
            for t, ln in zip(texts, reading.lines, strict=True)
        )
        if alone and struck and not struck & set(texts):
            info.issues = [x for x in info.issues if x != "name_struck_out_before"]
            info.issues.append("name_correction_confirmed")


def _check_certificate(reading: Reading) -> None:
    cert = reading.certificate_no
    if not cert:
        return
    cert_type = type_from_certificate(cert)
    compatible = (cert_type, "unknown", "annulment" if cert_type == "marriage" else "")
    if cert_type and reading.record_type not in compatible:
        _flag(reading, "certificate_no", "certificate_type_mismatch")
    reg, year = reading.registration_date, certificate_year(cert)
    if year and reg and reg[4 - len(year) : 4] != year:
        _flag(reading, "certificate_no", "certificate_year_mismatch")


def _check_record_type(reading: Reading) -> None:
    info = _info(reading, "record_type")
    worded = type_from_wording(reading.lines)
    from_cert = type_from_certificate(reading.certificate_no)
    info.confidence = 0.99 if worded else (0.9 if from_cert else 0.0)
    if reading.record_type == "unknown":
        _flag(reading, "record_type", "record_type_unknown")
    elif worded is None:
        _flag(reading, "record_type", "record_type_from_certificate_only")


def required_fields(reading: Reading) -> list[str]:
    """Field keys that must be present for the record's era."""
    keys = ["record_type", "registration_date", "certificate_no"]
    for i, party in enumerate(reading.parties):
        keys += [f"parties[{i}].name", f"parties[{i}].sex"]
        keys.append(
            f"parties[{i}].birth_date"
            if party.birth_date or party.age is None
            else f"parties[{i}].age"
        )
        if reading.era in ERAS_WITH_IDS or reading.era is None:
            keys.append(f"parties[{i}].id_number")
    return keys


def _value(reading: Reading, key: str) -> object:
    if key.startswith("parties["):
        index, attr = int(key[8]), key.split(".", 1)[1]
        return getattr(reading.parties[index], attr) if index < len(reading.parties) else None
    value = getattr(reading, key)
    return None if value == "unknown" else value


def _drop_uncertain_optional(reading: Reading, required: list[str]) -> None:
    """Optional fields that are unsure are emptied (never guessed), not sent to review."""
    optional = ["office"] + [
        f"parties[{i}].{attr}"
        for i in range(len(reading.parties))
        for attr in ("ethnicity", "age", "birth_date")
    ]
    for key in optional:
        info = reading.fields.get(key)
        if key in required or info is None or _value(reading, key) is None:
            continue
        blocking = [i for i in info.issues if i not in NON_BLOCKING]
        if blocking or info.confidence < min_confidence(key):
            if key.startswith("parties["):
                party = reading.parties[int(key[8])]
                setattr(party, key.split(".", 1)[1], None)
            else:
                setattr(reading, key, None)
            info.issues.append("dropped_uncertain")


def assess(reading: Reading) -> Reading:
    """Run every content check and fill ``review_reasons`` (empty => may auto-accept)."""
    reading.era = era_of(reading.registration_date)
    _check_registration(reading)
    _check_record_type(reading)
    _check_certificate(reading)
    while len(reading.parties) < 2:
        reading.review_reasons.append("missing: a party")
        break
    for i, party in enumerate(reading.parties):
        _check_party(reading, i, party)
    _check_name_scripts(reading)
    _check_surnames(reading)
    _check_rare_lookalikes(reading)
    _confirm_corrections(reading)
    required = required_fields(reading)
    _drop_uncertain_optional(reading, required)
    reasons: list[str] = []
    for key in required:
        info = reading.fields.get(key)
        if _value(reading, key) is None:
            reasons.append(f"missing: {key}")
        elif info is not None and info.confidence < min_confidence(key):
            reasons.append(f"low_confidence: {key}")
    for key, info in reading.fields.items():
        if "dropped_uncertain" in info.issues:
            continue
        reasons += [f"{key}: {issue}" for issue in info.issues if issue not in NON_BLOCKING]
    reading.review_reasons = list(dict.fromkeys(reading.review_reasons + reasons))
    return reading
