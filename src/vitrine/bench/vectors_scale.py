"""Vector indexes at millions: the compressed IVF-PQ index beside the HNSW graph, built streaming.

    python -m vitrine.bench.vectors_scale --sizes 1000000 10000000 --hnsw-max 1000000 --cache bench-data/

The vectors are never all in memory: they are generated a chunk at a time (the clustered generator
of `vitrine.bench.vectors`, one seed per chunk), added to each index as indexing would add them,
and folded into the exact top-10 of every query (unfiltered, and with filters keeping ~10% and
~1% of the ids) on the way. Each built index is then opened in a fresh process, which reports the
memory it holds (anonymous memory, and file pages mapped from the page cache) and times single
queries. Columns: build seconds, peak memory of the build process, files on disk, memory of the
serving process, p50/p95 ms, recall@10 against exact search.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import resource
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.bench.vectors import FILTERS, K, clustered
from vitrine.index import open_index

log = logging.getLogger(__name__)
CHUNK = 100_000
BUILD_QUERIES = 2
"""The seed of the queries drawn when the indexes are built (their truths are folded in on the way)."""


@dataclass(frozen=True)
class Row:
    backend: str
    n: int
    filter: str
    build_s: float
    build_peak_mb: float
    disk_mb: float
    serve_anon_mb: float
    serve_file_mb: float
    p50_ms: float
    p95_ms: float
    recall: float


def chunks(n: int, args: argparse.Namespace) -> Any:
    """(first id, vectors) chunk by chunk, the same for every backend and run."""
    for number, start in enumerate(range(0, n, CHUNK)):
        m = min(CHUNK, n - start)
        yield start, clustered(m, args.dim, args.clusters, args.noise, seed=1000 + number)


def allowed_mask(start: int, m: int, fraction: float) -> NDArray[np.bool_]:
    keep: NDArray[np.bool_] = np.random.default_rng(7_000_000 + start).random(m) < fraction
    return keep


def build(folder: Path, backends: list[str], n: int, args: argparse.Namespace,
          queries: NDArray[np.float32]) -> dict[str, Any]:
    """Fill every backend from one pass over the chunks; the exact top-10 per filter on the way."""
    indexes = {b: open_index(b, folder / b, args.dim, params=_params(b, n, args)) for b in backends}
    seconds = dict.fromkeys(backends, 0.0)
    best = {f: (np.full((len(queries), 0), -np.inf, np.float32), np.zeros((len(queries), 0), np.int64))
            for f in FILTERS}
    allowed: dict[str, list[NDArray[np.int64]]] = {f: [] for f in FILTERS if FILTERS[f] < 1}
    for start, x in chunks(n, args):
        ids = np.arange(start, start + len(x), dtype=np.int64)
        for name, index in indexes.items():
            t = time.perf_counter()
            index.add(ids, x)
            seconds[name] += time.perf_counter() - t
        scores = queries @ x.T
        for f, fraction in FILTERS.items():
            keep = np.ones(len(x), bool) if fraction >= 1 else allowed_mask(start, len(x), fraction)
            if fraction < 1:
                allowed[f].append(ids[keep])
            best[f] = _fold(best[f], scores[:, keep], ids[keep])
        log.info("%d / %d vectors", start + len(x), n)
    for name, index in indexes.items():
        t = time.perf_counter()
        index.save()
        index.close()
        seconds[name] += time.perf_counter() - t
    truth = {f: b[1] for f, b in best.items()}
    return {"seconds": seconds, "truth": truth, "allowed": {f: np.concatenate(a) for f, a in allowed.items()},
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _fold(best: tuple[NDArray[np.float32], NDArray[np.int64]], scores: NDArray[np.float32],
          ids: NDArray[np.int64]) -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    if scores.shape[1] > K:  # the chunk's own top K first: sorting whole chunks would dominate
        part = np.argpartition(-scores, K - 1, axis=1)[:, :K]
        scores, chunk_ids = np.take_along_axis(scores, part, axis=1), ids[part]
    else:
        chunk_ids = np.broadcast_to(ids, scores.shape)
    all_s = np.concatenate([best[0], scores], axis=1)
    all_i = np.concatenate([best[1], chunk_ids], axis=1)
    top = np.argsort(-all_s, axis=1, kind="stable")[:, :K]
    return np.take_along_axis(all_s, top, axis=1), np.take_along_axis(all_i, top, axis=1)


def _params(backend: str, n: int, args: argparse.Namespace, rerank_on: str = "sq8") -> dict[str, Any]:
    if backend == "ivfpq":
        return {"nlist": args.nlist or (4096 if n >= 4_000_000 else 1024), "nprobe": args.nprobe,
                "rerank": args.rerank, "train_after": min(n, args.train_after), "rerank_on": rerank_on,
                **dict(p.split("=", 1) for p in args.param)}
    return {}


def serve(
    folder: str, backend: str, dim: int, params: dict[str, Any], work: str, count: int, queries_file: str,
) -> dict[str, Any]:
    """In a fresh process: open the index, note its memory, time single queries per filter."""
    before = _memory()
    index = open_index(backend, Path(folder), dim, params=params)
    queries = np.load(Path(work) / queries_file)
    out: dict[str, Any] = {"times": {}, "found": {}}
    for f in FILTERS:
        allowed = np.load(Path(work) / f"allowed-{f}.npy") if FILTERS[f] < 1 else None
        index.search(queries[:1], K, allowed=allowed)
        times, found = [], []
        for i in range(count):
            t = time.perf_counter()
            found.append(index.search(queries[i : i + 1], K, allowed=allowed)[1][0])
            times.append((time.perf_counter() - t) * 1000)
        out["times"][f], out["found"][f] = times, np.array(found).tolist()
    after = _memory()
    out["anon_mb"] = (after["RssAnon"] - before["RssAnon"]) / 1024
    out["file_mb"] = (after["RssFile"] - before["RssFile"]) / 1024
    return out


def _memory() -> dict[str, int]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("RssAnon", "RssFile"):
            fields[key] = int(value.split()[0])
    return fields


def run_size(n: int, args: argparse.Namespace) -> list[Row]:
    backends = ["ivfpq"] + (["faiss"] if n <= args.hnsw_max else [])
    folder = Path(args.cache) / f"scale-{n}-{args.dim}d-{args.clusters}c"
    built = _reused(folder) if args.reuse else None
    if built is None:
        folder.mkdir(parents=True, exist_ok=True)
        queries = clustered(args.queries, args.dim, args.clusters, args.noise, seed=BUILD_QUERIES)
        built = build(folder, backends, n, args, queries)
        _keep(folder, queries, built)
    if args.query_seed != BUILD_QUERIES:
        held_out = _held_out_truth(folder, n, args)
        built = {**built, "truth": held_out, "queries": f"queries-{args.query_seed}.npy"}
    rows = []
    for backend in backends:
        rows += _served_rows(folder, backend, backend, n, _params(backend, n, args), built, args)
    if "disk" in args.baselines:  # last session's index: the re-rank reads float16 rows from disk
        params = {**_params("ivfpq", n, args, "disk"), "rerank": args.rerank or 256}
        rows += _served_rows(folder, "ivfpq", "ivfpq/disk", n, params, built, args)
    for variant in args.variants:
        params = {**_params("ivfpq", n, args), **dict(p.split("=", 1) for p in variant.split(","))}
        rows += _served_rows(folder, "ivfpq", f"ivfpq/{variant}", n, params, built, args)
    for rerank in args.rerank_sweep:  # what the re-rank buys: 10 is the bare PQ ranking
        params = {**_params("ivfpq", n, args), "rerank": rerank}
        rows += _served_rows(folder, "ivfpq", f"ivfpq/r{rerank}", n, params, built, args)
    return rows


def _held_out_truth(folder: Path, n: int, args: argparse.Namespace) -> dict[str, NDArray[np.int64]]:
    """Queries drawn with another seed than the build's, and their exact top 10 from one more pass
    over the vectors (no index is touched), kept beside the others: what the defaults were chosen
    on does not decide what is reported."""
    name = f"queries-{args.query_seed}.npy"
    kept = {f: folder / f"truth-{args.query_seed}-{f}.npy" for f in FILTERS}
    if (folder / name).exists() and all(p.exists() for p in kept.values()):
        return {f: np.load(p) for f, p in kept.items()}
    queries = clustered(args.queries, args.dim, args.clusters, args.noise, seed=args.query_seed)
    truth = build(folder, [], n, args, queries)["truth"]
    for f, path in kept.items():
        np.save(path, truth[f])
    np.save(folder / name, queries)
    return dict(truth)


def _keep(folder: Path, queries: NDArray[np.float32], built: dict[str, Any]) -> None:
    """The queries, filters and truths beside the built indexes, so `--reuse` can serve them again."""
    np.save(folder / "queries.npy", queries)
    for f, a in built["allowed"].items():
        np.save(folder / f"allowed-{f}.npy", a)
    for f, t in built["truth"].items():
        np.save(folder / f"truth-{f}.npy", t)
    (folder / "built.json").write_text(json.dumps({"seconds": built["seconds"], "peak_mb": built["peak_mb"]}))


def _reused(folder: Path) -> dict[str, Any] | None:
    if not (folder / "built.json").exists():
        return None
    kept = json.loads((folder / "built.json").read_text())
    kept["truth"] = {f: np.load(folder / f"truth-{f}.npy") for f in FILTERS}
    return dict(kept)


def _served_rows(folder: Path, backend: str, label: str, n: int, params: dict[str, Any],
                 built: dict[str, Any], args: argparse.Namespace) -> list[Row]:
    if args.cold:
        _drop_cached(folder / backend)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        served = pool.apply(serve, (str(folder / backend), backend, args.dim, params, str(folder),
                                    args.queries, built.get("queries", "queries.npy")))
    files = [p for p in (folder / backend).glob("*")
             if params.get("rerank_on") != "disk" or not p.name.endswith(".sq8")]
    disk = sum(p.stat().st_size for p in files) / 2**20
    rows = []
    for f in FILTERS:
        times = np.array(served["times"][f])
        found, truth = np.array(served["found"][f]), built["truth"][f]
        hit = np.mean([np.isin(t, r).mean() for r, t in zip(found, truth, strict=True)])
        rows.append(Row(label, n, f, round(built["seconds"][backend], 1), round(built["peak_mb"]),
                        round(disk), round(served["anon_mb"]), round(served["file_mb"]),
                        float(np.percentile(times, 50)), float(np.percentile(times, 95)), float(hit)))
        log.info("%s", rows[-1])
    return rows


def _drop_cached(folder: Path) -> None:
    """Ask the kernel to forget the index files' pages (POSIX_FADV_DONTNEED drops clean pages; no
    privileges needed), so the served rows are read from disk as on a machine whose page cache
    cannot hold them: the first queries after a start, or any query at 10M on a 24 GB machine."""
    for path in folder.glob("*"):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def report(rows: list[Row]) -> str:
    lines = [f"{'backend':<12} {'n':>10} {'filter':>6} {'build s':>8} {'build peak MB':>13} {'disk MB':>8} "
             f"{'serve anon MB':>13} {'serve file MB':>13} {'p50 ms':>7} {'p95 ms':>7} {'recall@10':>9}"]
    for r in rows:
        lines.append(f"{r.backend:<12} {r.n:>10} {r.filter:>6} {r.build_s:>8} {r.build_peak_mb:>13} "
                     f"{r.disk_mb:>8} {r.serve_anon_mb:>13} {r.serve_file_mb:>13} {r.p50_ms:>7.2f} "
                     f"{r.p95_ms:>7.2f} {r.recall:>9.3f}")
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    p.add_argument("--hnsw-max", type=int, default=1_000_000, help="build the HNSW graph up to this size")
    p.add_argument("--dim", type=int, default=512)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--clusters", type=int, default=2000)
    p.add_argument("--noise", type=float, default=1.0)
    p.add_argument("--nlist", type=int, default=0, help="0: 1024 below 4M vectors, else 4096")
    p.add_argument("--nprobe", type=int, default=32)
    p.add_argument("--rerank", type=int, default=0, help="0: the index's default for its re-rank store")
    p.add_argument("--train-after", type=int, default=262_144)
    p.add_argument("--cache", default="bench-data/")
    p.add_argument("--json", help="also write the rows to this file")
    p.add_argument("--reuse", action="store_true", help="serve the indexes a previous run built and kept")
    p.add_argument("--param", action="append", default=[], metavar="NAME=VALUE",
                   help="another ivfpq parameter for every ivfpq variant served (e.g. exact_top=0)")
    p.add_argument("--cold", action="store_true",
                   help="drop the index files from the page cache before serving each variant")
    p.add_argument("--query-seed", type=int, default=BUILD_QUERIES,
                   help="serve queries drawn with this seed (exact answers computed in one more pass)")
    p.add_argument("--baselines", nargs="*", default=["disk"], choices=["disk"],
                   help="also serve ivfpq re-ranking on the float16 rows on disk (the index before sq8)")
    p.add_argument("--rerank-sweep", type=int, nargs="*", default=[],
                   help="also serve ivfpq with these rerank depths (10: the bare PQ ranking)")
    p.add_argument("--variants", nargs="*", default=[], metavar="NAME=VALUE,...",
                   help="also serve ivfpq with these parameters, e.g. nprobe=16,exact_top=16")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    rows: list[Row] = []
    for n in args.sizes:
        rows += run_size(n, args)
    print(report(rows))
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(r) for r in rows], indent=1))


if __name__ == "__main__":
    main()
