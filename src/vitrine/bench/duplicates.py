"""Near-duplicate detection measured on public-art with planted copies, and its cost at scale.

    vitrine bench duplicates --data ../shared/data/public-art --plants 400 --seed 7 --scale 100000

Part 1 (quality): the works of `--data` are imported into a temporary collection together with
`--plants` derived copies of a seeded random subset of them, written to a temporary folder
(exact copies, crops of 35-90% of the area, rescans, low-quality recompressions, reproductions
with a border and a watermark; one work in five gets two copies), each as a record of its own.
The collection is indexed with the classic embedder and `find_duplicates` runs first without a
local-feature index (the baseline: k-NN candidates alone), then again after `index_regions`
built one (k-NN + visual-word candidates), both with the default thresholds.
Pairs are record pairs in the same group; the truth is every pair within {original, its copies}.
Recall is over the planted pairs (and per kind); precision is over the found pairs that touch a
planted record. Groups made only of unplanted works are counted apart and sorted by what links
them (same Wikidata item, same title and artist, or nothing known) with a contact sheet to look at.

The calibration grid scores every candidate pair down to the lowest threshold once (cosine and
geometric inliers), then replays the grouping for each (threshold, sure, check) setting.

Part 2 (scale): `--scale` synthetic clustered vectors with planted near-copies in a FAISS HNSW
index; k-NN pairs against all-pairs blocked brute force, both timed in the same run
(see duplicate_scale); and the visual-word candidate pass over a synthetic local index of
`--scale` images, timed at a tenth of that size and at it (see duplicate_words).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import random
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from vitrine.bench.duplicate_plants import EDITS, Plant
from vitrine.bench.output import emit
from vitrine.collection import Collection, create_collection
from vitrine.duplicates.check import MIN_INLIERS, ThumbnailChecker
from vitrine.duplicates.find import (
    Pair,
    candidate_pairs,
    exact_pairs,
    find_duplicates,
    knn_pairs,
    thresholds_for,
    thumbnail_checker,
)
from vitrine.indexing import index_collection
from vitrine.records import ImageRef, Record
from vitrine.regions.search import index_regions
from vitrine.unionfind import UnionFind

log = logging.getLogger(__name__)
RecordPair = tuple[str, str]


@dataclass
class Score:
    setting: str
    precision: float
    recall: float
    found_pairs: int
    unplanted_groups: int
    recall_by_kind: dict[str, float] = field(default_factory=dict)


@dataclass
class Report:
    works: int
    plants: int
    seed: int
    index_seconds: float
    find_seconds: float
    default: Score | None = None
    baseline: Score | None = None  # the k-NN finder alone, same collection, same run
    baseline_seconds: float = 0.0
    regions_seconds: float = 0.0  # building the local-feature index
    local_candidates: int | None = None
    grid: list[Score] = field(default_factory=list)
    unplanted: dict[str, int] = field(default_factory=dict)
    missed: list[str] = field(default_factory=list)
    scale: dict[str, Any] = field(default_factory=dict)


# -- data -----------------------------------------------------------------------------------


def read_works(data: Path, limit: int | None) -> list[Record]:
    with (data / "records.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    rows = rows[:limit] if limit else rows
    return [Record(
        identifier=r["id"], title=r["title"] or None, creators=[r["artist"]] if r["artist"] else [],
        date_text=r["date"] or None, medium=r["medium"] or None, source=r["museum"] or None,
        extra={"wikidata": r["wikidata"]} if r["wikidata"] else {},
        images=[ImageRef(location=str(data / r["file"]))]) for r in rows]


def plant(works: Sequence[Record], n: int, seed: int, folder: Path) -> tuple[list[Record], list[Plant]]:
    """`n` derived copies of seeded random works, written to `folder`, as records of their own."""
    rng = random.Random(seed)
    kinds = list(EDITS)
    originals = rng.sample(list(works), k=min(len(works), n))
    records, plants = [], []
    for i in range(n):
        original = originals[i - 1] if i % 5 == 4 else originals[i]  # every fifth: a second copy
        kind = kinds[(i + i // 5) % len(kinds)]
        source = Path(original.images[0].location)
        data = source.read_bytes()
        with Image.open(source) as img:
            copy, detail = EDITS[kind](data, img.convert("RGB"), rng)
        path = folder / f"plant{i:04d}-{kind}.jpg"
        path.write_bytes(copy)
        identifier = f"plant-{i:04d}-{kind}"
        plants.append(Plant(identifier, original.identifier, kind, detail, str(path)))
        records.append(Record(identifier=identifier, title=f"{original.title or 'Untitled'} ({kind})",
                              creators=list(original.creators), images=[ImageRef(location=str(path))]))
    return records, plants


def truth_pairs(plants: Sequence[Plant]) -> dict[RecordPair, str]:
    """Every pair within {original, its copies}, with the kind of the copy (or copy+copy)."""
    families: dict[str, list[Plant]] = {}
    for p in plants:
        families.setdefault(p.original, []).append(p)
    truth: dict[RecordPair, str] = {}
    for original, copies in families.items():
        for c in copies:
            truth[_key(original, c.identifier)] = c.kind
        for i, c in enumerate(copies):
            for d in copies[i + 1:]:
                truth[_key(c.identifier, d.identifier)] = "copy+copy"
    return truth


def _key(a: str, b: str) -> RecordPair:
    return (a, b) if a < b else (b, a)


# -- scoring --------------------------------------------------------------------------------


def record_groups(pairs: Iterable[Pair], identifier_of: dict[int, str]) -> list[set[str]]:
    """Connected components of record identifiers linked by image pairs."""
    sets: UnionFind[str] = UnionFind()
    for p in pairs:
        sets.union(identifier_of[p.a], identifier_of[p.b])
    return [g for g in sets.groups() if len(g) > 1]


def score(setting: str, groups: list[set[str]], truth: dict[RecordPair, str], planted: set[str]) -> Score:
    found: set[RecordPair] = set()
    unplanted = 0
    for g in groups:
        members = sorted(g)
        found.update(_key(a, b) for i, a in enumerate(members) for b in members[i + 1:])
        unplanted += not (g & planted)
    touching = {p for p in found if p[0] in planted or p[1] in planted}
    correct = touching & truth.keys()
    by_kind: dict[str, list[bool]] = {}
    for pair, kind in truth.items():
        by_kind.setdefault(kind, []).append(pair in found)
    return Score(
        setting=setting, precision=round(len(correct) / max(1, len(touching)), 4),
        recall=round(len(found & truth.keys()) / max(1, len(truth)), 4), found_pairs=len(found),
        unplanted_groups=unplanted,
        recall_by_kind={k: round(sum(v) / len(v), 4) for k, v in sorted(by_kind.items())})


# -- calibration grid -----------------------------------------------------------------------


def grid(
    collection: Collection, truth: dict[RecordPair, str], planted: set[str],
    thresholds: Sequence[float], sures: Sequence[float], k: int,
) -> list[Score]:
    """Score each setting by replaying the grouping over candidates scored once."""
    catalog = collection.catalog
    images = catalog.images_by_id(catalog.all_image_ids().tolist())
    identifier_of = {i: img.identifier for i, img in images.items()}
    ids = catalog.embedded_image_ids(collection.vectors_key or "")
    pairs, scores = knn_pairs(collection.index, ids, k=k, threshold=min(thresholds))
    candidates = candidate_pairs(exact_pairs(images.values()), pairs, scores, images, same_record=False)
    checker = thumbnail_checker(collection, images)
    inliers = _inliers(candidates, checker)
    out = []
    for t in thresholds:
        pool = [p for p in candidates if p.kind == "exact" or p.score >= t]
        log.info("t=%.2f: %d candidate pairs to check", t, sum(p.kind != "exact" for p in pool))
        out.append(score(f"t={t:.2f} no check", record_groups(pool, identifier_of), truth, planted))
        for s in sures:
            if s < t:
                continue
            kept = [p for p in pool if p.kind == "exact" or _passes(p, inliers.get((p.a, p.b)), s)]
            out.append(score(f"t={t:.2f} sure={s:.2f} check", record_groups(kept, identifier_of),
                             truth, planted))
    return out


def _passes(pair: Pair, inliers: int | None, sure: float) -> bool:
    """find_duplicates' rule: verified by the check, or the check could not run and cosine >= sure."""
    return pair.score >= sure if inliers is None else inliers >= MIN_INLIERS


def _inliers(candidates: Sequence[Pair], checker: ThumbnailChecker) -> dict[tuple[int, int], int | None]:
    started = time.perf_counter()
    out: dict[tuple[int, int], int | None] = {}
    for p in candidates:
        if p.kind != "exact":
            verdict = checker.check(p.a, p.b)
            out[(p.a, p.b)] = verdict.inliers if verdict else None
    log.info("checked %d candidate pairs in %.1fs", len(out), time.perf_counter() - started)
    return out


# -- unplanted groups -----------------------------------------------------------------------


def unplanted_groups(collection: Collection, planted: set[str], out: Path | None) -> dict[str, int]:
    """Groups of the saved report with no planted record, by what their records share."""
    from vitrine.duplicates.report import load_report

    report = load_report(collection)
    assert report is not None
    reasons: Counter[str] = Counter()
    sheet = []
    for group in report.groups:
        if any(m.identifier in planted for m in group.members):
            continue
        records = [collection.catalog.get(m.identifier) for m in group.members]
        qids = {r.extra.get("wikidata") for r in records}
        names = {(r.title, tuple(r.creators)) for r in records}
        reason = ("same Wikidata item" if len(qids) == 1 and None not in qids
                  else "same title and artist" if len(names) == 1 else "nothing in the metadata")
        reasons[reason] += 1
        sheet.append((group, reason))
    if out is not None and sheet:
        contact_sheet(collection, sheet, out / "unplanted.png")
    return dict(reasons)


def contact_sheet(collection: Collection, groups: list[tuple[Any, str]], path: Path, size: int = 96) -> None:
    """One row per group: its thumbnails side by side, for a person to judge."""
    from PIL import ImageDraw

    rows = groups[:60]
    width = size * max(len(g.members) for g, _ in rows) + 260
    sheet = Image.new("RGB", (width, size * len(rows)), "white")
    draw = ImageDraw.Draw(sheet)
    for r, (group, reason) in enumerate(rows):
        for c, member in enumerate(group.members):
            image = collection.catalog.image(member.image_id)
            thumb = collection.thumbnail_path(image.sha256 or "")
            if thumb.is_file():
                with Image.open(thumb) as t:
                    t.thumbnail((size, size))
                    sheet.paste(t.convert("RGB"), (c * size, r * size))
        label = f"#{group.number} {group.score:.3f} {reason}"
        draw.text((width - 255, r * size + 4), label, fill="black")
        names = ", ".join(m.identifier for m in group.members)[:40]
        draw.text((width - 255, r * size + 18), names, fill="black")
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(path)


# -- the run --------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> Report:
    temp = Path(tempfile.mkdtemp(prefix="vitrine-duplicates-"))
    try:
        if args.only_scale:

            return Report(0, 0, args.seed, 0.0, 0.0, scale=_scale(args, temp))
        return _run(args, temp)
    finally:
        shutil.rmtree(temp, ignore_errors=True)


def _run(args: argparse.Namespace, temp: Path) -> Report:
    works = read_works(args.data, args.limit)
    (temp / "plants").mkdir()
    copies, plants = plant(works, args.plants, args.seed, temp / "plants")
    collection = create_collection(temp / "coll", embedder="classic", index="faiss")
    try:
        for record in [*works, *copies]:
            collection.catalog.upsert(record)
        indexed = index_collection(collection, workers=args.workers)
        collection.index.save()
        truth, planted = truth_pairs(plants), {p.identifier for p in plants}
        baseline, baseline_seconds = _baseline(collection, truth, planted) if args.local else (None, 0.0)
        regions = index_regions(collection, workers=args.workers).seconds if args.local else 0.0
        started = time.perf_counter()
        report = find_duplicates(collection, local=args.local)
        found = time.perf_counter() - started
        identifier_of = {m.image_id: m.identifier for g in report.groups for m in g.members}
        default = score(_default_name(collection, report.local_candidates is not None), record_groups(
            (p for g in report.groups for p in g.pairs), identifier_of), truth, planted)
        result = Report(works=len(works), plants=len(plants), seed=args.seed,
                        index_seconds=round(indexed.seconds, 2), find_seconds=round(found, 2),
                        default=default, baseline=baseline, baseline_seconds=round(baseline_seconds, 2),
                        regions_seconds=round(regions, 2), local_candidates=report.local_candidates)
        result.missed = _missed(plants, report, identifier_of)
        result.unplanted = unplanted_groups(collection, planted, args.out)
        if args.grid:
            result.grid = grid(collection, truth, planted, args.thresholds, args.sures, k=10)
    finally:
        collection.close()
    if args.scale:
        result.scale = _scale(args, temp / "scale")
    return result


def _scale(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    """k-NN pairs against all pairs, and the visual-word candidate pass, on synthetic data."""
    from vitrine.bench.duplicate_scale import measure
    from vitrine.bench.duplicate_words import measure_words

    out = measure(args.scale, seed=args.seed, folder=folder)
    out["visual_words"] = measure_words(args.scale, seed=args.seed)
    return out


def _baseline(collection: Collection, truth: dict[RecordPair, str], planted: set[str]) -> tuple[Score, float]:
    """The k-NN finder alone (before the local-feature index exists), not saved."""
    started = time.perf_counter()
    report = find_duplicates(collection, local=False, save=False)
    seconds = time.perf_counter() - started
    identifier_of = {m.image_id: m.identifier for g in report.groups for m in g.members}
    groups = record_groups((p for g in report.groups for p in g.pairs), identifier_of)
    return score("baseline: " + _default_name(collection, False), groups, truth, planted), seconds


def _default_name(collection: Collection, local: bool) -> str:
    cut = thresholds_for(collection)
    return f"{'k-NN+words' if local else 'k-NN'} t={cut.threshold:.2f} check"


def _missed(plants: Sequence[Plant], report: Any, identifier_of: dict[int, str]) -> list[str]:
    together = {}
    for g in report.groups:
        for m in g.members:
            together[m.identifier] = g.number
    return [f"{p.identifier} <- {p.original}: {p.detail}" for p in plants
            if together.get(p.identifier) is None or together.get(p.identifier) != together.get(p.original)]


def table(report: Report) -> str:
    lines = [f"{report.works} works + {report.plants} planted copies (seed {report.seed}); "
             f"indexing {report.index_seconds:.1f}s, find_duplicates {report.find_seconds:.1f}s",
             _local_line(report),
             f"{'setting':<32} {'precision':>9} {'recall':>7} {'pairs':>6} {'unplanted':>9}  recall by kind"]
    rows = [r for r in (report.baseline, report.default) if r is not None]
    for s in rows + report.grid:
        kinds = " ".join(f"{k}={v:.2f}" for k, v in s.recall_by_kind.items())
        lines.append(f"{s.setting:<32} {s.precision:>9.3f} {s.recall:>7.3f} {s.found_pairs:>6} "
                     f"{s.unplanted_groups:>9}  {kinds}")
    lines.append(f"unplanted groups by what their records share: {report.unplanted}")
    if report.missed:
        lines.append(f"missed copies ({len(report.missed)}), first 15:")
        lines.extend("  " + m for m in report.missed[:15])
    if report.scale:
        lines.append("scale: " + json.dumps(report.scale))
    return "\n".join(lines)


def _local_line(report: Report) -> str:
    if report.local_candidates is None:
        return "candidates: k-NN only (no local-feature index)"
    return (f"candidates: k-NN + {report.local_candidates} pairs from visual words; baseline (k-NN only) "
            f"find {report.baseline_seconds:.1f}s, local-feature index built in "
            f"{report.regions_seconds:.1f}s")


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="vitrine bench duplicates", description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=Path("../shared/data/public-art"))
    p.add_argument("--limit", type=int, help="Only the first N works (quick runs).")
    p.add_argument("--plants", type=int, default=400, help="Planted copies.")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--no-local", dest="local", action="store_false",
                   help="No local-feature index: the k-NN finder alone (no baseline row).")
    p.add_argument("--grid", action="store_true", help="Also score a grid of thresholds.")
    p.add_argument("--thresholds", type=float, nargs="+", default=[0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95])
    p.add_argument("--sures", type=float, nargs="+", default=[0.9, 0.95, 0.98, 1.01])
    p.add_argument("--scale", type=int, default=0, help="Synthetic vectors for the scale part (0: skip).")
    p.add_argument("--only-scale", action="store_true", help="Skip part 1 (needs --scale).")
    p.add_argument("--out", type=Path, help="Folder for the contact sheet of unplanted groups.")
    p.add_argument("--json", type=Path, help="Write the report as JSON here.")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> Report:
    """Run the benchmark, print the table, optionally write JSON; returns the report."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse(argv)
    if not args.only_scale and not (args.data / "records.csv").is_file():
        raise SystemExit(f"{args.data}/records.csv not found: point --data at public-art")
    report = run(args)
    emit(report, table(report), args.json)
    return report


if __name__ == "__main__":
    main()
