"""A deterministic embedder for tests: vectors from tiny pixel averages and word hashes."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.embedders.base import Embedder, l2_normalise
from vitrine.embedders.calibration import Calibration


class FakeEmbedder(Embedder):
    """Images: 4x4 RGB means plus a hashed bias. Texts: bag of hashed words. Shared space, dim 64."""

    name = "fake"
    version = "1"
    dim = 64
    has_text = True
    input_size = 32
    calibration = Calibration(duplicate=0.995, duplicate_sure=0.999)

    def _embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        rows = []
        for image in images:
            small = np.asarray(image.convert("RGB").resize((4, 4), Image.Resampling.BOX), np.float32)
            v = np.zeros(self.dim, np.float32)
            v[:48] = small.reshape(-1) / 255.0 - 0.5
            v[48:] = 0.05
            rows.append(v)
        return l2_normalise(np.stack(rows))

    def _embed_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[i, h % self.dim] += 1.0
        return l2_normalise(out + 1e-3)
