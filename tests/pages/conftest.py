"""Fixtures of the page tests: printed pages drawn with text, a woodcut block and a collection of them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pagedraw import printed_page


@pytest.fixture
def page_collection(tmp_path: Path) -> Iterator[object]:
    """An indexed collection (fake embedder, memory index) of four pages p0..p3, the woodcut moving down."""
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection
    from vitrine.records import ImageRef, Record

    folder = tmp_path / "pages"
    folder.mkdir()
    collection = create_collection(tmp_path / "coll", embedder="fake", index="memory")
    for i in range(4):
        path = folder / f"p{i}.png"
        printed_page(seed=i, shift=20 * i).save(path)
        collection.catalog.upsert(Record(identifier=f"p{i}", title=f"Chapbook page {i}", source="test",
                                         images=[ImageRef(location=str(path))]))
    index_collection(collection, workers=1)
    yield collection
    collection.close()
