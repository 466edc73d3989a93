"""The embedder seam: one required method, `embed_images`; text is optional."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.embedders.calibration import UNCALIBRATED, Calibration
from vitrine.errors import EmbedderError
from vitrine.lazy import LazyLoaded


class Embedder(LazyLoaded, ABC):
    """Turns images (and, when it has a text tower, text) into L2-normalised float32 vectors.

    Subclasses set `name`, `version` and `dim`, implement `_embed_images`, and load any
    weights in `load()`, which runs once, lazily, before the first call.
    """

    name: str = ""
    version: str = "1"
    dim: int = 0
    has_text: bool = False
    #: the square side, in pixels, that images are reduced to before `embed_images`;
    #: decoders may use it to decode cheaply at a reduced size (JPEG draft mode).
    input_size: int = 224
    #: cutoffs measured for this embedder (relevance, duplicates); strict defaults until measured
    calibration: Calibration = UNCALIBRATED
    #: light embedders run inside the decoding worker processes; heavy models (which use every
    #: core themselves) run once in the parent on the decoded pixels.
    embed_in_workers: bool = True

    @property
    def key(self) -> str:
        """Identifies the vector space: two embedders with the same key give comparable vectors."""
        return f"{self.name}/{self.version}/{self.dim}"

    @property
    def match_threshold(self) -> float | None:
        """The visual relevance cutoff of `calibration` (None where not calibrated)."""
        return self.calibration.match

    def load(self) -> None:
        """Load weights or anything expensive. Called once, before the first embedding."""

    def missing(self) -> str | None:
        """Why this embedder could not load here, without loading it (None: nothing known missing).
        Asked when a collection is created, so that missing weights are said at once, not at the
        first import; an embedder that needs no files keeps the default."""
        return None

    def embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]:
        """Embed RGB images into an (n, dim) array of unit vectors."""
        if not images:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._ensure_loaded()
        return _checked(self._embed_images(images), len(images), self.dim)

    def embed_image(self, image: Image.Image) -> NDArray[np.float32]:
        """Embed one image into a (dim,) unit vector."""
        return self.embed_images([image]).reshape(self.dim)

    def embed_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed texts into the image space; only for embedders with a text tower."""
        if not self.has_text:
            raise EmbedderError(f"the {self.name!r} embedder has no text tower; use full-text search")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._ensure_loaded()
        return _checked(self._embed_texts(texts), len(texts), self.dim)

    @abstractmethod
    def _embed_images(self, images: Sequence[Image.Image]) -> NDArray[np.float32]: ...

    def _embed_texts(self, texts: Sequence[str]) -> NDArray[np.float32]:
        raise NotImplementedError


def l2_normalise(vectors: NDArray[np.floating]) -> NDArray[np.float32]:
    """Rows scaled to unit length; all-zero rows stay zero."""
    v = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(v, axis=-1, keepdims=True)
    out: NDArray[np.float32] = (v / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
    return out


def _checked(vectors: NDArray[np.float32], n: int, dim: int) -> NDArray[np.float32]:
    if vectors.shape != (n, dim):
        raise EmbedderError(f"embedder returned shape {vectors.shape}, expected {(n, dim)}")
    return np.ascontiguousarray(vectors, dtype=np.float32)
