"""Red seal suppression: seal ink goes, strokes it crosses stay -- pure functions on arrays.

Stamp ink over a printed stroke is drawn two ways here, as scans show it: laid over
it like a half-opaque paint (the stroke shows through, reddish but darker than the
seal ink next to it) and as a filter multiplying the page (red light passes, so
the stroke stays dark in the red channel).
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ingest.prepare import prepare_page
from ingest.seal import ink_under_seal, red_ink_mask, seal_masks, suppress_red_seal
from tests.ingest.files import FONT

PAPER = (236, 222, 196)  # yellowed paper
STROKE = (120, 112, 100)  # a faded grey printed stroke
SEAL_INK = (222, 60, 52)


def _paper(height: int = 200, width: int = 300) -> np.ndarray:
    return np.full((height, width, 3), PAPER, np.uint8)


def _ring(height: int, width: int, centre: tuple[int, int], radius: int, width_px: int):
    """Float 0..1 coverage of a seal's ring (antialiased edges)."""
    cover = np.zeros((height, width), np.float32)
    cv2.circle(cover, centre, radius, 1.0, width_px, lineType=cv2.LINE_AA)
    return cover


def _laid_over(page: np.ndarray, cover: np.ndarray, opacity: float, ink=SEAL_INK) -> np.ndarray:
    """Seal ink laid over the page at ``opacity`` (paint-like: hides part of what is under)."""
    alpha = (cover * opacity)[..., None]
    return (page * (1 - alpha) + np.array(ink, np.float32) * alpha).round().astype(np.uint8)


def test_a_stroke_crossed_by_a_half_opaque_seal_ring_survives() -> None:
    page = _paper()
    page[95:103, 20:280] = STROKE  # a horizontal stroke
    cover = _ring(200, 300, (150, 260), 160, 12)  # the ring's edge crosses it near x=150
    sealed = _laid_over(page, cover, opacity=0.6)
    crossing = (cover[95:103] > 0.9).any(axis=0)
    assert crossing.any() and red_ink_mask(sealed)[95:103][:, crossing].any()

    clean = suppress_red_seal(sealed)
    under = clean[96:102][:, crossing]
    assert under.max(axis=2).mean() < 0.75 * PAPER[1]  # still a dark stroke
    assert red_ink_mask(clean).sum() == 0


def test_ink_under_seal_marks_the_crossing_and_not_the_ring() -> None:
    page = _paper()
    page[95:103, 20:280] = STROKE
    cover = _ring(200, 300, (150, 260), 160, 12)
    sealed = _laid_over(page, cover, opacity=0.6)
    found, shade = ink_under_seal(sealed, red_ink_mask(sealed))
    ring_only = (cover > 0.9) & (np.abs(np.arange(200) - 99)[:, None] > 10)
    assert found[95:103].sum() > 20  # the stroke under the ring
    assert not found[ring_only].any()  # the seal ink itself is not a stroke
    assert shade[found].mean() < 0.75 * 255  # the stroke is shown darker than paper
    assert shade[ring_only].min() > 0.75 * 255  # plain seal ink is as light as paper


def test_a_seal_over_empty_paper_is_painted_out() -> None:
    cover = _ring(200, 300, (150, 100), 70, 10)
    angles = np.deg2rad(np.arange(10) * 36 - 90)
    radii = np.where(np.arange(10) % 2 == 0, 35, 14)
    star = np.stack([150 + radii * np.cos(angles), 100 + radii * np.sin(angles)], axis=1)
    cv2.fillPoly(cover, [star.round().astype(np.int32)], 1.0)  # the seal's star
    sealed = _laid_over(_paper(), cover, opacity=0.8)
    paint, under_red, under_seal, _shade = seal_masks(sealed)
    assert paint.sum() > 0 and not under_red.any() and not under_seal.any()
    clean = suppress_red_seal(sealed)
    assert red_ink_mask(clean).sum() == 0
    assert clean.min(axis=2).min() > 0.8 * min(PAPER)  # no stroke left behind


def test_a_faded_seal_is_still_painted_out() -> None:
    cover = _ring(200, 300, (150, 100), 70, 10)
    sealed = _laid_over(_paper(), cover, opacity=0.45, ink=(200, 70, 70))
    assert red_ink_mask(sealed).sum() > 1000
    clean = suppress_red_seal(sealed)
    assert red_ink_mask(clean).sum() == 0
    assert not seal_masks(sealed).under_seal.any()


def test_a_stroke_under_filter_like_red_ink_stays_dark_in_red() -> None:
    page = _paper()
    page[95:103, 20:280] = STROKE
    cover = np.zeros((200, 300), np.float32)
    cv2.circle(cover, (150, 99), 60, 1.0, -1)
    tint = np.array(SEAL_INK, np.float32) / 255  # red ink multiplies the page
    sealed = (page * (1 - cover[..., None] * (1 - tint))).astype(np.uint8)
    clean = suppress_red_seal(sealed)
    assert clean[96:102, 120:180].max() <= STROKE[0]  # the red channel's view of the stroke
    assert clean[55:65, 140:160].min() > 0.9 * min(PAPER)  # seal over paper: gone


def test_a_uniform_red_printed_rule_is_painted_not_kept() -> None:
    page = _paper()
    page[150:153, 20:280] = (200, 45, 45)  # a red printed fill-in rule
    paint, _under_red, under_seal, _shade = seal_masks(page)
    assert paint[150:153, 30:270].all()
    assert not under_seal.any()


@pytest.mark.slow
def test_a_date_crossed_by_a_seal_ring_reads_whole_after_preparation() -> None:
    """A rendered registration date, the ring of a half-opaque seal over its month,
    through page preparation and a real recogniser: the month must not lose its stroke
    (painting the whole ring out left '1977年1月1日', read at 0.98)."""
    from ocr import get_engine
    from schemas.settings import load_settings

    image = Image.new("RGB", (900, 400), PAPER)
    ImageDraw.Draw(image).text(
        (80, 170), "1977年4月1日", fill=STROKE, font=ImageFont.truetype(FONT, 56)
    )
    page = np.asarray(image)
    cover = _ring(400, 900, (130, 460), 298, 16)  # the ring's edge runs through the "4"
    sealed = _laid_over(page, cv2.GaussianBlur(cover, (0, 0), 1.2), opacity=0.65)
    assert red_ink_mask(sealed)[180:230, 270:300].any()

    prepared = prepare_page(sealed, scorer=None)
    engine = get_engine("rapidocr", load_settings({}))
    try:
        text, _conf = engine.recognize_lines([prepared.ocr_image[160:250, 60:480]])[0]
    finally:
        engine.close()
    assert text.replace(" ", "") == "1977年4月1日"


def _red_by_definition(rgb: np.ndarray) -> np.ndarray:
    """Red hue (H <= 12 or >= 165, S and V >= 70) where red exceeds green and blue by > 40."""
    hsv = cv2.cvtColor(rgb, cv2.COLOR_RGB2HSV).astype(int)
    hue, sat, val = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    red_hue = ((hue <= 12) | (hue >= 165)) & (sat >= 70) & (val >= 70)
    channels = rgb.astype(int)
    return red_hue & (channels[..., 0] - np.maximum(channels[..., 1], channels[..., 2]) > 40)


@pytest.mark.parametrize("corner", [(0, 0), (260, 0), (0, 380), (150, 200)])
def test_red_ink_mask_is_the_per_pixel_definition_wherever_the_seal_lies(corner) -> None:
    rng = np.random.default_rng(sum(corner))
    page = rng.integers(120, 256, (300, 420, 3), dtype=np.uint8)  # noisy paper, some reddish
    y, x = corner
    cover = np.zeros(page.shape[:2], np.float32)
    cv2.circle(cover, (x + 20, y + 20), 30, 1.0, 6, lineType=cv2.LINE_AA)
    page = _laid_over(page, cover, 0.9)
    expected = _red_by_definition(page)
    assert expected.any()
    found = red_ink_mask(page)
    assert found.dtype == bool and np.array_equal(found, expected)


def test_a_page_without_red_has_an_empty_red_mask() -> None:
    page = np.full((120, 160, 3), (200, 200, 205), np.uint8)
    page[40:60, 20:140] = (60, 60, 60)
    found = red_ink_mask(page)
    assert found.shape == (120, 160) and not found.any()
