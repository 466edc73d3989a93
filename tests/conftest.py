"""Fixtures shared by every test package."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageDraw

try:  # `tests` is a package when it has an __init__.py; otherwise pytest puts tests/ on sys.path
    from tests.httpserver import http_server
except ModuleNotFoundError:
    from httpserver import http_server  # type: ignore[no-redef]

__all__ = ["http_server"]


# -- collections for search, check, export and CLI tests ------------------------------------------

SHARED_DIR = Path(__file__).resolve().parents[1] / ".." / "shared"


def draw_image(seed: int, size: int = 64) -> Image.Image:
    """A seeded picture: a 4x4 grid of random colours with a random ellipse, unlike any other seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", (size, size))
    draw = ImageDraw.Draw(image)
    cell = size // 4
    for y in range(4):
        for x in range(4):
            colour = tuple(rng.randrange(256) for _ in range(3))
            draw.rectangle([x * cell, y * cell, (x + 1) * cell - 1, (y + 1) * cell - 1], fill=colour)
    box = sorted(rng.randrange(size) for _ in range(2))
    draw.ellipse([box[0], box[0], box[1] + 2, box[1] + 2], outline=(255, 255, 255), width=2)
    return image


@pytest.fixture
def image_folder(tmp_path: Path) -> Callable[[int], Path]:
    """Factory: a folder of `n` seeded PNG images named img000.png, img001.png..."""

    def make(n: int, name: str = "images") -> Path:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        for i in range(n):
            draw_image(i).save(folder / f"img{i:03d}.png")
        return folder

    return make


@pytest.fixture(scope="module")
def ray_cluster(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A local Ray of two CPUs, started once per test module (a few seconds); the module's own
    classes (stand-in stages) travel to the workers by value."""
    ray = pytest.importorskip("ray", reason="the ray extra is not installed: pip install 'vitrine[ray]'")
    ray.cloudpickle.register_pickle_by_value(request.module)
    ray.init(address="local", num_cpus=2, include_dashboard=False, log_to_driver=False)  # a new one
    yield ray
    ray.shutdown()


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the checkout; tests that use it skip where it is absent."""
    if not SHARED_DIR.is_dir():
        pytest.skip("../shared is absent (a fresh checkout): this test reads shared data in place")
    return SHARED_DIR.resolve()


TITLES = [
    "Storm at sea", "Portrait of a lady", "Harbour at dawn", "Still life with lemons",
    "Mountain landscape", "Portrait of a merchant", "Ships in a calm", "Flowers in a vase",
    "Winter landscape with skaters", "The river bank", "Self-portrait", "Battle scene",
]


def sample_records(folder: Path, n: int = 12) -> list[Any]:
    """Seeded records whose images (drawn into `folder`) are img000.png...; record 0 has two images."""
    from vitrine.records import ImageRef, Record

    folder.mkdir(parents=True, exist_ok=True)
    records = []
    for i in range(n):
        path = folder / f"img{i:03d}.png"
        draw_image(i).save(path)
        images = [ImageRef(location=str(path))]
        if i == 0:
            extra = folder / "img000-back.png"
            draw_image(1000).save(extra)
            images.append(ImageRef(location=str(extra)))
        records.append(Record(
            identifier=f"r{i:02d}", title=TITLES[i % len(TITLES)],
            creators=["Anna Painter"] if i % 2 else ["Bruno Engraver", "Carla Studio"],
            date_text=str(1600 + 25 * i), object_type="painting" if i % 2 else "print",
            medium="oil on canvas" if i % 2 else "etching", source="test",
            extra={"museum": "North" if i < 6 else "South", "inventory": f"INV-{i}"},
            images=images))
    return records


@pytest.fixture
def fake_collection(tmp_path: Path) -> Iterator[Any]:
    """An indexed collection (fake embedder, memory index) of the 12 `sample_records`."""
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection

    collection = create_collection(tmp_path / "coll", embedder="fake", index="memory")
    for record in sample_records(tmp_path / "pictures"):
        collection.catalog.upsert(record)
    index_collection(collection, workers=1)
    yield collection
    collection.close()
