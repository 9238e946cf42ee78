"""Re-reading a vertical (竖排) registration date from crops of its column."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.date_reread import column_crops, date_column, reread_registration_date, trim_margin
from ocr.layout import segment_lines
from ocr.result import Reading
from tests.ocr.conftest import FONT
from tests.ocr.forms import CHAR, column


def _page(columns: list[tuple[str, int, int]], size=(1000, 1300)) -> np.ndarray:
    """Columns drawn one glyph per row (BGR), as a vertical certificate prints them."""
    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, CHAR)
    for text, x, y in columns:
        for i, ch in enumerate(text):
            draw.text((x, y + i * CHAR), ch, fill="black", font=font)
    return np.ascontiguousarray(np.array(image)[:, :, ::-1])


def test_the_one_column_that_reads_like_a_date_is_the_date_column():
    segments = segment_lines(
        [
            column("茲有陳國華男年二十五歲住高臺縣城關與劉淑貞女年二十二歲", 800, 100),
            column("高民婚字第032號", 700, 100),
            column("九五三年二月一日", 300, 300),  # the leading 一 lost
        ]
    )
    found = date_column(segments)
    assert found is not None and found.text == "九五三年二月一日"


def test_no_date_column_when_two_columns_read_like_dates():
    segments = segment_lines(
        [column("一九五三年二月一日", 300, 300), column("一九五三年二月八日", 200, 300)]
    )
    assert date_column(segments) is None


def test_a_sentence_column_or_a_horizontal_date_is_no_date_column():
    segments = segment_lines(
        [column("男年二十五歲住高臺縣城關", 800, 100), column("高臺縣人民政府", 700, 100)]
    )
    assert date_column(segments) is None


def test_column_crops_turn_the_column_into_a_line():
    page = np.full((1000, 800, 3), 255, dtype=np.uint8)
    crops = column_crops(page, (300, 200, 40, 360))
    assert crops and all(c.shape[1] > c.shape[0] for c in crops)  # wider than tall


@pytest.mark.slow
def test_a_vertical_date_that_lost_its_leading_one_is_read_from_its_column(engines):
    columns = [("高臺縣人民政府民政科", 500, 100), ("一九五三年二月一日", 400, 300)]
    page = _page(columns)
    # page-wide the thin leading 一 was lost and no office was read to anchor it
    lines = [column("九五三年二月一日", 400, 340)]
    reading = Reading(certificate_no="高民婚字第140號")
    reading.lines = lines
    assert reread_registration_date(reading, [page], engines["rapidocr"])
    assert reading.registration_date == "1953-02-01"
    assert "confirmed_by_second_reading" in reading.fields["registration_date"].issues


@pytest.mark.slow
def test_a_column_whose_crops_read_another_date_fills_nothing(engines):
    page = _page([("一九五三年二月八日", 400, 300)])
    # page-wide 二月一日: the crops read 二月八日, which the page's characters do not fit
    lines = [column("一九五三年二月一日", 400, 300)]
    reading = Reading(certificate_no="高民婚字第140號")
    reading.lines = lines
    reread_registration_date(reading, [page], engines["rapidocr"])
    assert reading.registration_date is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("〇一九五〇年一月十六日〇", "一九五〇年一月十六日〇"),  # the blank margin read as 〇
        ("〇二〇〇五年三月十二日", "二〇〇五年三月十二日"),
        ("一九五〇年一月十六日", "一九五〇年一月十六日"),
        ("〇五〇年一月", "〇五〇年一月"),  # not before 一九 / 二〇: left as read
    ],
)
def test_a_crops_margin_read_as_zero_is_trimmed(text, expected):
    assert trim_margin(text) == expected
