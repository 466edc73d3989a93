"""The duplicate search at scale: k-NN over a FAISS HNSW index against all-pairs brute force.

Data: `n` synthetic unit vectors of the classic embedder's dimension (319) around 1,000 random
centres (noise 1.0 puts a vector at cosine ~0.7 from its centre, so clusters are realistic
neighbourhoods), and for 1% of them a planted near-copy (noise 0.25: cosine ~0.97). Both methods
list the pairs at cosine >= `threshold`; the all-pairs set is the truth for the k-NN one.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.duplicates.find import knn_pairs

log = logging.getLogger(__name__)
DIM = 319


def vectors(n: int, seed: int) -> tuple[NDArray[np.float32], int]:
    """`n` unit vectors, the last 1% being near-copies of random earlier ones; and that count."""
    rng = np.random.default_rng(seed)
    copies = n // 100
    base = n - copies
    centres = _unit(rng.standard_normal((1000, DIM), np.float32))
    x = centres[rng.integers(0, 1000, base)] + rng.standard_normal((base, DIM), np.float32) / np.sqrt(DIM)
    x = _unit(x)
    of = rng.integers(0, base, copies)
    near = _unit(x[of] + 0.25 * rng.standard_normal((copies, DIM), np.float32) / np.sqrt(DIM))
    return np.concatenate([x, near]).astype(np.float32), copies


def _unit(x: NDArray[np.float32]) -> NDArray[np.float32]:
    out: NDArray[np.float32] = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    return out


def all_pairs(x: NDArray[np.float32], threshold: float, block: int = 1024) -> set[tuple[int, int]]:
    """Every pair (i < j) at cosine >= threshold: n^2/2 dot products, in blocks of rows."""
    found: set[tuple[int, int]] = set()
    for start in range(0, len(x), block):
        sims = x[start:start + block] @ x[start:].T
        rows, cols = np.nonzero(sims >= threshold)
        cols = cols + start
        keep = cols > rows + start
        found.update(zip((rows[keep] + start).tolist(), cols[keep].tolist(), strict=True))
    return found


def measure(n: int, *, seed: int = 7, folder: Path, threshold: float = 0.8, k: int = 10) -> dict[str, Any]:
    """Build time, k-NN pair time, all-pairs time, and the k-NN's recall of the all-pairs set."""
    from vitrine.index.hnsw import FaissIndex

    x, copies = vectors(n, seed)
    ids = np.arange(n, dtype=np.int64)
    folder.mkdir(parents=True, exist_ok=True)
    index = FaissIndex(DIM, folder / "vectors.faiss")
    started = time.perf_counter()
    index.add(ids, x)
    build = time.perf_counter() - started
    log.info("built HNSW of %d in %.1fs", n, build)
    started = time.perf_counter()
    pairs, _ = knn_pairs(index, ids, k=k, threshold=threshold, batch=2048)
    knn = time.perf_counter() - started
    log.info("k-NN pairs in %.1fs", knn)
    started = time.perf_counter()
    truth = all_pairs(x, threshold)
    brute = time.perf_counter() - started
    log.info("all pairs in %.1fs", brute)
    found = {(int(a), int(b)) for a, b in pairs.tolist()}
    index.close()
    return {
        "vectors": n, "dim": DIM, "threshold": threshold, "k": k, "planted_copies": copies,
        "hnsw_build_s": round(build, 1), "knn_pairs_s": round(knn, 1), "all_pairs_s": round(brute, 1),
        "speedup": round(brute / max(knn, 1e-9), 1), "pairs_all": len(truth), "pairs_knn": len(found),
        "recall_vs_all_pairs": round(len(found & truth) / max(1, len(truth)), 4),
    }
