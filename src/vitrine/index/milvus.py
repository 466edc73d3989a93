"""Milvus index: a Milvus server or cluster (``milvus://host:port``, ``http(s)://...``) or Milvus Lite
(a local ``.db`` file). The token for a server is passed in (`Settings.milvus.token`, read from
``VITRINE_MILVUS__TOKEN``).

Schema: int64 primary key ``id`` and a FloatVector ``vector``, inner-product metric, strong
consistency (a search sees the writes before it).

Filtered search: an allowed list of at most `expr_max_ids` ids becomes an ``id in [...]`` filter
expression. Larger lists make expressions that are slow to send and parse, so the search runs
unfiltered with ``limit = k / fraction * oversample`` and keeps the allowed hits; when that leaves
fewer than k hits it falls back to one filtered search per chunk of ids, merged. The filtered path
is always exact in which ids it may return; only the recall of the large-set path depends on the
oversampling.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.errors import IndexError_
from vitrine.index.base import SearchResult, VectorIndex, as_queries, top_k

log = logging.getLogger(__name__)

MAX_LIMIT = 16_384  # Milvus caps limit (top-k) and query windows at this


def server_uri(uri: str) -> str:
    """The address pymilvus expects: milvus:// and tcp:// become http://; a path stays a path."""
    for scheme in ("milvus://", "tcp://"):
        if uri.startswith(scheme):
            return "http://" + uri.removeprefix(scheme)
    return uri


@contextmanager
def _milvus_errors(action: str) -> Iterator[None]:
    """Turn pymilvus failures into IndexError_ naming what vitrine was doing."""
    from pymilvus.exceptions import MilvusException

    try:
        yield
    except MilvusException as exc:
        raise IndexError_(f"Milvus could not {action}: {exc.message}") from exc


INDEX_TYPES = ("AUTOINDEX", "FLAT", "HNSW", "IVF_FLAT", "IVF_SQ8", "IVF_PQ", "DISKANN", "SCANN")
_BUILD = ("M", "efConstruction", "nlist", "m", "nbits")
_SEARCH = ("ef", "nprobe", "search_list")
_GRAPHS = ("AUTOINDEX", "HNSW")


@dataclass(frozen=True)
class MilvusParams:
    """The index a new Milvus collection is built with, and its search settings (per collection).

    Milvus Lite builds only FLAT, IVF_FLAT and AUTOINDEX; a server or cluster builds them all.
    docs/scale.md says what each costs in memory per vector."""

    index_type: str = "AUTOINDEX"
    build: dict[str, int] = dc_field(default_factory=dict)
    search: dict[str, int] = dc_field(default_factory=dict)

    @classmethod
    def of(cls, options: dict[str, Any]) -> MilvusParams:
        """From flat `index_params` (index_type=HNSW, M=32, ef=128...), refusing unknown names."""
        options = dict(options)
        index_type = str(options.pop("index_type", "AUTOINDEX")).upper()
        if index_type not in INDEX_TYPES:
            raise IndexError_(f"unknown Milvus index_type {index_type!r}: use {', '.join(INDEX_TYPES)}")
        unknown = sorted(set(options) - set(_BUILD) - set(_SEARCH))
        if unknown:
            raise IndexError_(f"unknown milvus index parameter(s) {', '.join(unknown)}; known: index_type, "
                              f"{', '.join(_BUILD + _SEARCH)}")
        try:
            values = {k: int(v) for k, v in options.items()}
        except ValueError as exc:
            raise IndexError_(f"Milvus index parameters are whole numbers: {exc}") from None
        return cls(index_type, {k: v for k, v in values.items() if k in _BUILD},
                   {k: v for k, v in values.items() if k in _SEARCH})


class MilvusIndex(VectorIndex):
    """Vectors in one Milvus collection, keyed by int64 ids."""

    reloads = False

    expr_max_ids = 10_000
    oversample = 3.0
    ef_search = 128
    """HNSW efSearch (Milvus Lite's AUTOINDEX is a graph); filtered searches scale it by 1/fraction."""
    filtered_ef_max = 4096

    def __init__(
        self, dim: int, uri: str, collection: str = "vectors", token: str = "",
        params: MilvusParams | None = None,
    ) -> None:
        super().__init__(dim)
        self.params = params or MilvusParams()
        self.ef_search = self.params.search.get("ef", self.ef_search)
        self.uri = server_uri(uri)
        self.collection = collection
        self._token = token
        self._client = self._connect()
        self._open_collection()

    # -- writes -------------------------------------------------------------------------------

    def add(self, ids: NDArray[np.int64], vectors: NDArray[np.float32]) -> None:
        ids, vectors = self._check(ids, vectors)
        step = max(1, (8 << 20) // (4 * self.dim))  # keep each request well under gRPC's 64 MB
        with _milvus_errors(f"upsert into {self.collection!r}"):
            for s in range(0, ids.size, step):
                rows = [{"id": int(i), "vector": v} for i, v in zip(ids[s : s + step], vectors[s : s + step],
                                                                   strict=True)]
                self._client.upsert(self.collection, rows)

    def remove(self, ids: NDArray[np.int64]) -> None:
        ids = np.asarray(ids, np.int64).reshape(-1)
        with _milvus_errors(f"delete from {self.collection!r}"):
            for s in range(0, ids.size, MAX_LIMIT):
                self._client.delete(self.collection, ids=ids[s : s + MAX_LIMIT].tolist())

    def save(self) -> None:
        with _milvus_errors(f"flush {self.collection!r}"):
            self._client.flush(self.collection)

    def close(self) -> None:
        self._client.close()

    def wait_until_indexed(self, timeout_s: float = 600.0) -> None:
        """Flush, then block until Milvus has indexed every row (benchmarks; bulk loads)."""
        self.save()
        deadline = time.monotonic() + timeout_s
        with _milvus_errors(f"describe the index of {self.collection!r}"):
            while True:
                info = self._client.describe_index(self.collection, "vector")
                if not info.get("pending_index_rows", 0) or time.monotonic() > deadline:
                    return
                time.sleep(0.5)

    # -- reads --------------------------------------------------------------------------------

    def search(
        self, queries: NDArray[np.float32], k: int, allowed: NDArray[np.int64] | None = None,
        *, ef_search: int | None = None,
    ) -> SearchResult:
        q = as_queries(queries, self.dim)
        if k <= 0 or (allowed is not None and np.asarray(allowed).size == 0):
            return top_k(np.zeros((q.shape[0], 0), np.float32), np.zeros(0, np.int64), max(k, 0))
        if allowed is None:
            return self._search(q, k, min(k, MAX_LIMIT), None)
        allowed = np.unique(np.asarray(allowed, np.int64))
        if allowed.size <= self.expr_max_ids:
            # Milvus's graph walk keeps only allowed hits, so a small filter needs a wider walk
            # (measured on Milvus Lite, 1% filter: recall@10 0.27 at the default ef, 0.95 at 1024).
            fraction = allowed.size / max(len(self), 1)
            ef = min(self.filtered_ef_max, int(1.5 * self.ef_search / max(fraction, 1e-6)))
            return self._search(q, k, min(k, MAX_LIMIT), _id_filter(allowed), ef)
        return self._search_large_filter(q, k, allowed)

    def ids(self) -> NDArray[np.int64]:
        found: list[int] = []
        with _milvus_errors(f"list ids of {self.collection!r}"):
            iterator = self._client.query_iterator(self.collection, batch_size=MAX_LIMIT // 2,
                                                   output_fields=["id"])
            try:
                while batch := iterator.next():
                    found.extend(row["id"] for row in batch)
            finally:
                iterator.close()
        return np.sort(np.array(found, np.int64))

    def get(self, ids: NDArray[np.int64]) -> NDArray[np.float32]:
        wanted = np.asarray(ids, np.int64).reshape(-1)
        rows: dict[int, Any] = {}
        with _milvus_errors(f"read vectors from {self.collection!r}"):
            for s in range(0, wanted.size, MAX_LIMIT):
                chunk = wanted[s : s + MAX_LIMIT].tolist()
                for row in self._client.query(self.collection, ids=chunk, output_fields=["vector"]):
                    rows[int(row["id"])] = row["vector"]
        missing = [i for i in wanted.tolist() if i not in rows]
        if missing:
            raise IndexError_(f"ids not in the index: {missing[:5]}")
        return np.array([rows[i] for i in wanted.tolist()], np.float32).reshape(-1, self.dim)

    def __len__(self) -> int:
        with _milvus_errors(f"count {self.collection!r}"):
            res = self._client.query(self.collection, filter="", output_fields=["count(*)"])
        return int(res[0]["count(*)"])

    # -- internals ----------------------------------------------------------------------------

    def _connect(self) -> Any:
        try:
            from pymilvus import MilvusClient
        except ImportError as exc:
            raise IndexError_("the Milvus index needs pymilvus: pip install 'vitrine[milvus]'") from exc
        with _milvus_errors(f"connect to {self.uri}"):
            return MilvusClient(self.uri, token=self._token, timeout=10)

    def _open_collection(self) -> None:
        from pymilvus import DataType, MilvusClient

        name = self.collection
        with _milvus_errors(f"open collection {name!r}"):
            if self._client.has_collection(name):
                self._check_dim(self._client.describe_collection(name))
                self._client.load_collection(name)
                return
            schema = MilvusClient.create_schema(auto_id=False, enable_dynamic_field=False)
            schema.add_field("id", DataType.INT64, is_primary=True)
            schema.add_field("vector", DataType.FLOAT_VECTOR, dim=self.dim)
            params = self._client.prepare_index_params()
            params.add_index(field_name="vector", index_type=self.params.index_type, metric_type="IP",
                             params=self.params.build)
            self._client.create_collection(name, schema=schema, index_params=params,
                                           consistency_level="Strong")

    def _check_dim(self, description: dict[str, Any]) -> None:
        for field in description.get("fields", []):
            if field.get("name") == "vector":
                dim = int(field.get("params", {}).get("dim", -1))
                if dim != self.dim:
                    raise IndexError_(f"Milvus collection {self.collection!r} holds {dim}-d vectors, "
                                      f"expected {self.dim}; the embedder changed: rebuild the index")
                return
        raise IndexError_(f"Milvus collection {self.collection!r} has no 'vector' field: not a vitrine index")

    def _search(
        self, q: NDArray[np.float32], k: int, limit: int, expr: str | None, ef: int | None = None,
    ) -> SearchResult:
        own = {k: v for k, v in self.params.search.items() if k != "ef"}
        if self.params.index_type in _GRAPHS:
            own["ef"] = max(ef or self.ef_search, limit)
        params = {"metric_type": "IP", "params": own}
        with _milvus_errors(f"search {self.collection!r}"):
            hits = self._client.search(self.collection, data=list(q), limit=limit, filter=expr or "",
                                       anns_field="vector", search_params=params)
        scores = np.full((q.shape[0], k), -np.inf, np.float32)
        ids = np.full((q.shape[0], k), -1, np.int64)
        for row, found in enumerate(hits):
            for col, hit in enumerate(list(found)[:k]):
                scores[row, col], ids[row, col] = hit["distance"], hit["id"]
        return scores, ids

    def _search_large_filter(
        self, q: NDArray[np.float32], k: int, allowed: NDArray[np.int64],
    ) -> SearchResult:
        fraction = allowed.size / max(len(self), 1)
        limit = min(MAX_LIMIT, int(np.ceil(k / min(fraction, 1.0) * self.oversample)))
        scores, ids = self._search(q, limit, limit, None)
        keep = np.isin(ids, allowed)
        if (keep.sum(axis=1) >= min(k, allowed.size)).all():
            return _keep_best(scores, ids, keep, k)
        log.debug("oversampled search kept < %d allowed hits; searching %d id chunks", k, allowed.size)
        parts = [self._search(q, k, min(k, MAX_LIMIT), _id_filter(allowed[s : s + self.expr_max_ids]),
                              self.filtered_ef_max)
                 for s in range(0, allowed.size, self.expr_max_ids)]
        all_scores = np.concatenate([p[0] for p in parts], axis=1)
        all_ids = np.concatenate([p[1] for p in parts], axis=1)
        return _keep_best(all_scores, all_ids, all_ids >= 0, k)


def _id_filter(ids: NDArray[np.int64]) -> str:
    return f"id in [{','.join(map(str, ids.tolist()))}]"


def _keep_best(
    scores: NDArray[np.float32], ids: NDArray[np.int64], keep: NDArray[np.bool_], k: int,
) -> SearchResult:
    """The k best kept entries per row, padded with -1 / -inf."""
    masked = np.where(keep, scores, -np.inf).astype(np.float32)
    best_s, best_i = top_k(masked, np.arange(scores.shape[1], dtype=np.int64), k)
    out_ids = np.where(np.isfinite(best_s), np.take_along_axis(ids, np.maximum(best_i, 0), axis=1), -1)
    return best_s, out_ids.astype(np.int64)
