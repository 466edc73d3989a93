"""Defensive decoding: hostile files are decoded correctly or refused with a reason naming the file."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from vitrine.errors import ImageError
from vitrine.images import decode, original_size, read_image, save_jpeg, thumbnail

try:
    from tests.imagegen import BLUE, RED, WHITE, draw_picture, hostile_files, make_images, png_bytes
except ModuleNotFoundError:
    from imagegen import (  # type: ignore[no-redef]
        BLUE,
        RED,
        WHITE,
        draw_picture,
        hostile_files,
        make_images,
        png_bytes,
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return hostile_files(tmp_path_factory.mktemp("hostile"))


REFUSED = {
    "bomb_header.png": "decompression bomb",
    "bomb_real.png": "decompression bomb",
    "huge_header.jpg": "decompression bomb",
    "truncated.jpg": "truncated",
    "text.jpg": "not an image file",
    "empty.jpg": "empty",
    "zero.png": "empty",
}


@pytest.mark.parametrize(("name", "reason"), sorted(REFUSED.items()))
def test_hostile_file_is_refused_with_file_and_reason(
    hostile: dict[str, Path], name: str, reason: str,
) -> None:
    with pytest.raises(ImageError) as caught:
        read_image(hostile[name])
    assert caught.value.source == str(hostile[name])
    assert name in str(caught.value)
    assert reason in caught.value.reason


def test_the_bomb_message_quotes_the_configured_limit(hostile: dict[str, Path]) -> None:
    for name in ("bomb_header.png", "huge_header.jpg"):
        with pytest.raises(ImageError) as caught:
            read_image(hostile[name], max_pixels=1_234_567)
        assert "over the limit of 1,234,567" in caught.value.reason
        assert "178,956,970" not in str(caught.value) and "178956970" not in str(caught.value)


def pixel(image: Image.Image, x: int, y: int) -> tuple[int, ...]:
    return tuple(int(v) for v in np.asarray(image)[y, x])


def close(a: tuple[int, ...], b: tuple[int, ...], tol: int = 6) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def test_cmyk_tiff_decodes_to_rgb(hostile: dict[str, Path]) -> None:
    image, _ = read_image(hostile["cmyk.tif"])
    assert image.mode == "RGB" and image.size == (32, 16)
    assert pixel(image, 2, 2) == (0, 255, 255)  # cyan
    assert pixel(image, 30, 14) == (255, 0, 255)  # magenta


def test_16_bit_png_keeps_its_full_range(hostile: dict[str, Path]) -> None:
    image, _ = read_image(hostile["gray16.png"])
    assert image.mode == "RGB" and image.size == (64, 8)
    row = np.asarray(image)[4, :, 0].astype(int)
    assert row[0] == 0 and row[-1] == 255
    assert abs(row[32] - 129) <= 2  # a ramp, not clipped to white by a naive 16 -> 8 bit cast
    assert np.all(np.diff(row) >= 0)


def test_animated_gif_gives_its_first_frame(hostile: dict[str, Path]) -> None:
    image, _ = read_image(hostile["animated.gif"])
    assert image.mode == "RGB" and image.size == (16, 16)
    assert pixel(image, 8, 8) == RED


def test_palette_transparency_is_composited_on_white(hostile: dict[str, Path]) -> None:
    image, _ = read_image(hostile["palette_alpha.png"])
    assert image.mode == "RGB"
    assert pixel(image, 1, 1) == WHITE and pixel(image, 14, 6) == RED


def test_rgba_is_composited_on_white(hostile: dict[str, Path]) -> None:
    image, _ = read_image(hostile["rgba.png"])
    assert image.mode == "RGB"
    assert pixel(image, 1, 1) == WHITE and pixel(image, 14, 6) == BLUE


def test_exif_orientation_is_applied(hostile: dict[str, Path]) -> None:
    image, _ = read_image(hostile["exif_rotated.jpg"])
    assert image.size == (20, 40)
    assert close(pixel(image, 10, 3), RED) and close(pixel(image, 10, 36), BLUE)
    assert original_size(hostile["exif_rotated.jpg"].read_bytes()) == (20, 40)


def test_own_pixel_limit_is_checked_from_the_header() -> None:
    data = png_bytes(2000, 1000, 8, 0)
    with pytest.raises(ImageError, match=r"2000x1000 = 2,000,000 pixels is over the limit of 1,000,000"):
        decode(data, "big.png", max_pixels=1_000_000)
    assert decode(data, "big.png", max_pixels=2_000_000).size == (2000, 1000)


def test_missing_file_is_an_image_error(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="cannot read the file"):
        read_image(tmp_path / "absent.jpg")


def test_png_with_a_broken_checksum_is_refused() -> None:
    data = bytearray(png_bytes(8, 8, 8, 2))
    data[-20] ^= 0xFF  # inside the IDAT chunk: its CRC no longer matches
    with pytest.raises(ImageError, match="corrupt"):
        decode(bytes(data), "crc.png")


def test_read_image_returns_the_file_checksum(tmp_path: Path) -> None:
    import hashlib

    (path,) = make_images(tmp_path, 1, seed=3)
    image, digest = read_image(path)
    assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    assert np.array_equal(np.asarray(image), np.asarray(draw_picture(3 * 100_003)))


def test_draft_mode_reduces_jpegs_but_not_below_the_target(tmp_path: Path) -> None:
    (path,) = make_images(tmp_path, 1, seed=1, size=(800, 600), ext="jpg")
    full, _ = read_image(path)
    reduced, _ = read_image(path, reduce_to=100)
    assert full.size == (800, 600)
    assert min(reduced.size) >= 100 and reduced.size[0] < 800


def test_thumbnail_and_atomic_jpeg_save(tmp_path: Path) -> None:
    thumb = thumbnail(draw_picture(5, (600, 300)), size=128)
    assert thumb.size == (128, 64)
    dest = tmp_path / "thumbs" / "a.jpg"
    save_jpeg(thumb, dest)
    with Image.open(dest) as saved:
        assert saved.size == (128, 64)
    assert not list(dest.parent.glob("*.tmp"))


def test_make_images_is_seeded_and_distinct(tmp_path: Path) -> None:
    a = make_images(tmp_path / "a", 3, seed=7)
    b = make_images(tmp_path / "b", 3, seed=7)
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]
    assert len({p.read_bytes() for p in a}) == 3


def test_formats_outside_the_allowed_list_are_not_parsed() -> None:
    ppm = b"P6\n2 2\n255\n" + bytes(12)
    with pytest.raises(ImageError, match="not an image file"):
        decode(ppm, "picture.ppm")


def test_original_size_refuses_non_images_with_an_image_error() -> None:
    with pytest.raises(ImageError, match="not an image file"):
        original_size(b"hello", "hello.jpg")
