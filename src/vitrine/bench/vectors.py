"""Vector-search benchmark: brute force (MemoryIndex) vs FaissIndex (HNSW) vs Milvus Lite.

    python -m vitrine.bench.vectors --sizes 100000 1000000 --dim 512 --queries 200 --cache bench-data/

Data: synthetic clustered unit vectors, standing in for image embeddings. `--clusters` centres are
drawn from N(0, I) and normalised; each vector is a random centre plus N(0, noise^2/dim I) noise,
normalised again (noise 1.0 puts a vector at cosine ~0.7 from its centre). Queries come from the
same generator with another seed, so they are not in the index. Recall@10 is measured against
exact search. Filters keep a random ~10% and ~1% of the ids. Data, ground truth and built indexes
are cached under `--cache`, so a rerun skips the generation and the builds.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from vitrine.index.base import VectorIndex
from vitrine.index.memory import MemoryIndex

log = logging.getLogger(__name__)
K = 10
FILTERS = {"none": 1.0, "10%": 0.1, "1%": 0.01}


@dataclass(frozen=True)
class Data:
    """Base vectors, queries and the ground truth per filter."""

    base: NDArray[np.float32]
    queries: NDArray[np.float32]
    allowed: dict[str, NDArray[np.int64] | None]


@dataclass(frozen=True)
class Row:
    """One line of the results table."""

    backend: str
    n: int
    filter: str
    build_s: str
    p50_ms: float
    p95_ms: float
    recall: float


def clustered(n: int, dim: int, clusters: int, noise: float, seed: int) -> NDArray[np.float32]:
    """n clustered unit vectors (centres fixed by `clusters` and dim; points by `seed`)."""
    centres = np.random.default_rng(12345).standard_normal((clusters, dim)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    rng = np.random.default_rng(seed)
    out = np.empty((n, dim), np.float32)
    for s in range(0, n, 100_000):
        m = min(100_000, n - s)
        x = centres[rng.integers(0, clusters, m)]
        x += rng.standard_normal((m, dim), dtype=np.float32) * np.float32(noise / np.sqrt(dim))
        out[s : s + m] = x / np.linalg.norm(x, axis=1, keepdims=True)
    return out


def cached_array(path: Path, make: Callable[[], NDArray[np.generic]]) -> NDArray[np.generic]:
    """Load `path` (.npy) or make, save and return it."""
    if path.exists():
        loaded: NDArray[np.generic] = np.load(path)
        return loaded
    array = make()
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, array)
    return array


def load_data(args: argparse.Namespace, n: int) -> Data:
    tag = f"{args.dim}d-{args.clusters}c-{args.noise}"
    folder = Path(args.cache)
    base = cached_array(folder / f"base-{tag}-{n}.npy",
                        lambda: clustered(n, args.dim, args.clusters, args.noise, seed=1))
    queries = cached_array(folder / f"queries-{tag}-{args.queries}.npy",
                           lambda: clustered(args.queries, args.dim, args.clusters, args.noise, seed=2))
    rng = np.random.default_rng(3)
    keep = rng.random(n)
    allowed = {name: None if f >= 1 else np.flatnonzero(keep < f).astype(np.int64)
               for name, f in FILTERS.items()}
    return Data(base.astype(np.float32, copy=False), queries.astype(np.float32, copy=False), allowed)


def exact_top(base: NDArray[np.float32], queries: NDArray[np.float32], allowed: NDArray[np.int64] | None,
              ) -> NDArray[np.int64]:
    """Ground truth top-K ids (row numbers) by chunked matmul."""
    index = MemoryIndex(base.shape[1])
    rows = np.arange(base.shape[0], dtype=np.int64) if allowed is None else allowed
    index.add(rows, base[rows])
    return index.search(queries, K, allowed=None)[1]


def time_queries(index: VectorIndex, data: Data, allowed: NDArray[np.int64] | None, count: int,
                 ) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Latency in ms of single-query searches, and the ids found."""
    index.search(data.queries[:1], K, allowed=allowed)  # warm-up
    times, found = [], []
    for i in range(count):
        t = time.perf_counter()
        found.append(index.search(data.queries[i : i + 1], K, allowed=allowed)[1][0])
        times.append((time.perf_counter() - t) * 1000)
    return np.array(times), np.array(found)


def recall(found: NDArray[np.int64], truth: NDArray[np.int64]) -> float:
    return float(np.mean([np.isin(t, f).mean() for f, t in zip(found, truth, strict=True)]))


def measure(name: str, index: VectorIndex, build: str, data: Data, n: int,
            truths: dict[str, NDArray[np.int64]], count: int) -> list[Row]:
    rows = []
    for filt, allowed in data.allowed.items():
        times, found = time_queries(index, data, allowed, count)
        p50, p95 = np.percentile(times, [50, 95])
        rows.append(Row(name, n, filt, build, float(p50), float(p95), recall(found, truths[filt][:count])))
        log.info("%s", rows[-1])
    return rows


def built(
    cache: Path, make: Callable[[], VectorIndex], fill: Callable[[VectorIndex], None],
) -> tuple[VectorIndex, str]:
    """Open a cached index (its recorded build time marked 'cached') or build and record it."""
    meta = cache / "build.json"
    if meta.exists():
        t = time.perf_counter()
        index = make()
        recorded = json.loads(meta.read_text())["build_s"]
        return index, f"{recorded:.1f} (cached, load {time.perf_counter() - t:.1f})"
    cache.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    index = make()
    fill(index)
    index.save()
    seconds = time.perf_counter() - t
    meta.write_text(json.dumps({"build_s": seconds}))
    return index, f"{seconds:.1f}"


def fill_in_batches(index: VectorIndex, base: NDArray[np.float32], batch: int = 50_000) -> None:
    for s in range(0, base.shape[0], batch):
        index.add(np.arange(s, min(s + batch, base.shape[0]), dtype=np.int64), base[s : s + batch])
        log.info("added %d / %d", min(s + batch, base.shape[0]), base.shape[0])


def fill_milvus(index: VectorIndex, base: NDArray[np.float32]) -> None:
    fill_in_batches(index, base, 10_000)
    index.wait_until_indexed()  # type: ignore[attr-defined]  # so that queries do not race the build


def run_size(args: argparse.Namespace, n: int) -> list[Row]:
    from vitrine.index.hnsw import FaissIndex, HnswParams

    data = load_data(args, n)
    truths = {f: exact_top(data.base, data.queries, a) for f, a in data.allowed.items()}
    brute = MemoryIndex(args.dim)
    t = time.perf_counter()
    brute.add(np.arange(n, dtype=np.int64), data.base)
    rows = measure("brute force (numpy)", brute, f"{time.perf_counter() - t:.1f}", data, n, truths,
                   min(args.queries, args.brute_queries))
    del brute
    params = HnswParams(m=args.m, ef_construction=args.ef_construction, ef_search=args.ef_search)
    tag = f"{n}-{args.dim}d-{args.clusters}c-{args.noise}-M{args.m}-efc{args.ef_construction}"
    folder = Path(args.cache) / f"faiss-{tag}"
    faiss_index, build = built(folder, lambda: FaissIndex(args.dim, folder / "vectors.faiss", params),
                               lambda ix: fill_in_batches(ix, data.base))
    name = f"FaissIndex HNSW{args.m} ef{args.ef_search}"
    rows += measure(name, faiss_index, build, data, n, truths, args.queries)
    faiss_index.close()
    del faiss_index
    if args.milvus:
        rows += run_milvus(args, data, n)
    return rows


def run_milvus(args: argparse.Namespace, data: Data, n: int) -> list[Row]:
    from vitrine.index.milvus import MilvusIndex

    m = min(n, args.milvus_max)
    sub = Data(data.base[:m], data.queries,
               {f: None if a is None else a[a < m] for f, a in data.allowed.items()})
    truths = {f: exact_top(sub.base, sub.queries, a) for f, a in sub.allowed.items()}
    folder = Path(args.cache) / f"milvus-{m}-{args.dim}d-{args.clusters}c-{args.noise}"
    index, build = built(folder, lambda: MilvusIndex(args.dim, str(folder / "milvus.db")),
                         lambda ix: fill_milvus(ix, sub.base))
    rows = measure("Milvus Lite" + (f" (capped at {m})" if m < n else ""), index, build, sub, m, truths,
                   min(args.queries, args.milvus_queries))
    index.close()
    return rows


def report(rows: list[Row]) -> str:
    brute = {(r.n, r.filter): r.p50_ms for r in rows if r.backend.startswith("brute")}
    lines = [f"{'backend':<28} {'n':>9} {'filter':>6} {'build s':>26} {'p50 ms':>8} {'p95 ms':>8} "
             f"{'recall@10':>9} {'x brute p50':>11}"]
    for r in rows:
        base = brute.get((r.n, r.filter))
        speed = f"{base / r.p50_ms:.1f}" if base else "n/a"
        lines.append(f"{r.backend:<28} {r.n:>9} {r.filter:>6} {r.build_s:>26} {r.p50_ms:>8.2f} "
                     f"{r.p95_ms:>8.2f} {r.recall:>9.3f} {speed:>11}")
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    p.add_argument("--dim", type=int, default=512)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--brute-queries", type=int, default=100, help="single queries timed for brute force")
    p.add_argument("--milvus", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--milvus-max", type=int, default=100_000, help="Milvus Lite holds at most this many")
    p.add_argument("--milvus-queries", type=int, default=20, help="Milvus Lite filtered queries are slow")
    p.add_argument("--cache", default="bench-data/")
    p.add_argument("--clusters", type=int, default=2000)
    p.add_argument("--noise", type=float, default=1.0)
    p.add_argument("--m", type=int, default=32)
    p.add_argument("--ef-construction", type=int, default=160)
    p.add_argument("--ef-search", type=int, default=96)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    rows: list[Row] = []
    for n in args.sizes:
        rows += run_size(args, n)
    print(report(rows))
    if args.milvus and any(n > args.milvus_max for n in args.sizes):
        print(f"Milvus Lite held only the first {args.milvus_max} vectors (--milvus-max); "
              "its recall is against exact search over those, its speed-up is n/a.")


if __name__ == "__main__":
    main()
