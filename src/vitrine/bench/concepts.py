"""Concepts taught from examples: learning curves on public-art, and the refresh time at 100k.

    vitrine bench concepts [--data ../shared/data/public-art] [--works 1500] [--seeds 3]

A seeded subset of public-art is imported and indexed with the `classic` embedder (or
`--collection` names one built already). Three concepts have their truth in the metadata:
"portrait" (title words: portrait, Bildnis, retrato, ritratto, portret...), one museum (Museo del
Prado) and one century (the 19th, by the `year` column). For each concept and seed, 30% of the
works are a fixed test set never shown; a simulated editor starts from 5 positive and 5 negative
works (found by search, say), then labels 10 works at a time chosen by uncertainty sampling or at
random, among the other 70%. The learner is `vitrine.concepts.learn` (as `vitrine concept` runs
it); reported: average precision on the test set by labels given, and the learner's own
estimate from its labels (cross-validation), mean over seeds.

The refresh time is what an editor waits after a label: train on the labels, score every image
of a 100k-vector memory index (synthetic unit vectors of the classic embedder's dimension) and
pick the next works to ask about (`teach.rank`), median of repeats; then the same through the
use cases on a catalogue of 100k records: `teach.label` one work, `teach.ask` for the next 10
(reading the labels, their vectors, every image's record from SQLite, training, scoring, picking).
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from vitrine.bench.feedback import import_public_art
from vitrine.collection import Collection, create_collection, open_collection
from vitrine.concepts import learn, teach
from vitrine.index.memory import MemoryIndex
from vitrine.indexing import index_collection
from vitrine.search.feedback import LinearModel

PORTRAIT = re.compile(r"portrait|bildnis|retrato|ritratto|portret|porträt|autoportrait", re.I)
CONCEPTS: dict[str, Callable[[dict[str, str]], bool]] = {
    "portrait (title)": lambda r: bool(PORTRAIT.search(r["title"])),
    "Museo del Prado": lambda r: r["museum"] == "Museo del Prado",
    "19th century": lambda r: r["year"].lstrip("-").isdigit() and 1801 <= int(r["year"]) <= 1900,
}
CLASSIC_DIM = 319  # the classic embedder's vectors (what --only-scale draws)
START, STEP = 5, 10  # positives (and negatives) the editor starts from; labels per round


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench concepts", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=_default_data())
    parser.add_argument("--collection", type=Path, help="an indexed public-art collection to reuse")
    parser.add_argument("--works", type=int, default=1500)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budgets", default="10,20,40,80,160")
    parser.add_argument("--scale", type=int, default=100_000, help="vectors of the refresh-time test")
    parser.add_argument("--only-scale", action="store_true",
                        help="only the refresh and application times (no public-art learning curves)")
    args = parser.parse_args(argv)
    csv_path = args.data / "records.csv"
    if not csv_path.is_file() and not args.only_scale:
        print(f"no records.csv under {args.data}: pass --data", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="vitrine-bench-concepts-") as tmp:
        dim = CLASSIC_DIM if args.only_scale else learning_curves(args, csv_path, Path(tmp))
        refresh_time(args.scale, dim)
        with scale_collection(args.scale, dim, Path(tmp)) as scale:
            refresh_end_to_end(scale, args.scale)
            application_time(scale, args.scale)
    return 0


def learning_curves(args: argparse.Namespace, csv_path: Path, tmp: Path) -> int:
    """The learning curves of each concept on public-art; returns the vectors' dimension."""
    budgets = [int(b) for b in args.budgets.split(",")]
    collection = (open_collection(args.collection) if args.collection
                  else build(csv_path, args.data, tmp, args.works))
    with collection:
        ids, x = record_vectors(collection)
        print(f"collection: {len(ids)} works with vectors, embedder {collection.embedder.key}")
        rows = {r["id"]: r for r in _read(csv_path)}
        rescale = teach.collection_scaler(collection)
        for name, truth in CONCEPTS.items():
            y = np.asarray([truth(rows[i]) for i in ids], bool)
            curves(name, x, y, rescale, budgets, args.seeds)
    return int(x.shape[1])


def build(csv_path: Path, data: Path, tmp: Path, works: int) -> Collection:
    """Import a seeded subset of `works` records and index it with the classic embedder."""
    rows = _read(csv_path)
    subset = random.Random(0).sample(rows, min(works, len(rows)))
    started = time.perf_counter()
    collection = import_public_art(subset, data, tmp / "public-art", embedder="classic")
    indexed = index_collection(collection, workers=1)
    print(f"built in {time.perf_counter() - started:.0f} s ({indexed.embedded} images,"
          f" {indexed.failed} failed)")
    return collection


def record_vectors(collection: Collection) -> tuple[list[str], NDArray[np.float32]]:
    """Each record's first indexed image's vector, by identifier."""
    image_ids, record_ids = teach.indexed_images(collection)
    first: dict[int, int] = {}
    for image_id, record_id in zip(image_ids.tolist(), record_ids.tolist(), strict=True):
        first.setdefault(record_id, image_id)
    records = collection.catalog.get_many(first)
    order = sorted(first)
    vectors = collection.index.get(np.asarray([first[r] for r in order], np.int64))
    return [records[r].identifier for r in order], vectors


def curves(name: str, x: NDArray[np.float32], y: NDArray[np.bool_], rescale: LinearModel,
           budgets: list[int], seeds: int) -> None:
    """Average precision on the test set (and the learner's own estimate) by labels given."""
    from sklearn.metrics import average_precision_score

    print(f"\n### {name}: {int(y.sum())} of {y.size} works positive ({y.mean():.1%})\n")
    print("| labels | AP, uncertainty | AP, random | estimate (CV AP), uncertainty | estimate, random |")
    print("|---:|---:|---:|---:|---:|")
    results: dict[str, dict[int, list[tuple[float, float]]]] = {
        s: {b: [] for b in budgets} for s in learn.STRATEGIES}
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        test = rng.random(y.size) < 0.3
        pool = np.flatnonzero(~test)
        for strategy in learn.STRATEGIES:
            for budget, model, est in simulate(x, y, pool, rescale, budgets, strategy, seed):
                ap = float(average_precision_score(y[test], model.probability(x[test])))
                results[strategy][budget].append((ap, est))
    for budget in budgets:
        cells = [statistics.fmean(v[i] for v in results[s][budget]) for i in (0,) for s in learn.STRATEGIES]
        cells += [statistics.fmean(v[1] for v in results[s][budget]) for s in learn.STRATEGIES]
        print(f"| {budget} | " + " | ".join(f"{c:.3f}" for c in cells) + " |")
    print(f"\n(chance: AP = {y.mean():.3f}; {seeds} seeds; 30% of the works held out as the test set)")


def simulate(x: NDArray[np.float32], y: NDArray[np.bool_], pool: NDArray[np.int64],
             rescale: LinearModel, budgets: list[int], strategy: learn.Strategy,
             seed: int) -> list[tuple[int, learn.ConceptModel, float]]:
    """Start from 5 positives and 5 negatives of the pool; label STEP more per round."""
    rng = np.random.default_rng(1000 + seed)
    labelled = [*rng.choice(pool[y[pool]], START, replace=False),
                *rng.choice(pool[~y[pool]], START, replace=False)]
    out = []
    while len(labelled) <= max(budgets):
        chosen = np.asarray(labelled, np.int64)
        model = learn.fit(x[chosen], y[chosen], rescale)
        if len(labelled) in budgets:
            est = learn.estimate(x[chosen], y[chosen], rescale, seed)
            out.append((len(labelled), model, est.average_precision if est else float("nan")))
        rest = np.setdiff1d(pool, chosen)
        labelled.extend(rest[learn.pick(model.probability(x[rest]), STEP, strategy, rng)].tolist())
    return out


def refresh_time(n: int, dim: int, repeats: int = 5) -> None:
    """Train on 80 labels, score n vectors and pick 10 to ask about: the wait after a label."""
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((n, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = MemoryIndex(dim)
    ids = np.arange(1, n + 1, dtype=np.int64)
    index.add(ids, vectors)
    labelled = rng.choice(ids, 80, replace=False)
    y = rng.random(80) < 0.3
    rescale = learn.scaler(index.get(np.sort(rng.choice(ids, learn.SAMPLE, replace=False))))
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        model = learn.fit(index.get(labelled), y, rescale)
        teach.rank(model, index, ids, ids, labelled, 10, "uncertainty")
        times.append(time.perf_counter() - started)
    print(f"\nrefresh after a label at {n:,} vectors (dim {dim}, 80 labels): train + score all + pick 10:"
          f" median {statistics.median(times):.2f} s, max {max(times):.2f} s over {repeats}")


def scale_collection(n: int, dim: int, tmp: Path) -> Collection:
    """A catalogue of n records with one image each (a checksum, as if read), synthetic unit vectors
    in a memory index, and a concept with 40 positive and 40 negative labels."""
    from vitrine.records import ImageRef, Record

    collection = create_collection(tmp / "scale", embedder="classic", index="memory")
    catalog = collection.catalog
    with catalog.transaction():
        for i in range(n):
            catalog.upsert(Record(identifier=f"w{i}", title=f"work {i}",
                                  images=[ImageRef(location=f"/synthetic/{i}.jpg")]))
    image_ids, _ = catalog.concepts.image_records()
    with catalog.transaction():
        for image_id in image_ids.tolist():
            catalog.set_image_file(image_id, local_path=None, width=200, height=200,
                                   sha256=f"{image_id:064x}")
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((image_ids.size, dim)).astype(np.float32)
    collection.index.add(image_ids, vectors / np.linalg.norm(vectors, axis=1, keepdims=True))
    teach.create_concept(catalog, "synthetic", actor="bench")
    picked = [f"w{i}" for i in rng.choice(n, 80, replace=False)]
    teach.label(catalog, "synthetic", picked[:40], positive=True, actor="bench")
    teach.label(catalog, "synthetic", picked[40:], positive=False, actor="bench")
    return collection


def refresh_end_to_end(collection: Collection, n: int, repeats: int = 5) -> None:
    """The refresh through the use cases on the scale collection: `teach.label` one more work,
    then `teach.ask` for the next 10."""
    catalog = collection.catalog
    started = time.perf_counter()
    teach.ask(collection, "synthetic", 10)  # the first call imports scikit-learn
    first = time.perf_counter() - started
    labelled = {label.identifier for label in catalog.concepts.labels(catalog.concepts.get("synthetic").id)}
    fresh = [w for w in (f"w{i}" for i in range(2 * repeats + 80)) if w not in labelled][:repeats]
    times = []
    for i, identifier in enumerate(fresh):
        started = time.perf_counter()
        teach.label(catalog, "synthetic", [identifier], positive=bool(i % 2), actor="bench")
        asked = teach.ask(collection, "synthetic", 10)
        times.append(time.perf_counter() - started)
    print(f"label one work, then ask for the next 10, through the use cases at {n:,} records "
          f"({asked.strategy}, {80 + repeats} labels at most): median {statistics.median(times):.2f} s,"
          f" max {max(times):.2f} s over {repeats} (the first ask of this run, which imports"
          f" scikit-learn if nothing has yet: {first:.2f} s)")


def application_time(collection: Collection, n: int) -> None:
    """The saved classifier applied to every image: the `concept` agent as a job (what `vitrine
    suggest run NAME concept` does: reading images and vectors, scoring, storing suggestions and
    what it looked at), beside the bare scoring of the same vectors in one process (the baseline)."""
    from vitrine.concepts.learn import ConceptModel
    from vitrine.suggestions.run import run_agent

    saved, _ = teach.save(collection, "synthetic", actor="bench")
    model = ConceptModel.from_json((collection.root / saved.path).read_text(encoding="utf-8"))
    ids = np.sort(collection.index.ids())
    wall, cpu = time.perf_counter(), time.process_time()
    for start in range(0, ids.size, 4096):
        model.probability(collection.index.get(ids[start:start + 4096]))
    bare_wall, bare_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    job = run_agent(collection, "concept", options={"concept": "synthetic"}, actor="bench")
    job_wall, job_cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"applying the saved classifier to {n:,} images (synthetic vectors):"
          f" bare scoring {bare_wall:.2f} s wall, {bare_cpu:.2f} s CPU"
          f" ({n / max(bare_cpu, 1e-9):,.0f} images/s per core); the concept agent as a job:"
          f" {job_wall:.1f} s wall, {job_cpu:.1f} s CPU"
          f" ({n / max(job_cpu, 1e-9):,.0f} images/s per core), {job.done:,} looked at, {job.made:,}"
          f" suggestions stored, {job.failed} failed")


def _read(csv_path: Path) -> list[dict[str, str]]:
    with csv_path.open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _default_data() -> Path:
    return Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "public-art"


if __name__ == "__main__":
    raise SystemExit(main())
