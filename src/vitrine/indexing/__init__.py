"""The indexing pipeline: reader -> mapper -> writer, composed by a runner on every core.

Reader (`reader.py`): the catalogue lists images whose vector is missing or stale; each one is
read once (remote ones fetched into the collection's cache), hashed and decoded at a reduced
size. Mapper (`mapper.py`, in worker processes): thumbnail, pixels at the embedder's size and,
for light embedders, vectors. Writer (`writer.py`, in the parent): vectors into the index and,
after each durable save of the index, the images done into the catalogue, so an interrupted run
loses at most the unsaved tail and never leaves the catalogue claiming vectors the index does not
hold. Runner (`runner.py`): `index_collection`, the worker pool and progress. `check.py`
compares catalogue and index and repairs them.
"""

from __future__ import annotations

from vitrine.indexing.query import embed_query_image
from vitrine.indexing.reader import pending
from vitrine.indexing.runner import index_collection
from vitrine.indexing.writer import IndexReport

__all__ = ["IndexReport", "embed_query_image", "index_collection", "pending"]
