"""8-bit codes of every row, held in memory, to re-rank a compressed index's shortlist without disk reads.

At 10 million vectors the float16 rows (10 GB) do not stay in the page cache of a 24 GB machine
that also serves the catalogue, and re-ranking 2,048 PQ candidates from them cost 108 ms at p95
(docs/scale.md). FAISS's scalar quantiser (`QT_8bit`: one byte per component, each component's
range learnt from a sample) keeps a 512-d vector in 512 bytes, 5 GB at 10M, and scores within about
3e-3 of the exact inner product of unit vectors (99th percentile).

A query scores its candidates without decoding them: FAISS reconstructs component j of a code c as
``vmin[j] + (c[j] + 0.5) / 255 * vdiff[j]``, so ``q . x = q . vmin + sum_j (q[j] vdiff[j] / 255)
(c[j] + 0.5)``: one small matrix product over the uint8 rows (0.2-0.4 ms for 2,048 of 512-d here,
against 7 ms to decode them first).

One file, ``<rows file>.sq8``, holds the ranges (its header) and the codes, so a file is always
consistent with itself: it is made whole in a temporary file and renamed into place, and rows added
later are written only while the path still names the file this store made or read (a random name
in its header: inode numbers are reused once a file is deleted), so that a file another process
put in its place meanwhile never receives codes made with other ranges. Codes of the rows the row
map holds are always right: rows are only ever added past them; a process that adds rows with
codes writes their codes (or none, when the file is no longer its own), and one that adds rows
without codes (`rerank_on="disk"`) first cuts the file back to where it adds (`truncate`), so codes
a crash left past the saved rows never outlive a change of those rows. Rows the file lacks are
encoded from the float16 rows on load and written to it. In memory the codes are blocks of
`_BLOCK` rows, so growing never copies them all.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import faiss
import numpy as np
from numpy.typing import NDArray

from vitrine.errors import IndexError_
from vitrine.fsutil import atomic_path

log = logging.getLogger(__name__)

_CHUNK = 65_536
_BLOCK = 1 << 18  # rows a block: 128 MB at 512-d
_MAGIC = b"VTRSQ8\x00\x02"
_NAME = 16
_MARGIN = 0.1
"""Each range is the sample's min..max widened by this share on both sides: rows outside it are clipped,
and with ranges learnt on 2,000 of 6,000 clustered 64-d vectors the widest error fell from 0.037 to
0.009 (the 99th percentile stayed 0.003)."""

Rows = Callable[[int, int], NDArray[np.float32]]


class Sq8Store:
    """One uint8 code per component for rows 0..n-1 of an index, in memory, mirrored in a file."""

    def __init__(self, dim: int, path: Path, ranges: NDArray[np.float32]) -> None:
        if ranges.shape != (2 * dim,):
            raise IndexError_(f"{path}: an 8-bit quantiser of {dim}-d vectors has {2 * dim} ranges, "
                              f"not {ranges.shape}; delete it to make the codes again")
        self.dim, self.path, self.ranges = dim, Path(path), ranges.astype(np.float32)
        self._vmin, self._step = self.ranges[:dim], self.ranges[dim:] / 255.0
        self._sq = faiss.ScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit)
        faiss.copy_array_to_vector(self.ranges, self._sq.trained)
        self._blocks: list[NDArray[np.uint8]] = []
        self._n = 0
        self._name = b""  # the random name of the file this store made or read: writes go to no other
        self._header = len(_MAGIC) + 8 + _NAME + 8 * dim

    @staticmethod
    def learn(dim: int, sample: NDArray[np.float32]) -> NDArray[np.float32]:
        """Each component's range, learnt from `sample` (rows of unit vectors)."""
        sq = faiss.ScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit)
        sq.rangestat, sq.rangestat_arg = faiss.ScalarQuantizer.RS_minmax, _MARGIN
        sq.train(np.ascontiguousarray(sample, np.float32))
        ranges: NDArray[np.float32] = faiss.vector_to_array(sq.trained).astype(np.float32)
        return ranges

    @classmethod
    def create(cls, dim: int, path: Path, ranges: NDArray[np.float32], n: int, rows: Rows) -> Sq8Store:
        """Write the codes of rows 0..n-1 with these ranges to a new file, swapped in whole."""
        store = cls(dim, path, ranges)
        store.path.parent.mkdir(parents=True, exist_ok=True)
        store._name = os.urandom(_NAME)
        with atomic_path(store.path) as tmp, tmp.open("wb") as fh:
            fh.write(_MAGIC + np.int64(dim).tobytes() + store._name + store.ranges.tobytes())
            for s in range(0, n, _CHUNK):
                codes = store._encode(rows(s, min(n, s + _CHUNK)))
                store._put(s, codes)
                fh.write(codes.tobytes())
            fh.flush()
            os.fsync(fh.fileno())
        return store

    @classmethod
    def open(cls, dim: int, path: Path, n: int, rows: Rows) -> Sq8Store | None:
        """The codes of rows 0..n-1 from `path`, those it lacks encoded from `rows` (and written to
        it); None when there is no such file (not made yet)."""
        try:
            with path.open("rb") as fh:
                head = fh.read(len(_MAGIC) + 8)
                stored_dim = int(np.frombuffer(head[len(_MAGIC) :], np.int64)[0])
                if head[: len(_MAGIC)] != _MAGIC or stored_dim != dim:
                    raise IndexError_(f"{path} is not an 8-bit code file of {dim}-d vectors: delete it "
                                      "to make the codes again")
                name = fh.read(_NAME)
                store = cls(dim, path, np.frombuffer(fh.read(8 * dim), np.float32).copy())
                store._name = name
                have = max(0, min(n, (path.stat().st_size - store._header) // dim))
                for s in range(0, have, _CHUNK):
                    m = min(have, s + _CHUNK) - s
                    store._put(s, np.frombuffer(fh.read(m * dim), np.uint8).reshape(m, dim))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, IndexError) as exc:
            raise IndexError_(f"cannot read {path}: {exc}; delete it to make the codes again") from exc
        if have < n:
            log.info("%s: encoding rows %d..%d from the float16 rows", path, have, n)
        for s in range(have, n, _CHUNK):
            store.write(s, rows(s, min(n, s + _CHUNK)))
        return store

    @property
    def rows(self) -> int:
        return self._n

    @property
    def nbytes(self) -> int:
        return sum(int(b.nbytes) for b in self._blocks)

    def write(self, start: int, vectors: NDArray[np.float32]) -> None:
        """Encode rows `start`.. and write them in memory and, while it is still this store's, the file."""
        codes = self._encode(vectors)
        self._put(start, codes)
        try:
            with self.path.open("r+b") as fh:
                if not self._ours(fh):
                    return  # another process's file now: its ranges differ; these rows are encoded on load
                fh.seek(self._header + start * self.dim)
                fh.write(codes.tobytes())
        except OSError as exc:  # gone, or a read-only folder: the rows are encoded again on the next load
            log.warning("cannot write %s (%s)", self.path, exc)

    def scores(self, q: NDArray[np.float32], rows: NDArray[np.int64]) -> NDArray[np.float32]:
        """Estimated inner products of one query with the given rows."""
        weights = (q * self._step).astype(np.float32)
        constant = float(q @ self._vmin) + 0.5 * float(weights.sum())
        # einsum, not `@`: BLAS splits a 2,048-row product over threads, and on a busy machine its
        # p95 went from 9 to 30 ms waiting for them
        estimate: NDArray[np.float32] = np.einsum("ij,j->i", self._gather(rows).astype(np.float32), weights)
        return estimate + np.float32(constant)

    def sync(self) -> None:
        try:
            with self.path.open("rb") as fh:
                if self._ours(fh):
                    os.fsync(fh.fileno())
        except OSError:
            pass  # nothing of ours to make durable: the next load encodes what the file lacks

    def close(self) -> None:
        self._name = b""

    def _ours(self, fh: BinaryIO) -> bool:
        fh.seek(len(_MAGIC) + 8)
        return bool(self._name) and fh.read(_NAME) == self._name

    def _encode(self, vectors: NDArray[np.float32]) -> NDArray[np.uint8]:
        codes: NDArray[np.uint8] = self._sq.compute_codes(np.ascontiguousarray(vectors, np.float32))
        return codes

    def _gather(self, rows: NDArray[np.int64]) -> NDArray[np.uint8]:
        if len(self._blocks) == 1:
            return self._blocks[0][rows]
        block, offset = np.divmod(rows, _BLOCK)
        out = np.empty((rows.size, self.dim), np.uint8)
        for b in np.unique(block).tolist():
            at = block == b
            out[at] = self._blocks[b][offset[at]]
        return out

    def _put(self, start: int, codes: NDArray[np.uint8]) -> None:
        """Rows start.. in memory (rows past them are dropped: rows are only ever added at the end)."""
        need = start + codes.shape[0]
        while len(self._blocks) * _BLOCK < need:
            self._blocks.append(np.zeros((_BLOCK, self.dim), np.uint8))  # pages only once written
        done = 0
        while done < codes.shape[0]:
            b, o = divmod(start + done, _BLOCK)
            m = min(_BLOCK - o, codes.shape[0] - done)
            self._blocks[b][o : o + m] = codes[done : done + m]
            done += m
        self._n = need
        del self._blocks[max(1, -(-need // _BLOCK)) :]


def truncate(path: Path, dim: int, rows: int) -> None:
    """Cut the codes file at `path` back to its first `rows` rows, if it holds more: rows are about to
    be written there without codes."""
    keep = len(_MAGIC) + 8 + _NAME + 8 * dim + rows * dim
    try:
        if path.stat().st_size > keep:
            os.truncate(path, keep)
    except FileNotFoundError:
        pass
