"""Planted duplicates for the duplicate benchmark: derived copies of real works, at known places.

Each edit takes the original's bytes and pixels and a seeded generator, and returns the copy's
bytes (an exact copy keeps the original bytes, so its checksum matches).
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

Edit = Callable[[bytes, Image.Image, random.Random], tuple[bytes, str]]
"""(original bytes, decoded original, rng) -> (copy bytes, a short description of the edit)."""


@dataclass(frozen=True)
class Plant:
    """One planted copy: the record it copies and how."""

    identifier: str
    original: str
    kind: str
    detail: str
    file: str


def _jpeg(image: Image.Image, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def exact(data: bytes, image: Image.Image, rng: random.Random) -> tuple[bytes, str]:
    """The same file under another record."""
    return data, "same bytes"


def crop(data: bytes, image: Image.Image, rng: random.Random) -> tuple[bytes, str]:
    """A part of the picture: 35-90% of its area, aspect within ±25%, anywhere in it."""
    w, h = image.size
    area = rng.uniform(0.35, 0.9)
    aspect = rng.uniform(0.8, 1.25)
    cw = min(w, round(w * math.sqrt(area * aspect)))
    ch = min(h, round(h * math.sqrt(area / aspect)))
    x, y = rng.randint(0, w - cw), rng.randint(0, h - ch)
    part = image.crop((x, y, x + cw, y + ch))
    return _jpeg(part), f"crop {cw * ch / (w * h):.2f} of the area"


def rescan(data: bytes, image: Image.Image, rng: random.Random) -> tuple[bytes, str]:
    """Another scan: slightly turned, rescaled, other colour balance and gamma, noise, blur."""
    angle = rng.uniform(-3.0, 3.0)
    w, h = image.size
    turned = image.rotate(angle, Image.Resampling.BICUBIC, expand=False)
    a = math.radians(abs(angle))
    keep = 1.0 / (math.cos(a) + math.sin(a))
    mx, my = round(w * (1 - keep) / 2), round(h * (1 - keep) / 2)
    turned = turned.crop((mx, my, w - mx, h - my))
    scale = rng.uniform(0.6, 1.5)
    turned = turned.resize((max(8, round(turned.width * scale)), max(8, round(turned.height * scale))),
                           Image.Resampling.BICUBIC)
    pixels = np.asarray(turned, np.float32) / 255.0
    gamma = rng.uniform(0.8, 1.25)
    balance = np.array([rng.uniform(0.9, 1.1) for _ in range(3)], np.float32)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, rng.uniform(1, 5) / 255, pixels.shape)
    pixels = np.clip((pixels ** gamma) * balance + noise, 0, 1)
    out = Image.fromarray((pixels * 255).round().astype(np.uint8), "RGB")
    blur = rng.uniform(0.3, 1.2)
    out = out.filter(ImageFilter.GaussianBlur(blur))
    return _jpeg(out, 85), f"turned {angle:+.1f}°, x{scale:.2f}, gamma {gamma:.2f}, blur {blur:.1f}"


def recompress(data: bytes, image: Image.Image, rng: random.Random) -> tuple[bytes, str]:
    """Saved again at low JPEG quality, sometimes smaller."""
    quality = rng.randint(8, 30)
    scale = rng.choice([1.0, 1.0, 0.75, 0.5])
    small = image.resize((round(image.width * scale), round(image.height * scale)), Image.Resampling.BICUBIC)
    return _jpeg(small, quality), f"JPEG quality {quality}, x{scale:.2f}"


def border(data: bytes, image: Image.Image, rng: random.Random) -> tuple[bytes, str]:
    """A reproduction with a plain border and a small text watermark."""
    w, h = image.size
    pad = round(max(w, h) * rng.uniform(0.04, 0.12))
    tone = rng.choice([(255, 255, 255), (20, 20, 20), (235, 228, 210)])
    framed = Image.new("RGB", (w + 2 * pad, h + 2 * pad), tone)
    framed.paste(image.convert("RGB"), (pad, pad))
    draw = ImageDraw.Draw(framed)
    ink = (128, 128, 128)
    draw.text((pad + 4, h + pad - 14), "(c) photo archive", fill=ink)
    return _jpeg(framed), f"border {pad}px + watermark"


EDITS: dict[str, Edit] = {
    "exact": exact, "crop": crop, "rescan": rescan, "recompress": recompress, "border": border,
}
