"""Vector indexes, chosen by a URI: "faiss" (embedded default), "memory", "milvus://host:port"..."""

from __future__ import annotations

import importlib
from pathlib import Path

from vitrine.errors import IndexError_
from vitrine.index.base import SearchResult, VectorIndex

__all__ = ["SearchResult", "VectorIndex", "open_index"]


def open_index(uri: str, folder: Path, dim: int, name: str = "vectors") -> VectorIndex:
    """Open (or create) the index that `uri` names, keeping local files in `folder`.

    - ``faiss``: the embedded default, an HNSW graph persisted in `folder`;
    - ``memory``: exact numpy search persisted as .npz (tests, tiny collections);
    - ``milvus://host:port`` or ``http(s)://...``: a Milvus server or cluster;
    - ``milvus-lite`` or a path ending in ``.db``: Milvus Lite, embedded in `folder`.
    """
    if uri == "faiss":
        module = importlib.import_module("vitrine.index.hnsw")
        return module.FaissIndex(dim, folder / f"{name}.faiss")  # type: ignore[no-any-return]
    if uri == "memory":
        from vitrine.index.memory import MemoryIndex

        return MemoryIndex(dim, folder / f"{name}.npz")
    if uri == "milvus-lite" or uri.endswith(".db") or uri.startswith(("milvus://", "http://", "https://", "tcp://")):
        module = importlib.import_module("vitrine.index.milvus")
        target = str(folder / "milvus.db") if uri == "milvus-lite" else uri
        return module.MilvusIndex(dim, target, collection=name)  # type: ignore[no-any-return]
    raise IndexError_(
        f"unknown index {uri!r}: use 'faiss', 'memory', 'milvus-lite' or a milvus:// URI")
