"""A running server sees what another process indexed after it started, without a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import sample_records
from vitrine.collection import create_collection, open_collection
from vitrine.indexing import index_collection
from vitrine.web import create_app
from web.conftest import make_settings


@pytest.mark.parametrize("index", ["faiss", "memory"])
def test_new_vectors_are_searchable_in_a_running_server(tmp_path: Path, index: str) -> None:
    records = sample_records(tmp_path / "pictures", n=10)
    root = tmp_path / "coll"
    with create_collection(root, embedder="fake", index=index) as first:
        for record in records[:5]:
            first.catalog.upsert(record)
        index_collection(first, workers=1)
    app = create_app(make_settings(tmp_path), root)
    with TestClient(app) as client:
        before = client.get("/api/search/record/r01", params={"per_page": 50}).json()["hits"]
        assert {h["identifier"] for h in before} == {"r00", "r02", "r03", "r04"}
        loaded = app.state.collection.index
        client.get("/api/search/record/r01")
        assert app.state.collection.index is loaded  # nothing changed: nothing reloaded

        with open_collection(root) as other:  # another process: an import, then indexing
            for record in records[5:]:
                other.catalog.upsert(record)
            index_collection(other, workers=1)

        after = client.get("/api/search/record/r01", params={"per_page": 50}).json()["hits"]
        assert {h["identifier"] for h in after} == {f"r{i:02d}" for i in range(10)} - {"r01"}
        assert client.get("/api/search/record/r07").status_code == 200  # indexed, not "run index"
