"""Relevance feedback on public-art, with the artist as the relevance label.

    vitrine bench feedback [--data ../shared/data/public-art] [--queries 300] [--rounds 3]

The collection is imported and indexed with the `classic` embedder (the CLIP weights cannot be
downloaded on the machines this ran on) into a temporary folder, unless `--collection` names one
built already. Query works are drawn (seeded) among works whose artist has at least
`--min-works` works; "Unknown"/"Anonymous" artists are not labels and are never queries.

A simulated user starts from "more like this" on the query work (round 0), looks at the 20
results, marks each relevant (same artist) or not, and refines; each round shows 20 works not
judged yet, which the user marks in turn. Two precisions are reported per round:

- new: the share of the 20 new works shown that are relevant (what the learner found this round);
- as seen: the relevant works found so far are shown first (the web page's "marked relevant"
  strip), then the new results; the share of relevant works among the first 20 of that list.

Latency is the wall time of one `refine` call (training and scoring included), on a shared CPU.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from vitrine.collection import Collection, create_collection, open_collection
from vitrine.importers.base import run_import
from vitrine.importers.mapping import ColumnMapping
from vitrine.importers.tabular import TabularSource
from vitrine.indexing import index_collection
from vitrine.search import feedback
from vitrine.search.core import search_by_record
from vitrine.search.feedback import METHODS, refine

PUBLIC_ART_MAP = "identifier=id,title=title,creators=artist,date_text=date,medium=medium,image=file"


def import_public_art(rows: list[dict[str, str]], data: Path, root: Path, *, embedder: str) -> Collection:
    """A new collection at `root` holding these rows of public-art's records.csv (images in `data`)."""
    sub = root.parent / f"{root.name}-records.csv"
    with sub.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    collection = create_collection(root, embedder=embedder, index="memory")
    run_import(collection, TabularSource(sub, ColumnMapping.parse(PUBLIC_ART_MAP, image_base=data)))
    return collection
_NOT_A_LABEL = ("unknown", "anonymous", "anonym", "")


@dataclass
class Curve:
    """Per-round figures of one method, summed over queries."""

    new: list[list[float]] = field(default_factory=list)
    seen: list[list[float]] = field(default_factory=list)
    seconds: list[list[float]] = field(default_factory=list)

    def add(self, round_: int, new: float, seen: float, seconds: float) -> None:
        for series, value in ((self.new, new), (self.seen, seen), (self.seconds, seconds)):
            while len(series) <= round_:
                series.append([])
            series[round_].append(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench feedback", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=_default_data())
    parser.add_argument("--collection", type=Path, help="an indexed public-art collection to reuse")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--min-works", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-k", type=int, default=20, help="works shown (and judged) per round")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--index", default="faiss")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--svm-c", type=float, default=feedback.SVM_C, help="the SVM's C (tuning)")
    parser.add_argument("--svm-scale-power", type=float, default=feedback.SCALE_POWER,
                        help="0: raw vectors, 0.5: divide by sqrt(spread) (default), 1: standardise")
    args = parser.parse_args(argv)
    feedback.SVM_C, feedback.SCALE_POWER = args.svm_c, args.svm_scale_power
    csv_path = args.data / "records.csv"
    if not csv_path.is_file():
        print(f"no records.csv under {args.data}: pass --data", file=sys.stderr)
        return 2
    labels = read_labels(csv_path)
    queries = pick_queries(labels, args.min_works, args.queries, args.seed)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    with tempfile.TemporaryDirectory(prefix="vitrine-bench-feedback-") as tmp:
        collection = (open_collection(args.collection) if args.collection
                      else build(args.data, Path(tmp) / "public-art", args.index))
        with collection:
            print(f"collection: {collection.catalog.count()} works, embedder {collection.embedder.key}, "
                  f"index {collection.config.index}; {len(queries)} queries "
                  f"(artists with >= {args.min_works} works), k={args.k}, {args.rounds} rounds; "
                  f"svm C={feedback.SVM_C}, scale power {feedback.SCALE_POWER}")
            curves = {m: Curve() for m in methods}
            for identifier in queries:
                simulate(collection, identifier, labels, curves, args.k, args.rounds)
    report(curves, args.k)
    counts = Counter(labels.values())
    chance = statistics.fmean((counts[labels[q]] - 1) / (len(labels) - 1) for q in queries)
    print(f"\nchance level (same-artist share among the other labelled works): {chance:.3f}")
    return 0


def build(data: Path, root: Path, index: str) -> Collection:
    """Import records.csv and index it with the classic embedder."""
    collection = create_collection(root, embedder="classic", index=index)
    source = TabularSource(data / "records.csv", ColumnMapping.parse(PUBLIC_ART_MAP, image_base=data))
    started = time.perf_counter()
    run_import(collection, source)
    indexed = index_collection(collection, workers=1)
    print(f"built in {time.perf_counter() - started:.1f} s ({indexed.embedded} images, "
          f"{indexed.failed} failed)")
    return collection


def simulate(
    collection: Collection, identifier: str, labels: dict[str, str], curves: dict[str, Curve],
    k: int, rounds: int,
) -> None:
    """Round 0 by "more like this", then `rounds` rounds of feedback for each method."""
    artist = labels[identifier]

    def relevant(other: str) -> bool:
        return labels.get(other) == artist

    started = time.perf_counter()
    first = [h.identifier for h in search_by_record(collection, identifier, per_page=k).hits]
    search_s = time.perf_counter() - started
    record = collection.catalog.get(identifier)
    for method, curve in curves.items():
        shown, positives, negatives = first, [], []
        curve.add(0, _precision(shown, relevant, k), _precision(shown, relevant, k), search_s)
        for round_ in range(1, rounds + 1):
            positives += [i for i in shown if relevant(i)]
            negatives += [i for i in shown if not relevant(i)]
            if not positives and not negatives:
                break
            started = time.perf_counter()
            page = refine(collection, positives=positives, negatives=negatives, query=record,
                          method=method, per_page=k)  # type: ignore[arg-type]
            seconds = time.perf_counter() - started
            shown = [h.identifier for h in page.hits]
            seen = [*positives, *shown][:k]
            curve.add(round_, _precision(shown, relevant, k), _precision(seen, relevant, k), seconds)


def report(curves: dict[str, Curve], k: int) -> None:
    rounds = max(len(c.new) for c in curves.values())
    print(f"\nmean precision@{k} by round of feedback (round 0: 'more like this', no feedback)")
    header = "".join(f"{'round ' + str(r):>10}" for r in range(rounds))
    for view in ("new", "seen"):
        print(f"\n{view + ' (' + ('new works shown' if view == 'new' else 'as seen') + ')':<26}{header}")
        for method, curve in curves.items():
            series = curve.new if view == "new" else curve.seen
            print(f"{method:<26}" + "".join(f"{statistics.fmean(v):>10.3f}" for v in series))
    baseline = curves.get("rocchio")
    if baseline is not None:
        print("\nratio to rocchio (as seen)")
        for method, curve in curves.items():
            print(f"{method:<26}" + "".join(
                f"{statistics.fmean(v) / max(statistics.fmean(b), 1e-9):>10.2f}"
                for v, b in zip(curve.seen, baseline.seen, strict=True)))
        print("\nminus rocchio, paired over queries: mean difference ± 95% interval (as seen / new)")
        for method, curve in curves.items():
            if curve is not baseline:
                pairs = (("seen", curve.seen, baseline.seen), ("new", curve.new, baseline.new))
                for view, mine, base in pairs:
                    print(f"{method + ' (' + view + ')':<26}" + "".join(
                        _paired(v, b) for v, b in zip(mine, base, strict=True)))
    print("\nlatency per call, ms: mean / p95 (round 0 is the 'more like this' search)")
    for method, curve in curves.items():
        print(f"{method:<26}" + "".join(
            f"{1000 * statistics.fmean(v):>5.0f}/{1000 * _p95(v):<4.0f}" for v in curve.seconds))


def read_labels(csv_path: Path) -> dict[str, str]:
    """identifier -> artist, for works whose artist is a real label."""
    with csv_path.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return {r["id"]: r["artist"].strip() for r in rows
            if not r["artist"].strip().lower().startswith(_NOT_A_LABEL[:3]) and r["artist"].strip()}


def pick_queries(labels: dict[str, str], min_works: int, n: int, seed: int) -> list[str]:
    counts = Counter(labels.values())
    eligible = sorted(i for i, artist in labels.items() if counts[artist] >= min_works)
    return random.Random(seed).sample(eligible, min(n, len(eligible)))


def _precision(identifiers: list[str], relevant: object, k: int) -> float:
    assert callable(relevant)
    return sum(1 for i in identifiers[:k] if relevant(i)) / k


def _paired(mine: list[float], base: list[float]) -> str:
    diffs = [a - b for a, b in zip(mine, base, strict=True)]
    half = 1.96 * statistics.stdev(diffs) / len(diffs) ** 0.5 if len(diffs) > 1 else 0.0
    return f"{statistics.fmean(diffs):>+7.3f}±{half:.3f}"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _default_data() -> Path:
    return Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "public-art"


if __name__ == "__main__":
    raise SystemExit(main())
