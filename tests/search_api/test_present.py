"""Review reasons and field issues in the clerk's words (search_api.ui.present)."""

from __future__ import annotations

import pytest

from schemas.model import FieldInfo, Party, Record, RecordStatus, Role
from search_api.ui.present import (
    failing_field,
    field_rows,
    issue_text,
    reason_field,
    reason_text,
)


@pytest.mark.parametrize(
    ("reason", "shown"),
    [
        ("missing: parties[0].id_number", "缺少男方 身份证号"),
        ("missing: registration_date", "缺少登记日期"),
        ("missing: a party", "缺少一方当事人"),
        ("low_confidence: parties[1].name", "女方 姓名：识别置信度低"),
        ("registration_date: conflicting_values", "登记日期：两次识别结果不一致"),
        ("parties[0].id_number: id_check_digit", "男方 身份证号：身份证校验位不符"),
        ("low_resolution_handwritten (page 2)", "第2页：手写档案扫描分辨率低于300dpi，请重扫"),
        ("possible duplicate of GT-1, GT-2", "可能与 GT-1, GT-2 重复"),
        ("date_unreadable", "日期无法识别"),
    ],
)
def test_reason_in_chinese(reason: str, shown: str) -> None:
    assert reason_text(reason) == shown


def test_unknown_codes_are_shown_as_they_are() -> None:
    # a code added to the pipeline later is never hidden from the clerk
    assert reason_text("parties[0].name: some_new_check") == "男方 姓名：some_new_check"
    assert reason_text("something else entirely") == "something else entirely"
    assert issue_text("some_new_check") == "some_new_check"


def test_a_rare_character_warning_tells_the_clerk_what_to_do() -> None:
    assert "对照原件" in reason_text("parties[0].name: name_character_unsure")


def _record_in_review(reasons: list[str]) -> Record:
    # the birth date carries a note that holds nothing back; the wife's ID is the problem
    return Record(
        record_id="r-test",
        registration_date="1990-05-01",
        parties=[
            Party(role=Role.HUSBAND, name="张伟", birth_date="1965-03-12"),
            Party(role=Role.WIFE, name="王芳"),
        ],
        status=RecordStatus.NEEDS_REVIEW,
        review_reasons=reasons,
        fields={
            "parties[0].birth_date": FieldInfo(confidence=0.99, issues=["from_sentence"]),
            "parties[1].name": FieldInfo(confidence=0.97),
        },
    )


def test_the_failing_field_is_the_one_the_first_reason_names() -> None:
    record = _record_in_review(["missing: parties[1].id_number", "low_confidence: parties[1].name"])
    assert failing_field(record) == "parties[1].id_number"
    rows = field_rows(record, full_id=True)
    assert [r.path for r in rows[:2]] == ["parties[1].id_number", "parties[1].name"]


def test_without_field_reasons_issues_come_first() -> None:
    record = _record_in_review(["low_resolution_handwritten (page 1)"])
    assert failing_field(record) == "parties[0].birth_date"


@pytest.mark.parametrize(
    ("reason", "field"),
    [
        ("missing: parties[0].sex", "parties[0].sex"),
        ("low_confidence: registration_date", "registration_date"),
        ("certificate_no: conflicting_values", "certificate_no"),
        ("missing: a party", None),
        ("blurry (page 2)", None),
        ("possible duplicate of GT-1", None),
    ],
)
def test_reason_field(reason: str, field: str | None) -> None:
    assert reason_field(reason) == field


def test_every_capture_warning_ingest_raises_is_shown_in_chinese() -> None:
    # the clerk's page shows what the operator's rescan list says, in Chinese
    from ingest.quality import RESCAN_ADVICE

    for code in RESCAN_ADVICE:
        assert issue_text(code) != code, code
    assert "重扫" in reason_text("noisy (page 1)")
