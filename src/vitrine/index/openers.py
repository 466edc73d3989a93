"""The built-in vector indexes, each opened by one function of the shape every index factory has.

An index factory is called as ``factory(dim, folder, name, **options)``: the vector dimension, the
folder that keeps the index's local files, and the name of this set of vectors (a file stem, a
Milvus collection); `options` are the index's own (`Settings.milvus` for Milvus). Each function
imports its backend only when called, so choosing one never loads the others.
"""

from __future__ import annotations

from pathlib import Path

from vitrine.index.base import VectorIndex

LITE = "milvus-lite"


def faiss(dim: int, folder: Path, name: str = "vectors") -> VectorIndex:
    """The embedded default: an HNSW graph persisted in `folder`."""
    from vitrine.index.hnsw import FaissIndex

    return FaissIndex(dim, folder / f"{name}.faiss")


def memory(dim: int, folder: Path, name: str = "vectors") -> VectorIndex:
    """Exact numpy search persisted as .npz (tests, tiny collections, the benchmarks' baseline)."""
    from vitrine.index.memory import MemoryIndex

    return MemoryIndex(dim, folder / f"{name}.npz")


def milvus(dim: int, folder: Path, name: str = "vectors", *, uri: str = "", token: str = "") -> VectorIndex:
    """A Milvus server at `uri` (with `token`); Milvus Lite in `folder` when `uri` is "" or "milvus-lite"."""
    from vitrine.index.milvus import MilvusIndex

    target = str(folder / "milvus.db") if uri in ("", LITE) else uri
    return MilvusIndex(dim, target, collection=name, token=token)
