"""The classic embedder: shapes, unit vectors, determinism, and robustness on drawn pictures."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from vitrine import embedders
from vitrine.bench.quality import TRANSFORMS
from vitrine.embedders.classic import ClassicEmbedder

try:
    from tests.imagegen import draw_picture
except ModuleNotFoundError:
    from imagegen import draw_picture  # type: ignore[no-redef]


@pytest.fixture(scope="module")
def embedder() -> ClassicEmbedder:
    return ClassicEmbedder()


@pytest.fixture(scope="module")
def pictures() -> list[Image.Image]:
    return [draw_picture(seed, (160, 120)) for seed in range(40)]


def test_registered_as_the_classic_embedder() -> None:
    made = embedders.create("classic")
    assert isinstance(made, ClassicEmbedder)
    assert made.has_text is False
    assert made.key == f"classic/{made.version}/{made.dim}"
    assert made.match_threshold is not None and 0 < made.match_threshold < 1


def test_shapes_dtype_and_unit_length(embedder: ClassicEmbedder, pictures: list[Image.Image]) -> None:
    vectors = embedder.embed_images(pictures[:5])
    assert vectors.shape == (5, embedder.dim)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embedder.embed_images([]).shape == (0, embedder.dim)


def test_deterministic_and_batch_equals_single(
    embedder: ClassicEmbedder, pictures: list[Image.Image]
) -> None:
    batch = embedder.embed_images(pictures[:6])
    again = ClassicEmbedder().embed_images(pictures[:6])
    np.testing.assert_array_equal(batch, again)
    singles = np.stack([embedder.embed_image(p) for p in pictures[:6]])
    np.testing.assert_allclose(batch, singles, atol=1e-6)


def test_odd_modes_and_flat_images(embedder: ClassicEmbedder) -> None:
    images = [Image.new("L", (50, 70), 128), Image.new("RGBA", (10, 10), (0, 0, 0, 0)),
              Image.new("RGB", (1, 1), (255, 0, 0)), Image.new("P", (300, 20))]
    vectors = embedder.embed_images(images)
    assert np.isfinite(vectors).all()
    assert vectors.shape == (4, embedder.dim)


def test_no_text_tower(embedder: ClassicEmbedder) -> None:
    with pytest.raises(embedders.EmbedderError, match="no text tower"):
        embedder.embed_texts(["a ship"])


@pytest.mark.parametrize("edit", ["rescale50", "jpeg40", "crop80", "colour", "rotate5"])
def test_edited_copy_is_nearest_to_its_original(
    embedder: ClassicEmbedder, pictures: list[Image.Image], edit: str
) -> None:
    gallery = embedder.embed_images(pictures)
    edited = [TRANSFORMS[edit](p, np.random.default_rng(i)) for i, p in enumerate(pictures)]
    queries = embedder.embed_images(edited)
    found = (queries @ gallery.T).argmax(axis=1)
    assert np.mean(found == np.arange(len(pictures))) >= 0.9


def test_jpeg_copy_scores_above_the_match_threshold(embedder: ClassicEmbedder) -> None:
    picture = draw_picture(7, (200, 200))
    buffer = io.BytesIO()
    picture.resize((100, 100)).save(buffer, "JPEG", quality=50)
    copy = Image.open(buffer)
    score = float(embedder.embed_image(picture) @ embedder.embed_image(copy))
    assert embedder.match_threshold is not None and score > embedder.match_threshold


def test_fast_enough_for_the_import_pipeline(embedder: ClassicEmbedder) -> None:
    import time

    small = [draw_picture(seed, (50, 50)) for seed in range(256)]
    embedder.embed_images(small[:8])
    start = time.perf_counter()
    embedder.embed_images(small)
    per_image = (time.perf_counter() - start) / len(small)
    assert per_image < 0.002  # about 0.15 ms measured; generous for a busy CI machine
