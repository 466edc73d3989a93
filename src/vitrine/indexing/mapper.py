"""Mapper: loaded images -> thumbnails -> pixels at the embedder's size -> vectors, one chunk at a time.

It runs in worker processes; light embedders embed there too, heavy ones (`embed_in_workers`
false) get the reduced pixels back and embed in the parent, where their model is loaded once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine import embedders, images
from vitrine.embedders.base import Embedder
from vitrine.indexing.reader import Failed, FileInfo, Job, Loaded, ReadOptions, read_all


@dataclass(frozen=True)
class MapOptions:
    """What a worker needs besides its jobs (picklable)."""

    read: ReadOptions
    thumbnails: str
    embedder: str | None  # None: the parent embeds
    embedder_options: dict[str, Any]


@dataclass
class Mapped:
    """A worker's answer for one chunk: vectors (or pixels to embed) of the images it could read."""

    ids: list[int] = field(default_factory=list)
    infos: list[FileInfo] = field(default_factory=list)
    vectors: NDArray[np.float32] | None = None
    pixels: list[Image.Image] = field(default_factory=list)  # when the parent embeds
    failed: list[Failed] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ids) + len(self.failed)


_options: MapOptions | None = None
_embedder: Embedder | None = None


def init_worker(options: MapOptions, embedder: Embedder | None) -> None:
    """Set up a worker (or the parent, when it maps alone): its options and its embedder."""
    global _options, _embedder
    _options = options
    if embedder is not None:
        _embedder = embedder
    elif options.embedder is not None:
        _embedder = embedders.create(options.embedder, **options.embedder_options)
    else:
        _embedder = None


def map_chunk(jobs: list[Job]) -> Mapped:
    """Read, thumbnail, reduce and (when this process holds the embedder) embed a chunk of images."""
    assert _options is not None, "init_worker first"
    mapped = Mapped()
    for item in read_all(jobs, _options.read):
        if isinstance(item, Failed):
            mapped.failed.append(item)
            continue
        mapped.ids.append(item.job.image_id)
        mapped.infos.append(item.info)
        mapped.pixels.append(reduce(_thumbnailed(item, _options), _options.read.input_size))
    if _embedder is not None:
        mapped.vectors = _embedder.embed_images(mapped.pixels) if mapped.pixels else None
        mapped.pixels = []
    return mapped


def embed_rest(mapped: Mapped, embedder: Embedder) -> None:
    """Embed, in the parent, the pixels a worker sent back without vectors."""
    if mapped.vectors is None and mapped.pixels:
        mapped.vectors = embedder.embed_images(mapped.pixels)
        mapped.pixels = []


def reduce(image: Image.Image, side: int) -> Image.Image:
    """Shrink so the short side is `side` (never enlarge): embedders need no more."""
    w, h = image.size
    scale = side / min(w, h)
    if scale >= 1:
        return image
    return image.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.BILINEAR)


def _thumbnailed(item: Loaded, options: MapOptions) -> Image.Image:
    """Write the image's thumbnail (once per content); the smallest pixels that still embed well."""
    path = Path(options.thumbnails) / item.info.sha256[:2] / f"{item.info.sha256}.jpg"
    thumb = None if path.exists() else images.write_thumbnail(item.decoded, item.data, path)
    # Reducing the thumbnail is cheaper than reducing the decoded image, when it is big enough.
    if thumb is not None and min(thumb.size) >= options.read.input_size:
        return thumb
    return item.decoded.image
