"""Re-reading an ID value that was read whole but is invalid, from its own box."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.reread import reread_ids
from ocr.result import Reading
from schemas.model import FieldInfo, Party
from tests.ocr.conftest import FONT
from tests.ocr.forms import HUSBAND_ID, WIFE_ID

SIZE = 40


def _row(husband: str, speck_after: int | None = 3) -> tuple[np.ndarray, list[int]]:
    """A review-form row: the husband's ID, a speck of dirt between two of its
    digits, and the wife's ID further right on the same row. Returns the page and
    the husband's value box (x, y, w, h)."""
    image = Image.new("RGB", (2000, 200), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, SIZE)
    draw.text((40, 70), "身份证号", fill="black", font=font)
    x0, y0, x1, y1 = draw.textbbox((400, 70), husband, font=font)
    draw.text((400, 70), husband, fill="black", font=font)
    draw.text((1300, 70), WIFE_ID, fill="black", font=font)
    if speck_after is not None:
        left = draw.textbbox((400, 70), husband[:speck_after], font=font)[2]
        draw.ellipse((left - 1, y1 - 6, left + 4, y1 - 1), fill="black")
    page = np.ascontiguousarray(np.array(image)[:, :, ::-1])
    return page, [x0, y0, x1 - x0, y1 - y0]


def _read_as(value: str, bbox: list[int], issues: list[str]) -> Reading:
    reading = Reading(parties=[Party(role="husband", id_number=value)])
    reading.fields["parties[0].id_number"] = FieldInfo(
        confidence=0.99, page=0, bbox=bbox, issues=issues, source="ocr"
    )
    return reading


@pytest.mark.slow
def test_an_id_split_by_a_speck_is_read_again_from_its_own_box(engines):
    page, box = _row(HUSBAND_ID)
    # what extraction keeps when the speck is read as a mark: the last 15 digits,
    # whose region 722197 is no region
    reading = _read_as(HUSBAND_ID[3:], box, ["id_bad_region", "id_bad_date"])
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[0].id_number == HUSBAND_ID  # not the wife's, further right
    issues = reading.fields["parties[0].id_number"].issues
    assert "id_reread" in issues
    assert "id_bad_region" not in issues


@pytest.mark.slow
def test_an_invalid_id_with_no_valid_reading_is_left_as_read(engines):
    # a misprinted ID (its check character does not match): nothing valid to find
    wrong = HUSBAND_ID[:-1] + str((int(HUSBAND_ID[-1]) + 1) % 10)
    page, box = _row(wrong, speck_after=None)
    reading = _read_as(wrong, box, ["id_check_digit"])
    assert reread_ids(reading, [page], engines["rapidocr"]) == 0
    assert reading.parties[0].id_number == wrong
    assert reading.fields["parties[0].id_number"].issues == ["id_check_digit"]


def test_a_valid_id_is_not_read_again(engines):
    page, box = _row(HUSBAND_ID, speck_after=None)
    reading = _read_as(HUSBAND_ID, box, [])
    assert reread_ids(reading, [page], engines["rapidocr"]) == 0
    assert reading.parties[0].id_number == HUSBAND_ID


@pytest.mark.slow
def test_a_row_holding_both_15_digit_ids_gives_each_party_its_own(engines):
    # 身份证件号 | husband's | wife's on one row; the husband's value was unreadable,
    # so its box spans the row and the strip reads both numbers as one 30-digit run
    husband, wife = "620722640806129", "620722670910994"
    image = Image.new("RGB", (2000, 200), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, SIZE)
    draw.text((40, 70), "身份证件号", fill="black", font=font)
    draw.text((400, 70), husband, fill="black", font=font)
    right = draw.textbbox((1000, 70), wife, font=font)[2]
    draw.text((1000, 70), wife, fill="black", font=font)
    page = np.ascontiguousarray(np.array(image)[:, :, ::-1])
    reading = Reading(parties=[Party(role="husband"), Party(role="wife", id_number=wife)])
    reading.fields["parties[0].id_number"] = FieldInfo(
        confidence=0.0,
        page=0,
        bbox=[390, 60, right - 390, 60],
        issues=["id_number_unreadable"],
        source="ocr",
    )
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[0].id_number == husband  # not the wife's, read again
    assert "id_reread" in reading.fields["parties[0].id_number"].issues
