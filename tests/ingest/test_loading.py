"""Loading: every decode-time reject reason, on real tiny bad files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ingest.loading import is_blank, load_pages
from schemas.errors import InputRejected
from schemas.settings import load_settings
from tests.ingest.files import (
    encrypted_pdf_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bomb_bytes,
    png_bytes,
    small_page,
    text_page,
    tiff_bytes,
    write,
)


@pytest.fixture
def settings(tmp_path: Path):
    return load_settings({}, home=tmp_path / "home", stable_seconds=0)


def _reason(path: Path, kind: str, settings) -> str:
    with pytest.raises(InputRejected) as caught:
        load_pages(path, kind, settings)
    assert caught.value.message  # says what to do
    return caught.value.code


def test_good_png_jpeg_tiff_load_with_their_dpi(tmp_path: Path, settings) -> None:
    page = text_page(1200, 1600, size=30)  # 4 x 5.3 inches at 300 dpi
    png = load_pages(write(tmp_path / "a.png", png_bytes(page, dpi=300)), "png", settings)
    jpg = load_pages(write(tmp_path / "a.jpg", jpeg_bytes(page, dpi=200)), "jpeg", settings)
    assert (png[0].dpi, jpg[0].dpi) == (300, 200)
    assert not png[0].dpi_estimated
    assert png[0].image.shape == (1600, 1200, 3)
    frames = [small_page(), small_page(50), small_page(100)]
    tif = load_pages(write(tmp_path / "a.tif", tiff_bytes(frames)), "tiff", settings)
    assert [int(p.image[50, 50, 0]) for p in tif] == [0, 50, 100]


def test_unbelievable_dpi_is_replaced_by_an_a4_estimate(tmp_path: Path, settings) -> None:
    page = np.full((3508, 2480, 3), 255, np.uint8)
    page[1000:1100, 200:2000] = 0
    (loaded,) = load_pages(write(tmp_path / "a.png", png_bytes(page, dpi=72)), "png", settings)
    assert loaded.dpi_estimated and abs(loaded.dpi - 300) <= 2


def test_truncated_jpeg_png_tiff_are_rejected(tmp_path: Path, settings) -> None:
    page = text_page(400, 300, size=20)
    for name, kind, data in (
        ("t.jpg", "jpeg", jpeg_bytes(page)),
        ("t.png", "png", png_bytes(page)),
        ("t.tif", "tiff", tiff_bytes([page])),
    ):
        path = write(tmp_path / name, data[: len(data) // 2])
        assert _reason(path, kind, settings) == "truncated", name


def test_truncated_pdf_is_rejected(tmp_path: Path, settings) -> None:
    data = pdf_bytes(text_page(400, 300, size=20), dpi=100)
    path = write(tmp_path / "t.pdf", data[: len(data) // 2])
    assert _reason(path, "pdf", settings) == "truncated"


def test_encrypted_pdf_is_rejected(tmp_path: Path, settings) -> None:
    path = write(tmp_path / "e.pdf", encrypted_pdf_bytes(small_page()))
    assert _reason(path, "pdf", settings) == "encrypted_pdf"


def test_pixel_bomb_is_rejected_from_the_header(tmp_path: Path, settings) -> None:
    path = write(tmp_path / "bomb.png", png_bomb_bytes(100_000, 100_000))
    assert path.stat().st_size < 1000
    assert _reason(path, "png", settings) == "pixel_bomb"
    assert settings.max_pixels == Image.MAX_IMAGE_PIXELS  # Pillow's guard set to our limit


def test_pixel_limit_is_our_setting(tmp_path: Path, settings) -> None:
    tight = settings.model_copy(update={"max_pixels": 10_000})
    path = write(tmp_path / "p.png", png_bytes(small_page()))  # 32,000 pixels
    assert _reason(path, "png", tight) == "pixel_bomb"


def test_pdf_page_over_the_pixel_limit_is_rejected_before_rendering(
    tmp_path: Path, settings
) -> None:
    tight = settings.model_copy(update={"max_pixels": 1_000_000})
    path = write(tmp_path / "p.pdf", pdf_bytes(small_page(), dpi=20))  # 8 x 10 inches
    assert _reason(path, "pdf", tight) == "pixel_bomb"


def test_tiff_with_too_many_frames_is_rejected(tmp_path: Path, settings) -> None:
    capped = settings.model_copy(update={"max_pages": 3})
    path = write(tmp_path / "many.tif", tiff_bytes([small_page()] * 5))
    assert _reason(path, "tiff", capped) == "too_many_pages"


def test_blank_render_is_rejected(tmp_path: Path, settings) -> None:
    blank = np.full((300, 200, 3), 250, np.uint8)
    path = write(tmp_path / "blank.png", png_bytes(blank))
    assert _reason(path, "png", settings) == "blank_page"
    pdf = write(tmp_path / "blank.pdf", pdf_bytes(blank, dpi=100))
    assert _reason(pdf, "pdf", settings) == "blank_page"


def test_pdf_is_rasterized_at_least_at_the_setting_dpi(tmp_path: Path, settings) -> None:
    page = text_page(300, 400, size=12)  # 3 x 4 inches at 100 dpi
    path = write(tmp_path / "p.pdf", pdf_bytes(page, dpi=100))
    (loaded,) = load_pages(path, "pdf", settings)
    height, width = loaded.image.shape[:2]
    assert abs(width - 3 * settings.pdf_dpi) <= 2 and abs(height - 4 * settings.pdf_dpi) <= 2
    assert loaded.dpi == 100  # the capture resolution, for the quality checks


def test_pdf_of_a_fine_scan_renders_at_the_scan_resolution(tmp_path: Path, settings) -> None:
    page = text_page(1200, 1600, size=40)  # 3 x 4 inches at 400 dpi
    (loaded,) = load_pages(write(tmp_path / "p.pdf", pdf_bytes(page, dpi=400)), "pdf", settings)
    assert loaded.image.shape[1] == pytest.approx(1200, abs=2)
    assert loaded.dpi == 400


def test_is_blank_tells_marks_from_paper() -> None:
    assert is_blank(np.full((100, 100, 3), 255, np.uint8))
    noise = np.random.default_rng(0).integers(240, 256, (100, 100, 3), dtype=np.uint8)
    assert is_blank(noise)
    assert not is_blank(small_page())


def test_is_blank_sees_a_few_short_strokes_on_a_large_page_in_colour_and_grey() -> None:
    page = np.full((2000, 1600, 3), 250, np.uint8)
    assert is_blank(page) and is_blank(page[:, :, 0])
    for k in range(12):  # twelve short pen strokes, 2 px thick: about 0.1% of the page
        page[300 + 120 * k : 302 + 120 * k, 400:700] = (20, 20, 30)
    assert not is_blank(page)
    assert not is_blank(np.ascontiguousarray(page[:, :, 1]))
    assert is_blank(page[:0, :0])  # nothing to look at


def _exif_jpeg(path: Path, page: np.ndarray, orientation: int | None) -> Path:
    image = Image.fromarray(page)
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    image.save(path, "JPEG", quality=90, dpi=(300, 300), exif=exif.tobytes())
    return path


@pytest.mark.parametrize("orientation", [None, 1, 3, 6, 8])
def test_a_jpeg_is_turned_as_its_exif_says_and_only_then(tmp_path: Path, settings, orientation):
    page = text_page(1200, 1600, size=30)
    path = _exif_jpeg(tmp_path / "scan.jpg", page, orientation)
    with Image.open(path) as image:
        decoded = np.asarray(image.convert("RGB"))
    # orientation 3: turned 180; 6: the camera was turned 90 clockwise, so the
    # stored pixels are turned back 90 clockwise to stand upright (8: the other way).
    turn = {3: lambda a: np.rot90(a, 2), 6: lambda a: np.rot90(a, -1), 8: lambda a: np.rot90(a, 1)}
    expected = turn.get(orientation, lambda a: a)(decoded)
    (loaded,) = load_pages(path, "jpeg", settings)
    assert loaded.image.shape == expected.shape and np.array_equal(loaded.image, expected)
    assert loaded.image.flags.writeable and loaded.image.dtype == np.uint8


def test_grey_and_palette_pages_load_as_rgb(tmp_path: Path, settings) -> None:
    page = text_page(1200, 1600, size=30)
    grey = Image.fromarray(page).convert("L")
    grey.save(tmp_path / "grey.png", dpi=(300, 300))
    (loaded,) = load_pages(tmp_path / "grey.png", "png", settings)
    values = np.asarray(grey)
    assert loaded.image.shape == (*values.shape, 3)
    assert all(np.array_equal(loaded.image[:, :, c], values) for c in range(3))
    palette = Image.fromarray(page).convert("P")
    palette.save(tmp_path / "palette.png", dpi=(300, 300))
    (loaded,) = load_pages(tmp_path / "palette.png", "png", settings)
    assert np.array_equal(loaded.image, np.asarray(palette.convert("RGB")))
