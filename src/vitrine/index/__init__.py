"""Vector indexes, chosen by name: "faiss" (embedded default), "ivfpq" (embedded, compressed, for millions),
"memory", "milvus"; plugins by entry point."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from vitrine.errors import IndexError_
from vitrine.index.base import SearchResult, VectorIndex
from vitrine.plugins import Registry

__all__ = ["SearchResult", "VectorIndex", "available", "check_params", "index_name", "open_index", "register"]

_MILVUS_SCHEMES = ("milvus://", "http://", "https://", "tcp://")


def _unknown(name: str, names: list[str]) -> str:
    return f"unknown index {name!r}: use {', '.join(map(repr, names))}, 'milvus-lite' or a milvus:// URI"


# Factories are called as factory(dim, folder, name, **options); see vitrine.index.openers.
_registry: Registry[VectorIndex] = Registry("index", "vitrine.indexes", {
    "faiss": "vitrine.index.openers:faiss",
    "ivfpq": "vitrine.index.openers:ivfpq",
    "memory": "vitrine.index.openers:memory",
    "milvus": "vitrine.index.openers:milvus",
}, error=IndexError_, unknown=_unknown)


def register(name: str, factory: str | Callable[..., VectorIndex]) -> None:
    """Make an index available under `name`; `factory(dim, folder, name, **options)` opens it."""
    _registry.register(name, factory)


def available() -> list[str]:
    """Every index name, plugins included."""
    return _registry.available()


def index_name(uri: str) -> tuple[str, dict[str, Any]]:
    """The registered index a collection's URI names, and the options the URI itself carries.

    Milvus addresses (``milvus-lite``, a ``.db`` path, ``milvus://``, ``http(s)://``, ``tcp://``)
    name "milvus" with the address as its `uri`; anything else is a registered name.
    """
    if uri == "milvus-lite" or uri.endswith(".db") or uri.startswith(_MILVUS_SCHEMES):
        return "milvus", {"uri": uri}
    return uri, {}


def open_index(
    uri: str, folder: Path, dim: int, name: str = "vectors",
    options: Mapping[str, Mapping[str, Any]] | None = None,
    params: Mapping[str, Any] | None = None,
) -> VectorIndex:
    """Open (or create) the index that `uri` names, keeping local files in `folder`.

    - ``faiss``: the embedded default, an HNSW graph persisted in `folder`;
    - ``memory``: exact numpy search persisted as .npz (tests, tiny collections);
    - ``milvus://host:port`` or ``http(s)://...``: a Milvus server or cluster;
    - ``milvus-lite`` or a path ending in ``.db``: Milvus Lite, embedded in `folder`;
    - ``milvus``: the server that the index options name (`Settings.milvus.uri`), else Milvus Lite;
    - a plugin's name (entry point group ``vitrine.indexes``).

    `options` maps an index name to the options its factory takes (deployment settings such as the
    Milvus token); options the URI carries win. `params` are the collection's own index parameters
    (`CollectionConfig.index_params`: HNSW's ef_search, IVF-PQ's nprobe, Milvus's index_type...).
    """
    kind, own = index_name(uri)
    chosen = {**(options or {}).get(kind, {}), **own, **(params or {})}
    return _registry.create(kind, dim, folder, name, **chosen)


def check_params(uri: str, params: Mapping[str, Any]) -> None:
    """Raise IndexError_ naming what is wrong when `params` are not parameters of the index `uri` names.

    Checked for the built-in indexes (a plugin checks its own when it opens)."""
    from vitrine.index.hnsw import HnswParams
    from vitrine.index.ivfpq import IvfPqParams
    from vitrine.index.rows import parse_params

    kind, _ = index_name(uri)
    if kind == "faiss":
        parse_params(HnswParams, kind, dict(params))
    elif kind == "ivfpq":
        parse_params(IvfPqParams, kind, dict(params))
    elif kind == "milvus":
        from vitrine.index.milvus import MilvusParams

        MilvusParams.of(dict(params))
    elif kind == "memory" and params:
        raise IndexError_(f"the memory index takes no parameters, got {', '.join(sorted(params))}")
