"""The catalogue at a million records: import rate, facet pages, full text and filtered visual search.

    vitrine bench catalog [--records 1000000] [--baseline 100000] [--queries 100]
                          [--data ../shared/data/public-art] [--workdir bench-data/catalog] [--json F]

Builds (once; kept under `--workdir` and reused) catalogues of synthetic records shaped like
public-art's (`vitrine.bench.catalog_data`) through the importer's write path, with one image row per
record and a random 32-d unit vector per image, stored flat (vectors.npz) and in the collections'
default index, FAISS HNSW with its default settings (`index/hnsw.py`, built once from them, kept
beside the catalogue); then times, over seeded random queries, at `--records` and beside it at
`--baseline` in the same run:

- the research page's facets (`web/routes/search.py:_facets`: object type, creator, century,
  source and the four kinds of accepted values), on the landing page (no filter) and under a
  random filter (object type, source, creator, century or tag);
- a full-text query (`catalog.full_text`, 500 results as the search page asks), and the same
  under a random filter;
- a visual search on the HNSW index, unfiltered and filtered: the filter's allowed image ids
  (`catalog.filter_image_ids`), then the index's search among them (the two steps also timed
  apart); post-filtering first (`search.filtered.post_filtered`, falling back to the listing); and
  as `search/` runs it (`search.filtered.filtered_search`: a creator or tag listed at once).

Each fast path is timed beside the slow one it replaces, in the same run over the same queries:
the landing page from the kept counts (migration 9) and computed from the rows (`facet_live`, on
every tenth query: seconds at a million records); a filtered page from the pairs (migration 11,
where the filter is one object type, source or century) and computed from the rows (every third
query); full text with at most `fulltext.RANKED` matches ranked and with every match ranked; the
page as `Catalog.facet` counted it before the columns in memory (`facetcache`: kept pairs, else
rows), beside the page now, and the page from the columns alone; the columns' load and size; the
first filtered page after 1, 100 and 10,000 record writes, patched and read in full
(`catalog_writes`; `--writes-only` times that and the load alone).

Catalogues are kept under `--workdir` and reused by later runs (delete the folder to build again);
a catalogue built by an older vitrine is migrated when opened, and the seconds that took are shown.
`--import-rate N` also times importing N records into a new catalogue with the facet pairs counted
per row by triggers and deferred to the end of the import (as `run_import` does), alternated twice.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from vitrine.bench.catalog_data import Built, Shape, build, import_rates
from vitrine.bench.catalog_writes import after_writes
from vitrine.bench.output import check_public_art, emit
from vitrine.catalog import Catalog, facetpairs
from vitrine.catalog.filters import CURATED_PREFIX, narrow
from vitrine.index.base import VectorIndex
from vitrine.index.hnsw import FaissIndex
from vitrine.index.memory import MemoryIndex
from vitrine.records import Filters
from vitrine.search.filtered import filtered_search, post_filtered

TARGET_MS = 100.0
FACETS = ("object_type", "creator", "century", "source")
CURATED = ("tag", "class", "entity", "link")
DIM = 32  # the vectors only stand in: the filter → allowed ids step is what scales with the catalogue
_DONE = "bench.catalog.built"
_GRAPH = "bench.catalog.hnsw"
#: combined and arbitrary filters, one per query in turn: a year range that is no century, a type in
#: a century, and a tag within three centuries
COMBINED = (Filters(year_from=1650, year_to=1720),
            Filters(object_type="painting", year_from=1601, year_to=1700),
            Filters(curated={"tag": "ship"}, year_from=1501, year_to=1800))
FILTER_KINDS = ("object_type", "source", "creator", "century", "tag")


@dataclass
class Scale:
    """Figures at one catalogue size (milliseconds)."""

    records: int
    import_rate: float  # records/s when it was built
    import_s: float
    reused: bool  # built by an earlier run (the import figures are that run's)
    catalog_mb: float
    open_s: float = 0.0  # opening the catalogue: migrating it when an older vitrine built it
    graph_s: float = 0.0  # building the HNSW index over its vectors (when it was built)
    columns_s: list[float] = field(default_factory=list)  # loading the facet columns (after a write)
    columns_mb: tuple[float, float] = (0.0, 0.0)  # their arrays; with the values' Python objects
    after_writes: dict[str, list[float]] = field(default_factory=dict)  # ms, `catalog_writes`
    timings: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class Report:
    seed: int
    queries: int
    scales: list[Scale] = field(default_factory=list)
    import_records: int = 0
    import_rates: dict[str, list[float]] = field(default_factory=dict)  # records/s, alternated rounds


def facet_page(catalog: Catalog, filters: Filters, live: bool = False) -> None:
    """What the research page counts (`web/routes/search.py:_facets`)."""
    count = catalog.facet_live if live else catalog.facet
    for name in FACETS:
        count(name, filters, 30)
    for kind in CURATED:
        count(CURATED_PREFIX + kind, filters, 30)


def facet_page_before(catalog: Catalog, filters: Filters) -> None:
    """The page as `Catalog.facet` counted it before the columns in memory: kept counts where they
    apply, else from the rows (the records of a creator or accepted-value filter listed once)."""
    for name in (*FACETS, *(CURATED_PREFIX + kind for kind in CURATED)):
        if filters.is_empty() or facetpairs.read(catalog._db, name, filters, 30) is None:
            catalog.facet_live(name, filters, 30, scoped=narrow(filters))


def facet_page_columns(catalog: Catalog, filters: Filters) -> None:
    """The page counted from the columns in memory alone (`catalog/facetcache.py`), even where kept
    counts would answer."""
    with catalog._lock:
        cache = catalog.facet_cache()
        for name in (*FACETS, *(CURATED_PREFIX + kind for kind in CURATED)):
            cache.count(catalog._db, name, filters, 30)


def random_filter(rng: random.Random, shape: Shape) -> tuple[str, Filters]:
    """A filter as a visitor sets one from the facets (mostly a frequent value, as they are listed
    first), and its kind."""
    kind = rng.choice(FILTER_KINDS)
    if kind == "object_type":
        return kind, Filters(object_type=rng.choice(("painting", "wall painting")))
    if kind == "source":
        return kind, Filters(source=shape.museums.draw(rng))
    if kind == "creator":
        return kind, Filters(creator=shape.artists.draw(rng))
    if kind == "century":
        start = rng.choice((13, 14, 15, 16, 17, 18, 19)) * 100
        return kind, Filters(year_from=start + 1, year_to=start + 100)
    return kind, Filters(curated={"tag": rng.choice(("ship", "horse", "saint", "tree"))})


def random_words(rng: random.Random, shape: Shape) -> str:
    """Half the queries a frequent title word, half any word of the vocabulary."""
    if rng.random() < 0.5:
        return shape.words.draw(rng)
    return rng.choice(shape.words.values)


def measure(
    catalog: Catalog, index: VectorIndex, shape: Shape, queries: int, seed: int,
) -> dict[str, list[float]]:
    """Milliseconds per query of each kind, over the same seeded queries at every size; rows whose
    name says "filtered" are also kept by the kind of filter."""
    rng = random.Random(seed)
    vrng = np.random.default_rng(seed)
    times: dict[str, list[float]] = {}
    for number in range(queries):
        (kind, filters), words = random_filter(rng, shape), random_words(rng, shape)
        vector = _unit(vrng.standard_normal((1, DIM)).astype(np.float32))
        combined = COMBINED[number % len(COMBINED)]
        for name, every, call in (*_queries(catalog, index, filters, words, vector),
                                  *_combined(catalog, index, combined, words, vector)):
            if number % every:
                continue
            started = time.perf_counter()
            call()
            took = (time.perf_counter() - started) * 1000
            times.setdefault(name, []).append(took)
            if "filtered" in name and "unfiltered" not in name:
                times.setdefault(f"{name} [{kind}]", []).append(took)
        _visual_steps(catalog, index, filters, vector, times)
    return times


def _queries(
    catalog: Catalog, index: VectorIndex, filters: Filters, words: str, vector: NDArray[np.float32],
) -> list[tuple[str, int, Callable[[], object]]]:
    """(row name, timed on every how many queries, the call): each fast path beside the slow one."""
    empty = Filters()
    return [
        ("facets, landing (precomputed)", 1, lambda: facet_page(catalog, empty)),
        # seconds at a million records, always the same page: a few suffice
        ("facets, landing (computed)", 10, lambda: facet_page(catalog, empty, live=True)),
        ("facets, filtered", 1, lambda: facet_page(catalog, filters)),
        ("facets, landing (columns in memory)", 1, lambda: facet_page_columns(catalog, empty)),
        ("facets, filtered (computed)", 3, lambda: facet_page(catalog, filters, live=True)),
        ("facets, filtered (before: kept pairs, else rows)", 3, lambda: facet_page_before(catalog, filters)),
        ("facets, filtered (columns in memory alone)", 1, lambda: facet_page_columns(catalog, filters)),
        ("full text", 1, lambda: catalog.full_text(words, 500)),
        ("full text (every match ranked)", 1, lambda: catalog.full_text(words, 500, ranked=None)),
        ("full text, filtered", 1, lambda: catalog.full_text(words, 500, filters)),
        ("full text, filtered (every match ranked)", 1,
         lambda: catalog.full_text(words, 500, filters, ranked=None)),
        ("visual, unfiltered", 1, lambda: index.search(vector, 60)),
        ("visual, filtered (post-filter first)", 1, lambda: _post_filtered(catalog, index, vector, filters)),
        ("visual, filtered", 1, lambda: filtered_search(catalog, index, vector, 60, filters)),
    ]


def _combined(
    catalog: Catalog, index: VectorIndex, filters: Filters, words: str, vector: NDArray[np.float32],
) -> list[tuple[str, int, Callable[[], object]]]:
    """The same page, text and visual search under a combined or arbitrary filter (kept counts do
    not answer these: they are counted from the rows)."""
    return [
        ("combined filter: facets", 1, lambda: facet_page(catalog, filters)),
        ("combined filter: facets (before: from the rows)", 3, lambda: facet_page_before(catalog, filters)),
        ("combined filter: full text", 1, lambda: catalog.full_text(words, 500, filters)),
        ("combined filter: visual (post-filter first)", 1,
         lambda: _post_filtered(catalog, index, vector, filters)),
        ("combined filter: visual", 1, lambda: filtered_search(catalog, index, vector, 60, filters)),
    ]


def _visual_steps(
    catalog: Catalog, index: VectorIndex, filters: Filters, vector: NDArray[np.float32],
    times: dict[str, list[float]],
) -> None:
    """The listing path of a filtered visual search, its two steps timed apart."""
    started = time.perf_counter()
    allowed = catalog.filter_image_ids(filters)
    middle = time.perf_counter()
    if allowed.size:
        index.search(vector, min(60, int(allowed.size)), allowed=allowed)
    ended = time.perf_counter()
    times.setdefault("visual, filtered: allowed ids", []).append((middle - started) * 1000)
    times.setdefault("visual, filtered: index search", []).append((ended - middle) * 1000)
    times.setdefault("visual, filtered (listing allowed ids)", []).append((ended - started) * 1000)


def _post_filtered(
    catalog: Catalog, index: VectorIndex, vector: NDArray[np.float32], filters: Filters,
) -> None:
    """A filtered visual search as `search.core` ran it before `filtered_search`: post-filtering,
    else the listing."""
    if post_filtered(catalog, index, vector, 60, filters) is None:
        allowed = catalog.filter_image_ids(filters)
        if allowed.size:
            index.search(vector, min(60, int(allowed.size)), allowed=allowed)


def _unit(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    unit: NDArray[np.float32] = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    return unit


def prepare(
    workdir: Path, shape: Shape, count: int, seed: int,
) -> tuple[Catalog, MemoryIndex, Built, bool, float]:
    """The catalogue and index of `count` records under `workdir`, built unless a finished one is
    there (then reused: True, and the figures of the run that built it), and the seconds opening
    the catalogue took (migrating one an older vitrine built)."""
    folder = workdir / f"records-{count}-seed-{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    catalog = Catalog(folder / "catalog.sqlite")
    opened = time.perf_counter() - started
    done = catalog.get_meta(_DONE)
    if done is not None:
        records, seconds = done.split()
        index = MemoryIndex(DIM, folder / "vectors.npz")
        return catalog, index, Built(int(records), float(seconds), 0), True, opened
    if catalog.count():
        raise SystemExit(f"{folder} holds an unfinished build; delete it and run again")
    built = build(catalog, shape, count, seed)
    ids = catalog.filter_image_ids(Filters())
    index = MemoryIndex(DIM, folder / "vectors.npz")
    vectors = np.random.default_rng(seed).standard_normal((len(ids), DIM)).astype(np.float32)
    index.add(ids, _unit(vectors))
    index.save()
    catalog.set_meta(_DONE, f"{built.records} {built.seconds:.6f}")  # last: a killed build is not reused
    return catalog, index, built, False, opened


def graph_index(catalog: Catalog, flat: MemoryIndex) -> tuple[FaissIndex, float]:
    """The collection's default index (FAISS HNSW, default settings) over the flat index's vectors,
    built once beside the catalogue and reused; and the seconds its build took."""
    path = catalog.path.parent / f"hnsw-{DIM}.faiss"
    built = catalog.get_meta(_GRAPH)
    if built is not None and path.exists():
        return FaissIndex(DIM, path), float(built)
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    graph = FaissIndex(DIM, path)
    ids = flat.ids()
    for start in range(0, ids.size, 100_000):
        chunk = ids[start:start + 100_000]
        graph.add(chunk, flat.get(chunk))
    graph.save()
    seconds = time.perf_counter() - started
    catalog.set_meta(_GRAPH, f"{seconds:.1f}")
    return graph, seconds


def _columns(catalog: Catalog) -> tuple[list[float], tuple[float, float]]:
    """Seconds loading the facet columns, three times (what the next page after a write waits),
    and their size in MB: the arrays, and with the values (names) as Python objects."""
    took = []
    for _ in range(3):
        started = time.perf_counter()
        cache = catalog.facet_cache(reload=True)
        took.append(round(time.perf_counter() - started, 2))
    return took, (round(cache.nbytes / 1e6, 1), round(cache.held_bytes / 1e6, 1))


def _order(item: tuple[str, list[float]]) -> tuple[bool, str]:
    """The overall rows first, in the order measured; then the rows by filter kind."""
    return "[" in item[0], item[0] if "[" in item[0] else ""


def _stats(values: list[float]) -> dict[str, float]:
    p50, p95 = np.percentile(values, [50, 95])
    return {"p50": round(float(p50), 2), "p95": round(float(p95), 2)}


def table(report: Report) -> str:
    sizes = [s.records for s in report.scales]
    lines = ["| at N records | " + " | ".join(f"{n:,} p50 / p95 ms" for n in sizes) + " |",
             "|---|" + "---|" * len(sizes)]
    for name in report.scales[0].timings:
        cells = []
        for scale in report.scales:
            t = scale.timings.get(name, {"p50": 0.0, "p95": 0.0})
            flag = " **over**" if t["p95"] > TARGET_MS else ""
            cells.append(f"{t['p50']:.1f} / {t['p95']:.1f}{flag}")
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| import (records/s; catalogue MB) | " + " | ".join(
        f"{s.import_rate:,.0f}{' (earlier run)' if s.reused else ''}; {s.catalog_mb:,.0f} MB"
        for s in report.scales) + " |")
    lines.append("| opening the catalogue (s; migrating an older one) | " + " | ".join(
        f"{s.open_s:.1f}" for s in report.scales) + " |")
    lines.append(f"| building the HNSW index of {DIM}-d vectors (s, once) | " + " | ".join(
        f"{s.graph_s:.1f}" for s in report.scales) + " |")
    lines.append("| loading the facet columns: the page after a write (s, three loads) | " + " | ".join(
        ", ".join(f"{t:.2f}" for t in s.columns_s) for s in report.scales) + " |")
    lines.append("| facet columns in memory (MB: arrays; with the values' Python objects) | " + " | ".join(
        f"{s.columns_mb[0]:.1f}; {s.columns_mb[1]:.1f}" for s in report.scales) + " |")
    for name in report.scales[-1].after_writes:
        lines.append(f"| the first filtered facet page {name.removeprefix('page ')} | " + " | ".join(
            ", ".join(f"{t:,.1f}" for t in s.after_writes.get(name, [])) for s in report.scales) + " |")
    for name, rates in report.import_rates.items():
        unit = "" if name.endswith("(s)") else " (records/s, alternated)"
        lines.append(f"| import of {report.import_records:,} records into a new catalogue, {name}{unit}"
                     f" | {', '.join(f'{r:,}' for r in rates)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench catalog", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--baseline", type=int, default=2_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--data", type=Path, default=Path("../shared/data/public-art"))
    parser.add_argument("--workdir", type=Path, default=Path("bench-data/catalog"))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--import-rate", type=int, default=0, metavar="N",
                        help="also time importing N records into a new catalogue, pairs per row and "
                        "deferred, alternated twice")
    parser.add_argument("--writes-only", action="store_true",
                        help="time the columns' load and the page after writes, not the queries")
    args = parser.parse_args(argv)
    check_public_art(parser, args.data)
    if not 0 < args.baseline <= args.records:
        parser.error("--baseline must be positive and at most --records")
    shape = Shape.from_csv(args.data / "records.csv")
    report = Report(args.seed, args.queries)
    for count in (args.baseline, args.records):
        catalog, flat, built, reused, opened = prepare(args.workdir, shape, count, args.seed)
        try:
            size = sum(p.stat().st_size for p in catalog.path.parent.glob("catalog.sqlite*"))
            index, graph_s = graph_index(catalog, flat)
            scale = Scale(count, round(built.rate), round(built.seconds, 1), reused, size / 1e6,
                          round(opened, 1), round(graph_s, 1))
            del flat
            scale.columns_s, scale.columns_mb = _columns(catalog)
            scale.after_writes = after_writes(catalog, facet_page_columns, args.seed)
            times = {} if args.writes_only else measure(catalog, index, shape, args.queries, args.seed)
            scale.timings = {name: _stats(values) for name, values in sorted(times.items(), key=_order)}
            report.scales.append(scale)
        finally:
            catalog.close()
    if args.import_rate:
        report.import_records = args.import_rate
        report.import_rates = import_rates(shape, args.import_rate, args.seed, args.workdir)
    emit(report, table(report), args.json)
    return 0
