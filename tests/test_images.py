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


def test_decode_gray_reduces_a_jpeg_while_decoding_and_keeps_it_upright(hostile: dict[str, Path]) -> None:
    import io

    from vitrine.images import decode_gray

    grey, size = decode_gray(hostile["exif_rotated.jpg"].read_bytes(), "r.jpg", max_side=64)
    assert grey.mode == "L" and grey.size == size == (20, 40)
    buffer = io.BytesIO()
    Image.new("RGB", (1800, 1350), (200, 40, 40)).save(buffer, "JPEG")
    grey, size = decode_gray(buffer.getvalue(), "big.jpg", max_side=640)
    assert size == (1800, 1350) and grey.size == (640, 480) and grey.mode == "L"
    png = io.BytesIO()
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(png, "PNG")
    grey, size = decode_gray(png.getvalue(), "a.png", max_side=150)
    assert grey.size == (150, 100) and size == (300, 200) and grey.getpixel((5, 5)) == 255  # on white


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


_PEAK = """
import sys
from pathlib import Path
from vitrine.images import decode
data = Path(sys.argv[1]).read_bytes()
def status(key):
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(key))
    return int(line.split()[1])
Path("/proc/self/clear_refs").write_text("5")
rest = status("VmRSS")
image = decode(data, "x", max_pixels=40_000_000, max_side=int(sys.argv[2]) or None)
print(image.size[0], image.size[1], status("VmHWM") - rest)
"""


def _decode_peak(path: Path, max_side: int) -> tuple[tuple[int, int], int]:
    import os
    import subprocess
    import sys

    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "131072"}
    out = subprocess.run([sys.executable, "-c", _PEAK, str(path), str(max_side)], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    return (int(out[0]), int(out[1])), int(out[2])


@pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(), reason="peak RSS is read from /proc (Linux)")
def test_a_huge_compressible_png_decodes_within_the_side_at_a_fraction_of_the_memory(tmp_path: Path) -> None:
    # Pillow allocates pixels outside Python's allocator, where tracemalloc cannot see them: the
    # peak RSS of a fresh process per decode is measured instead, both in this test. A PNG has no
    # reduced decoding, so one full-size buffer (4 bytes a pixel) is the floor; the full decode
    # holds two (the pixels and their upright copy), as the routes did before, and then more.
    from vitrine.bench.uploads import compressible_png

    path = tmp_path / "huge.png"
    path.write_bytes(compressible_png(6300))
    full_size, full_peak = _decode_peak(path, 0)
    size, peak = _decode_peak(path, 1024)
    assert full_size == (6300, 6300) and max(size) == 1024
    assert peak < 0.6 * full_peak


def _in_mode(mode: str) -> Image.Image:
    base = draw_picture(11, (1300, 700))
    rgba = base.convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize(base.size))
    if mode == "RGBA":
        return rgba
    if mode == "I;16":
        return Image.fromarray(np.asarray(base.convert("L"), np.uint16) * 257)
    return base.convert(mode)


@pytest.mark.parametrize("mode", ["RGB", "L", "P", "RGBA", "I;16", "1", "CMYK"])
def test_a_reduced_decode_looks_like_the_full_decode_made_smaller(mode: str) -> None:
    image = _in_mode(mode)
    data = _encode(image, "PNG") if mode != "CMYK" else _jpeg(image)
    full = thumbnail(decode(data, "x"), 200)
    reduced = decode(data, "x", max_side=200)
    assert reduced.mode == "RGB" and reduced.size == full.size == (200, 108)
    difference = np.abs(np.asarray(reduced, np.int16) - np.asarray(full, np.int16)).mean()
    assert difference < (40 if mode == "1" else 6)


def test_a_reduced_decode_is_upright_and_small_webps_and_jpegs_fit_too() -> None:
    wide = draw_picture(12, (2400, 1200))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: shown upright it is tall
    for data in (_jpeg(wide, exif=exif), _encode(wide, "WEBP", exif=exif), _encode(wide, "PNG")):
        image = decode(data, "x", max_side=300)
        assert max(image.size) == 300
    assert decode(_jpeg(wide, exif=exif), "x", max_side=300).size == (150, 300)
    assert decode(_encode(wide, "WEBP", exif=exif), "x", max_side=300).size == (150, 300)
    assert decode(_encode(draw_picture(1, (100, 80)), "PNG"), "x", max_side=300).size == (100, 80)


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    import io

    buf = io.BytesIO()
    image.save(buf, fmt, **params)
    return buf.getvalue()


def _jpeg(image: Image.Image, **params: object) -> bytes:
    return _encode(image, "JPEG", quality=92, **params)
