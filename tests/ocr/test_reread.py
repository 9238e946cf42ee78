"""Re-reading IDs printed in per-digit cells: rule removal, windows, and a real engine."""

from __future__ import annotations

import numpy as np
import pytest

from ocr.reread import (
    DETECT_HEIGHT,
    DETECT_WIDTH,
    detection_sheet,
    home_regions,
    remove_vertical_rules,
    reread_ids,
)
from ocr.result import Reading
from schemas.model import FieldInfo, Party
from tests.ocr.forms import HUSBAND_ID
from tests.ocr.id_rows import EIGHTS, YEAR_MISREAD, boxed_id_row

FIFTEEN = "620722700912887"  # a valid 15-digit ID (1970-09-12, male)


def test_tall_rules_are_painted_out_and_short_strokes_kept():
    crop = np.full((40, 60, 3), 255, np.uint8)
    crop[:, 10:12] = 0  # a cell border: the whole height
    crop[15:25, 30:32] = 0  # a digit's stroke: a quarter of the height
    out = remove_vertical_rules(crop)
    assert (out[:, 10:12] == 255).all()
    assert (out[15:25, 30:32] == 0).all()
    assert (crop[:, 10:12] == 0).all()  # the input is not modified


@pytest.mark.slow
def test_an_unreadable_cell_row_is_reread_and_kept_only_when_valid(engines):
    reading = Reading(parties=[Party(role="husband"), Party(role="wife")])
    unreadable = ["id_number_unreadable"]
    reading.fields["parties[0].id_number"] = FieldInfo(
        confidence=0.0, page=0, bbox=[180, 60, 200, 40], issues=list(unreadable), source="ocr"
    )
    page = boxed_id_row(HUSBAND_ID, cells=len(HUSBAND_ID))
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[0].id_number == HUSBAND_ID
    assert "id_reread" in reading.fields["parties[0].id_number"].issues

    wrong = HUSBAND_ID[:-1] + ("0" if HUSBAND_ID[-1] != "0" else "1")
    reading.parties[0].id_number = None
    reading.fields["parties[0].id_number"].issues = list(unreadable)
    assert reread_ids(reading, [boxed_id_row(wrong, cells=len(wrong))], engines["rapidocr"]) == 0
    assert reading.parties[0].id_number is None


def test_a_strip_is_laid_on_a_sheet_detection_does_not_blow_up():
    strip = np.full((60, 3200, 3), 230, np.uint8)
    sheet = detection_sheet(strip)
    assert sheet.shape[:2] == (DETECT_HEIGHT, DETECT_WIDTH)
    assert (sheet == 230).all()  # the strip's own paper colour


@pytest.mark.slow
def test_a_fifteen_digit_row_with_a_speck_between_two_digits_is_read(engines):
    from PIL import Image, ImageDraw, ImageFont

    from tests.ocr.conftest import FONT

    image = Image.new("RGB", (1400, 160), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 40)
    draw.text((20, 50), "身份证号", fill="black", font=font)
    # a speck in a gap the scan opened between the 12th and 13th digits (read ``.``)
    draw.text((220, 50), FIFTEEN[:12], fill="black", font=font)
    gap = draw.textbbox((220, 50), FIFTEEN[:12], font=font)[2]
    bottom = draw.textbbox((220, 50), FIFTEEN, font=font)[3]
    draw.text((gap + 14, 50), FIFTEEN[12:], fill="black", font=font)
    draw.ellipse((gap + 5, bottom - 10, gap + 10, bottom - 5), fill="black")
    page = np.ascontiguousarray(np.array(image)[:, :, ::-1])
    reading = Reading(
        parties=[Party(role="husband", sex="M", birth_date="1970-09-12"), Party(role="wife")]
    )
    reading.fields["parties[0].id_number"] = FieldInfo(
        confidence=0.0, page=0, bbox=[220, 50, 400, 40], issues=["id_number_unreadable"]
    )
    assert reread_ids(reading, [page], engines["rapidocr"]) == 1
    assert reading.parties[0].id_number == FIFTEEN
    issues = reading.fields["parties[0].id_number"].issues
    assert "id_reread" in issues and "id_number_unreadable" not in issues


def _misread_row_page(text: str) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    from tests.ocr.conftest import FONT

    image = Image.new("RGB", (1400, 160), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 40)
    draw.text((20, 50), "身份证号", fill="black", font=font)
    draw.text((220, 50), text, fill="black", font=font)
    return np.ascontiguousarray(np.array(image)[:, :, ::-1])


@pytest.mark.slow
@pytest.mark.parametrize(("birth_date", "expected"), [("1988-08-28", EIGHTS), ("1988-08", None)])
def test_a_row_with_a_failing_check_character_is_repaired_and_held(engines, birth_date, expected):
    # the row as the engine misreads it (the year's 8 printed as 3): no valid ID in it
    page = _misread_row_page(YEAR_MISREAD)
    reading = Reading(parties=[Party(role="husband"), Party(role="wife", sex="F")])
    reading.parties[1].birth_date = birth_date
    reading.fields["parties[1].birth_date"] = FieldInfo(confidence=0.99, page=0, bbox=[0, 0, 9, 9])
    reading.fields["parties[1].id_number"] = FieldInfo(
        confidence=0.0, page=0, bbox=[220, 50, 400, 40], issues=["id_number_unreadable"]
    )
    assert reread_ids(reading, [page], engines["rapidocr"]) == (expected is not None)
    assert reading.parties[1].id_number == expected
    if expected is not None:
        issues = reading.fields["parties[1].id_number"].issues
        assert "id_reread" in issues and "id_reread_unconfirmed" in issues


def test_home_regions_are_the_registry_s_and_the_other_party_s():
    reading = Reading(
        certificate_no="J620722-2003-002122",
        parties=[Party(role="husband"), Party(role="wife", id_number="620725198001021245")],
    )
    assert home_regions(reading, 0) == {"620722", "620725"}
    assert home_regions(reading, 1) == {"620722"}  # not the party's own ID
    local = Reading(certificate_no="(89)高民婚字第264号", parties=[Party(role="husband")])
    assert home_regions(local, 0) == frozenset()  # a local number states no region
