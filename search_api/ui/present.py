"""Pure helpers that turn records and hits into what the templates show.

Personal data rules live here, in one place: a role without ``can_see_full_id``
sees ID numbers masked (schemas.idnumber.mask_id) and, for a person who has an
ID number, neither birth date nor age: the mask hides exactly the birth date, so
showing it (even the year, with the check digit to confirm) would rebuild the ID.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from archive import FieldVersion, RejectEntry
from schemas.idnumber import mask_id
from schemas.model import Record

RECORD_TYPE_LABELS = {
    "marriage": "结婚登记",
    "divorce": "离婚登记",
    "reissue": "补发证件",
    "annulment": "撤销婚姻",
    "unknown": "未识别",
}
STATUS_LABELS = {"auto_accepted": "自动通过", "needs_review": "待审核", "verified": "已核验"}
TIER_LABELS = {
    "id_exact": "身份证号一致",
    "id_15_18": "15/18位身份证号",
    "certificate": "证书字号",
    "exact": "完全一致",
    "script_folded": "繁简一致",
    "pinyin": "拼音",
    "lookalike": "形近字",
    "partial": "部分匹配",
    "filter": "条件筛选",
}
ROLE_LABELS = {"husband": "男方", "wife": "女方"}
FIELD_LABELS = {
    "record_type": "登记类型",
    "registration_date": "登记日期",
    "certificate_no": "证书字号",
    "office": "登记机关",
    "name": "姓名",
    "name_simplified": "姓名（简体）",
    "sex": "性别",
    "birth_date": "出生日期",
    "age": "年龄",
    "id_number": "身份证号",
    "id_number_18": "身份证号（18位）",
    "ethnicity": "民族",
}
SEX_LABELS = {"M": "男", "F": "女"}
ISSUE_LABELS = {
    "date_unreadable": "日期无法识别",
    "low_confidence": "识别置信度低",
    "check_digit": "身份证校验位不符",
    "bad_date": "日期不合法",
    "bad_length": "位数不对",
    "possible_duplicate": "可能重复",
}


def issue_text(code: str) -> str:
    """An issue code in Chinese (the code itself when unknown)."""
    return ISSUE_LABELS.get(code, code)


RECORD_FIELDS = ("record_type", "registration_date", "certificate_no", "office")
PARTY_FIELDS = (
    "name", "name_simplified", "sex", "birth_date", "age", "id_number", "id_number_18", "ethnicity",
)  # fmt: skip
ID_FIELDS = ("id_number", "id_number_18")
BIRTH_FIELDS = ("birth_date", "age")
CSV_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class FieldRow:
    """One field of the record page."""

    path: str
    label: str
    value: str
    raw: str  # the editable value ("" for a masked field)
    page: int | None
    bbox: list[int] | None
    confidence: float | None
    issues: list[str]
    masked: bool


def field_label(path: str) -> str:
    """'parties[1].name' -> '女方 姓名'."""
    if path.startswith("parties["):
        index = int(path[8])
        role = "男方" if index == 0 else "女方"
        return f"{role} {FIELD_LABELS.get(path.split('.', 1)[1], path)}"
    return FIELD_LABELS.get(path, path)


def show_value(field: str, value: object, full_id: bool) -> tuple[str, bool]:
    """(display text, masked?) of one field value under the viewer's rights."""
    if value is None or value == "":
        return "—", False
    text = str(getattr(value, "value", value))
    if field in ID_FIELDS and not full_id:
        return mask_id(text) or "—", True
    if field in BIRTH_FIELDS and not full_id:
        # beside a masked ID the birth date (even year or age) would rebuild it
        return "****", True
    if field == "record_type":
        return RECORD_TYPE_LABELS.get(text, text), False
    if field == "sex":
        return SEX_LABELS.get(text, text), False
    return text, False


def field_rows(record: Record, full_id: bool) -> list[FieldRow]:
    """Every field of a record, with its box and confidence, failing fields first."""
    rows = []
    for field in RECORD_FIELDS:
        rows.append(_row(record, field, field, getattr(record, field), full_id))
    for index, party in enumerate(record.parties):
        # without an ID number there is nothing to rebuild: birth date and age show
        party_full = full_id or not (party.id_number or party.id_number_18)
        for field in PARTY_FIELDS:
            path = f"parties[{index}].{field}"
            rows.append(_row(record, path, field, getattr(party, field), party_full))
    return sorted(rows, key=_failing_first)


def _failing_first(row: FieldRow) -> tuple[int, float]:
    failing = bool(row.issues) or (row.confidence is not None and row.confidence < 0.8)
    return (0 if failing else 1, row.confidence if row.confidence is not None else 1.0)


def _row(record: Record, path: str, field: str, value: object, full_id: bool) -> FieldRow:
    info = record.fields.get(path)
    shown, masked = show_value(field, value, full_id)
    raw = "" if masked or value is None else str(getattr(value, "value", value))
    return FieldRow(
        path=path,
        label=field_label(path),
        value=shown,
        raw=raw,
        page=info.page if info else None,
        bbox=list(info.bbox) if info and info.bbox else None,
        confidence=info.confidence if info else None,
        issues=list(info.issues) if info else [],
        masked=masked,
    )


def failing_field(record: Record) -> str | None:
    """The path of the field most in need of review (issues first, then lowest confidence)."""
    candidates = [(p, f) for p, f in record.fields.items() if f.issues or f.confidence < 0.8]
    if not candidates:
        return None
    return min(candidates, key=lambda pf: (0 if pf[1].issues else 1, pf[1].confidence))[0]


def history_rows(history: list[FieldVersion], full_id: bool) -> list[dict[str, str]]:
    """Field history for display, newest first, IDs masked unless allowed."""
    rows = []
    for entry in sorted(history, key=lambda h: (h.at, h.version), reverse=True):
        if entry.old_value is None and entry.new_value is None:
            continue  # a field the machine found empty and nobody has touched
        field = entry.field.split(".", 1)[-1]
        old, _ = show_value(field, entry.old_value, full_id)
        new, _ = show_value(field, entry.new_value, full_id)
        rows.append(
            {
                "field": field_label(entry.field),
                "version": str(entry.version),
                "old": old,
                "new": new,
                "user": entry.user,
                "reason": entry.reason,
                "at": entry.at[:19].replace("T", " ") + (" UTC" if "+00:00" in entry.at else ""),
            }
        )
    return rows


def coverage_table(rows: list[tuple[int | None, str, str, int]]) -> list[dict[str, object]]:
    """Coverage rows pivoted to one line per (year, type) with a count per status."""
    table: dict[tuple[int | None, str], dict[str, object]] = {}
    for year, record_type, status, count in rows:
        line = table.setdefault(
            (year, record_type),
            {"year": year if year is not None else "未知", "type": record_type, "total": 0},
        )
        line[status] = int(line.get(status, 0)) + count  # type: ignore[call-overload]
        line["total"] = int(line["total"]) + count  # type: ignore[call-overload]
    return [table[k] for k in sorted(table, key=lambda k: (k[0] is None, k[0] or 0, k[1]))]


def _csv_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA_PREFIXES) else text


def rescan_csv(rejects: list[RejectEntry]) -> str:
    """The rescan list of a batch as CSV (UTF-8 with BOM for spreadsheet programs)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["batch_id", "file", "sha256", "reason_code", "message"])
    for r in rejects:
        writer.writerow(
            [_csv_cell(v) for v in (r.batch_id, r.relpath, r.sha256, r.reason_code, r.message)]
        )
    return "\ufeff" + out.getvalue()
