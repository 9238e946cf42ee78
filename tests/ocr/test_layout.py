"""Rows of segments: ocr.layout.group_rows."""

from __future__ import annotations

from ocr.layout import group_rows, segment_lines
from tests.ocr.forms import CHAR, line


def _texts(rows):
    return [[seg.text for seg in row] for row in rows]


def test_a_fill_in_written_low_joins_its_row_through_any_box_of_it():
    # 李秀英 overlaps 与 (written low) but not 兹有张建国 (the row's first box).
    segments = segment_lines(
        [
            line("兹有张建国", 100, 200),
            line("与", 400, 200 + CHAR * 2 // 5),
            line("李秀英", 460, 200 + CHAR * 4 // 5),
            line("自愿结婚", 100, 200 + CHAR * 3),
        ]
    )
    ordered = sorted(segments, key=lambda s: (s.top, s.left))
    assert _texts(group_rows(ordered)) == [["兹有张建国", "与", "李秀英"], ["自愿结婚"]]


def test_rows_do_not_join_across_a_gap():
    segments = segment_lines([line("第一行", 100, 100), line("第二行", 100, 100 + CHAR * 2)])
    assert _texts(group_rows(segments)) == [["第一行"], ["第二行"]]
