"""A small local-feature index over seeded scenes, built once per session in a MemoryStore."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PIL import Image

from motifs import scene
from vitrine.local.builder import IndexWriter
from vitrine.local.features import Box, LocalFeatures, extract
from vitrine.local.segments import ImageEntry
from vitrine.local.store import MemoryStore

# image id -> where the motif is pasted (x, y, scale), None: a scene without it
SPECS: dict[int, tuple[int, int, float] | None] = {
    1: (30, 40, 1.0), 2: (200, 150, 0.8), 3: (120, 60, 1.3), 4: None, 5: None, 6: None}


@dataclass
class Built:
    store: MemoryStore
    images: dict[int, Image.Image]
    boxes: dict[int, Box | None]
    features: dict[int, LocalFeatures]


def build(specs: dict[int, tuple[int, int, float] | None]) -> Built:
    store = MemoryStore()
    writer = IndexWriter(store)
    built = Built(store, {}, {}, {})
    for image_id, where in specs.items():
        image, box = scene(image_id, where)
        features = extract(image)
        built.images[image_id], built.boxes[image_id], built.features[image_id] = image, box, features
        writer.add(ImageEntry(image_id, f"sha{image_id}", None), features)
    writer.flush()
    return built


@pytest.fixture(scope="session")
def built() -> Built:
    return build(SPECS)
