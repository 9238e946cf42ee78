"""Page preparation: skew, orientation, seal suppression, quality -- pure functions on arrays."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from ingest import geometry
from ingest.prepare import WARN_ORIENTATION, WARN_SKEW, prepare_page, upright
from ingest.quality import (
    WARN_LOW_DPI,
    WARN_LOW_DPI_HANDWRITTEN,
    blur_score,
    resolution_warnings,
)
from ingest.seal import red_ink_mask, suppress_red_seal
from tests.ingest.files import text_page

WHITE = (255, 255, 255)


def scanned(page: np.ndarray, rotation: int, skew: float) -> np.ndarray:
    """What a scanner makes of ``page`` turned counter-clockwise by rotation + skew."""
    turned = geometry.rotate_small(page, skew, WHITE)
    ops = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}
    return turned if rotation == 0 else cv2.rotate(turned, ops[rotation])


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    return text_page(620, 877, size=20)


@pytest.fixture(scope="module")
def scorer():
    from ocr import get_engine
    from schemas.settings import load_settings

    engine = get_engine("rapidocr", load_settings({}))
    yield lambda crops: [conf for _text, conf in engine.recognize_lines(crops)]
    engine.close()


@hsettings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(angle=st.floats(min_value=-15, max_value=15), rotation=st.sampled_from([0, 90, 180, 270]))
def test_skew_of_a_text_page_is_recovered_within_half_a_degree(page, angle, rotation) -> None:
    image = scanned(page, rotation, angle)
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    found = geometry.estimate_skew(geometry.ink_mask(gray))
    assert abs(found.value - angle) <= 0.5
    assert found.confidence >= 0.3


@hsettings(max_examples=30, deadline=None)
@given(
    lines=st.lists(
        st.tuples(st.integers(50, 550), st.integers(10, 300), st.integers(300, 450)),
        min_size=3,
        max_size=8,
    ),
    angle=st.floats(min_value=-15, max_value=15),
)
def test_skew_of_ruled_lines_is_recovered(lines, angle) -> None:
    # A form's rules at analysis scale: a few long lines on an 800 x 600 page.
    # Distinct rules only: two 3-px rules 1-5 px apart with different extents are
    # one ragged thick bar to a projection profile, and its sharpest projection
    # is up to ~0.6 degrees off (a known limit, docs/ingest.md "Known limits").
    # Collinear pieces of one rule (same y) are kept.
    rows = sorted({y for y, _x, _length in lines})
    assume(all(b - a >= 8 for a, b in itertools.pairwise(rows)))
    mask = np.zeros((600, 800), np.uint8)
    for y, x, length in lines:
        mask[y : y + 3, x : x + length] = 255
    rotated = geometry.rotate_small(mask, angle, 0)
    found = geometry.estimate_skew(rotated)
    assert abs(found.value - angle) <= 0.5


@hsettings(max_examples=20, deadline=None)
@given(
    height=st.integers(1, 40),
    width=st.integers(1, 40),
    rotation=st.sampled_from([0, 90, 180, 270]),
    seed=st.integers(0, 1000),
)
def test_quarter_turns_undo_exactly(height, width, rotation, seed) -> None:
    original = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    assert np.array_equal(upright(scanned(original, rotation, 0.0), rotation, 0.0), original)


def test_zero_geometry_returns_the_page_untouched(page) -> None:
    assert upright(page, 0, 0.0) is page


def test_skew_sign_follows_the_design_convention(page) -> None:
    # Content turned counter-clockwise by 5 degrees: the right end of a line is higher.
    found = geometry.estimate_skew(
        geometry.ink_mask(cv2.cvtColor(scanned(page, 0, 5.0), cv2.COLOR_RGB2GRAY))
    )
    assert found.value == pytest.approx(5.0, abs=0.3)


@pytest.mark.slow
@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_orientation_is_found_with_the_ocr_engine(page, scorer, rotation) -> None:
    prepared = prepare_page(scanned(page, rotation, -3.0), scorer)
    assert prepared.rotation == rotation
    assert prepared.skew_deg == pytest.approx(-3.0, abs=0.5)
    assert prepared.confident and prepared.warnings == []
    # Made upright: same as straightening the scan by the found angles.
    assert prepared.image.shape[0] > prepared.image.shape[1]


def test_line_family_tells_horizontal_from_vertical_lines(page) -> None:
    gray = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
    text = geometry.remove_rules(geometry.ink_mask(gray))
    assert geometry.line_family(text).value == 0
    assert geometry.line_family(np.ascontiguousarray(np.rot90(text))).value == 90


def test_a_page_that_cannot_be_oriented_is_left_as_is_and_flagged() -> None:
    noise = np.random.default_rng(3).integers(0, 256, (400, 300, 3), dtype=np.uint8)
    prepared = prepare_page(noise, scorer=lambda crops: [0.5] * len(crops))
    assert not prepared.confident
    assert {WARN_ORIENTATION, WARN_SKEW} <= set(prepared.warnings)
    assert np.array_equal(prepared.image, noise)  # never made worse


def test_without_an_ocr_engine_orientation_stays_uncertain(page) -> None:
    prepared = prepare_page(scanned(page, 180, 0.0), scorer=None)
    assert prepared.rotation == 0 and WARN_ORIENTATION in prepared.warnings
    assert not prepared.confident


def test_engine_that_cannot_tell_0_from_180_gives_no_rotation(page) -> None:
    prepared = prepare_page(scanned(page, 180, 2.0), scorer=lambda crops: [0.9] * len(crops))
    assert prepared.rotation == 0 and WARN_ORIENTATION in prepared.warnings
    assert prepared.skew_deg == pytest.approx(2.0, abs=0.5)  # skew alone is still fixed


def test_red_seal_is_painted_out_for_recognition_but_kept_on_the_page() -> None:
    sealed = text_page(1240, 900, size=40, seal=True)
    assert red_ink_mask(sealed).sum() > 1000
    clean = suppress_red_seal(sealed)
    assert red_ink_mask(clean).sum() == 0
    dark = sealed.max(axis=2) < 90  # black strokes, including those under the seal
    assert np.array_equal(clean[dark], sealed[dark])
    prepared = prepare_page(sealed, scorer=None)
    assert red_ink_mask(prepared.image).sum() > 1000  # the prepared page keeps its colour
    assert red_ink_mask(prepared.ocr_image).sum() == 0


def test_blur_score_drops_on_a_blurred_page(page) -> None:
    gray = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
    sharp = blur_score(gray, 150)
    soft = blur_score(cv2.GaussianBlur(gray, (0, 0), 3), 150)
    assert soft < sharp / 3


@pytest.mark.parametrize(
    ("dpi", "year", "expected"),
    [
        (150, 2005, [WARN_LOW_DPI]),
        (200, 2005, []),
        (250, 1970, [WARN_LOW_DPI_HANDWRITTEN]),
        (250, None, [WARN_LOW_DPI_HANDWRITTEN]),
        (300, 1953, []),
    ],
)
def test_resolution_rules_of_da_t_31(dpi, year, expected) -> None:
    assert resolution_warnings(dpi, year) == expected


def test_strokes_under_a_seal_stay_dark_while_seal_and_red_print_are_removed() -> None:
    paper = np.full((300, 400, 3), 240, np.uint8)
    paper[140:150, 40:360] = (115, 115, 135)  # a faded pen stroke
    paper[250:254, 40:360] = (150, 40, 40)  # a dark-red printed fill-in rule
    seal = np.zeros((300, 400), np.float32)
    cv2.circle(seal, (200, 145), 90, 1.0, -1)
    tint = np.array([235, 55, 50], np.float32) / 255  # red ink multiplies the page
    sealed = (paper * (1 - seal[..., None] * (1 - tint))).astype(np.uint8)
    assert red_ink_mask(sealed).sum() > 10_000

    clean = suppress_red_seal(sealed)
    assert red_ink_mask(clean).sum() == 0
    under = clean[140:150, 160:240]  # the stroke where the seal covers it
    assert under.max() < 0.6 * 240  # still a stroke, in every channel
    assert clean[70:80, 190:210].min() > 200  # seal over blank paper: paper again
    assert clean[250:254, 60:340].min() > 200  # red print is not text


def test_line_family_from_blobs_found_once_matches_the_mask_version(page) -> None:
    text = geometry.remove_rules(geometry.ink_mask(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)))
    glyph = geometry.glyph_size(text)
    across = {d: geometry.line_blobs(text, glyph, d) for d in (True, False)}
    assert geometry.family_of(across[True], across[False]) == geometry.line_family(text)
    assert geometry.family_of(across[True], across[False]).value == 0  # a printed upright form
    with_blobs = geometry.text_lines(text, glyph, True, 6.0, across[True])
    assert with_blobs == geometry.text_lines(text, glyph, True, 6.0)
    assert with_blobs  # the form has text lines
    assert geometry.family_of([], []) == geometry.Estimate(0.0, 0.0)


def _sealed_with_strokes() -> np.ndarray:
    """A seal over a faded stroke (half-opaque ink) and over a dark one (red filter)."""
    page = np.full((400, 500, 3), (236, 222, 196), np.uint8)
    page[150:158, 40:460] = (120, 112, 100)  # faded print: under the seal's paint
    page[230:238, 40:460] = (30, 30, 40)  # dark pen: dark in red under the seal
    cover = np.zeros((400, 500), np.float32)
    cv2.circle(cover, (250, 190), 110, 1.0, 14, lineType=cv2.LINE_AA)
    cv2.circle(cover, (250, 190), 30, 1.0, -1)
    alpha = (cover * 0.7)[..., None]
    ink = np.array((222, 60, 52), np.float32)
    laid = page * (1 - alpha) + ink * alpha
    return np.minimum(laid, page * (1 - cover[..., None] * 0.8) + ink * cover[..., None] * 0.8)


@pytest.mark.parametrize("skew", [0.0, 0.35, -2.7, 9.95])
def test_seal_masks_turned_together_equal_each_turned_alone(skew) -> None:
    from ingest.prepare import _straight_seal_masks
    from ingest.seal import seal_masks

    masks = seal_masks(_sealed_with_strokes().astype(np.uint8))
    assert masks.paint.any() and masks.under_red.any() and masks.under_seal.any()
    together = _straight_seal_masks(masks, skew)
    assert together is not None
    borders = (0, 0, 0, 255)
    for turned, alone, border in zip(together, masks, borders, strict=True):
        expected = geometry.rotate_small(alone, -skew, border)
        assert turned.dtype == np.uint8 and np.array_equal(turned, expected)


def test_a_page_without_seal_ink_has_no_masks_to_turn(page) -> None:
    from ingest.prepare import _straight_seal_masks
    from ingest.seal import seal_masks

    assert _straight_seal_masks(seal_masks(page), 3.0) is None
    prepared = prepare_page(scanned(page, 0, 3.0), scorer=None)
    assert np.array_equal(prepared.ocr_image, prepared.image)  # nothing painted
