"""Indexing on the local process pool beside Ray Data, at 1 and 2 workers, on the same images.

    vitrine bench engines [--data ../shared/data/public-art] [--limit 400] [--embedder classic]
                          [--agent faces --agent-option detector=yunet] [--no-index]

Each run indexes a fresh collection of the same public-art rows (so each writes its own thumbnails).
For Ray, the local cluster's start (`ray.init(num_cpus=W)`) is timed apart, then two runs on it:
"first" also starts Ray's worker processes and imports vitrine in them, "warm" reuses them. The
vectors of every Ray run are checked against the local runner's (ids and values). Then local
features (SIFT, `local.pipeline.extract_many`, no index written) of the same images, pool vs Ray.
With `--agent`, a suggestion agent over the same images (`run_agent`, a fresh copy of one indexed
collection each run): in this process (the local engine) vs Ray, first and warm (the first builds the
agent, and loads its model, in each worker); every Ray run's suggestions are checked against the
local ones. `--no-index` leaves out the indexing and SIFT rows.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.bench.output import check_public_art
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
    parser.add_argument("--agent", help="also time this suggestion agent, local vs Ray")
    parser.add_argument("--agent-option", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--no-index", action="store_true", help="only the agent rows")
    args = parser.parse_args(argv)
    check_public_art(parser, args.data)
    try:
        import ray
    except ImportError:
        from vitrine.indexing.onray import INSTALL_HINT

        print(f"this benchmark needs Ray: {INSTALL_HINT}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        bench = _Bench(Path(tmp), _limited(args.data / "records.csv", args.limit, Path(tmp)), args)
        bench.run("local", 1)  # warms the page cache; also the collection the agent rows copy
        print(f"images: {args.limit}  embedder: {args.embedder}  (seconds of index_collection or run_agent;"
              " items/s)")
        print(f"{'engine':<24}{'workers':>8}{'seconds':>9}{'items/s':>10}{'vs local':>9}")
        agent_local = None
        if args.agent:
            bench.agent("local, first", 1, None)
            agent_local = bench.agent("local", 1, None)
        for workers in args.workers:
            local = None if args.no_index else bench.report("local", workers, None)
            started = time.perf_counter()
            ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)
            print(f"{'ray start (ray.init)':<24}{workers:>8}{time.perf_counter() - started:>9.2f}")
            if not args.no_index:
                bench.report("ray, first", workers, local)
                bench.report("ray, warm", workers, local)
                pool = bench.features("local", workers, None)
                bench.features("ray", workers, pool)
            if agent_local is not None:
                bench.agent("ray, first", workers, agent_local)
                bench.agent("ray, warm", workers, agent_local)
            ray.shutdown()
    return 0


class _Bench:
    def __init__(self, tmp: Path, csv_path: Path, args: Any) -> None:
        self.tmp, self.csv_path, self.args = tmp, csv_path, args
        self.runs = 0
        self.reference: NDArray[np.float32] | None = None
        self.jobs: list[Any] = []
        self.suggestions: list[tuple[Any, ...]] | None = None

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


    def agent(self, engine: str, workers: int, baseline: float | None) -> float:
        """Run the agent on a fresh copy of the first indexed collection; check Ray's suggestions."""
        from vitrine.collection import open_collection
        from vitrine.suggestions.agents import parse_options
        from vitrine.suggestions.run import run_agent

        self.runs += 1
        root = self.tmp / f"c{self.runs}"
        shutil.copytree(self.tmp / "c1", root)
        collection = open_collection(root)
        started = time.perf_counter()
        job = run_agent(collection, self.args.agent, options=parse_options(self.args.agent_option),
                        engine=engine.split(",")[0], workers=workers)
        seconds = time.perf_counter() - started
        found = _suggestions(collection)
        collection.close()
        if self.suggestions is None:
            self.suggestions = found
        same = "" if found == self.suggestions else "  SUGGESTIONS DIFFER"
        ratio = f"{seconds / baseline:>8.2f}x" if baseline else f"{'':>9}"
        name = f"{self.args.agent}, {engine}"
        print(f"{name:<24}{workers:>8}{seconds:>9.2f}{job.done / seconds:>10.1f}{ratio}{same}"
              f"  ({job.made} suggestions, {job.failed} failed)")
        return seconds

    def features(self, engine: str, workers: int, baseline: float | None) -> float:
        started = time.perf_counter()
        found = extract_many(self.jobs, ExtractOptions(), workers, engine)
        done = sum(1 for e in found if not isinstance(e, Failed))
        seconds = time.perf_counter() - started
        ratio = f"{seconds / baseline:>8.2f}x" if baseline else f"{'':>9}"
        print(f"{'SIFT, ' + engine:<24}{workers:>8}{seconds:>9.2f}{done / seconds:>10.1f}{ratio}")
        return seconds


def _suggestions(collection: Any) -> list[tuple[Any, ...]]:
    from vitrine.catalog.suggestions import SuggestionQuery

    found = collection.catalog.suggestions.find(SuggestionQuery(order="id", limit=10_000))
    return sorted((s.image_id, s.record_id, s.kind, repr(s.value), s.score, repr(s.region)) for s in found)


if __name__ == "__main__":
    raise SystemExit(main())
