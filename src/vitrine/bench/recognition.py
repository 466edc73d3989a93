"""Recognition of collection works in visitors' phone photos (issue 15): today's pipeline and the
new one, measured in the same run, family by family.

    taskset -c 0 vitrine bench recognition --data ../shared/data/public-art --per-family 20 --outsiders 10

A collection is built from 90% of the works (classic embedder, faiss index, and a local-feature
index of RootSIFT words); the other 10% are "not in the collection". Seeded synthetic photos
(`gallery_photos`, `gallery_walls`) are made for every family: today's eight (800-1200 px), the
phone families (1800-2000 px: plain, the work at 15-30% of the photo, 30-45 degrees from the side,
a visitor's head and shoulders in front, low light with camera shake), a wall of 2-4 works of
different sizes, and a bare wall with a visitor in front (no work at all).

Each pipeline variant (`VARIANTS`: `baseline` is the pipeline before issue 15, `new` the default)
answers every photo from its JPEG bytes: decode (at the variant's size, JPEG draft mode) and
recognise, timed end to end on one thread (run it under `taskset -c 0` for the one-core figure).
Each variant's inlier threshold is calibrated first, on separate photos (another seed, other
works, and works from the other half of the held-out set): the fewest inliers that at most
`--max-false-accept` of the calibration photos of held-out works reach, raised until a geometric
tail fitted to their inliers leaves at most `--tail-rate` of them answered (`calibrate`). The test
photos are then answered at that threshold; nothing is chosen after seeing them.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.bench.output import check_choices, check_public_art, emit
from vitrine.bench.recognition_photos import ALL_FAMILIES, Shot, shots
from vitrine.collection import Collection, create_collection
from vitrine.images import decode, decode_gray
from vitrine.indexing import index_collection
from vitrine.records import ImageRef, Record
from vitrine.visitor.recognize import (
    AGREED,
    BASELINE,
    BLURRED,
    DEFAULT_MARGIN,
    PREVIOUS,
    SHARPENED,
    Pipeline,
    recognize_photo,
)

if TYPE_CHECKING:
    from vitrine.local.features import LocalFeatures
    from vitrine.local.index import LocalIndex

log = logging.getLogger(__name__)
_FLOOR = 6  # calibration looks at thresholds from here up
_LOOK = 4  # the calibration photos are answered from here up (the report shows the tail below the floor)
#: the share of works not in the collection a fitted tail may leave answered (`tail_threshold`)
_TAIL_RATE = 0.001
_VERSION = 25  # inliers between two digital images that make them versions of one work
_STEP = replace(BASELINE, global_candidates=0)
VARIANTS: dict[str, Pipeline] = {
    "baseline": BASELINE,  # global + bag-of-words shortlists, all verified, 1024 px photo
    # one choice at a time, each added to the line above (all find one work per photo)
    "no-global": _STEP,
    "pruned": replace(_STEP, prune=True),
    "voted": replace(_STEP, prune=True, vote=True),
    "voted-800": replace(_STEP, prune=True, vote=True, query_side=800),
    "voted-640": replace(_STEP, prune=True, vote=True, query_side=640),
    "stretched-640": replace(_STEP, prune=True, vote=True, query_side=640, stretch=True),
    "previous": PREVIOUS,  # stretched-640 finding up to 5 works: the default before the two below
    "retry-320": replace(PREVIOUS, retry_side=320),  # and a second look at 320 px when nothing is found
    "contrast-02": replace(PREVIOUS, contrast=0.02),  # and SIFT's contrast threshold halved
    "interior": replace(PREVIOUS, margin=DEFAULT_MARGIN),  # inliers on the matched image's border not counted
    "sharpen": replace(PREVIOUS, sharpen_retry=True),  # a weak first look looked at again, sharpened
    "sharpened": SHARPENED,  # interior and sharpen: the default before the agreement rule
    "agreed": AGREED,  # and a weak first work accepted when the photo agrees with it (session 6's default)
    "sparse": replace(AGREED, sparse=1000),  # and a sharp look at photos with nothing found, few features
    "blurred": BLURRED,  # agreed, and a blurred photo's second look at a lowered threshold (session 7's)
    "new": Pipeline(),  # blurred, glare's veil taken off, the strongest 1,000 features at 0.02: the default
}
#: a variant named NAME@plain answers from a second local index of the same works whose features were
#: all extracted at SIFT's default threshold (`extract`, as before `extract_enough`): the collection
#: side's part in a change, measured in the same run
PLAIN = "@plain"


@dataclass
class Answer:
    """What one variant answered for one photo: the works found, best first, and the time it took."""

    found: list[tuple[int, int]]  # (image id, inliers), in the recogniser's order
    ms: float
    cpu_ms: float = 0.0  # this process's CPU time: one thread, so the wall time on a quiet core
    agreement: float | None = None  # the first work's, when the agreement rule looked at it


@dataclass
class Row:
    family: str
    variant: str
    photos: int  # with a collection work in them
    outsiders: int  # with none
    recall: float  # single works: the first answer is the work; walls: share of the works found
    no_match: float  # photos with no collection work answered "no match"
    wrong: int  # works claimed that are not in the photo
    precision: float  # share of the works claimed that are in the photo
    aimed_first: float  # the first answer is the aimed work
    p50_ms: float
    p95_ms: float


@dataclass
class Calibration:
    """A variant's calibration: its outsiders' best inliers (0: under the floor), and the threshold
    the calibration photos alone give (without the fitted tail's margin)."""

    best: list[int]
    seen: int
    agreements: list[float] = field(default_factory=list)  # outsiders' weak first works' agreement
    agreement: float | None = None  # the calibrated agreement threshold (None: the rule is off)


@dataclass
class Report:
    works: int
    held_out: int
    seed: int
    build_seconds: dict[str, float]
    local_features_per_image: float
    index_bytes_per_work: float
    versions: list[str] = field(default_factory=list)  # held-out works found in the collection anyway
    thresholds: dict[str, int] = field(default_factory=dict)
    calibration: dict[str, Calibration] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    phone_latency: dict[str, dict[str, float]] = field(default_factory=dict)
    false_accepts: list[dict[str, object]] = field(default_factory=list)


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


def build_local(collection: Collection, identifiers: Sequence[str], upscale: float, max_words: int,
                folder: Path | None = None, plain: bool = False) -> None:
    """Local features of every image, extracted `upscale` times larger, keypoints in source pixels,
    into the collection's local index (or a store in `folder`); `plain`: `extract` alone."""
    from vitrine.images import read_image
    from vitrine.local.builder import IndexWriter, WriterOptions
    from vitrine.local.index import open_store
    from vitrine.local.segments import ImageEntry
    from vitrine.local.store import FolderStore

    store = open_store(collection.root) if folder is None else FolderStore(folder)
    writer = IndexWriter(store, WriterOptions(max_words=max_words))
    for identifier in identifiers:
        for stored in collection.catalog.images_of(identifier):
            picture, _ = read_image(Path(stored.location))
            writer.add(ImageEntry(stored.id, stored.sha256 or "", None), features_at(picture, upscale, plain))
    writer.flush()


def features_at(picture: Image.Image, upscale: float, plain: bool = False) -> LocalFeatures:
    """RootSIFT features of `picture` enlarged `upscale` times, keypoints in its own pixels, as the
    app's indexing extracts them (`extract_enough`: a dark, flat image's threshold lowered), or
    with `extract` alone (`plain`)."""
    from vitrine.local.features import extract, extract_enough, rescale

    how = extract if plain else extract_enough
    if upscale == 1:
        return how(picture)
    w, h = picture.size
    big = picture.resize((round(w * upscale), round(h * upscale)), Image.Resampling.BICUBIC)
    return rescale(how(big), (w, h))


def plain_index(collection: Collection, local: LocalIndex, folder: Path, identifiers: Sequence[str],
                args: argparse.Namespace, seconds: dict[str, float]) -> LocalIndex:
    """The `PLAIN` local index of the collection's works, built in `folder` unless an earlier run did,
    quantised with `local`'s vocabulary: only the extraction differs (as after `regions index --again`).
    It is built beside and moved into place whole, so an interrupted build is never taken for one."""
    import shutil

    from vitrine.local.index import open_local_index
    from vitrine.local.store import FolderStore

    if not (folder / "manifest.json").exists():
        started = time.perf_counter()
        partial = folder.with_name(folder.name + ".partial")
        for stale in (partial, folder):
            shutil.rmtree(stale, ignore_errors=True)
        FolderStore(partial).save_vocabulary(local.vocabulary)
        build_local(collection, identifiers, args.upscale, args.max_words, partial, plain=True)
        partial.rename(folder)
        seconds["local_index_plain"] = time.perf_counter() - started
    return open_local_index(store=FolderStore(folder))


def extraction(args: argparse.Namespace) -> dict[str, object]:
    """How a workdir's collection and indexes are made: what its reuse must match."""
    from vitrine.local.features import DEFAULT_MIN_FEATURES, FLOOR_CONTRAST

    return {"data": str(Path(args.data).resolve()), "min_features": DEFAULT_MIN_FEATURES,
            "floor_contrast": FLOOR_CONTRAST, "upscale": args.upscale, "max_words": args.max_words,
            "limit": args.limit, "seed": args.seed, "holdout": args.holdout}


def check_workdir(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse a --workdir whose collection was made another way (or before this was recorded): its
    reuse would silently answer from other features."""
    record = args.workdir / "extraction.json" if args.workdir else None
    if record is None or not (args.workdir / "coll").is_dir():
        return
    kept = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else None
    if kept != extraction(args):
        parser.error(f"{args.workdir} was made {'another way' if kept else 'without a record of how'} "
                     f"({kept} there, {extraction(args)} now): pass a new --workdir")


# -- answering ---------------------------------------------------------------------------------


def answer(collection: Collection, local: LocalIndex, shot: Shot, pipe: Pipeline, min_inliers: int) -> Answer:
    """The variant's answer from the photo's bytes: decode at its size, recognise; timed."""
    started, cpu = time.perf_counter(), time.process_time()
    if pipe.prune:  # the new pipeline decodes grey, reduced while decoding
        image, original = decode_gray(shot.jpeg, "photo", max_side=pipe.query_side)
    else:  # as the web app did before: RGB at the recognition side, the original size from the header
        with Image.open(io.BytesIO(shot.jpeg)) as header:
            original = header.size
        image = decode(shot.jpeg, "photo", max_side=pipe.query_side)
    result = recognize_photo(collection, image, min_inliers=min_inliers, pipeline=pipe, local=local,
                             original_size=original)
    ms = (time.perf_counter() - started) * 1000
    return Answer([(f.image_id, f.inliers) for f in result.works], ms, (time.process_time() - cpu) * 1000,
                  result.works[0].agreement if result.works else None)


def calibrate(inliers: Sequence[int], max_false_accept: float, floor: int = _FLOOR,
              tail_rate: float | None = _TAIL_RATE) -> int:
    """The inlier threshold for the outsiders' best answers `inliers` (0: nothing reached `floor`).

    The larger of two: the fewest inliers that at most `max_false_accept` of them reach (what the
    calibration photos show), and, unless `tail_rate` is None, the fewest at which their fitted
    tail (`tail_threshold`) puts the share of outsiders answered at `tail_rate` or less: the margin
    a few hundred calibration photos cannot show by themselves (docs/recognition.md).
    """
    best = np.array(list(inliers) or [0])
    seen = next((t for t in range(floor, 1000) if float(np.mean(best >= t)) <= max_false_accept), 1000)
    if tail_rate is None:
        return seen
    return max(seen, tail_threshold(best, tail_rate, floor))


def tail_threshold(best: Sequence[int] | NDArray[np.int_], rate: float, floor: int = _FLOOR) -> int:
    """The fewest inliers an outsider reaches with probability at most `rate`, from a geometric
    (discrete exponential) tail fitted to how far the outsiders' best answers reach past `floor`.

    Chance inliers thin out about exponentially: P(X >= floor + j) = p * q**j, with p the share of
    outsiders at `floor` or more and q from the mean excess m over `floor` (maximum likelihood:
    q = m / (1 + m)); one pseudo-outsider at `floor` + 1 keeps both estimates away from 0 when the
    calibration set shows no outsider at all, or only outsiders at exactly `floor` (the
    peaks-over-threshold way of extrapolating past the largest observation).
    """
    values = np.asarray(best, np.int64)
    excess = values[values >= floor] - floor
    p = (len(excess) + 1) / (len(values) + 2)
    m = (float(excess.sum()) + 1) / (len(excess) + 1)
    q = m / (1 + m)
    if p <= rate:
        return floor
    return floor + int(np.ceil(np.log(rate / p) / np.log(q) - 1e-9))


def agreement_threshold(values: Sequence[float], rate: float = _TAIL_RATE) -> float:
    """The agreement a weak first work needs: where a normal fitted to the outsiders' agreements
    `values` (Fisher's z, arctanh of the correlation) leaves at most `rate` of them.

    Two pseudo-outsiders at -0.3 and 0.3 keep the spread away from 0 when the calibration photos
    show few weak outsiders (or none: then 0.875); more calibration photos buy a lower threshold,
    as for the inliers (docs/recognition.md).
    """
    from statistics import NormalDist

    z = np.arctanh(np.clip([*values, -0.3, 0.3], -0.999, 0.999))
    bound = float(z.mean() + NormalDist().inv_cdf(1 - rate) * z.std(ddof=1))
    return round(float(np.tanh(bound)), 3)


def family_row(family: str, variant: str, pairs: Sequence[tuple[Shot, Answer]]) -> Row:
    inside = [(s, a) for s, a in pairs if s.truth]
    outside = [(s, a) for s, a in pairs if not s.truth and not s.partial]
    claimed = sum(1 for s, a in pairs for i, _ in a.found if i not in s.partial)  # a partial work: neither
    wrong = sum(1 for s, a in pairs for i, _ in a.found if i not in s.truth and i not in s.partial)
    if family == "wall":
        found = sum(1 for s, a in inside for i, _ in a.found if i in s.truth)
        recall = found / max(sum(len(s.truth) for s, _ in inside), 1)
    else:
        recall = _mean([bool(a.found) and a.found[0][0] in s.truth for s, a in inside])
    ms = np.array([a.ms for _, a in pairs] or [np.nan])
    return Row(family, variant, len(inside), len(outside), recall,
               no_match=_mean([not a.found for _, a in outside]), wrong=wrong,
               precision=(claimed - wrong) / claimed if claimed else float("nan"),
               aimed_first=_mean([bool(a.found) and a.found[0][0] == s.aimed for s, a in inside]),
               p50_ms=float(np.median(ms)), p95_ms=float(np.quantile(ms, 0.95)))


def _mean(values: Sequence[bool]) -> float:
    return float(np.mean(values)) if values else float("nan")


# -- the run -----------------------------------------------------------------------------------


def one_thread() -> None:
    """OpenCV and faiss on one thread: the one-core figure (with `taskset -c 0` for the process)."""
    import cv2
    import faiss

    cv2.setNumThreads(1)
    faiss.omp_set_num_threads(1)


def run(args: argparse.Namespace, workdir: Path) -> Report:
    from vitrine.visitor.recognize import open_local

    one_thread()
    data = Path(args.data)
    rows = read_works(data)
    rng = np.random.default_rng(args.seed)
    order = rng.permutation(len(rows))[: args.limit or len(rows)]
    cut = round(len(order) * (1 - args.holdout))
    inside, outside = [rows[i] for i in order[:cut]], [rows[i] for i in order[cut:]]
    if (workdir / "coll").is_dir():  # --workdir of an earlier run with the same --limit and --seed
        from vitrine.collection import open_collection

        collection, seconds = open_collection(workdir / "coll"), {"global_index": 0.0, "local_index": 0.0}
    else:
        collection, seconds = build(workdir / "coll", data, inside, args.upscale, args.max_words)
    local = open_local(collection)
    assert local is not None
    ids = {r["id"]: collection.catalog.images_of(r["id"])[0].id for r in inside}
    pool = [(r, ids[r["id"]]) for r in inside]
    copies = versions(local, data, outside)
    outside = [r for r in outside if r["id"] not in copies]
    indexes = {"": local}
    if any(name.endswith(PLAIN) for name in args.variants):
        indexes[PLAIN] = plain_index(collection, local, workdir / "local-plain", list(ids), args, seconds)
    report = Report(len(inside), len(outside), args.seed, seconds, local.feature_count / max(len(local), 1),
                    _index_bytes(local) / max(len(local), 1), versions=sorted(copies))
    half = len(outside) // 2
    calib_out, test_out = outside[:half], outside[half:]
    calib_shots: list[Shot] = []
    for k, family in enumerate(f for f in args.families if f != "wall"):
        part_out = [calib_out[i] for i in rng.choice(len(calib_out), args.calibration, replace=False)]
        calib_shots += shots(data, family, [], part_out, args.seed + 1000 + k, pool)
    for name in args.variants:
        _calibrate_variant(args, collection, indexes, report, name, calib_shots)
    _test(args, collection, indexes, report, data, pool, test_out, rng)
    collection.close()
    return report


def _calibrate_variant(args: argparse.Namespace, collection: Collection, indexes: dict[str, LocalIndex],
                       report: Report, name: str, calib_shots: Sequence[Shot]) -> None:
    """The variant's inlier threshold and, when it has the agreement rule, its agreement threshold,
    from its answers (from 4 inliers up, one work) to the calibration photos of held-out works."""
    pipe, local = pipeline_of(name), index_of(indexes, name)
    answers = [answer(collection, local, s, replace(pipe, max_works=1), _LOOK) for s in calib_shots
               if not s.truth]
    best = [_best(a) for a in answers]
    threshold = calibrate(best, args.max_false_accept, tail_rate=args.tail_rate or None)
    report.thresholds[name] = threshold
    weak = [a.agreement for a in answers if a.agreement is not None and _best(a) < threshold]
    agreed = agreement_threshold(weak) if pipe.agreement is not None else None
    report.calibration[name] = Calibration(sorted(best, reverse=True),
                                           calibrate(best, args.max_false_accept, tail_rate=None),
                                           sorted(weak, reverse=True), agreed)
    log.info("%s: calibrated %d inliers, agreement %s", name, threshold, agreed)


def _pipe(report: Report, name: str) -> Pipeline:
    """The variant with its calibrated agreement threshold."""
    agreed = report.calibration[name].agreement if name in report.calibration else None
    return pipeline_of(name) if agreed is None else replace(pipeline_of(name), agreement=agreed)


def pipeline_of(name: str) -> Pipeline:
    """The pipeline of a variant name (`PLAIN` names another index, not another pipeline)."""
    return VARIANTS[name.removesuffix(PLAIN)]


def index_of(indexes: dict[str, LocalIndex], name: str) -> LocalIndex:
    return indexes[PLAIN if name.endswith(PLAIN) else ""]


def versions(local: LocalIndex, data: Path, rows: Sequence[dict[str, str]]) -> dict[str, int]:
    """Held-out works that are another version of a collection work (the same painting in another
    museum, a copy): their own digital image, not a photo of it, verified against the collection
    with at least `_VERSION` inliers. They are not "works not in the collection" for a visitor, so
    they are left out of the outsiders (and listed in the report)."""
    from vitrine.local.features import extract

    found = {}
    for row in rows:
        with Image.open(data / row["file"]) as image:
            hits = local.find_works(extract(image.convert("RGB")), min_inliers=_VERSION, max_works=1)
        if hits:
            found[row["id"]] = hits[0].image_id
    return found


def _best(a: Answer) -> int:
    return max((n for _, n in a.found), default=0)


def _test(args: argparse.Namespace, collection: Collection, indexes: dict[str, LocalIndex], report: Report,
          data: Path,
          pool: list[tuple[dict[str, str], int]], test_out: list[dict[str, str]],
          rng: np.random.Generator) -> None:
    """Every test photo answered by every variant at its calibrated threshold; the rows."""
    answered: dict[str, list[tuple[Shot, Answer]]] = {name: [] for name in args.variants}
    for family in args.families:
        log.info("family %s", family)
        size = args.sizes.get(family, args.per_family)
        picks = [pool[i] for i in rng.choice(len(pool), size, replace=False)]
        outs = [test_out[i] for i in rng.choice(len(test_out), min(args.outsiders, len(test_out)),
                                                replace=False)]
        for shot in shots(data, family, picks, outs, args.seed, pool):
            for name in args.variants:
                a = answer(collection, index_of(indexes, name), shot, _pipe(report, name),
                           report.thresholds[name])
                answered[name].append((shot, a))
                report.false_accepts += [
                    {"variant": name, "family": family, "works": shot.works, "answered": image_id,
                     "inliers": n} for image_id, n in a.found
                    if image_id not in shot.truth and image_id not in shot.partial]
    for family in [*args.families, "all"]:
        for name in args.variants:
            chosen = [(s, a) for s, a in answered[name] if family in ("all", s.family)]
            report.rows.append(family_row(family, name, chosen))
    for name in args.variants:
        phone = [a for s, a in answered[name] if max(s.size) >= 1800]
        ms = np.array([a.ms for a in phone] or [np.nan])
        cpu = np.array([a.cpu_ms for a in phone] or [np.nan])
        report.phone_latency[name] = {"p50": float(np.median(ms)), "p95": float(np.quantile(ms, 0.95)),
                                      "cpu_p50": float(np.median(cpu)),
                                      "cpu_p95": float(np.quantile(cpu, 0.95)),
                                      "photos": float(len(ms))}


def _index_bytes(local: LocalIndex) -> int:
    """Bytes of the local index's arrays in memory (inverted file included, vocabulary not)."""
    return sum(int(a.nbytes) for a in vars(local).values() if isinstance(a, np.ndarray))


def table(report: Report) -> str:
    width = max([11, *(len(name) for name in report.thresholds)])
    lines = [
        f"{report.works} works in the collection, {report.held_out} held out; "
        f"{report.local_features_per_image:.0f} local features per image, "
        f"{report.index_bytes_per_work / 1024:.1f} KiB of local index per work in memory",
        f"build: global index {report.build_seconds['global_index']:.1f} s, local index "
        f"{report.build_seconds['local_index']:.1f} s",
        "left out of the held-out works as versions of collection works: "
        f"{', '.join(report.versions) or 'none'}",
        "calibrated thresholds (inliers): " + ", ".join(
            f"{k} {v} (the calibration photos alone {c.seen}; outsiders' best {c.best[:6]} of {len(c.best)})"
            for k, v in report.thresholds.items() if (c := report.calibration[k])),
        "calibrated agreement: " + (", ".join(
            f"{k} {c.agreement} (outsiders' weak first works {[round(x, 2) for x in c.agreements[:6]]} "
            f"of {len(c.agreements)})" for k, c in report.calibration.items() if c.agreement is not None)
            or "none"),
        "",
        f"{'family':<15} {'variant':<{width}} {'photos':>6} {'out':>4} {'R@1':>6} {'no-match':>8} "
        f"{'wrong':>5} {'prec':>5} {'aimed':>5} {'p50 ms':>7} {'p95 ms':>7}"]
    for r in report.rows:
        lines.append(
            f"{r.family:<15} {r.variant:<{width}} {r.photos:>6} {r.outsiders:>4} {r.recall:>6.3f} "
            f"{r.no_match:>8.3f} "
            f"{r.wrong:>5} {r.precision:>5.3f} {r.aimed_first:>5.3f} {r.p50_ms:>7.0f} {r.p95_ms:>7.0f}")
    lines += ["", "phone photos (1800 px and up), from the uploaded bytes to the answer, one thread:"]
    lines += [f"  {k:<{width}} wall p50 {v['p50']:.0f} ms, p95 {v['p95']:.0f} ms; "
              f"CPU p50 {v['cpu_p50']:.0f} ms, p95 {v['cpu_p95']:.0f} ms ({v['photos']:.0f} photos)"
              for k, v in report.phone_latency.items()]
    return "\n".join(lines)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="vitrine bench recognition",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", default="../shared/data/public-art", help="folder with records.csv")
    parser.add_argument("--limit", type=int, default=None, help="use only N random works")
    parser.add_argument("--holdout", type=float, default=0.1, help="fraction of works left out")
    parser.add_argument("--per-family", type=int, default=20, help="in-collection test photos per family")
    parser.add_argument("--outsiders", type=int, default=10, help="held-out test photos per family")
    parser.add_argument("--calibration", type=int, default=8,
                        help="calibration photos of held-out works per family")
    parser.add_argument("--families", type=lambda s: s.split(","), default=list(ALL_FAMILIES))
    parser.add_argument("--sizes", type=_sizes, default={},
                        help="in-collection test photos of some families (blur=120,wall=10), "
                             "overriding --per-family")
    parser.add_argument("--variants", type=lambda s: s.split(","), default=[f"baseline{PLAIN}", "new"],
                        help=f"pipelines to compare; NAME{PLAIN} answers from an index extracted plainly "
                             f"(baseline{PLAIN}: the pipeline and index before issue 15)")
    parser.add_argument("--upscale", type=float, default=1.0, help="enlarge collection images before SIFT")
    parser.add_argument("--max-words", type=int, default=4096, help="visual vocabulary size cap")
    parser.add_argument("--max-false-accept", type=float, default=0.01)
    parser.add_argument("--tail-rate", type=float, default=_TAIL_RATE,
                        help="raise the threshold until the outsiders' fitted tail reaches this share "
                             "(0: the calibration photos alone)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the collection here (a later run with the same --limit and --seed "
                             "reuses it)")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    check_choices(parser, "families", args.families, list(ALL_FAMILIES))
    check_choices(parser, "variants", [v.removesuffix(PLAIN) for v in args.variants], list(VARIANTS))
    check_public_art(parser, args.data)
    check_workdir(parser, args)
    return args


def _sizes(text: str) -> dict[str, int]:
    """`--sizes blur=120,wall=10` as {"blur": 120, "wall": 10}."""
    try:
        return {k.strip(): int(v) for k, v in (part.split("=") for part in text.split(",") if part)}
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"--sizes wants FAMILY=N,...: {text!r}") from e


def main(argv: Sequence[str] | None = None) -> Report:
    """Run the benchmark, print the tables, optionally write JSON; returns the report."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        (args.workdir / "extraction.json").write_text(json.dumps(extraction(args)), encoding="utf-8")
        report = run(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="vitrine-recognition-") as tmp:
            report = run(args, Path(tmp))
    emit(report, table(report), args.json)
    return report


if __name__ == "__main__":
    main()
