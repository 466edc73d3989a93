"""Float16 rows in a file: mapped for random reads, prefetched together, converted fast."""

from __future__ import annotations

import mmap
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

_PREFETCH_MAX = 4_096  # rows: above it the syscalls cost more than reading in order


def mapped(path: Path, n: int, dim: int) -> NDArray[np.float16]:
    """The float16 rows, memory-mapped for random reads: without MADV_RANDOM the kernel reads ahead
    around every row a query touches, and 10,000 scattered rows pulled the whole 1 GB file in."""
    if n == 0:
        return np.zeros((0, dim), np.float16)
    rows = np.memmap(path, np.float16, "r", shape=(n, dim))
    handle = getattr(rows, "_mmap", None)
    if handle is not None and hasattr(mmap, "MADV_RANDOM"):
        handle.madvise(mmap.MADV_RANDOM)
    return rows


def prefetch(matrix: NDArray[np.float16], rows: NDArray[np.int64]) -> None:
    """Ask the kernel for every row's pages at once (MADV_WILLNEED) before reading them one after
    the other: the reads then wait on the disk together. 32 rows of the 10 GB file the page cache
    lacked: p50 2.6 → 1.5 ms, p95 11.9 → 3.8 ms (a loaded machine)."""
    handle = getattr(matrix, "_mmap", None)
    if handle is None or not hasattr(mmap, "MADV_WILLNEED") or rows.size > _PREFETCH_MAX:
        return
    width, page = matrix.shape[1] * matrix.itemsize, mmap.PAGESIZE
    for row in rows.tolist():
        start = row * width
        aligned = start - start % page
        handle.madvise(mmap.MADV_WILLNEED, aligned, start + width - aligned)


def to_f32(rows: NDArray[np.float16]) -> NDArray[np.float32]:
    """float16 rows as float32: OpenCV's SIMD conversion, 10x numpy's astype here (0.8 vs 7 ms
    for 3,000 x 512)."""
    if rows.size == 0:
        return np.zeros(rows.shape, np.float32)
    return np.asarray(cv2.convertFp16(np.ascontiguousarray(rows).view(np.int16)), np.float32)


def inverse_norms(rows: NDArray[np.float32]) -> NDArray[np.float32]:
    """1 / length of each rounded row (given as float32): scores are scaled by it, so rounding does
    not change a vector's length and a stored vector scores 1.0 against itself (error ~1e-7, not ~1e-4)."""
    norms = np.linalg.norm(rows, axis=1)
    inverse: NDArray[np.float32] = np.divide(1.0, norms, out=np.ones_like(norms), where=norms > 0)
    return inverse
