"""The engines behind ocr.OcrEngine: real RapidOCR and real Tesseract, and their failures."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from ocr import ENGINE_NAMES, assess, get_engine, probe_engines, read_record
from ocr.second_opinion import apply_second_opinion
from ocr.tesseract_engine import TesseractEngine, split_bands, stack_crops
from schemas.errors import ToolTimeout, ToolUnavailable
from schemas.settings import load_settings
from tests.ocr.conftest import render_line, render_page
from tests.ocr.forms import HUSBAND_ID, WIFE_ID, two_column_form


def test_both_engines_are_usable_here():
    assert probe_engines() == {"rapidocr": None, "tesseract": None}


def test_unknown_engine_name_is_refused_with_the_choices(settings):
    with pytest.raises(ToolUnavailable, match="rapidocr, tesseract"):
        get_engine("abbyy", settings)


def test_missing_tessdata_is_unavailable_with_the_install_command(settings, tmp_path):
    with pytest.raises(ToolUnavailable) as info:
        TesseractEngine(settings, tessdata_dir=tmp_path)
    assert "chi_sim" in info.value.message
    assert "apt-get install tesseract-ocr" in info.value.message


def test_tesseract_over_its_time_limit_raises_tool_timeout():
    engine = TesseractEngine(load_settings(environ={}, tool_timeout_s=0.001))
    with pytest.raises(ToolTimeout, match="did not finish"):
        engine.recognize_page(render_line("登记日期：2005年3月12日"))


def test_stacked_crops_come_back_in_their_own_bands():
    crops = [render_line(t)[:, :, 0] for t in ("12", "345678", "9")]
    sheet, bands = stack_crops(crops)
    assert sheet.shape[0] > sum(c.shape[0] for c in crops) * 0  # one sheet for all crops
    assert len(bands) == 3 and all(b[0] < b[1] for b in bands)
    lines = [("B", [50, bands[1][0] + 5, 10, 20], 0.9), ("A", [50, bands[0][0] + 5, 10, 20], 0.8)]
    assert split_bands(lines, bands) == [("A", 0.8), ("B", 0.9), ("", 0.0)]


@pytest.mark.slow
@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_engine_reads_crops_of_ids_and_dates_in_order(engines, name):
    texts = [HUSBAND_ID, "2005年3月12日", WIFE_ID]
    read = engines[name].recognize_lines([render_line(t) for t in texts])
    assert [t.replace(" ", "") for t, _ in read] == texts
    assert all(0.5 < conf <= 1.0 for _, conf in read)


@pytest.mark.slow
@pytest.mark.parametrize("name", ENGINE_NAMES)
def test_engine_finds_lines_on_a_page_with_boxes_in_page_pixels(engines, name):
    import numpy as np

    page = np.full((400, 1400, 3), 255, np.uint8)
    crop = render_line("身份证号：" + HUSBAND_ID)
    h, w = crop.shape[:2]
    page[200 : 200 + h, 300 : 300 + w] = crop
    lines = engines[name].recognize_page(page)
    joined = "".join(line.text for line in lines).replace(" ", "")
    assert HUSBAND_ID in joined
    x, y, bw, _bh = next(line.bbox for line in lines if HUSBAND_ID[-6:] in line.text)
    assert 280 <= x + bw <= 300 + w + 20 and 190 <= y <= 200 + h


@pytest.mark.slow
def test_rapidocr_detects_on_a_smaller_page_but_boxes_and_text_are_full_size():
    """A page larger than ``ocr_det_max_side`` is detected scaled down; the boxes
    must still be in the page's own pixels and the text read from full resolution."""
    import cv2
    import numpy as np

    from ocr.rapidocr_engine import RapidOcrEngine

    engine = RapidOcrEngine(load_settings(environ={}, ocr_det_max_side=800))
    page = np.full((1200, 2400, 3), 255, np.uint8)
    crop = render_line("身份证号：" + HUSBAND_ID)
    crop = cv2.resize(crop, None, fx=1.5, fy=1.5, interpolation=cv2.INTER_CUBIC)
    h, w = crop.shape[:2]
    page[700 : 700 + h, 900 : 900 + w] = crop
    lines = engine.recognize_page(page)  # detection at 800 x 400: a third of the page
    line = next(line for line in lines if HUSBAND_ID[-6:] in line.text.replace(" ", ""))
    assert HUSBAND_ID in line.text.replace(" ", "")
    x, y, bw, bh = line.bbox
    # the ID is the right part of the crop: its box must sit inside the crop's place
    assert 900 <= x < 900 + w and 900 + w - 40 <= x + bw <= 900 + w + 40
    assert y >= 690 and y + bh <= 700 + h + 10
    assert engine.recognize_page(np.full((900, 1800, 3), 255, np.uint8)) == []


@pytest.fixture(scope="module")
def printed_form():
    return render_page(two_column_form())


@pytest.mark.slow
def test_read_record_on_a_printed_form_reads_every_field(engines, printed_form):
    reading = read_record([printed_form], engines["rapidocr"], engines["tesseract"])
    husband, wife = reading.parties
    assert (husband.name, husband.id_number, husband.birth_date) == (
        "张建国",
        HUSBAND_ID,
        "1978-05-06",
    )
    assert (wife.name, wife.id_number, wife.birth_date) == ("李秀英", WIFE_ID, "1980-01-02")
    assert (reading.registration_date, reading.certificate_no) == (
        "2005-03-12",
        "J620722-2005-000123",
    )
    assert reading.review_reasons == []
    x, y, _w, _h = reading.fields["parties[0].id_number"].bbox
    assert abs(x - 500) < 40 and abs(y - 640) < 30  # the box is where the value is printed


@pytest.mark.slow
def test_second_opinion_flags_a_value_the_other_engine_reads_differently(engines, printed_form):
    reading = read_record([printed_form], engines["rapidocr"])
    assert reading.registration_date == "2005-03-12"
    reading.registration_date = "2005-08-12"  # as if the first engine had misread one digit
    reading.review_reasons.clear()
    apply_second_opinion(reading, [printed_form], engines["tesseract"])
    assert "second_opinion_disagrees" in reading.fields["registration_date"].issues
    assert "second_opinion_agrees" in reading.fields["parties[0].id_number"].issues
    assert assess(reading).review_reasons == ["registration_date: second_opinion_disagrees"]


@pytest.mark.slow
def test_read_record_on_a_synth_scan_accepts_only_what_is_right(engines, synth_record):
    truth, pages = synth_record
    reading = read_record(pages, engines["rapidocr"], engines["tesseract"])
    assert reading.lines and all(line.page < len(pages) for line in reading.lines)
    assert reading.record_type == truth["record_type"]
    if not reading.review_reasons:  # auto-accepted: every value read must be the truth
        for field in ("registration_date", "certificate_no"):
            assert getattr(reading, field) == truth[field]
        for got, want in zip(reading.parties, truth["parties"], strict=True):
            for attr in ("name", "sex", "birth_date", "age", "id_number"):
                value = getattr(got, attr)
                assert value is None or value == want[attr], attr


def test_rapidocr_scores_each_character_of_a_line_and_tesseract_does_not(engines):
    from ocr.engine import CharacterReader

    rapid, tesseract = engines["rapidocr"], engines["tesseract"]
    assert isinstance(rapid, CharacterReader)
    assert not isinstance(tesseract, CharacterReader)
    crops = [render_line(t) for t in ("张建国", "2005年3月12日")]
    chars = rapid.recognize_characters(crops)
    assert ["".join(c for c, _ in line) for line in chars] == ["张建国", "2005年3月12日"]
    assert all(0.5 < p <= 1.0 for line in chars for _, p in line)
    assert rapid.recognize_characters([]) == []


def test_rapidocr_places_each_character_along_the_line(engines):
    rapid = engines["rapidocr"]
    tight = render_line("张建国")
    # the same three glyphs with room for one more between 建 and 国
    third = tight.shape[1] // 3
    gap = np.full((tight.shape[0], third, 3), 255, dtype=np.uint8)
    spaced = np.hstack([tight[:, : 2 * third], gap, tight[:, 2 * third :]])
    [plain, apart] = rapid.character_frames([tight, spaced])
    assert [c for c, _, _ in plain] == ["张", "建", "国"]
    frames = [f for _, _, f in plain]
    assert frames == sorted(frames) and len(set(frames)) == 3
    assert [c for c, _, _ in apart] == ["张", "建", "国"]
    steps = [b - a for a, b in itertools.pairwise(f for _, _, f in apart)]
    assert steps[1] > 1.8 * steps[0]  # the room for a character shows as a wider step


def test_rapidocr_counts_a_characters_script_twin_as_the_same_character(engines):
    # 黃 leaves some probability on 黄 (one character in two scripts); 喜 has no twin
    rapid = engines["rapidocr"]
    crop = render_line("黃喜")
    plain = rapid.recognize_characters([crop])[0]
    twins = rapid.recognize_characters([crop], script_twins=True)[0]
    assert [c for c, _ in twins] == [c for c, _ in plain] == ["黃", "喜"]
    assert plain[0][1] < twins[0][1] <= 1.0
    assert twins[1][1] == plain[1][1]
