"""MilvusIndex specifics, against Milvus Lite (one database file for the whole module)."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest

from vitrine.errors import IndexError_
from vitrine.index.milvus import MilvusIndex, server_uri

from .conftest import unit_vectors

pytest.importorskip("pymilvus")


@pytest.fixture(scope="module")
def lite_db(milvus_dir: Path) -> str:
    pytest.importorskip("milvus_lite")
    return str(milvus_dir / "milvus.db")


def test_server_uri_maps_milvus_scheme() -> None:
    assert server_uri("milvus://db:19530") == "http://db:19530"
    assert server_uri("/x/milvus.db") == "/x/milvus.db"


def test_unreachable_server_raises_index_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(IndexError_, match="connect"):
        MilvusIndex(8, f"milvus://127.0.0.1:{port}")


@pytest.mark.milvus
def test_reopening_with_another_dimension_raises(lite_db: str) -> None:
    MilvusIndex(16, lite_db, collection="dims").close()
    with pytest.raises(IndexError_, match="16-d"):
        MilvusIndex(8, lite_db, collection="dims")


@pytest.mark.milvus
def test_large_allowed_sets_take_the_oversampling_path(lite_db: str) -> None:
    index = MilvusIndex(16, lite_db, collection="large")
    x = unit_vectors(300)
    index.add(np.arange(300), x)
    index.expr_max_ids = 20
    for allowed in (np.arange(0, 300, 2), np.arange(0, 300, 11)):
        truth = allowed[np.argsort(-(x[:3] @ x[allowed].T), axis=1)[:, :5]]
        found = index.search(x[:3], 5, allowed=allowed)[1]
        assert np.array_equal(found, truth)
    index.close()
