"""Indexing on the local process pool beside Ray Data, at 1 and 2 workers, on the same images.

    vitrine bench engines [--data ../shared/data/public-art] [--limit 400] [--embedder classic]

Each run indexes a fresh collection of the same public-art rows (so each writes its own thumbnails).
For Ray, the local cluster's start (`ray.init(num_cpus=W)`) is timed apart, then two runs on it:
"first" also starts Ray's worker processes and imports vitrine in them, "warm" reuses them. The
vectors of every Ray run are checked against the local runner's (ids and values). Then local
features (SIFT, `local.pipeline.extract_many`, no index written) of the same images, pool vs Ray.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.bench.pipeline import PUBLIC_ART_MAP, _default_data, _limited
from vitrine.collection import create_collection
from vitrine.importers.base import run_import
from vitrine.importers.mapping import ColumnMapping
from vitrine.importers.tabular import TabularSource
from vitrine.indexing import index_collection
from vitrine.indexing.reader import Failed, jobs_of
from vitrine.local.pipeline import ExtractOptions, extract_many


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench engines", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=_default_data())
    parser.add_argument("--limit", type=int, default=400, help="the first N public-art rows")
    parser.add_argument("--embedder", default="classic")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    if not (args.data / "records.csv").is_file():
        print(f"no records.csv under {args.data}: pass --data", file=sys.stderr)
        return 2
    try:
        import ray
    except ImportError:
        print("this benchmark needs Ray: pip install 'vitrine[ray]'", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        bench = _Bench(Path(tmp), _limited(args.data / "records.csv", args.limit, Path(tmp)), args)
        bench.run("local", 1)  # warms the page cache; not reported
        print(f"images: {args.limit}  embedder: {args.embedder}  (seconds of index_collection; images/s)")
        print(f"{'engine':<24}{'workers':>8}{'seconds':>9}{'images/s':>10}{'vs local':>9}")
        for workers in args.workers:
            local = bench.report("local", workers, None)
            started = time.perf_counter()
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
            print(f"{'ray start (ray.init)':<24}{workers:>8}{time.perf_counter() - started:>9.2f}")
            bench.report("ray, first", workers, local)
            bench.report("ray, warm", workers, local)
            pool = bench.features("local", workers, None)
            bench.features("ray", workers, pool)
            ray.shutdown()
    return 0


class _Bench:
    def __init__(self, tmp: Path, csv_path: Path, args: Any) -> None:
        self.tmp, self.csv_path, self.args = tmp, csv_path, args
        self.runs = 0
        self.reference: NDArray[np.float32] | None = None
        self.jobs: list[Any] = []

    def run(self, engine: str, workers: int) -> tuple[float, NDArray[np.int64], NDArray[np.float32]]:
        self.runs += 1
        collection = create_collection(self.tmp / f"c{self.runs}", embedder=self.args.embedder, index="faiss")
        source = TabularSource(self.csv_path, ColumnMapping.parse(PUBLIC_ART_MAP, image_base=self.args.data))
        run_import(collection, source)
        report = index_collection(collection, workers=workers, engine=engine.split(",")[0])
        catalog = collection.catalog
        self.jobs = jobs_of(catalog.images_by_id(catalog.all_image_ids().tolist()).values())
        ids = np.sort(collection.index.ids())
        vectors = collection.index.get(ids)
        collection.close()
        return report.seconds, ids, vectors

    def report(self, engine: str, workers: int, baseline: float | None) -> float:
        seconds, ids, vectors = self.run(engine, workers)
        if self.reference is None:
            self.reference = vectors
        same = "" if np.array_equal(vectors, self.reference) else "  VECTORS DIFFER"
        ratio = f"{seconds / baseline:>8.2f}x" if baseline else f"{'':>9}"
        print(f"{engine:<24}{workers:>8}{seconds:>9.2f}{len(ids) / seconds:>10.1f}{ratio}{same}")
        return seconds


    def features(self, engine: str, workers: int, baseline: float | None) -> float:
        started = time.perf_counter()
        found = extract_many(self.jobs, ExtractOptions(), workers, engine)
        done = sum(1 for e in found if not isinstance(e, Failed))
        seconds = time.perf_counter() - started
        ratio = f"{seconds / baseline:>8.2f}x" if baseline else f"{'':>9}"
        print(f"{'SIFT, ' + engine:<24}{workers:>8}{seconds:>9.2f}{done / seconds:>10.1f}{ratio}")
        return seconds


if __name__ == "__main__":
    raise SystemExit(main())
