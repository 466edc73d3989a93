"""The embedder seam itself: lazy loading, once, whatever the number of threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.embedders.fake import FakeEmbedder


class CountingEmbedder(FakeEmbedder):
    """The fake embedder with a slow `load()` that counts its runs."""

    def __init__(self) -> None:
        super().__init__()
        self.loads = 0

    def load(self) -> None:
        self.loads += 1
        time.sleep(0.05)  # wide enough a window for every thread to arrive before the load ends

    def _embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        assert self.loads, "embedded before load() finished"
        return super()._embed_images(images)


def test_load_runs_lazily_and_once() -> None:
    embedder = CountingEmbedder()
    assert embedder.loads == 0
    embedder.embed_texts(["a woodcut"])
    embedder.embed_image(Image.new("RGB", (8, 8), "red"))
    assert embedder.loads == 1


def test_threads_embedding_at_once_load_the_model_once() -> None:
    embedder = CountingEmbedder()
    image = Image.new("RGB", (8, 8), "blue")
    results: list[NDArray[np.float32]] = []
    threads = [threading.Thread(target=lambda: results.append(embedder.embed_image(image)))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert embedder.loads == 1 and len(results) == 8
