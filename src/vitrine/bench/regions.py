"""Region search on chapbook pages: indexing speed, box recall@1, woodcut groups, latency at 10k pages.

    python -m vitrine.bench.regions [--folder ../shared/data/chapbooks/pages] [--sheets DIR]

1. Imports the pages into a temporary collection (folder importer) and builds the local index
   on all pages but the last `--incremental` ones, then adds those without any rebuild: pages/s
   per core for both, index bytes per image.
2. Finds picture blocks (woodcuts) on every page automatically (`local.boxes`) and queries each
   box with the page's stored features: recall@1 = the box's own page first (nothing excluded),
   beside the same figure for the bag-of-words ranking before verification (the baseline).
3. Groups: verified matches of a box on OTHER pages (>= --min-inliers) linked into connected
   regions; one contact sheet per group written to --sheets.
4. Latency p50/p95 of box queries; then the index grown to --grow pages with synthetic copies
   of the stored pages (30% of features dropped, keypoints moved by a random similarity, 3
   signature bits flipped) and the p95 again, with the index size.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from vitrine.collection import Collection, create_collection, open_collection
from vitrine.importers.base import run_import
from vitrine.importers.folder import FolderSource
from vitrine.local.boxes import picture_boxes
from vitrine.local.features import Box
from vitrine.local.geometry import Verification
from vitrine.local.groups import RegionGraph
from vitrine.local.index import LocalIndex, open_local_index, open_store
from vitrine.local.pipeline import ExtractOptions
from vitrine.local.segments import Segment
from vitrine.local.store import MemoryStore
from vitrine.regions.groups import link_matches, to_members, write_contact_sheets
from vitrine.regions.search import index_regions

log = logging.getLogger(__name__)
_BoxQuery = tuple[int, Box]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.folder.is_dir():
        print(f"no folder {args.folder}: pass --folder")
        return 2
    logging.basicConfig(level=logging.WARNING)
    tmp = Path(tempfile.mkdtemp(prefix="regions-bench-"))
    try:
        if args.collection and (args.collection / "local" / "manifest.json").exists():
            collection = open_collection(args.collection)
            print(f"reusing the indexed collection {args.collection} (no indexing figures)")
        else:
            collection = _build(args, args.collection or tmp / "pages")
        index = open_local_index(collection.root)
        queries = _boxes(collection, index, args.max_boxes)
        latencies, results = _recall(index, queries)
        _latency(f"box query latency ({len(index)} pages, stored features)", latencies)
        crops = queries[:: max(1, len(queries) // args.crops)] if args.crops else []
        _crop_recall(collection, index, crops, "Hamming embedding (default)")
        _crop_recall(collection, _without_hamming(collection), crops, "visual words only (baseline)")
        graph = _groups(queries, results, args.min_inliers)
        _report_groups(collection, graph, args.sheets)
        if args.grow:
            _grow(collection, index, queries, args.grow)
        collection.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vitrine bench regions", description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, default=_default_folder())
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages (0: all)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--max-features", type=int, default=ExtractOptions().max_features)
    parser.add_argument("--incremental", type=int, default=50, help="pages added after the first build")
    parser.add_argument("--max-boxes", type=int, default=0, help="query at most N boxes (0: all)")
    parser.add_argument("--crops", type=int, default=150,
                        help="boxes also queried as uploaded crops, re-extracted (0: skip)")
    parser.add_argument("--min-inliers", type=int, default=20, help="verified inliers to link two regions")
    parser.add_argument("--sheets", type=Path, default=Path("artifacts/regions-groups"))
    parser.add_argument("--collection", type=Path,
                        help="build the collection here and keep it; reuse it when already indexed")
    parser.add_argument("--grow", type=int, default=10_000, help="pages in the grown index (0: skip)")
    return parser


def _default_folder() -> Path:
    return Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "chapbooks" / "pages"


# -- 1. indexing ----------------------------------------------------------------------------


def _build(args: argparse.Namespace, root: Path) -> Collection:
    files = sorted(p for p in args.folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if args.limit:
        files = files[: args.limit]
    first, later = files[: len(files) - args.incremental], files[len(files) - args.incremental:]
    staging = root.parent / f"{root.name}-staging"
    staging.mkdir(parents=True)
    for f in first:
        (staging / f.name).symlink_to(f.resolve())
    create_collection(root, embedder="fake").close()
    collection = open_collection(root)
    options = ExtractOptions(max_features=args.max_features)
    run_import(collection, FolderSource(staging))
    built = index_regions(collection, workers=args.workers, options=options)
    for f in later:
        (staging / f.name).symlink_to(f.resolve())
    run_import(collection, FolderSource(staging))
    added = index_regions(collection, workers=args.workers, options=options)
    n = added.images
    print(f"pages: {n}  workers: {args.workers}  max features/page: {args.max_features}")
    print(f"first build ({built.added} pages, vocabulary training included): {built.seconds:.1f} s, "
          f"{built.rate / args.workers:.2f} pages/s per core")
    print(f"incremental add ({added.added} pages, no rebuild): {added.seconds:.1f} s, "
          f"{added.rate / args.workers:.2f} pages/s per core")
    print(f"index: {added.features} features ({added.features / max(n, 1):.0f}/page), "
          f"{added.bytes / max(n, 1) / 1024:.1f} KiB per page with the vocabulary, "
          f"{_segment_bytes(collection) / max(n, 1) / 1024:.1f} KiB without; failures: "
          f"{built.failed + added.failed}")
    return collection


def _segment_bytes(collection: Collection) -> int:
    folder = collection.root / "local"
    return sum(p.stat().st_size for p in folder.glob("segment-*.npz"))


# -- 2. boxes and recall --------------------------------------------------------------------


def _boxes(collection: Collection, index: LocalIndex, limit: int) -> list[_BoxQuery]:
    from vitrine.regions.groups import load_image

    started = time.perf_counter()
    queries = []
    for image_id in index.image_ids.tolist():
        for box in picture_boxes(load_image(collection, image_id)):
            if len(index.features_of(image_id).crop(box)) >= 10:
                queries.append((image_id, box))
    seconds = time.perf_counter() - started
    pages = len({i for i, _ in queries})
    print(f"picture boxes found: {len(queries)} on {pages} of {len(index)} pages "
          f"({seconds / max(len(index), 1) * 1000:.0f} ms/page)")
    return queries[:limit] if limit else queries


def _recall(index: LocalIndex, queries: list[_BoxQuery]) -> tuple[list[float], list[list[Verification]]]:
    """Latencies and verified hits of every box query."""
    ranks, bow_ranks, latencies, results = [], [], [], []
    for image_id, box in queries:
        started = time.perf_counter()
        result = index.search(index.features_of(image_id), box=box, k=50)
        latencies.append(time.perf_counter() - started)
        hits = [h.image_id for h in result.hits]
        ranks.append(hits.index(image_id) + 1 if image_id in hits else None)
        candidates = [c for c, _ in result.candidates]
        bow_ranks.append(candidates.index(image_id) + 1 if image_id in candidates else None)
        results.append(result.hits)
    n = len(queries)
    print(f"box queries: {n}")
    print(f"recall@1 verified: {sum(r == 1 for r in ranks) / max(n, 1):.4f}   "
          f"bag-of-words only (baseline): {sum(r == 1 for r in bow_ranks) / max(n, 1):.4f}")
    print(f"rank of the own page (verified): {_distribution(ranks)}")
    print(f"rank of the own page (bag of words): {_distribution(bow_ranks)}")
    return latencies, results


def _without_hamming(collection: Collection) -> LocalIndex:
    vocabulary, segments = open_store(collection.root).load()
    assert vocabulary is not None
    return LocalIndex(vocabulary, segments, hamming=False)


def _crop_recall(collection: Collection, index: LocalIndex, queries: list[_BoxQuery], label: str) -> None:
    """The box cut out of the page and uploaded: features extracted afresh from the crop."""
    from vitrine.local.features import extract
    from vitrine.regions.groups import load_image

    if not queries:
        return
    ranks, latencies, others, own_inliers = [], [], 0, []
    for image_id, box in queries:
        x0, y0, x1, y1 = (round(v) for v in box)
        crop = load_image(collection, image_id).crop((x0, y0, x1, y1))
        started = time.perf_counter()
        hits = index.search(extract(crop), k=20).hits
        latencies.append(time.perf_counter() - started)
        ids = [h.image_id for h in hits]
        ranks.append(ids.index(image_id) + 1 if image_id in ids else None)
        own_inliers += [h.inliers for h in hits if h.image_id == image_id]
        others += sum(h.image_id != image_id for h in hits)
    recall = sum(r == 1 for r in ranks) / len(ranks)
    print(f"crops uploaded as images, {label}: {len(queries)}; recall@1 {recall:.4f}; "
          f"ranks: {_distribution(ranks)}; median inliers on the own page "
          f"{np.median(own_inliers) if own_inliers else 0:.0f}; other pages returned per query "
          f"{others / len(queries):.2f}")
    _latency(f"crop query latency, {label} (extraction included)", latencies)


def _distribution(ranks: list[int | None]) -> str:
    def bucket(r: int | None) -> str:
        if r is None:
            return "missing"
        return "1" if r == 1 else "2" if r == 2 else "3-5" if r <= 5 else "6-10" if r <= 10 else ">10"

    counts = Counter(bucket(r) for r in ranks)
    return "  ".join(f"{b}: {counts[b]}" for b in ("1", "2", "3-5", "6-10", ">10", "missing"))


# -- 3. groups ------------------------------------------------------------------------------


def _groups(queries: list[_BoxQuery], results: list[list[Verification]], min_inliers: int) -> RegionGraph:
    graph = RegionGraph()
    for (image_id, box), hits in zip(queries, results, strict=True):
        link_matches(graph, image_id, box, hits, min_inliers)
    return graph


def _report_groups(collection: Collection, graph: RegionGraph, sheets: Path) -> None:
    groups = to_members(collection, graph.groups())
    sizes = sorted((len({m.image_id for m in g}) for g in groups), reverse=True)
    print(f"woodcut groups found on >= 2 pages: {len(groups)}; pages per group: {sizes}")
    if sheets:
        if sheets.exists():
            shutil.rmtree(sheets)
        written = write_contact_sheets(collection, groups, sheets)
        print(f"contact sheets: {len(written)} in {sheets}")


# -- 4. latency and growth ------------------------------------------------------------------


def _latency(label: str, latencies: list[float]) -> None:
    ms = np.array(latencies) * 1000
    if len(ms):
        print(f"{label}: p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms, "
              f"max {ms.max():.1f} ms over {len(ms)} queries")


def _grow(collection: Collection, index: LocalIndex, queries: list[_BoxQuery], target: int) -> None:
    vocabulary, segments = open_store(collection.root).load()
    assert vocabulary is not None
    store = MemoryStore()
    store.save_vocabulary(vocabulary)
    for segment in segments:
        store.append(segment)
    base = index.as_segment()
    rng = np.random.default_rng(7)
    next_id, copies = int(index.image_ids.max()) + 1, 0
    while len(index) + copies < target:
        segment = synthetic_copy(base, next_id, rng)
        store.append(segment)
        next_id += len(segment)
        copies += len(segment)
    started = time.perf_counter()
    grown = open_local_index(store=store)
    load_s = time.perf_counter() - started
    print(f"grown index: {len(grown)} pages, {grown.feature_count} features, "
          f"{store.nbytes() / len(grown) / 1024:.1f} KiB per page, loaded in {load_s:.1f} s")
    sample = queries[:: max(1, len(queries) // 200)]
    latencies = []
    first = 0
    for image_id, box in sample:
        started = time.perf_counter()
        result = grown.search(grown.features_of(image_id), box=box, k=20)
        latencies.append(time.perf_counter() - started)
        first += bool(result.hits) and result.hits[0].image_id == image_id
    _latency(f"box query latency ({len(grown)} pages)", latencies)
    share = first / max(len(sample), 1)
    print(f"own page first among {len(grown)} (copies are near-duplicates): {share:.3f}")


def synthetic_copy(base: Segment, first_id: int, rng: np.random.Generator) -> Segment:
    """A copy of every page of `base` under new ids: 30% of features dropped, keypoints moved by
    a random similarity (scale 0.9-1.1, shift up to 3%), 3 random signature bits flipped."""
    keep = rng.random(len(base.words)) >= 0.3
    row = np.repeat(np.arange(len(base)), np.diff(base.offsets))
    counts = np.bincount(row[keep], minlength=len(base))
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    scale = rng.uniform(0.9, 1.1, len(base))[row[keep]]
    shift = rng.uniform(-0.03, 0.03, (len(base), 2))[row[keep]]
    xy = base.xy[keep].astype(np.float64) / 65535.0
    xy = np.clip((xy - 0.5) * scale[:, None] + 0.5 + shift, 0, 1)
    flips = np.zeros(int(keep.sum()), np.uint64)
    for _ in range(3):
        flips |= np.left_shift(np.uint64(1), rng.integers(0, 64, len(flips)).astype(np.uint64))
    return Segment(
        image_ids=np.arange(first_id, first_id + len(base), dtype=np.int64),
        sha256=list(base.sha256), stamps=list(base.stamps), sizes=base.sizes, offsets=offsets,
        words=base.words[keep], signatures=base.signatures[keep] ^ flips,
        xy=np.round(xy * 65535).astype(np.uint16),
        scale=(base.scale[keep] * scale).astype(np.float16),
        angle=base.angle[keep])


if __name__ == "__main__":
    raise SystemExit(main())
