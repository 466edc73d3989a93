"""A collection holding pages drawn with a known text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from ocr.pages import text_page


@pytest.fixture
def text_collection(tmp_path: Path) -> Iterator[Any]:
    """A collection of two records: `p1` a page of `LINES`, `p2` a blank page."""
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection
    from vitrine.records import ImageRef, Record

    folder = tmp_path / "pages"
    folder.mkdir()
    text_page().save(folder / "p1.png")
    Image.new("RGB", (600, 400), "white").save(folder / "p2.png")
    collection = create_collection(tmp_path / "coll", embedder="fake", index="memory")
    for name in ("p1", "p2"):
        collection.catalog.upsert(Record(identifier=name, title=f"Chapbook {name}", source="test",
                                         images=[ImageRef(location=str(folder / f"{name}.png"))]))
    index_collection(collection, workers=1)
    yield collection
    collection.close()
