"""What protects the web app: upload limits, content sniffing, safe decoding, rate limits.

Uploads are read into memory only (the multipart parser is told never to spool to disk), with a
size limit enforced while the body streams in, so a refused or unconsented photo leaves nothing
behind. Image type is sniffed from the bytes, never from the name or the declared type.
"""

from __future__ import annotations

import io
import threading
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field

from PIL import Image
from starlette.datastructures import UploadFile
from starlette.formparsers import FormParser, MultiPartException, MultiPartParser
from starlette.requests import Request

from vitrine.ask.limits import Buckets
from vitrine.catalog.accounts import LoginFailures
from vitrine.errors import ImageError
from vitrine.images import decode

_FIELD_LIMIT = 64 * 1024
_FORM_OVERHEAD = 256 * 1024
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)


class WebError(Exception):
    """An error with an HTTP status and a machine code, rendered as HTML or JSON."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass
class UploadForm:
    """A parsed multipart form: text fields, and the bytes of the one file part (if any)."""

    fields: dict[str, str] = field(default_factory=dict)
    file: bytes | None = None

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)


async def read_form(
    request: Request, max_bytes: int, *, photo: bool = True, field_limit: int = _FIELD_LIMIT,
) -> UploadForm:
    """Parse a multipart (or urlencoded) form into memory, refusing bodies over `max_bytes`.

    `photo=False` for forms of fields only (consent, a removal token): an empty body is an empty
    form there, and a refusal speaks of the form rather than of a photo. `field_limit`: the
    longest text field (a sealed photo is one).
    """
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        if content_type.startswith("application/x-www-form-urlencoded"):
            return await _read_urlencoded(request, max_bytes, field_limit)
        if not photo and not content_type and request.headers.get("content-length", "0") == "0":
            return UploadForm()
        raise WebError(415, "unsupported_media_type", "send the photo as multipart/form-data" if photo
                       else "send the form as application/x-www-form-urlencoded or multipart/form-data")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + _FORM_OVERHEAD:
        raise too_large(max_bytes)
    parser = MultiPartParser(
        request.headers, _limited(request, max_bytes + _FORM_OVERHEAD),
        max_files=1, max_fields=40, max_part_size=field_limit)
    parser.spool_max_size = max_bytes + _FORM_OVERHEAD + 1  # stay in memory, never roll to disk
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise WebError(422, "bad_form", f"the form could not be read: {exc.message}") from None
    out = UploadForm()
    try:
        for name, value in form.multi_items():
            if isinstance(value, UploadFile):
                data = await value.read()
                if data:
                    out.file = data
            else:
                out.fields[name] = value
    finally:
        await form.close()
    if out.file is not None and len(out.file) > max_bytes:
        raise too_large(max_bytes)
    return out


async def _read_urlencoded(request: Request, max_bytes: int, field_limit: int) -> UploadForm:
    parser = FormParser(request.headers, _limited(request, max_bytes + _FORM_OVERHEAD),
                        max_fields=40, max_part_size=field_limit)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise WebError(422, "bad_form", f"the form could not be read: {exc.message}") from None
    return UploadForm(fields={k: v for k, v in form.items() if isinstance(v, str)})


async def _limited(request: Request, limit: int) -> AsyncGenerator[bytes, None]:
    seen = 0
    async for chunk in request.stream():
        seen += len(chunk)
        if seen > limit:
            raise too_large(limit - _FORM_OVERHEAD)
        yield chunk


def too_large(max_bytes: int) -> WebError:
    return WebError(413, "too_large", f"the file is larger than the limit of {max_bytes / 1e6:.1f} MB")


def sniff(data: bytes) -> str | None:
    """The image type from the first bytes, or None when they are not an accepted image."""
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def decode_upload(data: bytes | None, *, max_pixels: int, max_side: int | None = None) -> Image.Image:
    """Decode an uploaded photo safely (within `max_side` when given); every refusal is a
    WebError with a clear message."""
    if not data:
        raise WebError(422, "no_photo", "no photo was sent: choose a file or take a photo")
    if sniff(data) is None:
        raise WebError(
            415, "not_an_image", "this file is not a JPEG, PNG, GIF, WebP, BMP or TIFF image")
    _check_pixels(data, max_pixels)
    try:
        return decode(data, "your photo", max_pixels=max_pixels, max_side=max_side)
    except ImageError as exc:
        if "bomb" in exc.reason:
            raise WebError(413, "too_many_pixels", str(exc)) from None
        raise WebError(422, "bad_image", f"the image could not be read: {exc.reason}") from None


def _check_pixels(data: bytes, max_pixels: int) -> None:
    try:
        with Image.open(io.BytesIO(data)) as image:
            w, h = image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return  # decode() explains what is wrong
    if w * h > max_pixels:
        raise WebError(
            413, "too_many_pixels",
            f"the photo is {w}x{h} pixels, over the limit of {max_pixels:,}; send a smaller one")


def clean_jpeg(image: Image.Image, max_side: int = 1280, quality: int = 85) -> bytes:
    """Re-encode a photo as a JPEG with no metadata at all (EXIF, GPS, comments are dropped)."""
    clean = image.convert("RGB")
    if max(clean.size) > max_side:
        clean = clean.copy()
        clean.thumbnail((max_side, max_side), Image.Resampling.BILINEAR, reducing_gap=2.0)
    clean.info = {}  # nothing of the original's metadata travels on
    buf = io.BytesIO()
    clean.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


class RateLimiter(Buckets):
    """A token bucket per client address: `per_minute` requests, refilled continuously."""

    def __init__(self, per_minute: int, max_clients: int = 10_000) -> None:
        super().__init__(per_minute, 60.0, max_clients)


class FailureLimiter:
    """Failed attempts per key (an account name, a client address) within a sliding window.

    Kept in this process's memory (tests, a single process); the app uses `SharedFailureLimiter`,
    which keeps the same count in the catalogue for every worker.
    """

    def __init__(self, attempts: int, window_s: float, max_keys: int = 10_000) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self.max_keys = max_keys
        self._failures: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def blocked(self, *keys: str, now: float | None = None) -> bool:
        """Whether any of `keys` has used up its attempts in the window."""
        now = time.monotonic() if now is None else now
        with self._lock:
            return any(len(self._recent(key, now)) >= self.attempts for key in keys)

    def fail(self, *keys: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            for key in keys:
                self._failures[key] = [*self._recent(key, now), now]
                self._failures.move_to_end(key)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str, now: float) -> list[float]:
        return [t for t in self._failures.get(key, ()) if now - t < self.window_s]


class SharedFailureLimiter:
    """`FailureLimiter`'s rule with the count kept in the collection's catalogue, so every worker
    serving it (and a restarted one) sees the same failures."""

    def __init__(self, failures: LoginFailures, attempts: int, window_s: float) -> None:
        self.failures = failures
        self.attempts = attempts
        self.window_s = window_s

    def blocked(self, *keys: str, now: float | None = None) -> bool:
        since = (time.time() if now is None else now) - self.window_s
        return any(self.failures.count(key, since) >= self.attempts for key in keys)

    def fail(self, *keys: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self.failures.add(keys, now, forget_before=now - self.window_s)

    def clear(self, key: str) -> None:
        self.failures.clear(key)
