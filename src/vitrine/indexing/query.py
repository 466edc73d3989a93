"""A query image embedded the way the collection's images were."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.collection import Collection
from vitrine.indexing.mapper import reduce


def embed_query_image(collection: Collection, image: Image.Image) -> NDArray[np.float32]:
    """The (dim,) vector of a query image, made as the collection's images were."""
    embedder = collection.embedder
    collection.check_embedder(embedder)
    return embedder.embed_image(reduce(image.convert("RGB"), embedder.input_size))
