"""Record-level rules: the record type from the form's wording and certificate prefix."""

from __future__ import annotations

import re
from collections.abc import Callable

from ocr.result import Reading
from schemas.model import TextLine

# Wordings that name the kind of registration (both scripts), strongest first.
_TYPE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "annulment",
        re.compile(r"撤[销銷]\S{0,3}(?:婚姻|结婚|結婚)|(?:婚姻|结婚|結婚)\S{0,4}撤[销銷]"),
    ),
    ("reissue", re.compile(r"[补補]\s*[发發领領]|[补補][办辦]")),
    (
        "divorce",
        re.compile(
            r"[离離]\s*婚\s*(?:登[记記]|[证證]|申[请請]|[协協]议|[协協]議|[审審]查)|"
            r"(?:自[愿願]|准予|同意)\s*[离離]\s*婚|"
            # the sentence's 自願離婚經查 when 自願 ended the previous column
            r"[离離]\s*婚\s*[，,]?\s*[经經]\s*(?:[审審]\s*)?查"
        ),
    ),
    (
        "marriage",
        re.compile(
            r"[结結]\s*婚\s*(?:登[记記]|[证證]|申[请請]|[审審]查)|"
            r"(?:自[愿願]|准予|同意)\s*[结結]\s*婚|"
            r"[结結]\s*婚\s*[，,]?\s*[经經]\s*(?:[审審]\s*)?查"
        ),
    ),
)
_STATUS_LABEL = re.compile(r"婚[姻前]\s*(?:状况|狀況)")
CERT_PREFIX_TYPES = {"BJ": "reissue", "BL": "reissue", "L": "divorce", "J": "marriage"}


def is_traditional_document(lines: list[TextLine]) -> bool:
    """True when the pages are printed in traditional script (1950-55 forms).

    Counts characters that exist only in traditional script against those that
    exist only in simplified script over all recognized text.
    """
    from ocr.labels import fold
    from schemas.names import to_traditional

    text = "".join(line.text for line in lines)
    traditional = sum(a != b for a, b in zip(text, fold(text), strict=True))
    s2t = to_traditional(text)
    simplified = (
        sum(a != b for a, b in zip(text, s2t, strict=False)) if len(s2t) == len(text) else 0
    )
    # OCR models answer many traditional characters in simplified script (別 -> 别),
    # so a traditional form shows both; measured on synth pages: traditional forms
    # 7-49 traditional-only vs 2-16 simplified-only, simplified forms 0-2 vs 29+.
    return traditional >= 5 and traditional >= simplified


def in_document_script(certificate_no: str, traditional: bool) -> str:
    """A local certificate number in the script of its form: OCR often answers 号 for
    號 on a traditional form, and 號 for 号 on a simplified one."""
    if type_from_certificate(certificate_no):
        return certificate_no
    if not traditional:
        return certificate_no.replace("號", "号").replace("離", "离")
    return certificate_no.replace("号", "號").replace("离", "離")


def names_in_document_script(reading: Reading) -> int:
    """Write names read in simplified script back in the traditional script of their form.

    Only where every simplified-only character has exactly one traditional form
    (蒋 -> 蔣, 刘 -> 劉; :func:`schemas.names.traditional_spelling`): 钟 (鍾 or
    鐘) leaves the name as read, and review flags it (``name_script_mismatch``).
    Before the 1956 simplification scheme the forms had no simplified script, so
    a simplified character on a traditional form is the model's answer, not the
    clerk's writing. Returns how many names were rewritten (``name_in_document_script``).
    """
    from schemas.names import traditional_spelling

    return _respell_names(reading, traditional_spelling)


def _respell_names(reading: Reading, spell: Callable[[str], str | None]) -> int:
    """Write each party's name as ``spell`` gives it (None: as read), flagged
    ``name_in_document_script``. Returns how many names were rewritten."""
    rewritten = 0
    for i, party in enumerate(reading.parties):
        if not party.name:
            continue
        spelled = spell(party.name)
        if spelled is None or spelled == party.name:
            continue
        party.name = spelled
        info = reading.fields.get(f"parties[{i}].name")
        if info is not None:
            info.issues.append("name_in_document_script")
        rewritten += 1
    return rewritten


def simplified_spelling(name: str) -> str:
    """``name`` with every traditional-only character in its simplified form.

    Only a character that is the one traditional form of its simplified one (黃 of 黄,
    靜 of 静, 蕭 of 萧) is rewritten: a character the simplified script kept for names
    (昇, not folded to 升: 升's traditional form is 升) and the name exceptions of
    :func:`schemas.names.simplify_name` (乾, the surname 於) stay as read.
    """
    from schemas.names import simplify_name, to_traditional

    simple = simplify_name(name)
    if len(simple) != len(name):
        return name
    return "".join(
        s if s != ch and to_traditional(s) == ch else ch for ch, s in zip(name, simple, strict=True)
    )


def names_in_simplified_script(reading: Reading) -> int:
    """Write names read with traditional-only characters in the simplified script of
    their form (黃菊香 -> 黄菊香 on a form of 2000).

    The recognizer (PP-OCRv6) knows both scripts and answers some simplified glyphs
    in traditional script; a form printed in simplified script (1956 on) records
    names in it. Returns how many names were rewritten (``name_in_document_script``).
    """
    return _respell_names(reading, simplified_spelling)


def office_in_simplified_script(reading: Reading) -> bool:
    """Write the office read with traditional characters in the simplified script of
    its form (高台县人民委員會 -> 高台县人民委员会, 1956 on).

    PP-OCRv6 answers some simplified glyphs in traditional script, in names
    (:func:`names_in_simplified_script`) and in the office's printed 委员会 alike; an
    office's name is ordinary words, so OpenCC's conversion is the spelling. Returns
    True when rewritten (``office_in_document_script``, not blocking).
    """
    from schemas.names import to_simplified

    if not reading.office:
        return False
    spelled = to_simplified(reading.office)
    if spelled == reading.office:
        return False
    reading.office = spelled
    info = reading.fields.get("office")
    if info is not None:
        info.issues.append("office_in_document_script")
    return True


def office_place_checked(reading: Reading, lines: list[TextLine]) -> bool:
    """Flag an office whose place the rest of the record names otherwise, one character
    apart (``高县革命委员会`` where the seal or an address reads ``高台县``): a character
    of the place was lost or misread (:func:`ocr.office.place_misread`). The office is
    optional, so the verdict empties it. True when flagged (``office_place_unconfirmed``).
    """
    from ocr.office import place_misread

    office = reading.office
    if not office:
        return False
    others = [line.text for line in lines if office not in line.text]
    if not place_misread(office, others):
        return False
    info = reading.fields.get("office")
    if info is not None:
        info.issues.append("office_place_unconfirmed")
    return True


def type_from_certificate(certificate_no: str | None) -> str | None:
    """``J…`` marriage, ``L…`` divorce, ``BJ…``/``BL…`` reissue; None for other forms."""
    if not certificate_no:
        return None
    m = re.match(r"^(BJ|BL|J|L)\d", certificate_no)
    return CERT_PREFIX_TYPES[m.group(1)] if m else None


# The kind a local certificate number names (高民離字第037號, (82)高离字…, 高民婚字…).
_LOCAL_KIND = re.compile(r"([离離]|婚)字\s*第")


def local_certificate_kind(certificate_no: str | None) -> str | None:
    """``…離字第…`` / ``…离字第…`` -> ``"divorce"``, ``…婚字第…`` -> ``"marriage"``;
    None for other numbers (``J620722-…`` has its prefix, ``高民字第037號`` lost its kind).

    Weaker than the form's wording: a reissue or annulment form quotes the marriage
    certificate it concerns, so a type known only from it goes to review.
    """
    m = _LOCAL_KIND.search(certificate_no or "")
    if m is None:
        return None
    return "marriage" if m.group(1) == "婚" else "divorce"


_LOCAL_YEAR = re.compile(r"^[(（]\s*(\d{2}|\d{4})\s*[)）]")


def certificate_year(certificate_no: str | None) -> str | None:
    """The year a certificate number carries: ``J620722-2005-000123`` -> ``"2005"``,
    ``(85)高婚字第123号`` -> ``"85"`` (two digits); None when it carries none."""
    if not certificate_no:
        return None
    if type_from_certificate(certificate_no) and certificate_no.count("-") == 2:
        return certificate_no.split("-")[1]
    m = _LOCAL_YEAR.match(certificate_no)
    return m.group(1) if m else None


def type_from_wording(lines: list[TextLine]) -> str | None:
    """The strongest record-type wording on the pages (status fields like 婚姻状况 ignored)."""
    texts = [line.text for line in lines if not _STATUS_LABEL.search(line.text)]
    joined = "\n".join(texts)
    for record_type, pattern in _TYPE_PATTERNS:
        if pattern.search(joined):
            return record_type
    return None


def record_type_of(lines: list[TextLine], certificate_no: str | None) -> str:
    """Record type from wording, else from the certificate prefix or the kind a local
    certificate number names, else ``unknown``."""
    return (
        type_from_wording(lines)
        or type_from_certificate(certificate_no)
        or local_certificate_kind(certificate_no)
        or "unknown"
    )
