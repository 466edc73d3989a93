"""Photo-of-an-artwork recognition on public-art: global only vs global + local verification.

    vitrine bench recognition --data ../shared/data/public-art --per-family 50 --outsiders 25

A collection is built from 90% of the works (classic embedder, faiss index, and a local-feature
index of RootSIFT words); the other 10% are "not in the collection". Synthetic gallery photos
(`vitrine.bench.gallery_photos`, seeded) are made of works from both sides, for each distortion
family. Every photo is recognised twice: by the global stage alone (its top-1, accepted when the
cosine reaches the embedder's `match_threshold`) and by `recognize_photo` (global shortlist and
bag-of-words shortlist, verified with RANSAC, accepted above an inlier threshold).

The inlier threshold is calibrated on separate photos (another seed, and outsiders drawn from
the other half of the held-out works): the smallest number of inliers that no more than
`--max-false-accept` of the calibration outsiders reach. The test figures use that threshold.
Timings are per photo and include feature extraction; the machine is shared, so they are noisy.
"""

from __future__ import annotations

import argparse
import csv
import logging
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from vitrine.bench.gallery_photos import FAMILIES, family_photo
from vitrine.bench.output import check_choices, check_public_art, emit
from vitrine.collection import Collection, create_collection
from vitrine.indexing import index_collection
from vitrine.records import ImageRef, Record
from vitrine.visitor.recognize import recognize_photo

if TYPE_CHECKING:
    from vitrine.local.features import LocalFeatures

log = logging.getLogger(__name__)
_THRESHOLDS = (6, 8, 10, 12, 15, 20, 25, 30)


@dataclass
class Outcome:
    """What both methods answered for one photo (truth: the image id, or None for an outsider)."""

    family: str
    work: str
    truth: int | None
    global_top: int | None
    global_similarity: float
    local_top: int | None
    inliers: int
    global_ms: float
    local_ms: float


@dataclass
class FamilyRow:
    family: str
    photos: int
    outsiders: int
    global_recall: float  # top-1 is the right work
    global_accepted_recall: float  # ... and scores above match_threshold
    global_rejects: float  # outsiders under match_threshold
    local_recall: float  # most inliers, above the calibrated threshold, on the right work
    local_rejects: float  # outsiders answered "no match"
    wrong_accepts: float  # in-collection photos answered with another work


@dataclass
class Report:
    works: int
    held_out: int
    upscale: float
    query_side: int
    candidates: int
    seed: int
    build_seconds: dict[str, float]
    local_features_per_image: float
    min_inliers: int = 0
    match_threshold: float = 0.0
    rows: list[FamilyRow] = field(default_factory=list)
    sweep: list[dict[str, float]] = field(default_factory=list)
    latency_ms: dict[str, float] = field(default_factory=dict)
    accepted_outsiders: list[dict[str, object]] = field(default_factory=list)


# -- the collection --------------------------------------------------------------------------


def read_works(data: Path) -> list[dict[str, str]]:
    with (data / "records.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def build(root: Path, data: Path, works: Sequence[dict[str, str]], upscale: float,
          max_words: int) -> tuple[Collection, dict[str, float]]:
    """The collection of `works`: catalogue, global index, local index; seconds per step."""
    seconds: dict[str, float] = {}
    collection = create_collection(root, embedder="classic", index="faiss", title="public-art")
    for row in works:
        collection.catalog.upsert(Record(
            identifier=row["id"], title=row["title"] or None,
            creators=[row["artist"]] if row["artist"] else [], date_text=row["date"] or None,
            images=[ImageRef(location=str(data / row["file"]))]))
    started = time.perf_counter()
    index_collection(collection, workers=2)
    seconds["global_index"] = time.perf_counter() - started
    started = time.perf_counter()
    build_local(collection, [row["id"] for row in works], upscale, max_words)
    seconds["local_index"] = time.perf_counter() - started
    return collection, seconds


def build_local(collection: Collection, identifiers: Sequence[str], upscale: float, max_words: int) -> None:
    """Local features of every image, extracted `upscale` times larger, keypoints in source pixels."""
    from vitrine.images import read_image
    from vitrine.local.builder import IndexWriter, WriterOptions
    from vitrine.local.index import open_store
    from vitrine.local.segments import ImageEntry

    writer = IndexWriter(open_store(collection.root), WriterOptions(max_words=max_words))
    for identifier in identifiers:
        for stored in collection.catalog.images_of(identifier):
            picture, _ = read_image(Path(stored.location))
            writer.add(ImageEntry(stored.id, stored.sha256 or "", None), features_at(picture, upscale))
    writer.flush()


def features_at(picture: Image.Image, upscale: float) -> LocalFeatures:
    """RootSIFT features of `picture` enlarged `upscale` times, keypoints in its own pixels."""
    from vitrine.local.features import extract, rescale

    if upscale == 1:
        return extract(picture)
    w, h = picture.size
    big = picture.resize((round(w * upscale), round(h * upscale)), Image.Resampling.BICUBIC)
    return rescale(extract(big), (w, h))


# -- the photos ------------------------------------------------------------------------------


def photos_of(data: Path, rows: Sequence[dict[str, str]], family: str, seed: int) -> list[Image.Image]:
    out = []
    for i, row in enumerate(rows):
        with Image.open(data / row["file"]) as artwork:
            out.append(family_photo(artwork, family, (seed, list(FAMILIES).index(family), i)).image)
    return out


def run_photos(collection: Collection, local: object, photos: Sequence[Image.Image], works: Sequence[str],
               truths: Sequence[int | None], family: str, args: argparse.Namespace) -> list[Outcome]:
    out = []
    for photo, work, truth in zip(photos, works, truths, strict=True):
        g = recognize_photo(collection, photo, candidates=args.candidates, method="global")
        r = recognize_photo(collection, photo, candidates=args.candidates, min_inliers=1,
                            query_side=args.query_side, local=local)  # type: ignore[arg-type]
        top = g.candidates[0] if g.candidates else None
        out.append(Outcome(
            family, work, truth, top.image_id if top else None, top.similarity if top else 0.0,
            r.image_id, r.inliers, g.timings.global_ms, r.timings.local_ms))
    return out


# -- the figures -----------------------------------------------------------------------------


def calibrate(outsiders: Sequence[Outcome], max_false_accept: float, floor: int = 6) -> int:
    """The fewest inliers that at most `max_false_accept` of the outsiders reach (at least `floor`)."""
    inliers = np.array([o.inliers for o in outsiders] or [0])
    for t in range(floor, 1000):
        if float(np.mean(inliers >= t)) <= max_false_accept:
            return t
    return 1000


def family_row(name: str, inside: Sequence[Outcome], outside: Sequence[Outcome], t: int,
               match_threshold: float) -> FamilyRow:
    def rate(items: Sequence[Outcome], test: object) -> float:
        return float(np.mean([test(o) for o in items])) if items else float("nan")  # type: ignore[operator]

    return FamilyRow(
        name, len(inside), len(outside),
        global_recall=rate(inside, lambda o: o.global_top == o.truth),
        global_accepted_recall=rate(
            inside, lambda o: o.global_top == o.truth and o.global_similarity >= match_threshold),
        global_rejects=rate(outside, lambda o: o.global_similarity < match_threshold),
        local_recall=rate(inside, lambda o: o.local_top == o.truth and o.inliers >= t),
        local_rejects=rate(outside, lambda o: o.inliers < t),
        wrong_accepts=rate(inside, lambda o: o.local_top != o.truth and o.inliers >= t))


def sweep(inside: Sequence[Outcome], outside: Sequence[Outcome]) -> list[dict[str, float]]:
    rows = []
    for t in _THRESHOLDS:
        row = family_row("all", inside, outside, t, 0.0)
        rows.append({"min_inliers": t, "recall": row.local_recall, "rejects": row.local_rejects,
                     "wrong_accepts": row.wrong_accepts})
    return rows


def _accepted(collection: Collection, outcomes: Sequence[Outcome], t: int) -> list[dict[str, object]]:
    """Held-out works answered with a record anyway: which, with what, and how many inliers."""
    out: list[dict[str, object]] = []
    for o in outcomes:
        if o.truth is None and o.local_top is not None and o.inliers >= min(t, 15):
            stored = collection.catalog.images_by_id([o.local_top])[o.local_top]
            out.append({"photo_of": o.work, "answered": stored.identifier, "inliers": o.inliers,
                        "family": o.family})
    return out


def latency(outcomes: Sequence[Outcome]) -> dict[str, float]:
    g = np.array([o.global_ms for o in outcomes])
    loc = np.array([o.local_ms for o in outcomes])
    return {"global_p50": float(np.median(g)), "global_p95": float(np.quantile(g, 0.95)),
            "local_p50": float(np.median(loc)), "local_p95": float(np.quantile(loc, 0.95))}


# -- the run ---------------------------------------------------------------------------------


def run(args: argparse.Namespace, workdir: Path) -> Report:
    from vitrine.search.core import match_threshold
    from vitrine.visitor.recognize import open_local

    data = Path(args.data)
    rows = read_works(data)
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(rows))[: args.limit or len(rows)]
    cut = round(len(order) * (1 - args.holdout))
    inside = [rows[i] for i in order[:cut]]
    outside = [rows[i] for i in order[cut:]]
    collection, seconds = build(workdir / "coll", data, inside, args.upscale, args.max_words)
    local = open_local(collection)
    assert local is not None
    ids = {r["id"]: collection.catalog.images_of(r["id"])[0].id for r in inside}
    report = Report(len(inside), len(outside), args.upscale, args.query_side, args.candidates, args.seed,
                    seconds, local.feature_count / max(len(local), 1),
                    match_threshold=match_threshold(collection) or 0.0)
    half = len(outside) // 2
    calibration_out, test_out = outside[:half], outside[half:]
    log.info("calibration photos")
    calib_in = [inside[i] for i in rng.choice(len(inside), args.calibration, replace=False)]
    calib: list[Outcome] = []
    for k, family in enumerate(args.families):
        part_in = calib_in[k::len(args.families)]
        part_out = calibration_out[k::len(args.families)][: max(1, args.calibration // len(args.families))]
        calib += run_photos(collection, local, photos_of(data, part_in, family, args.seed + 1000),
                            [r["id"] for r in part_in], [ids[r["id"]] for r in part_in], family, args)
        calib += run_photos(collection, local, photos_of(data, part_out, family, args.seed + 2000),
                            [r["id"] for r in part_out], [None] * len(part_out), family, args)
    report.min_inliers = calibrate([o for o in calib if o.truth is None], args.max_false_accept)
    test: list[Outcome] = []
    for family in args.families:
        log.info("family %s", family)
        picks = [inside[i] for i in rng.choice(len(inside), args.per_family, replace=False)]
        chosen = rng.choice(len(test_out), min(args.outsiders, len(test_out)), replace=False)
        outs = [test_out[i] for i in chosen]
        test += run_photos(collection, local, photos_of(data, picks, family, args.seed),
                           [r["id"] for r in picks], [ids[r["id"]] for r in picks], family, args)
        test += run_photos(collection, local, photos_of(data, outs, family, args.seed + 500),
                           [r["id"] for r in outs], [None] * len(outs), family, args)
    _summarise(report, collection, args.families, calib, test)
    collection.close()
    return report


def _summarise(report: Report, collection: Collection, families: list[str], calib: list[Outcome],
               test: list[Outcome]) -> None:
    """The family rows, the inlier sweep, latency and the outsiders accepted, from the outcomes."""
    for name in [*families, "all"]:
        chosen = [o for o in test if name in ("all", o.family)]
        report.rows.append(family_row(
            name, [o for o in chosen if o.truth is not None], [o for o in chosen if o.truth is None],
            report.min_inliers, report.match_threshold))
    report.sweep = sweep([o for o in test if o.truth is not None], [o for o in test if o.truth is None])
    report.latency_ms = latency(test)
    report.accepted_outsiders = _accepted(collection, [*calib, *test], report.min_inliers)


def table(report: Report) -> str:
    lines = [
        f"{report.works} works in the collection, {report.held_out} held out; local features extracted "
        f"at x{report.upscale:g} ({report.local_features_per_image:.0f} per image); query side "
        f"{report.query_side} px; {report.candidates} global + {report.candidates} bag-of-words candidates",
        f"build: global index {report.build_seconds['global_index']:.1f} s, local index "
        f"{report.build_seconds['local_index']:.1f} s",
        f"calibrated min_inliers {report.min_inliers}; global match_threshold {report.match_threshold:.2f}",
        "",
        f"{'family':<12} {'photos':>6} {'out':>4} | {'global R@1':>10} {'+thresh':>7} {'rejects':>7} | "
        f"{'local R@1':>9} {'rejects':>7} {'wrong':>6}"]
    for r in report.rows:
        lines.append(
            f"{r.family:<12} {r.photos:>6} {r.outsiders:>4} | {r.global_recall:>10.3f} "
            f"{r.global_accepted_recall:>7.3f} {r.global_rejects:>7.3f} | {r.local_recall:>9.3f} "
            f"{r.local_rejects:>7.3f} {r.wrong_accepts:>6.3f}")
    lines += ["", "inlier threshold sweep (test photos, all families):",
              f"{'min_inliers':>11} {'R@1':>6} {'rejects':>7} {'wrong':>6}"]
    lines += [f"{int(s['min_inliers']):>11} {s['recall']:>6.3f} {s['rejects']:>7.3f} "
              f"{s['wrong_accepts']:>6.3f}" for s in report.sweep]
    lat = report.latency_ms
    lines += ["", f"latency per photo (ms): global stage p50 {lat['global_p50']:.1f} "
              f"p95 {lat['global_p95']:.1f}; local stage p50 {lat['local_p50']:.0f} "
              f"p95 {lat['local_p95']:.0f}"]
    return "\n".join(lines)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="vitrine bench recognition",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", default="../shared/data/public-art", help="folder with records.csv")
    parser.add_argument("--limit", type=int, default=None, help="use only N random works")
    parser.add_argument("--holdout", type=float, default=0.1, help="fraction of works left out")
    parser.add_argument("--per-family", type=int, default=50, help="in-collection test photos per family")
    parser.add_argument("--outsiders", type=int, default=25, help="held-out test photos per family")
    parser.add_argument("--calibration", type=int, default=80, help="in-collection calibration photos")
    parser.add_argument("--families", type=lambda s: s.split(","), default=list(FAMILIES))
    parser.add_argument("--upscale", type=float, default=2.0, help="enlarge collection images before SIFT")
    parser.add_argument("--query-side", type=int, default=1024)
    parser.add_argument("--max-words", type=int, default=4096, help="visual vocabulary size cap")
    parser.add_argument("--candidates", type=int, default=30)
    parser.add_argument("--max-false-accept", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=None, help="keep the collection here")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    check_choices(parser, "families", args.families, list(FAMILIES))
    check_public_art(parser, args.data)
    return args


def main(argv: Sequence[str] | None = None) -> Report:
    """Run the benchmark, print the tables, optionally write JSON; returns the report."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=False)
        report = run(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="vitrine-recognition-") as tmp:
            report = run(args, Path(tmp))
    emit(report, table(report), args.json)
    return report


if __name__ == "__main__":
    main()
