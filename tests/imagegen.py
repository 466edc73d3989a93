"""Seeded synthetic images and hostile image files, drawn in code for tests.

`make_images(folder, n, seed)` writes distinct, reproducible pictures; `hostile_files(folder)`
writes files a decoder must either handle correctly or refuse cleanly (bombs, truncation,
impostors, odd colour modes). Import from any test: ``from imagegen import make_images``
(tests/ is on sys.path) or ``from tests.imagegen import ...``.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

# Colours the hostile files use, so tests can assert decoded pixels.
RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def draw_picture(seed: int, size: tuple[int, int] = (96, 64)) -> Image.Image:
    """A seeded RGB picture: a background gradient, rectangles and ellipses; distinct per seed."""
    rng = np.random.default_rng(seed)
    w, h = size
    base = rng.integers(0, 256, size=3)
    ramp = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    pixels = (base * (0.5 + 0.5 * ramp)).astype(np.uint8)
    image = Image.fromarray(np.broadcast_to(pixels, (h, w, 3)).copy(), "RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(int(rng.integers(3, 7))):
        x0, x1 = sorted(int(v) for v in rng.integers(0, w, 2))
        y0, y1 = sorted(int(v) for v in rng.integers(0, h, 2))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape([x0, y0, x1 + 1, y1 + 1], fill=colour)
    return image


def make_images(
    folder: Path, n: int, seed: int = 0, *, size: tuple[int, int] = (96, 64), ext: str = "png",
    prefix: str = "img",
) -> list[Path]:
    """Write `n` seeded pictures as folder/<prefix>0000.<ext>...; returns their paths in order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / f"{prefix}{i:04d}.{ext}"
        image = draw_picture(seed * 100_003 + i, size)
        image.save(path, quality=90) if ext.lower() in ("jpg", "jpeg") else image.save(path)
        paths.append(path)
    return paths


# -- raw PNG writing (for headers PIL would refuse to write) -----------------------------------

def png_bytes(width: int, height: int, bit_depth: int, colour_type: int, raw: bytes | None = None,
              *, level: int = 9) -> bytes:
    """A PNG with the given header; `raw` is the filtered scanline data (all zero when None)."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    if raw is None:
        row = 1 + (width * channels * bit_depth + 7) // 8
        compressor = zlib.compressobj(level)
        zero_row = bytes(row)
        parts = [compressor.compress(zero_row) for _ in range(height)]
        data = b"".join(parts) + compressor.flush()
    else:
        data = zlib.compress(raw, level)
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _jpeg(image: Image.Image, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, **params)
    return out.getvalue()


def _patch_jpeg_size(data: bytes, width: int, height: int) -> bytes:
    """Rewrite the frame header (SOF0/SOF2) of a JPEG to claim another size."""
    for marker in (b"\xff\xc0", b"\xff\xc2"):
        at = data.find(marker)
        if at >= 0:
            return data[: at + 5] + struct.pack(">HH", height, width) + data[at + 9:]
    raise ValueError("no SOF marker")


# -- hostile files ---------------------------------------------------------------------------

def gray16_array() -> np.ndarray:
    """The 16-bit grey ramp written to gray16.png: 0 at the left, 65535 at the right, 64x8."""
    return np.tile(np.linspace(0, 65535, 64).astype(np.uint16), (8, 1))


def hostile_files(folder: Path) -> dict[str, Path]:
    """Write every hostile file into `folder`; returns name -> path.

    Refused ones: bomb_header.png (50000x50000 claimed, a few bytes of data), bomb_real.png (a
    valid 20000x20000 PNG of ~60 kB), huge_header.jpg, truncated.jpg, text.jpg, empty.jpg,
    zero.png. Decodable ones: cmyk.tif (left half cyan, right half magenta), gray16.png (see
    `gray16_array`), animated.gif (frames red, green, blue), palette_alpha.png (left half
    transparent, right half red), rgba.png (left half transparent, right half blue), and
    exif_rotated.jpg (stored 40x20 with orientation 6: upright it is 20x40, red on top).
    """
    folder.mkdir(parents=True, exist_ok=True)
    writers = {
        "bomb_header.png": lambda: png_bytes(50_000, 50_000, 8, 2, raw=b"\x00" * 16),
        "bomb_real.png": lambda: png_bytes(20_000, 20_000, 1, 0),
        "huge_header.jpg": lambda: _patch_jpeg_size(_jpeg(draw_picture(1)), 60_000, 60_000),
        "truncated.jpg": lambda: (lambda d: d[: len(d) // 2])(_jpeg(draw_picture(2, (256, 256)))),
        "text.jpg": lambda: b"This is not a picture.\nJust some text with a .jpg name.\n",
        "empty.jpg": lambda: b"",
        "zero.png": lambda: b"",
        "cmyk.tif": _cmyk_tiff,
        "gray16.png": _gray16_png,
        "animated.gif": _animated_gif,
        "palette_alpha.png": _palette_alpha_png,
        "rgba.png": _rgba_png,
        "exif_rotated.jpg": _exif_rotated_jpeg,
    }
    paths = {}
    for name, write in writers.items():
        path = folder / name
        path.write_bytes(write())
        paths[name] = path
    return paths


def _save(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def _halves(mode: str, size: tuple[int, int], left: object, right: object) -> Image.Image:
    image = Image.new(mode, size, left)  # type: ignore[arg-type]
    ImageDraw.Draw(image).rectangle([size[0] // 2, 0, size[0], size[1]], fill=right)  # type: ignore[arg-type]
    return image


def _cmyk_tiff() -> bytes:
    return _save(_halves("CMYK", (32, 16), (255, 0, 0, 0), (0, 255, 0, 0)), "TIFF")


def _gray16_png() -> bytes:
    return _save(Image.fromarray(gray16_array()), "PNG")


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", (16, 16), c) for c in (RED, GREEN, BLUE)]
    return _save(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def _palette_alpha_png() -> bytes:
    image = Image.new("P", (16, 8), 0)
    image.putpalette([0, 0, 0, *RED] + [0] * (256 - 2) * 3)
    ImageDraw.Draw(image).rectangle([8, 0, 16, 8], fill=1)
    return _save(image, "PNG", transparency=0)


def _rgba_png() -> bytes:
    return _save(_halves("RGBA", (16, 8), (0, 0, 0, 0), (*BLUE, 255)), "PNG")


def _exif_rotated_jpeg() -> bytes:
    # Stored landscape 40x20: red on the left, blue on the right. Orientation 6 says "rotate 90°
    # clockwise to display", so upright it is portrait 20x40 with red on top.
    image = _halves("RGB", (40, 20), RED, BLUE)
    exif = Image.Exif()
    exif[0x0112] = 6
    return _jpeg(image, exif=exif.tobytes())
