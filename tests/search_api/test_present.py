"""Review reasons and field issues in the clerk's words (search_api.ui.present)."""

from __future__ import annotations

import pytest

from search_api.ui.present import issue_text, reason_text


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
