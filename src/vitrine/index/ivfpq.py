"""The compressed embedded index for big collections: IVF-PQ shortlist, 8-bit re-rank in memory.

At 10 million 512-d vectors the float HNSW graph needs about 23 GB of memory before its links. Here
a vector costs its product-quantisation code in memory (`pq_m` bytes: 64 at 512-d), its 8-bit copy
in memory (`rerank_on="sq8"`, one byte a component: see sq8.py), 8 bytes for its row's entry in the
id map, and its float16 copy on disk (1 KB at 512-d), memory-mapped. A query scans `nprobe` inverted
lists of PQ codes (FAISS), takes the `rerank` best estimates and scores those again on their 8-bit
codes: the PQ codes shortlist, the re-rank decides. With `rerank_on="disk"` (no 8-bit copy) the
re-rank reads the float16 rows instead, which is exact but costs a disk read for each row the page
cache lacks: at 10M, 2,048 of them took 108 ms at p95.

Building streams: vectors arrive in chunks through `add` and go straight to the float16 file. Until
`train_after` vectors are stored, searches are exact over that file; then the coarse quantiser, the
PQ codebooks and the 8-bit ranges are trained on a sample of the stored rows (at most `train_sample`
of them in memory) and every row is encoded, chunk by chunk. No more than one chunk and the sample
are ever in memory besides the codes, so 10 million vectors build on a machine that could not hold
them as floats.

Files, next to each other: ``<name>.f16`` (rows, written in place, never moved except by
compaction), ``<name>.rows.npz`` (the external id of each row, -1 for a deleted one; its length is
the number of valid rows, so bytes past it in ``.f16`` after a crash are ignored and overwritten),
``<name>.ivfpq`` (the trained FAISS index, whose ids are row numbers), ``<name>.ivfpq.token``
(a random name for that file's content, which the row map repeats) and the 8-bit codes with their
ranges in its header (``<rows file>.sq8``). Each is replaced atomically; an ``.ivfpq`` file whose
token the row map does not repeat is encoded again from the rows on load, and rows the codes file
lacks are encoded on load (sq8.py says why the codes it holds are right).
"""
from __future__ import annotations

import logging
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from numpy.typing import NDArray

from vitrine.errors import IndexError_
from vitrine.fsutil import atomic_path
from vitrine.index.base import SearchResult, VectorIndex, as_queries, top_k
from vitrine.index.f16 import inverse_norms, mapped, prefetch, to_f32
from vitrine.index.rows import ReadWriteLock, bitmap, parse_params, threads_for
from vitrine.index.sq8 import Sq8Store, truncate

log = logging.getLogger(__name__)

_CHUNK = 65_536
__all__ = ["IvfPqIndex", "IvfPqParams", "parse_params"]
MAX_ID = 2**32
"""Ids index a dense row map (8 bytes per possible id): catalogue image ids are small rowids."""


@dataclass(frozen=True)
class IvfPqParams:
    """Settings of a compressed index; every one can be set per collection (`index_params`)."""

    nlist: int = 0
    """Inverted lists; 0 chooses from the training sample: a power of two near sqrt(sample) * 4,
    between 64 and 16,384 (FAISS wants about 39 training points per list)."""
    pq_m: int = 0
    """Sub-quantisers (bytes per code); 0: dim / 8, or the largest divisor of dim below it."""
    nprobe: int = 32
    """Inverted lists scanned per query."""
    rerank: int = 0
    """PQ candidates scored again, on the 8-bit codes in memory or the float16 rows (`rerank_on`);
    0: 2,048 on the codes (0.4 ms for 512-d), 256 on the rows (a disk read each, uncached)."""
    rerank_on: str = "sq8"
    """"sq8": 8-bit codes of every row held in memory (dim bytes a vector) re-rank the candidates;
    "disk": the float16 rows on disk do (no memory, but a read per candidate the page cache lacks)."""
    exact_top: int = 16
    """With "sq8": this many of the best re-ranked rows are scored once more on their float16 rows
    (0: the 8-bit scores are final, within about 3e-3 of the exact ones, and near-ties at the k-th
    place are missed: on the 10M bench's build queries recall@10 0.965 without, 0.998 with 16 or 32
    re-scored, which cost about 1 ms of disk reads a query when the page cache lacks them)."""
    train_after: int = 100_000
    """Stored vectors before training; below it every search is exact."""
    train_sample: int = 262_144
    """Rows the quantisers are trained on (read from disk; the only large array in memory)."""
    exact_below: int = 16_384
    """Filters keeping at most this many ids are scored on all their rows, without the IVF."""
    exact_fraction: float = 0.0
    """... or at most this share of the index. 0: by count alone; at 10M a 1% filter (100,000 ids)
    scored on all its rows took p50 117 ms, through the widened IVF probe 16 ms."""
    compact_fraction: float = 0.2
    """Rewrite the rows once this fraction of them are deleted."""

    def __post_init__(self) -> None:
        at_least_one = ("nprobe", "train_after", "train_sample")
        low = [name for name in at_least_one if getattr(self, name) < 1]
        zero_ok = ("nlist", "pq_m", "rerank", "exact_below", "exact_top")
        low += [name for name in zero_ok if getattr(self, name) < 0]
        if low:
            raise IndexError_(f"ivfpq parameter(s) {', '.join(low)} too small: {', '.join(at_least_one)} "
                              "are at least 1, the others at least 0 (0: chosen for you)")
        for name in ("exact_fraction", "compact_fraction"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:  # also refuses NaN
                raise IndexError_(f"ivfpq parameter {name} is a fraction between 0 and 1, not {value}")
        if self.rerank_on not in ("sq8", "disk"):
            raise IndexError_(f"ivfpq parameter rerank_on is sq8 or disk, not {self.rerank_on!r}")
        if self.compact_fraction == 0.0:
            raise IndexError_("ivfpq parameter compact_fraction must be above 0 (every delete would compact)")


class IvfPqIndex(VectorIndex):
    """IVF-PQ shortlist + exact float16 re-rank, inner product over unit vectors; upsert, delete, filters."""

    vector_error = 1e-3  # float16 keeps 11 significant bits: components of unit vectors within ~2e-4

    def __init__(self, dim: int, path: Path, params: IvfPqParams | None = None) -> None:
        super().__init__(dim)
        self.params = params or IvfPqParams()
        if self.params.pq_m and dim % self.params.pq_m:
            raise IndexError_(f"ivfpq parameter pq_m={self.params.pq_m} must divide the vector dimension "
                              f"{dim}")
        self.path = Path(path)
        self.rows_path = self.path.with_suffix(".rows.npz")
        self.ivf_path = self.path.with_suffix(".ivfpq")
        self.token_path = self.path.with_suffix(".ivfpq.token")
        self._data_name = self.path.name  # compaction writes the rows to a new file the row map names
        self._token = ""  # names the IVF file on disk; the rows file names the one it matches
        self._lock = ReadWriteLock()
        self._set_labels(np.zeros(0, np.int64))
        self._ivf: Any = None
        self._ivf_dirty = False
        self._mm: NDArray[np.float16] | None = None
        self._sq8: Sq8Store | None = None  # trained with the IVF when rerank_on is "sq8"
        if self.rows_path.exists():
            self._load()

    # -- writes -------------------------------------------------------------------------------

    def add(self, ids: NDArray[np.int64], vectors: NDArray[np.float32]) -> None:
        ids, vectors = self._check(ids, vectors)
        if ids.size == 0:
            return
        if ids.min() < 0 or ids.max() >= MAX_ID:
            raise IndexError_(f"vector ids must be between 0 and {MAX_ID - 1}")
        with self._lock.write():
            self._delete(ids)
            start, rounded = self._write_rows(vectors)
            inverse = inverse_norms(rounded)
            if self._sq8 is not None:  # from the rounded rows, as a reload would encode them
                self._sq8.write(start, rounded)
            else:  # codes a process with rerank_on "sq8" left past here would no longer match the rows
                truncate(self.sq8_path, self.dim, start)
            self._append_labels(ids, start, inverse)
            if self._ivf is not None:
                with threads_for(ids.size):
                    self._ivf.add_with_ids(vectors, np.arange(start, start + ids.size, dtype=np.int64))
                self._ivf_dirty = True
            elif self.live >= self.params.train_after:
                self._train()
            self._maybe_compact()

    def remove(self, ids: NDArray[np.int64]) -> None:
        with self._lock.write():
            if self._delete(np.asarray(ids, np.int64).reshape(-1)):
                self._maybe_compact()

    def save(self) -> None:
        with self._lock.write():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.data_path.exists():
                with self.data_path.open("rb+") as fh:
                    os.fsync(fh.fileno())
            else:
                self.data_path.touch()
            if self._sq8 is not None:
                self._sq8.sync()
            if self._ivf is not None and (self._ivf_dirty or not self.ivf_path.exists()):
                # the token first: cut short after it, the old rows name another token
                self._token = uuid.uuid4().hex
                with atomic_path(self.token_path) as tmp:
                    tmp.write_text(self._token)
                with atomic_path(self.ivf_path) as tmp:
                    faiss.write_index(self._ivf, str(tmp))
                self._ivf_dirty = False
            elif self._ivf is None:
                self.ivf_path.unlink(missing_ok=True)
            self._save_rows()

    def drop(self) -> None:
        with self._lock.write():
            files = {self.path, self.data_path, self.ivf_path, self.token_path, self.sq8_path}
            if self._sq8 is not None:
                self._sq8.close()
            self._set_labels(np.zeros(0, np.int64))
            self._ivf, self._mm, self._sq8, self._data_name = None, None, None, self.path.name
            for path in files:
                path.unlink(missing_ok=True)
        self.save()

    # -- reads --------------------------------------------------------------------------------

    @property
    def data_path(self) -> Path:
        """The file of float16 rows (`path` until a compaction names a new one)."""
        return self.path.with_name(self._data_name)

    @property
    def _rerank(self) -> int:
        return self.params.rerank or (2048 if self.params.rerank_on == "sq8" else 256)

    @property
    def sq8_path(self) -> Path:
        """The 8-bit codes of the rows in `data_path` (named after it: compaction renames both)."""
        return self.path.with_name(self._data_name + ".sq8")

    @property
    def live(self) -> int:
        """Vectors stored (deleted rows not counted)."""
        return self._live

    @property
    def trained(self) -> bool:
        return self._ivf is not None

    def search(
        self, queries: NDArray[np.float32], k: int, allowed: NDArray[np.int64] | None = None,
        *, ef_search: int | None = None,
    ) -> SearchResult:
        """`ef_search` is a graph setting; this index ignores it (its knobs are nprobe and rerank)."""
        q = as_queries(queries, self.dim)
        with self._lock.read():
            if k <= 0 or self._live == 0:
                none = np.zeros((q.shape[0], 0))
                return _pad(none.astype(np.float32), none.astype(np.int64), max(k, 0))
            if allowed is None:
                if self._ivf is None:
                    return self._exact(q, k, None)
                return self._shortlist(q, k, None, self.params.nprobe)
            rows = self._rows_of(allowed, unique=False)  # np.unique of 100k ids took 14 ms
            small = max(self.params.exact_below, self.params.exact_fraction * self._live)
            if self._ivf is None or rows.size <= small:
                if self._sq8 is not None:  # the codes in memory rank them, as they rank a shortlist
                    return self._ranked(q, k, [np.unique(rows)] * q.shape[0])
                return self._exact(q, k, np.unique(rows))
            widen = (self._live / max(rows.size, 1)) ** 0.5
            nprobe = min(int(self._ivf.nlist), int(self.params.nprobe * widen) + 1)
            return self._shortlist(q, k, bitmap(rows, self._n), nprobe)

    def ids(self) -> NDArray[np.int64]:
        with self._lock.read():
            return np.flatnonzero(self._row_of >= 0).astype(np.int64)

    def get(self, ids: NDArray[np.int64]) -> NDArray[np.float32]:
        """The stored vectors, as float16 kept them, renormalised (cosine to the originals ~1 - 1e-7)."""
        wanted = np.asarray(ids, np.int64).reshape(-1)
        with self._lock.read():
            inside = (wanted >= 0) & (wanted < self._row_of.size)
            rows = np.where(inside, self._row_of[np.where(inside, wanted, 0)], -1)
            if (rows < 0).any():
                raise IndexError_(f"ids not in the index: {wanted[rows < 0][:5].tolist()}")
            return to_f32(self._matrix()[rows]) * self._inv_norm[rows, None]

    def __len__(self) -> int:
        return self.live

    # -- internals: rows ----------------------------------------------------------------------

    def _write_rows(self, vectors: NDArray[np.float32]) -> tuple[int, NDArray[np.float32]]:
        """Write float16 rows after the valid ones; returns the first new row and the rows as stored
        (rounded to float16, given back as float32)."""
        start, rounded = self._n, vectors.astype(np.float16)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.data_path.open("r+b" if self.data_path.exists() else "wb") as fh:
            fh.seek(start * self.dim * 2)
            fh.write(rounded.tobytes())
        self._mm = None
        return start, to_f32(rounded)

    def _set_labels(self, labels: NDArray[np.int64], inverse: NDArray[np.float32] | None = None) -> None:
        """Take a whole row map (-1: a deleted row) and the rows' inverse norms, as read from disk
        or made by compaction."""
        self._labels, self._n = labels.copy(), int(labels.size)
        self._inv_norm = np.ones(labels.size, np.float32) if inverse is None else inverse.astype(np.float32)
        live = np.flatnonzero(labels >= 0)
        self._row_of = np.full(int(labels.max(initial=-1)) + 1, -1, np.int64)
        self._row_of[labels[live]] = live
        self._live = int(live.size)

    def _append_labels(self, ids: NDArray[np.int64], start: int, inverse: NDArray[np.float32]) -> None:
        need = start + ids.size
        if need > self._labels.size:
            size = max(need, 2 * self._labels.size)
            grown, norms = np.full(size, -1, np.int64), np.ones(size, np.float32)
            grown[: self._n], norms[: self._n] = self._labels[: self._n], self._inv_norm[: self._n]
            self._labels, self._inv_norm = grown, norms
        self._labels[start:need], self._inv_norm[start:need] = ids, inverse
        self._n = need
        top = int(ids.max()) + 1
        if top > self._row_of.size:
            grown = np.full(max(top, int(1.5 * self._row_of.size)), -1, np.int64)
            grown[: self._row_of.size] = self._row_of
            self._row_of = grown
        self._row_of[ids] = np.arange(start, need, dtype=np.int64)
        self._live += int(ids.size)

    def _delete(self, ids: NDArray[np.int64]) -> int:
        """Forget the present `ids` (their rows become dead); returns how many were present."""
        rows = self._rows_of(ids)
        if rows.size == 0:
            return 0
        self._labels[rows] = -1
        self._row_of[ids[(ids >= 0) & (ids < self._row_of.size)]] = -1
        self._live -= int(rows.size)
        if self._ivf is not None:
            self._ivf.remove_ids(faiss.IDSelectorBatch(rows.size, faiss.swig_ptr(rows)))
            self._ivf_dirty = True
        return int(rows.size)

    def _rows_of(self, ids: NDArray[np.int64], unique: bool = True) -> NDArray[np.int64]:
        """The rows of those `ids` present (sorted and distinct, unless `unique` is False)."""
        ids = np.asarray(ids, np.int64).reshape(-1)
        if ids.size and (ids.min() < 0 or ids.max() >= self._row_of.size):  # two passes, no mask
            ids = ids[(ids >= 0) & (ids < self._row_of.size)]
        rows = self._row_of.take(ids)
        rows = rows[rows >= 0]
        return np.unique(rows) if unique else rows

    def _matrix(self) -> NDArray[np.float16]:
        if self._mm is None or self._mm.shape[0] != self._n:
            self._mm = mapped(self.data_path, self._n, self.dim)
        return self._mm

    def _maybe_compact(self) -> None:
        dead = self._n - self.live
        if dead and dead >= self.params.compact_fraction * self._n:
            self._compact()

    def _compact(self) -> None:
        """Copy the live rows to a new file, renumbered, and re-encode them (no re-training).

        The new file gets a new name, and the row map that names it is saved at once: killed before
        that, the old map still names the old file; after it, the new map names the new file and
        its codes are encoded again on load. No moment pairs a row map with the wrong file."""
        live = np.flatnonzero(self._labels[: self._n] >= 0)
        log.info("compacting %s: %d live rows of %d", self.data_path, live.size, self._n)
        source, labels, inverse = self._matrix(), self._labels[live].copy(), self._inv_norm[live].copy()
        old, old_sq8 = self.data_path, self.sq8_path
        self._data_name = f"{self.path.stem}.{uuid.uuid4().hex[:12]}{self.path.suffix}"
        with atomic_path(self.data_path) as tmp, tmp.open("wb") as fh:
            for s in range(0, live.size, _CHUNK):
                fh.write(np.ascontiguousarray(source[live[s : s + _CHUNK]]).tobytes())
            fh.flush()
            os.fsync(fh.fileno())
        self._mm = None
        self._set_labels(labels, inverse)
        self._ivf_dirty = self._ivf is not None  # the codes on disk name the old rows
        ranges = self._sq8.ranges if self._sq8 is not None else None
        if self._sq8 is not None:
            self._sq8.close()
        self._sq8 = None  # the new rows file has no 8-bit codes yet
        self._save_rows()
        siblings = self.path.parent.glob(f"{self.path.stem}.*{self.path.suffix}")
        for stale in {old, old_sq8, *siblings} - {self.data_path}:
            stale.unlink(missing_ok=True)  # readers that mapped it keep their copy until they reload
        if self._ivf is not None:
            self._ivf.reset()
            self._encode_all()
            if ranges is not None:
                self._sq8 = Sq8Store.create(self.dim, self.sq8_path, ranges, self._n, self._f32_rows)

    def _save_rows(self) -> None:
        """The row map, with the token of the IVF file it matches ("" when the codes on disk are
        older than the rows: they are encoded again on load)."""
        token = "" if self._ivf_dirty else self._token
        with atomic_path(self.rows_path) as tmp, tmp.open("wb") as fh:
            np.savez(fh, labels=self._labels[: self._n], inverse_norms=self._inv_norm[: self._n],
                     ivf_token=np.array(token), data_file=np.array(self._data_name))

    # -- internals: the IVF-PQ codes ----------------------------------------------------------

    def _train(self) -> None:
        sample = self._train_sample()
        nlist = self.params.nlist or _nlist_for(sample.shape[0])
        quantiser = faiss.IndexFlatIP(self.dim)
        ivf = faiss.IndexIVFPQ(quantiser, self.dim, nlist, self.params.pq_m or _pq_m_for(self.dim), 8,
                               faiss.METRIC_INNER_PRODUCT)
        log.info("training IVF-PQ (%d lists, %d sub-quantisers) on %d vectors", nlist, ivf.pq.M, len(sample))
        ivf.train(sample)
        self._ivf = ivf
        self._encode_all()
        if self.params.rerank_on == "sq8":
            self._make_sq8(sample)

    def _train_sample(self) -> NDArray[np.float32]:
        rows = np.flatnonzero(self._labels[: self._n] >= 0)
        rng = np.random.default_rng(0)
        sample_rows = np.sort(rng.choice(rows, min(rows.size, self.params.train_sample), replace=False))
        return to_f32(self._matrix()[sample_rows])

    def _f32_rows(self, start: int, stop: int) -> NDArray[np.float32]:
        return to_f32(self._matrix()[start:stop])

    def _encode_all(self) -> None:
        """Add every live row to the (trained, empty) IVF index, a chunk at a time."""
        live = np.flatnonzero(self._labels[: self._n] >= 0)
        matrix = self._matrix()
        for s in range(0, live.size, _CHUNK):
            rows = live[s : s + _CHUNK]
            self._ivf.add_with_ids(to_f32(matrix[rows]), rows.astype(np.int64))
        self._ivf_dirty = True

    def _exact(self, q: NDArray[np.float32], k: int, rows: NDArray[np.int64] | None) -> SearchResult:
        """Score the given rows (all live rows when None) against their float16 vectors."""
        matrix = self._matrix()
        if rows is None:
            rows = np.flatnonzero(self._labels[: self._n] >= 0)
        best_s = np.full((q.shape[0], 0), -np.inf, np.float32)
        best_i = np.zeros((q.shape[0], 0), np.int64)
        for s in range(0, rows.size, _CHUNK):
            chunk = rows[s : s + _CHUNK]
            scores = (q @ to_f32(matrix[chunk]).T) * self._inv_norm[chunk]
            cand_s, cand_i = top_k(scores, self._labels[chunk], k)
            best_s, best_i = _merge(best_s, best_i, cand_s, cand_i, k)
        return _pad(best_s, best_i, k)

    def _shortlist(
        self, q: NDArray[np.float32], k: int, allowed_bitmap: NDArray[np.uint8] | None, nprobe: int,
    ) -> SearchResult:
        params = faiss.SearchParametersIVF(nprobe=nprobe)  # type: ignore[call-arg]
        if allowed_bitmap is not None:
            params.sel = faiss.IDSelectorBitmap(self._n, faiss.swig_ptr(allowed_bitmap))
        _, found = self._ivf.search(q, max(k, self._rerank), params=params)
        return self._ranked(q, k, [np.sort(f[f >= 0]) for f in found])

    def _ranked(self, q: NDArray[np.float32], k: int, candidates: list[NDArray[np.int64]]) -> SearchResult:
        """Each query's best k of its candidate rows (sorted), by the re-rank store."""
        out_s = np.full((q.shape[0], k), -np.inf, np.float32)
        out_i = np.full((q.shape[0], k), -1, np.int64)
        for i, rows in enumerate(candidates):
            if self._sq8 is not None:
                rows, scores = self._rerank_sq8(q[i], rows, k)
            else:
                scores = self._exact_scores(q[i], rows)
            out_s[i], out_i[i] = (a[0] for a in top_k(scores[None, :], self._labels[rows], k))
        return out_s, out_i

    def _rerank_sq8(
        self, q: NDArray[np.float32], rows: NDArray[np.int64], k: int,
    ) -> tuple[NDArray[np.int64], NDArray[np.float32]]:
        """The candidates' scores on their 8-bit codes; the best `exact_top` scored again on float16."""
        assert self._sq8 is not None
        parts = [self._sq8.scores(q, rows[s : s + _CHUNK]) for s in range(0, rows.size, _CHUNK)]
        scores = np.concatenate(parts) if parts else np.zeros(0, np.float32)
        keep = max(k, self.params.exact_top)
        if not self.params.exact_top:
            return rows, scores
        if rows.size > keep:
            rows = np.sort(rows[np.argpartition(-scores, keep - 1)[:keep]])
        return rows, self._exact_scores(q, rows)

    def _exact_scores(self, q: NDArray[np.float32], rows: NDArray[np.int64]) -> NDArray[np.float32]:
        matrix = self._matrix()
        prefetch(matrix, rows)
        scores: NDArray[np.float32] = (to_f32(matrix[rows]) @ q) * self._inv_norm[rows]
        return scores

    def _load(self) -> None:
        try:
            with np.load(self.rows_path) as saved:
                labels, token = saved["labels"].astype(np.int64), str(saved["ivf_token"])
                inverse = saved["inverse_norms"].astype(np.float32)
                name = str(saved["data_file"]) if "data_file" in saved.files else self.path.name
        except (OSError, ValueError, KeyError) as exc:
            raise IndexError_(f"cannot read {self.rows_path}: {exc}; rebuild the index") from exc
        if Path(name).name != name or not name.startswith(self.path.stem):
            raise IndexError_(f"{self.rows_path} names an unexpected rows file {name!r}: rebuild the index")
        self._data_name = name
        size = self.data_path.stat().st_size if self.data_path.exists() else 0
        if size < labels.size * self.dim * 2:
            raise IndexError_(f"{self.data_path} holds fewer rows than {self.rows_path} names: "
                              "rebuild the index")
        if inverse.shape != labels.shape:
            raise IndexError_(f"{self.rows_path} is inconsistent (norms and ids differ in length): rebuild")
        self._set_labels(labels, inverse)
        if self.ivf_path.exists():
            self._ivf = _read_ivf(self.ivf_path, self.dim)
            on_disk = self.token_path.read_text() if self.token_path.exists() else "?"
            if token != on_disk or self._ivf.ntotal != self.live:
                log.warning("%s does not match %s (a write was cut short): encoding the rows again",
                            self.ivf_path, self.rows_path)
                self._ivf.reset()
                self._encode_all()
            else:
                self._token = token
            if self.params.rerank_on == "sq8":
                self._load_sq8()

    def _make_sq8(self, sample: NDArray[np.float32]) -> None:
        """New 8-bit codes of every row; where they cannot be written, the re-rank reads the rows."""
        try:
            self._sq8 = Sq8Store.create(self.dim, self.sq8_path, Sq8Store.learn(self.dim, sample), self._n,
                                        self._f32_rows)
        except OSError as exc:
            log.warning("cannot write %s (%s): re-ranking on the float16 rows", self.sq8_path, exc)
            self._sq8 = None

    def _load_sq8(self) -> None:
        """The 8-bit codes: read from their file, or made from the float16 rows (an index built with
        rerank_on "disk", or whose ranges file was lost)."""
        self._sq8 = Sq8Store.open(self.dim, self.sq8_path, self._n, self._f32_rows)
        if self._sq8 is None:
            log.info("making the 8-bit codes of %s's %d rows", self.data_path, self._n)
            self._make_sq8(self._train_sample())


def _read_ivf(path: Path, dim: int) -> Any:
    try:
        ivf = faiss.read_index(str(path))
    except RuntimeError as exc:
        raise IndexError_(f"cannot read vector index {path}: {exc}; rebuild it") from exc
    if ivf.d != dim:
        raise IndexError_(f"{path} holds {ivf.d}-d vectors, expected {dim}: rebuild the index")
    return ivf


def _merge(
    s1: NDArray[np.float32], i1: NDArray[np.int64], s2: NDArray[np.float32], i2: NDArray[np.int64], k: int,
) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    scores, ids = np.concatenate([s1, s2], axis=1), np.concatenate([i1, i2], axis=1)
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(scores, order, axis=1), np.take_along_axis(ids, order, axis=1)


def _pad(scores: NDArray[np.float32], ids: NDArray[np.int64], k: int) -> SearchResult:
    out_s = np.full((scores.shape[0], k), -np.inf, np.float32)
    out_i = np.full((scores.shape[0], k), -1, np.int64)
    out_s[:, : scores.shape[1]], out_i[:, : ids.shape[1]] = scores, ids
    out_i[~np.isfinite(out_s)] = -1
    return out_s, out_i


def _nlist_for(n: int) -> int:
    target = max(64, min(16_384, int(4 * n**0.5), n // 39))
    return 1 << (target.bit_length() - 1)


def _pq_m_for(dim: int) -> int:
    return next(m for m in range(max(1, dim // 8), 0, -1) if dim % m == 0)
