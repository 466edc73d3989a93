"""The composite: the visitor's photo beside the artwork, with the artwork's label (the share page's
download, the bot's reply)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from vitrine.collection import Collection
from vitrine.images import read_image
from vitrine.records import Record

PANEL_HEIGHT = 720
_MAX_WIDTH = 900
_PAD = 40
_GAP = 24
_BACKGROUND = (248, 246, 241)
_INK = (28, 28, 30)
_MUTED = (90, 90, 96)
FORMATS = {"jpg": ("JPEG", "image/jpeg"), "png": ("PNG", "image/png")}


@dataclass(frozen=True)
class Caption:
    """The label printed under the pair."""

    title: str
    creator: str
    date: str
    credit: str
    collection: str

    @classmethod
    def of(cls, record: Record, collection: str) -> Caption:
        credit = " · ".join(x for x in (record.credit_line, record.rights) if x)
        return cls(
            title=record.title or "Untitled", creator=", ".join(record.creators) or "Unknown maker",
            date=record.date_text or "Date unknown", credit=credit, collection=collection)


@dataclass(frozen=True)
class Layout:
    """Where each picture landed in the composite (left, top, width, height), for checks."""

    photo: tuple[int, int, int, int]
    artwork: tuple[int, int, int, int]


def render(photo: Image.Image, artwork: Image.Image, caption: Caption, fmt: str = "jpg") -> bytes:
    """The composite as JPEG or PNG bytes."""
    image, _ = compose(photo, artwork, caption)
    pil_format, _mime = FORMATS[fmt]
    buf = io.BytesIO()
    image.save(buf, pil_format, **({"quality": 90} if pil_format == "JPEG" else {"optimize": True}))
    return buf.getvalue()


def compose(photo: Image.Image, artwork: Image.Image, caption: Caption) -> tuple[Image.Image, Layout]:
    """Lay out the two pictures side by side at the same height, the label below."""
    left = _fit(photo)
    right = _fit(artwork)
    width = _PAD * 2 + left.width + _GAP + right.width
    lines = _caption_lines(caption, width - 2 * _PAD)
    text_height = sum(size + 10 for _, size, _ in lines)
    height = _PAD + PANEL_HEIGHT + _PAD + text_height + _PAD
    canvas = Image.new("RGB", (width, height), _BACKGROUND)
    top = _PAD
    photo_box = (_PAD, top + (PANEL_HEIGHT - left.height) // 2, left.width, left.height)
    art_box = (_PAD + left.width + _GAP, top + (PANEL_HEIGHT - right.height) // 2, right.width, right.height)
    canvas.paste(left, photo_box[:2])
    canvas.paste(right, art_box[:2])
    draw = ImageDraw.Draw(canvas)
    y = top + PANEL_HEIGHT + _PAD
    for text, size, colour in lines:
        draw.text((_PAD, y), text, font=_font(size), fill=colour)
        y += size + 10
    return canvas, Layout(photo_box, art_box)


def _fit(image: Image.Image) -> Image.Image:
    """Scale to the panel height, narrower when very wide; always RGB."""
    rgb = image.convert("RGB")
    scale = min(PANEL_HEIGHT / rgb.height, _MAX_WIDTH / rgb.width)
    size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
    return rgb.resize(size, Image.Resampling.LANCZOS)


def _caption_lines(caption: Caption, width: int) -> list[tuple[str, int, tuple[int, int, int]]]:
    lines: list[tuple[str, int, tuple[int, int, int]]] = []
    lines += [(t, 34, _INK) for t in _wrap(caption.title, 34, width, max_lines=3)]
    lines += [(t, 26, _INK) for t in _wrap(f"{caption.creator}, {caption.date}", 26, width, 2)]
    if caption.credit:
        lines += [(t, 20, _MUTED) for t in _wrap(caption.credit, 20, width, 3)]
    lines += [(t, 20, _MUTED) for t in _wrap(caption.collection, 20, width, 1)]
    return lines


def _wrap(text: str, size: int, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap to `width` pixels; the last kept line ends with an ellipsis if cut."""
    font = _font(size)
    lines: list[str] = []
    current = ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if font.getlength(trial) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(".,;:") + "…"
    return [_clip(line, font, width) for line in lines]


def _clip(line: str, font: ImageFont.FreeTypeFont, width: int) -> str:
    while line and font.getlength(line) > width:
        line = line[:-2] + "…"
    return line


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.load_default(size=size)
    assert isinstance(font, ImageFont.FreeTypeFont)
    return font


def artwork_pixels(collection: Collection, identifier: str) -> Image.Image | None:
    """The artwork at its best local resolution: the source file, else its thumbnail; None without one."""
    for stored in collection.catalog.images_of(identifier):
        path = collection.image_path(stored)
        if path is not None and path.is_file():
            return read_image(path)[0]
        if stored.sha256:
            thumb = collection.thumbnail_path(stored.sha256)
            if thumb.is_file():
                return read_image(thumb)[0]
    return None
