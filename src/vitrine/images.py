"""Defensive image decoding: every failure becomes an ImageError naming the file and the reason.

Handles EXIF orientation, CMYK, 16-bit, palette, alpha and animated images (first frame);
rejects files that are not images whatever their name, truncated files, and decompression bombs
(a pixel limit checked from the header, before any pixel is decoded).
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from vitrine.errors import ImageError
from vitrine.fsutil import atomic_path, write_atomic

DEFAULT_MAX_PIXELS = 120_000_000
THUMBNAIL_SIZE = 256
_ALLOWED_FORMATS = {"JPEG", "PNG", "GIF", "TIFF", "WEBP", "BMP", "MPO", "JPEG2000"}

# Truncated files must fail, not decode half-grey.
ImageFile.LOAD_TRUNCATED_IMAGES = False
# Every decode here checks the header against the caller's pixel budget (`_check_header`) before
# any pixel is read; Pillow's own global limit would otherwise answer first, quoting its number
# (178,956,970 pixels) instead of the one the operator configured, and would refuse a budget set
# above it.
Image.MAX_IMAGE_PIXELS = None

# What a hostile file can make a Pillow plugin raise besides OSError: parsers index, unpack and
# divide by header fields they trust.
_DECODE_ERRORS = (
    OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError, KeyError, TypeError,
    ZeroDivisionError, OverflowError, MemoryError,
)
# Plugins asked to parse a file; MPO has no opener of its own (the JPEG one returns MPO images).
_OPEN_FORMATS = sorted(_ALLOWED_FORMATS - {"MPO"})
# Modes Image.reduce averages correctly and _to_rgb converts pixel by pixel only after seeing
# the whole image (it scales I and F by their range); others are converted band by band first.
_REDUCIBLE = {"L", "RGB", "I", "F"}
_BAND_PIXELS = 1 << 20
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_BOMB = "too many pixels, refused as a possible decompression bomb"
_NOT_AN_IMAGE = "not an image file (content not recognised, whatever the extension)"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Decoded:
    """A decoded image with what its header said."""

    image: Image.Image  # upright RGB, possibly reduced in draft mode
    size: tuple[int, int]  # the original size, upright
    thumbnail_is_source: bool  # a small upright JPEG: its own bytes serve as its thumbnail


def decode(
    data: bytes, source: str, *, max_pixels: int = DEFAULT_MAX_PIXELS, reduce_to: int | None = None,
    max_side: int | None = None,
) -> Image.Image:
    """Decode image bytes into an upright RGB image.

    Args:
        source: names the file in error messages.
        reduce_to: when set, JPEGs decode at the smallest scale still at least this many pixels
            on the short side (draft mode), which is several times faster for thumbnails.
        max_side: when set, the image comes back no larger than this on its long side, reduced
            while it decodes (JPEG draft mode) or right after, before any colour conversion: at
            most one full-size buffer, in the file's own mode, is ever held (see `_fit`).
    """
    with _decoding(source):
        image = _open(data, source, max_pixels)
        if max_side:
            return _fit(image, data, source, max_side)
        return _finish(image, source, reduce_to)


def decode_gray(
    data: bytes, source: str, *, max_side: int, max_pixels: int = DEFAULT_MAX_PIXELS,
) -> tuple[Image.Image, tuple[int, int]]:
    """Upright greyscale no larger than `max_side`, and the upright size of the original.

    What local features need, at the least cost: a JPEG decodes reduced (draft mode) and its luma
    only, with no colour conversion; anything else decodes as `decode` does, then to grey.
    """
    with _decoding(source):
        image = _open(data, source, max_pixels)
        w, h = image.size
        orientation = _orientation(image)
        size = (h, w) if orientation in (5, 6, 7, 8) else (w, h)
        if image.format != "JPEG" or image.mode not in ("L", "RGB"):
            return decode(data, source, max_pixels=max_pixels, max_side=max_side).convert("L"), size
        if max(w, h) >= 2 * max_side:
            scale = max(w, h) / max_side
            image.draft("L", (max(1, math.ceil(w / scale)), max(1, math.ceil(h / scale))))
        gray = image.convert("L")
        if max(gray.size) > max_side:
            gray.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
        return _upright(gray, orientation), size


def decode_for_index(
    data: bytes, source: str, *, embed_size: int, thumb_size: int = THUMBNAIL_SIZE,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> Decoded:
    """Decode once for indexing: header facts, and pixels no larger than embedding and thumbnail need.

    A JPEG that already fits the thumbnail box needs no thumbnail made from its pixels, so it
    decodes straight at the embedder's size (draft mode), several times faster.
    """
    with _decoding(source):
        image = _open(data, source, max_pixels)
        w, h = image.size
        orientation = image.getexif().get(0x0112, 1)
        size = (h, w) if orientation in (5, 6, 7, 8) else (w, h)
        own_thumbnail = (
            image.format == "JPEG" and max(w, h) <= thumb_size and image.mode in ("RGB", "L")
            and orientation == 1)
        reduce_to = embed_size if own_thumbnail else max(embed_size, thumb_size)
        return Decoded(_finish(image, source, reduce_to), size, own_thumbnail)


def _open(data: bytes, source: str, max_pixels: int) -> ImageFile.ImageFile:
    """Parse the header only (no pixels yet) and refuse what must not be decoded."""
    if not data:
        raise ImageError(source, "the file is empty")
    # Only the accepted formats are even parsed: less exposed code (EPS would run Ghostscript).
    image = Image.open(io.BytesIO(data), formats=_OPEN_FORMATS)
    _check_header(image, source, max_pixels)
    return image


def _finish(image: ImageFile.ImageFile, source: str, reduce_to: int | None) -> Image.Image:
    if reduce_to and image.format == "JPEG":
        scale = min(image.size) / reduce_to
        if scale >= 2:
            w, h = image.size
            image.draft("RGB", (max(1, int(w / scale)), max(1, int(h / scale))))
    image.load()
    return _to_rgb(ImageOps.exif_transpose(image) or image, source)


def _fit(image: ImageFile.ImageFile, data: bytes, source: str, max_side: int) -> Image.Image:
    # A 6300x6300 PNG is 159 MB as Pillow's RGB (4 bytes a pixel); converting, transposing and
    # resizing it whole would each make another such copy. Formats without draft mode must decode
    # at full size once, but everything after happens on the reduced image.
    w, h = image.size
    still = image.format == "WEBP" and image.mode == "RGB" and not getattr(image, "is_animated", False)
    if still and max(w, h) // max_side >= 2:
        return _upright(_fit_opencv(data, source, max(w, h) // max_side, max_side), _orientation(image))
    if image.format == "JPEG" and max(w, h) >= 2 * max_side:
        scale = max(w, h) / max_side
        image.draft("RGB", (max(1, math.ceil(w / scale)), max(1, math.ceil(h / scale))))
    image.load()
    orientation = _orientation(image)
    factor = max(image.size) // max_side
    if factor >= 2:
        reduced = _reduce(image, source, factor)
        image.close()  # frees the full-size pixels now, not when the caller's frame ends
    else:
        reduced = image
    fitted = _upright(_to_rgb(reduced, source), orientation)
    if max(fitted.size) > max_side:
        fitted.thumbnail((max_side, max_side), Image.Resampling.BICUBIC)
    return fitted


def _fit_opencv(data: bytes, source: str, factor: int, max_side: int) -> Image.Image:
    """An opaque still WebP through OpenCV: Pillow's WebP decoder holds three full-size copies
    (at 6300x6300, 608 MB at peak against 151 MB here). Not PNG: there OpenCV saves nothing."""
    import cv2

    flag = {2: cv2.IMREAD_REDUCED_COLOR_2, 4: cv2.IMREAD_REDUCED_COLOR_4}.get(
        min(4, 1 << (factor.bit_length() - 1)), cv2.IMREAD_REDUCED_COLOR_8)
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), flag | cv2.IMREAD_IGNORE_ORIENTATION)
    if pixels is None:
        raise ImageError(source, "corrupt or truncated image data")
    image = Image.fromarray(cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB), "RGB")
    image.thumbnail((max_side, max_side), Image.Resampling.BICUBIC)
    return image


def _orientation(image: Image.Image) -> int:
    value = image.getexif().get(0x0112, 1)
    return value if isinstance(value, int) else 1


def _reduce(image: Image.Image, source: str, factor: int) -> Image.Image:
    """`image` shrunk by a whole `factor` (box filter), band by band of rows: a mode that cannot be
    box-averaged as it is (palette, 1-bit, 16-bit, alpha, CMYK) is converted one band at a time."""
    w, h = image.size
    # bands a multiple of `factor` high, so the boxes fall where a reduction of the whole would put them
    step = factor * max(1, _BAND_PIXELS // (w * factor))
    bands = []
    for top in range(0, h, step):
        band = image.crop((0, top, w, min(h, top + step)))
        bands.append((band if band.mode in _REDUCIBLE else _to_rgb(band, source)).reduce(factor))
    out = Image.new(bands[0].mode, (math.ceil(w / factor), math.ceil(h / factor)))
    for i, small in enumerate(bands):
        out.paste(small, (0, i * step // factor))
    return out


def _upright(image: Image.Image, orientation: int) -> Image.Image:
    """`image` turned as its EXIF orientation says (what ImageOps.exif_transpose does, for an image
    that no longer carries the EXIF block)."""
    method = _TRANSPOSE.get(orientation)
    return image if method is None else image.transpose(method)


@contextmanager
def _decoding(source: str) -> Iterator[None]:
    """Turn whatever a hostile file makes Pillow raise into an ImageError naming the file."""
    try:
        with warnings.catch_warnings():
            # Our own limit (checked from the header) replaces Pillow's lower warning threshold;
            # Pillow still raises DecompressionBombError past twice its own limit.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
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
    """A copy that fits in a size x size box (box-reduced first, then bicubic: fast and clean)."""
    thumb = image.copy()
    thumb.thumbnail((size, size), Image.Resampling.BICUBIC, reducing_gap=2.0)
    return thumb


def write_thumbnail(
    decoded: Decoded, data: bytes, dest: Path, size: int = THUMBNAIL_SIZE,
) -> Image.Image | None:
    """Write the thumbnail of a decoded image and return it; a small upright JPEG source is
    copied as it is (and None returned: the decoded image is already that small)."""
    _ensure_parent(dest)
    if decoded.thumbnail_is_source:
        write_atomic(dest, data)
        return None
    thumb = thumbnail(decoded.image, size)
    save_jpeg(thumb, dest)
    return thumb


def _ensure_parent(path: Path) -> None:
    # A stat is much cheaper than mkdir(exist_ok=True), which fails inside the kernel every time.
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)


def save_jpeg(image: Image.Image, dest: Path, quality: int = 85) -> None:
    """Write a JPEG atomically (temp file, then rename); no metadata is kept."""
    _ensure_parent(dest)
    with atomic_path(dest) as tmp:
        image.save(tmp, "JPEG", quality=quality, optimize=True)


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
