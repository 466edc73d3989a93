"""The built-in vector indexes, each opened by one function of the shape every index factory has.

An index factory is called as ``factory(dim, folder, name, **options)``: the vector dimension, the
folder that keeps the index's local files, and the name of this set of vectors (a file stem, a
Milvus collection); `options` are the index's own (`Settings.milvus` for Milvus). Each function
imports its backend only when called, so choosing one never loads the others.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vitrine.errors import IndexError_
from vitrine.index.base import VectorIndex

LITE = "milvus-lite"


def faiss(dim: int, folder: Path, name: str = "vectors", **params: Any) -> VectorIndex:
    """The embedded default: an HNSW graph persisted in `folder` (`params`: HnswParams' fields)."""
    from vitrine.index.hnsw import FaissIndex, HnswParams
    from vitrine.index.rows import parse_params

    return FaissIndex(dim, folder / f"{name}.faiss", parse_params(HnswParams, "faiss", params))


def ivfpq(dim: int, folder: Path, name: str = "vectors", **params: Any) -> VectorIndex:
    """The compressed embedded index for big collections: IVF-PQ codes in memory, float16 rows on
    disk for an exact re-rank (`params`: IvfPqParams' fields)."""
    from vitrine.index.ivfpq import IvfPqIndex, IvfPqParams, parse_params

    return IvfPqIndex(dim, folder / f"{name}.f16", parse_params(IvfPqParams, "ivfpq", params))


def memory(dim: int, folder: Path, name: str = "vectors", **params: Any) -> VectorIndex:
    """Exact numpy search persisted as .npz (tests, tiny collections, the benchmarks' baseline)."""
    from vitrine.index.memory import MemoryIndex

    if params:
        raise IndexError_(f"the memory index takes no parameters, got {', '.join(sorted(params))}")
    return MemoryIndex(dim, folder / f"{name}.npz")


def milvus(
    dim: int, folder: Path, name: str = "vectors", *, uri: str = "", token: str = "", **params: Any,
) -> VectorIndex:
    """A Milvus server at `uri` (with `token`); Milvus Lite in `folder` when `uri` is "" or "milvus-lite".
    `params`: `index_type` (AUTOINDEX, HNSW, IVF_FLAT, IVF_PQ, DISKANN...) and that index's build and
    search parameters by their Milvus names (M, efConstruction, nlist, m, nbits; ef, nprobe, search_list)."""
    from vitrine.index.milvus import MilvusIndex, MilvusParams

    target = str(folder / "milvus.db") if uri in ("", LITE) else uri
    return MilvusIndex(dim, target, collection=name, token=token, params=MilvusParams.of(params))
