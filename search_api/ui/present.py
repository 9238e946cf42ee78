"""Pure helpers that turn records and hits into what the templates show.

Personal data rules live here, in one place: a role without ``can_see_full_id``
sees ID numbers masked (schemas.idnumber.mask_id) and, for a person who has an
ID number, neither birth date nor age: the mask hides exactly the birth date, so
showing it (even the year, with the check digit to confirm) would rebuild the ID.
"""

from __future__ import annotations

import csv
import io
import re
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
# What the reading found about a field or page, in the clerk's words. Codes come
# from ocr/ (field issues), ingest/ (page warnings) and the archive; an unknown
# code is shown as it is, so a new code is never hidden.
ISSUE_LABELS = {
    # recognition
    "low_confidence": "识别置信度低",
    "conflicting_values": "两次识别结果不一致",
    "second_opinion_disagrees": "第二识别引擎结果不同",
    "second_opinion_unsure": "第二识别引擎无把握",
    "second_opinion_empty": "第二识别引擎未读出",
    "second_opinion_agrees": "第二识别引擎一致",
    "confirmed_by_second_reading": "经再次识别确认",
    "dropped_uncertain": "无把握，已留空",
    "found_without_label": "未找到标签，按内容识别",
    "from_sentence": "取自证书正文",
    "from_signature": "取自签名处",
    # names
    "name_unreadable": "姓名无法识别",
    "name_character_unsure": "姓名中有字无法确认（可能是生僻字，请对照原件）",
    "name_character_lost": "姓名后疑有一字未识别（可能是生僻字，请对照原件）",
    "date_struck_out_before": "日期栏内有涂改：已取更正后的日期，请对照原件",
    "name_rare_by_strokes": "姓名中生僻字由笔画长短判断（请对照原件）",
    "age_struck_out_before": "年龄栏内有涂改：已取更正后的年龄，请对照原件",
    "name_character_unconfirmed": "姓名中有字未经逐字确认",
    "name_character_weak": "姓名中有字识别把握低（可能是生僻字）",
    "name_box_wider_than_text": "姓名框比识别出的字宽（可能漏字）",
    "name_struck_out_before": "姓名栏有划去的旧姓名，已取其后更正的姓名（请对照原件）",
    "name_read_in_detection_gap": "该方姓名由证书句中未检出的一段补读（请对照原件）",
    "name_confirmed_by_cells": "姓名逐字单独识别确认",
    "name_confirmed_by_crops": "姓名经两次单独截图重读确认",
    "name_correction_confirmed": "划去旧姓名后的更正姓名与签名等处一致",
    "name_script_mismatch": "繁体档案中的姓名识别成了简体字",
    "name_surname_unknown": "姓氏不在常见姓氏中",
    "name_rare_lookalike": "名中有字形近生僻字（如吉/𠮷、王/𡈼、或/彧），识别无法区分，请对照原件",
    "name_confirmed_by_reread": "姓名经再次识别确认",
    "name_confirmed_by_characters": "姓名经逐字确认",
    "name_in_document_script": "姓名按原件字体记录",
    "office_in_document_script": "登记机关按原件字体记录",
    "office_place_unconfirmed": "登记机关地名与本表其他处不符",
    # sex, roles
    "sex_unreadable": "性别无法识别",
    "sex_role_mismatch": "性别与男方/女方不符",
    "sex_confirmed_by_characters": "性别经逐字确认",
    "sex_reread": "性别由单元格单独重读",
    "role_by_order": "男女方按书写顺序判定",
    "party_by_order": "男女方按书写顺序判定",
    # dates and ages
    "date_unreadable": "日期无法识别",
    "registration_date_unreadable": "登记日期无法识别",
    "birth_date_unreadable": "出生日期无法识别",
    "bad_date": "日期不合法",
    "implausible_date": "日期不合常理",
    "partial_date": "日期不完整",
    "date_partial_of_another_reading": "日期只读出一部分",
    "date_year_normalized": "年份中有字经过纠正",
    "date_digits_normalized": "日期数字经过纠正",
    "date_year_from_certificate": "年份取自证书字号",
    "date_year_confirmed": "年份经证书字号确认",
    "date_from_signoff": "取自落款日期",
    "date_reread_unconfirmed": "日期只有一次识别读出，未能确认",
    "date_without_office": "落款日期旁未识别出发证机关",
    "born_after_registration": "出生日期晚于登记日期",
    "implausible_age": "年龄不合常理",
    "age_mismatch": "年龄与出生日期不符",
    "age_nominal": "按虚岁计",
    "birth_date_from_id": "出生日期取自身份证号",
    # ID numbers
    "id_number_unreadable": "身份证号无法识别",
    "check_digit": "身份证校验位不符",
    "id_invalid": "身份证号不合法",
    "id_bad_length": "身份证号位数不对",
    "id_bad_chars": "身份证号含非法字符",
    "id_empty": "身份证号为空",
    "id_check_digit": "身份证校验位不符",
    "id_future_date": "身份证号中的出生日期晚于今天",
    "id_too_old": "身份证号中的出生日期过早",
    "bad_length": "位数不对",
    "id_bad_region": "身份证号地区码不存在",
    "id_bad_date": "身份证号中的出生日期不合法",
    "id_birth_date_mismatch": "身份证号与出生日期不符",
    "id_sex_mismatch": "身份证号与性别不符",
    "id_age_mismatch": "身份证号与年龄不符",
    "id_before_1985": "该年代的登记不应有身份证号",
    "id_reread_unconfirmed": "身份证号再次识别未能确认",
    "id_reread": "身份证号经再次识别",
    "id_digits_normalized": "身份证号数字经校验位纠正",
    "id_18_derived": "18位号码由15位推算",
    "confirmed_by_id": "经身份证号确认",
    # record type, certificate
    "record_type_unknown": "登记类型无法识别",
    "record_type_from_certificate_only": "登记类型仅据证书字号判定",
    "certificate_no_unrecognized_format": "证书字号格式不明",
    "certificate_year_mismatch": "证书字号年份与登记日期不符",
    "certificate_type_mismatch": "证书字号类别与登记类型不符",
    # page capture (DA/T 31-2017)
    "low_resolution": "扫描分辨率低于200dpi，请重扫",
    "low_resolution_handwritten": "手写档案扫描分辨率低于300dpi，请重扫",
    "blurry": "页面模糊，请清洁扫描玻璃后重扫",
    "noisy": "页面噪点过多，请清洁扫描玻璃，以300dpi灰度或彩色重扫",
    "skew_uncertain": "页面倾斜无法确定",
    "orientation_uncertain": "页面方向无法确定",
    # archive
    "possible_duplicate": "可能重复",
}


def issue_text(code: str) -> str:
    """An issue code in Chinese (the code itself when unknown)."""
    return ISSUE_LABELS.get(code, code)


_PAGE_WARNING = re.compile(r"^(?P<code>[a-z0-9_]+) \(page (?P<page>\d+)\)$")
_DUPLICATE = "possible duplicate of "


def _is_field(path: str) -> bool:
    return path.startswith("parties[") or path in FIELD_LABELS


def _field_reason(reason: str) -> tuple[str, str] | None:
    """(field, what) of a reason about one field: ``missing: <field>`` and
    ``low_confidence: <field>`` give (field, "missing" / "low_confidence"),
    ``<field>: <issue>`` gives (field, issue); None for page and record reasons."""
    head, sep, tail = reason.partition(": ")
    if not sep:
        return None
    if head in ("missing", "low_confidence") and _is_field(tail):
        return tail, head
    return (head, tail) if _is_field(head) else None


def reason_field(reason: str) -> str | None:
    """The field a review reason is about (``missing: parties[0].sex`` ->
    ``parties[0].sex``), or None for a page or record reason."""
    about = _field_reason(reason)
    return about[0] if about else None


def _reason_order(record: Record) -> dict[str, int]:
    """Fields named by the record's review reasons, in the order of the reasons."""
    order: dict[str, int] = {}
    for reason in record.review_reasons:
        field = reason_field(reason)
        if field is not None and field not in order:
            order[field] = len(order)
    return order


def reason_text(reason: str) -> str:
    """A record's review reason in Chinese.

    Reasons are ``missing: <field>``, ``low_confidence: <field>``, ``<field>:
    <issue>``, ``<warning> (page N)`` and ``possible duplicate of <ids>``
    (ocr.review, ingest.document, archive); anything else is shown as it is.
    """
    if reason == "missing: a party":
        return "缺少一方当事人"
    about = _field_reason(reason)
    if about:
        field, what = about
        return (
            f"缺少{field_label(field)}"
            if what == "missing"
            else f"{field_label(field)}：{issue_text(what)}"
        )
    page = _PAGE_WARNING.match(reason)
    if page:
        return f"第{page['page']}页：{issue_text(page['code'])}"
    if reason.startswith(_DUPLICATE):
        return f"可能与 {reason[len(_DUPLICATE) :]} 重复"
    return issue_text(reason)


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
    named = _reason_order(record)
    return sorted(rows, key=lambda row: _failing_first(row, named))


def _failing_first(row: FieldRow, named: dict[str, int]) -> tuple[int, float]:
    """Fields the review reasons name (in their order), then other fields with
    issues or a low confidence, then the rest."""
    if row.path in named:
        return (0, named[row.path])
    failing = bool(row.issues) or (row.confidence is not None and row.confidence < 0.8)
    return (1 if failing else 2, row.confidence if row.confidence is not None else 1.0)


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
    """The path of the field most in need of review: the first one a review reason
    names; else issues first, then lowest confidence. (A field's issues include
    notes such as ``from_sentence`` that hold nothing back: the reasons name the
    fields that do.)"""
    named = _reason_order(record)
    if named:
        return min(named, key=named.__getitem__)
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
