"""Orientation under the PP-OCRv6 recognizer: the evidence weights, the replayed
decision, and real pages (horizontal print and vertical columns) turned 0/90/180/270
read by the default RapidOCR engine."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest import geometry
from ingest.prepare import (
    CLEAR_MARGIN,
    FLIP_MIN_MARGIN,
    MAX_PROBE_CROPS,
    PROBE_STEP,
    ROTATIONS,
    WARN_ORIENTATION,
    decide_rotation,
    prepare_page,
    rotation_evidence,
)
from tests.ingest.files import FONT

WHITE = (255, 255, 255)


def readings(truth: int, upright: float, ccw: float, cw: float, upside_down: float) -> dict:
    """The four readings of a crop whose content stands at ``truth``.

    Hypothesis ``r`` shows the glyphs turned counter-clockwise by ``truth - r``.
    """
    return {
        truth: upright,
        (truth + 270) % 360: ccw,
        (truth + 90) % 360: cw,
        (truth + 180) % 360: upside_down,
    }


def lead(evidence: dict[int, float], truth: int) -> float:
    """How far the truth's evidence is ahead of the best other hypothesis."""
    return evidence[truth] - max(v for r, v in evidence.items() if r != truth)


# Mean readings of dev2's readable probe crops under PP-OCRv6 small, by truth
# (upright, counter-clockwise, clockwise, upside down), measured in session 15.
V6_HORIZONTAL = (0.99, 0.90, 0.42, 0.48)
V6_VERTICAL = (0.93, 0.89, 0.35, 0.37)


@pytest.mark.parametrize("truth", ROTATIONS)
@pytest.mark.parametrize("profile", [V6_HORIZONTAL, V6_VERTICAL])
def test_an_average_v6_crop_alone_makes_the_vote_clear(truth, profile) -> None:
    assert lead(rotation_evidence(readings(truth, *profile)), truth) >= CLEAR_MARGIN


@pytest.mark.parametrize("truth", ROTATIONS)
def test_clockwise_and_upside_down_garbage_count_alike(truth) -> None:
    # PP-OCRv6 gives both the same fair confidence: swapping them changes nothing.
    one = rotation_evidence(readings(truth, 1.0, 0.97, 0.65, 0.79))
    other = rotation_evidence(readings(truth, 1.0, 0.97, 0.79, 0.65))
    assert one[truth] == pytest.approx(other[truth])
    assert lead(one, truth) >= FLIP_MIN_MARGIN
    assert lead(other, truth) >= FLIP_MIN_MARGIN


@pytest.mark.parametrize("truth", ROTATIONS)
def test_an_upright_reading_wins_when_the_counter_clockwise_one_fails_on_clean_garbage(
    truth,
) -> None:
    evidence = rotation_evidence(readings(truth, 0.95, 0.0, 0.05, 0.05))
    assert lead(evidence, truth) >= FLIP_MIN_MARGIN


@pytest.mark.parametrize("truth", ROTATIONS)
def test_a_crop_that_one_failed_reading_makes_ambiguous_turns_nothing(truth) -> None:
    # Upright read, counter-clockwise failed, fair garbage elsewhere: "truth + 90 with a
    # failed upright reading" explains it about as well, so alone it decides nothing.
    rotation, _margin, _used = decide_rotation([readings(truth, 0.95, 0.0, 0.3, 0.3)])
    assert rotation in (None, truth)


def test_a_clear_first_pair_of_crops_decides_without_more_reading() -> None:
    clear = readings(180, *V6_HORIZONTAL)
    noise = dict.fromkeys(ROTATIONS, 0.5)
    rotation, margin, used = decide_rotation([clear, clear, noise, noise, noise, noise])
    assert (rotation, used) == (180, PROBE_STEP)
    assert margin >= CLEAR_MARGIN


def test_crops_that_read_alike_every_way_leave_the_page_uncertain() -> None:
    same = dict.fromkeys(ROTATIONS, 0.7)
    rotation, margin, used = decide_rotation([same] * MAX_PROBE_CROPS)
    assert rotation is None
    assert margin < FLIP_MIN_MARGIN
    assert used == MAX_PROBE_CROPS


def test_unreadable_crops_or_none_at_all_decide_nothing() -> None:
    blank = dict.fromkeys(ROTATIONS, 0.1)  # below READABLE_SCORE every way
    assert decide_rotation([blank, blank])[0] is None
    assert decide_rotation([]) == (None, 0.0, 0)


def test_garbage_read_fairly_surely_is_no_evidence() -> None:
    # PP-OCRv6 on the probe crops of a faded, speckled page upside down (stain rims,
    # border rules and specks instead of text): no reading reaches 0.7.
    junk = [
        {0: 0.14, 90: 0.44, 180: 0.0, 270: 0.64},
        {0: 0.0, 90: 0.46, 180: 0.0, 270: 0.69},
        {0: 0.24, 90: 0.45, 180: 0.32, 270: 0.47},
        {0: 0.0, 90: 0.28, 180: 0.2, 270: 0.15},
    ]
    assert decide_rotation(junk) == (None, 0.0, len(junk))


def test_two_crops_that_disagree_are_outvoted_by_four_that_agree() -> None:
    wrong = readings(90, *V6_HORIZONTAL)
    right = readings(0, *V6_HORIZONTAL)
    rotation, _margin, used = decide_rotation([wrong, right, right, right, right, wrong])
    assert rotation == 0
    assert used >= 4


# Real pages read by the default engine (PP-OCRv6 small).

COLUMNS = [
    "茲有高臺縣城關鎮友好村",
    "人民政府民政科依照婚姻法",
    "關於結婚的規定發給此證",
    "一九五五年九月二十二日",
    "高民婚字第八百號登記",
]


def vertical_page(size: int = 30) -> np.ndarray:
    """A 1950s-style page: columns written top to bottom, read right to left."""
    width, height = 900, 1100
    image = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, size)
    for k, column in enumerate(COLUMNS):
        x = width - 150 - k * round(size * 2.2)
        for i, char in enumerate(column):
            draw.text((x, 80 + i * round(size * 1.15)), char, fill="black", font=font)
    return np.asarray(image)


def horizontal_page(size: int = 26) -> np.ndarray:
    """Printed rows of a form, left to right."""
    width, height = 1100, 800
    image = Image.new("RGB", (width, height), WHITE)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, size)
    for i, line in enumerate(COLUMNS):
        draw.text((80, 80 + i * round(size * 2.2)), line, fill="black", font=font)
    return np.asarray(image)


def scanned(page: np.ndarray, rotation: int, skew: float) -> np.ndarray:
    """``page`` turned counter-clockwise by ``rotation`` + ``skew`` degrees."""
    turned = geometry.rotate_small(page, skew, WHITE)
    return np.ascontiguousarray(np.rot90(turned, rotation // 90))


@pytest.fixture(scope="module", params=["auto", "f32"])
def scorer(request):
    """The probe's scorer as an ingest worker builds it, in the default probe precision
    (bf16 on a CPU that has it) and in the page reading's f32."""
    from ingest.document import Readers
    from ocr import get_engine
    from schemas.settings import load_settings

    engine = get_engine("rapidocr", load_settings({}, ocr_probe_precision=request.param))
    yield Readers(engine).line_scorer()
    engine.close()


def test_the_worker_scores_with_the_engines_own_probe_scorer(scorer) -> None:
    assert getattr(scorer, "__name__", "") == "score_lines"


@pytest.mark.slow
@pytest.mark.parametrize("rotation", ROTATIONS)
@pytest.mark.parametrize("make", [vertical_page, horizontal_page])
def test_a_turned_page_is_made_upright_by_the_v6_engine(scorer, make, rotation) -> None:
    prepared = prepare_page(scanned(make(), rotation, 1.5), scorer)
    assert WARN_ORIENTATION not in prepared.warnings
    assert prepared.rotation == rotation
    assert prepared.orientation_confidence >= FLIP_MIN_MARGIN / (2 * CLEAR_MARGIN)


@pytest.mark.slow
def test_a_blank_page_is_left_as_found_and_flagged(scorer) -> None:
    blank = np.full((800, 600, 3), 250, np.uint8)
    prepared = prepare_page(blank, scorer)
    assert prepared.rotation == 0
    assert WARN_ORIENTATION in prepared.warnings


def aged(page: np.ndarray, fade: float, specks: int, rims: int, seed: int) -> np.ndarray:
    """``page`` faded, blurred, speckled and stained (coffee-ring rims)."""
    import cv2

    out = (255 - (255 - page.astype(np.int32)) * fade).astype(np.uint8)
    out = cv2.GaussianBlur(out, (5, 5), 0)
    rng = np.random.default_rng(seed)
    height, width = out.shape[:2]
    for _ in range(rims):
        centre = (int(rng.integers(width)), int(rng.integers(height)))
        axis = int(rng.integers(120, 250))
        cv2.ellipse(out, centre, (axis, int(axis * 0.8)), 0, 0, 360, (170, 150, 120), 6)
    for _ in range(specks):
        x, y = int(rng.integers(width)), int(rng.integers(height))
        shade = int(rng.integers(10, 90))
        cv2.circle(out, (x, y), int(rng.integers(0, 3)), (shade, shade, shade), -1)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("rims", [0, 3])
def test_a_faded_speckled_page_upside_down_is_made_upright(scorer, rims) -> None:
    from tests.ingest.files import text_page

    page = aged(text_page(1500, 1100, size=16), fade=0.35, specks=4000, rims=rims, seed=3)
    prepared = prepare_page(scanned(page, 180, -2.0), scorer)
    assert WARN_ORIENTATION not in prepared.warnings
    assert prepared.rotation == 180


@pytest.mark.slow
def test_a_skewed_page_of_rules_specks_and_stains_only_is_never_turned(scorer) -> None:
    import cv2

    sheet = np.full((1100, 1500, 3), 255, np.uint8)
    for y in range(150, 1000, 120):  # ruled form lines give the skew, no text at all
        cv2.line(sheet, (100, y), (1400, y), (0, 0, 0), 2)
    page = aged(sheet, fade=0.6, specks=6000, rims=4, seed=5)
    prepared = prepare_page(scanned(page, 0, 3.0), scorer)
    assert abs(prepared.skew_deg - 3.0) <= 0.5  # deskewed, so the second look runs
    assert prepared.rotation == 0
    assert WARN_ORIENTATION in prepared.warnings
