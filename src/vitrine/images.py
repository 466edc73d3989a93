"""Defensive image decoding: every failure becomes an ImageError naming the file and the reason.

Handles EXIF orientation, CMYK, 16-bit, palette, alpha and animated images (first frame);
rejects files that are not images whatever their name, truncated files, and decompression bombs
(a pixel limit checked from the header, before any pixel is decoded).
"""

from __future__ import annotations

import hashlib
import io
import struct
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from vitrine.errors import ImageError

DEFAULT_MAX_PIXELS = 120_000_000
THUMBNAIL_SIZE = 256
_ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "TIFF", "WEBP", "BMP", "MPO", "JPEG2000"}

# Truncated files must fail, not decode half-grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False

# What a hostile file can make a Pillow plugin raise besides OSError: parsers index, unpack and
# divide by header fields they trust.
_DECODE_ERRORS = (
    OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, KeyError, TypeError,
    ZeroDivisionError, OverflowError, MemoryError,
)
# Plugins asked to parse a file; MPO has no opener of its own (the JPEG one returns MPO images).
_OPEN_FORMATS = sorted(_ALLOWED_FORMATS - {"MPO"})
_BOMB = "too many pixels, refused as a possible decompression bomb"
_NOT_AN_IMAGE = "not an image file (content not recognised, whatever the extension)"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(
    data: bytes, source: str, *, max_pixels: int = DEFAULT_MAX_PIXELS, reduce_to: int | None = None,
) -> Image.Image:
    """Decode image bytes into an upright RGB image.

    Args:
        source: names the file in error messages.
        reduce_to: when set, JPEGs decode at the smallest scale still at least this many pixels
            on the short side (draft mode), which is several times faster for thumbnails.
    """
    if not data:
        raise ImageError(source, "the file is empty")
    try:
        with warnings.catch_warnings():
            # Our own limit (checked from the header below) replaces Pillow's warning threshold;
            # Pillow still raises DecompressionBombError past twice its own limit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            # Only the accepted formats are even parsed: less exposed code (EPS would run Ghostscript).
            image = Image.open(io.BytesIO(data), formats=_OPEN_FORMATS)
            _check_header(image, source, max_pixels)
            if reduce_to and image.format == "JPEG":
                scale = min(image.size) / reduce_to
                if scale >= 2:
                    w, h = image.size
                    image.draft("RGB", (max(1, int(w / scale)), max(1, int(h / scale))))
            image.load()
            return _to_rgb(ImageOps.exif_transpose(image) or image, source)
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(source, f"{_BOMB} ({exc})") from None
    except UnidentifiedImageError:
        raise ImageError(source, _NOT_AN_IMAGE) from None
    except MemoryError:
        raise ImageError(source, "not enough memory to decode it") from None
    except _DECODE_ERRORS as exc:
        raise ImageError(source, f"corrupt or truncated image data ({exc or type(exc).__name__})") from None


def read_image(
    path: Path, *, max_pixels: int = DEFAULT_MAX_PIXELS, reduce_to: int | None = None,
) -> tuple[Image.Image, str]:
    """Decode an image file; returns the image and the file's sha256."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageError(str(path), f"cannot read the file ({exc.strerror or exc})") from None
    return decode(data, str(path), max_pixels=max_pixels, reduce_to=reduce_to), sha256_bytes(data)


def original_size(data: bytes, source: str = "image") -> tuple[int, int]:
    """Pixel size from the header alone, after EXIF orientation; ImageError when unreadable."""
    try:
        with Image.open(io.BytesIO(data), formats=_OPEN_FORMATS) as image:
            w, h = image.size
            orientation = image.getexif().get(0x0112, 1)
    except UnidentifiedImageError:
        raise ImageError(source, _NOT_AN_IMAGE) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(source, f"{_BOMB} ({exc})") from None
    except _DECODE_ERRORS as exc:
        raise ImageError(source, f"unreadable image header ({exc or type(exc).__name__})") from None
    return (h, w) if orientation in (5, 6, 7, 8) else (w, h)


def thumbnail(image: Image.Image, size: int = THUMBNAIL_SIZE) -> Image.Image:
    """A copy that fits in a size x size box."""
    thumb = image.copy()
    thumb.thumbnail((size, size), Image.Resampling.LANCZOS, reducing_gap=2.0)
    return thumb


def write_thumbnail(image: Image.Image, data: bytes, dest: Path, size: int = THUMBNAIL_SIZE) -> None:
    """Write the thumbnail of a decoded image; a small upright JPEG source is copied as it is."""
    if _is_small_plain_jpeg(data, size):
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(dest)
        return
    save_jpeg(thumbnail(image, size), dest)


def _is_small_plain_jpeg(data: bytes, size: int) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            return (
                probe.format == "JPEG" and max(probe.size) <= size and probe.mode in ("RGB", "L")
                and probe.getexif().get(0x0112, 1) == 1)
    except (OSError, SyntaxError, ValueError):
        return False


def save_jpeg(image: Image.Image, dest: Path, quality: int = 85) -> None:
    """Write a JPEG atomically (temp file, then rename); no metadata is kept."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    image.save(tmp, "JPEG", quality=quality, optimize=True)
    tmp.replace(dest)


def _check_header(image: Image.Image, source: str, max_pixels: int) -> None:
    if image.format not in _ALLOWED_FORMATS:
        raise ImageError(source, f"image format {image.format} is not accepted")
    w, h = image.size
    if w <= 0 or h <= 0:
        raise ImageError(source, f"invalid image size {w}x{h}")
    if w * h > max_pixels:
        raise ImageError(
            source, f"{w}x{h} = {w * h:,} pixels is over the limit of {max_pixels:,}"
            " (refused as a possible decompression bomb)")


def _to_rgb(image: Image.Image, source: str) -> Image.Image:
    """RGB of any mode: alpha composited on white, 16-bit scaled down, CMYK converted."""
    mode = image.mode
    if mode == "RGB":
        return image
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        arr = np.asarray(image, dtype=np.float64)
        top = 65535.0 if mode.startswith("I;16") or arr.max() > 255 else 255.0
        arr = np.clip(arr / top * 255.0, 0, 255).astype(np.uint8)
        return Image.fromarray(arr, "L").convert("RGB")
    if mode == "F":
        arr = np.asarray(image, dtype=np.float64)
        lo, hi = float(np.nanmin(arr)), float(np.nanmax(arr))
        arr = (arr - lo) / max(hi - lo, 1e-12) * 255.0
        return Image.fromarray(np.nan_to_num(arr).astype(np.uint8), "L").convert("RGB")
    if mode == "P" and "transparency" in image.info:
        image = image.convert("RGBA")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    try:
        return image.convert("RGB")
    except (ValueError, OSError) as exc:
        raise ImageError(source, f"cannot convert colour mode {mode} to RGB ({exc})") from None
