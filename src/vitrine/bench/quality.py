"""Retrieval quality of an embedder on a real collection: find each artwork again after edits.

    python -m vitrine.bench.quality --data ../shared/data/public-art --queries 500 --embedder classic

Part 1 (recall): every image is embedded as the collection (decoded the way the import pipeline
decodes it); `--queries` of them are edited (rescaled, recompressed, cropped, colour-shifted,
rotated, all combined) and searched exactly; recall@1/@5 say how often the original comes first /
in the first five.

Part 2 (relevance cutoff): the collection is split; 80% is indexed, and queries come from both
sides. A query from outside the collection should score below the embedder's `match_threshold`
("no good match"); the true match of an edited query from inside should not. It also proposes a
threshold: the highest one that cuts off at most `--max-false-cutoff` of the true matches of
single-edit queries.
"""

from __future__ import annotations

import argparse
import csv
import io
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine import embedders
from vitrine.bench.output import check_choices, check_public_art, emit
from vitrine.embedders.base import Embedder
from vitrine.images import read_image

log = logging.getLogger(__name__)

Transform = Callable[[Image.Image, np.random.Generator], Image.Image]
Vectors = NDArray[np.float32]


# --- the edits ------------------------------------------------------------------------------

def rescale(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Half the width and height."""
    w, h = image.size
    return image.resize((max(1, w // 2), max(1, h // 2)), Image.Resampling.BICUBIC)


def jpeg40(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Recompressed as JPEG at quality 40."""
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=40)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.convert("RGB")


def crop80(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """80% of the area, same aspect ratio, at a random position."""
    w, h = image.size
    cw, ch = round(w * math.sqrt(0.8)), round(h * math.sqrt(0.8))
    x, y = int(rng.integers(0, w - cw + 1)), int(rng.integers(0, h - ch + 1))
    return image.crop((x, y, x + cw, y + ch))


def colour(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Hue turned by up to ±10.8° (3% of the circle), saturation and brightness scaled by 0.8-1.2."""
    hsv = np.asarray(image.convert("HSV"), dtype=np.float32).copy()
    hsv[..., 0] = (hsv[..., 0] + rng.uniform(-0.03, 0.03) * 256) % 256
    hsv[..., 1] *= rng.uniform(0.8, 1.2)
    hsv[..., 2] *= rng.uniform(0.8, 1.2)
    return Image.fromarray(np.clip(hsv.round(), 0, 255).astype(np.uint8), "HSV").convert("RGB")


def rotate(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """Turned by up to ±5°, then cropped to the largest centred same-aspect box with no border."""
    angle = rng.uniform(-5.0, 5.0)
    w, h = image.size
    turned = image.rotate(angle, Image.Resampling.BICUBIC)
    a = math.radians(abs(angle))
    scale = 1.0 / (math.cos(a) + math.sin(a) * max(w / h, h / w))
    cw, ch = int(w * scale), int(h * scale)
    x, y = (w - cw) // 2, (h - ch) // 2
    return turned.crop((x, y, x + cw, y + ch))


def combined(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """All of the above, one after the other."""
    for edit in (crop80, rotate, colour, rescale, jpeg40):
        image = edit(image, rng)
    return image


TRANSFORMS: dict[str, Transform] = {
    "rescale50": rescale, "jpeg40": jpeg40, "crop80": crop80,
    "colour": colour, "rotate5": rotate, "combined": combined,
}
SINGLE = ("rescale50", "jpeg40", "crop80", "colour", "rotate5")


# --- results --------------------------------------------------------------------------------

@dataclass
class Recall:
    transform: str
    queries: int
    recall_at_1: float
    recall_at_5: float
    median_true_score: float


@dataclass
class Cutoff:
    transform: str
    false_cutoff: float  # in-collection queries whose true match scores below the threshold
    correct_reject: float  # out-of-collection queries whose best score is below the threshold


@dataclass
class Report:
    embedder: str
    images: int
    seed: int
    seconds_per_image: float
    recall: list[Recall] = field(default_factory=list)
    threshold: float | None = None
    cutoff: list[Cutoff] = field(default_factory=list)
    calibrated_threshold: float = 0.0
    calibrated_cutoff: list[Cutoff] = field(default_factory=list)


# --- the run --------------------------------------------------------------------------------

def load_collection(data: Path, limit: int | None, reduce_to: int) -> tuple[list[Path], list[Image.Image]]:
    """Paths from records.csv and the images decoded as the import pipeline decodes them."""
    with (data / "records.csv").open(newline="", encoding="utf-8") as f:
        paths = [data / row["file"] for row in csv.DictReader(f)]
    paths = paths[:limit] if limit else paths
    return paths, [read_image(p, reduce_to=reduce_to)[0] for p in paths]


def embed(embedder: Embedder, images: Sequence[Image.Image], batch: int = 256) -> Vectors:
    parts = [embedder.embed_images(images[i:i + batch]) for i in range(0, len(images), batch)]
    return np.concatenate(parts) if parts else np.zeros((0, embedder.dim), np.float32)


def edited(paths: Sequence[Path], name: str, seed: int) -> list[Image.Image]:
    """Full-resolution copies of the files with one edit; each query has its own seeded draw."""
    edit = TRANSFORMS[name]
    salt = list(TRANSFORMS).index(name)
    out = []
    for i, path in enumerate(paths):
        with Image.open(path) as image:
            out.append(edit(image.convert("RGB"), np.random.default_rng([seed, salt, i])))
    return out


def recall_of(name: str, queries: Vectors, truth: NDArray[np.int64], gallery: Vectors) -> Recall:
    scores = queries @ gallery.T
    true = scores[np.arange(len(truth)), truth]
    rank = (scores > true[:, None]).sum(axis=1)
    return Recall(name, len(truth), float(np.mean(rank == 0)), float(np.mean(rank < 5)),
                  float(np.median(true)))


def cutoff_of(name: str, true_in: Vectors, best_out: Vectors, threshold: float) -> Cutoff:
    return Cutoff(name, float(np.mean(true_in < threshold)), float(np.mean(best_out < threshold)))


def calibrate(true_scores: Sequence[Vectors], max_false_cutoff: float) -> float:
    """The highest threshold, in steps of 0.01, that cuts off at most `max_false_cutoff` of the
    true matches of every group of queries (each group: one edit)."""
    worst = min(float(np.quantile(scores, max_false_cutoff)) for scores in true_scores)
    return math.floor(worst * 100) / 100


def run(args: argparse.Namespace) -> Report:
    embedder = embedders.create(args.embedder)
    data = Path(args.data)
    start = time.perf_counter()
    paths, images = load_collection(data, args.limit, embedder.input_size)
    log.info("decoded %d images in %.1f s", len(images), time.perf_counter() - start)
    start = time.perf_counter()
    gallery = embed(embedder, images)
    per_image = (time.perf_counter() - start) / max(len(images), 1)
    report = Report(args.embedder, len(images), args.seed, per_image, threshold=embedder.match_threshold)
    rng = np.random.default_rng(args.seed)
    names = args.transforms or list(TRANSFORMS)
    picks = rng.choice(len(paths), min(args.queries, len(paths)), replace=False).astype(np.int64)
    for name in names:
        vectors = embed(embedder, edited([paths[i] for i in picks], name, args.seed))
        report.recall.append(recall_of(name, vectors, picks, gallery))
    _split_experiment(report, embedder, paths, gallery, names, rng, args)
    return report


def _split_experiment(report: Report, embedder: Embedder, paths: Sequence[Path], gallery: Vectors,
                      names: Sequence[str], rng: np.random.Generator, args: argparse.Namespace) -> None:
    order = rng.permutation(len(paths))
    cut = int(len(paths) * 0.8)
    inside, outside = order[:cut], order[cut:]
    index = gallery[inside]
    queries_in = rng.choice(cut, min(args.queries, cut), replace=False)
    queries_out = outside[: args.queries]
    true_in: dict[str, Vectors] = {}
    best_out: dict[str, Vectors] = {"none": (gallery[queries_out] @ index.T).max(axis=1)}
    true_in["none"] = np.ones(len(queries_in), np.float32)  # an unedited copy scores 1
    for name in names:
        q_in = embed(embedder, edited([paths[inside[i]] for i in queries_in], name, args.seed + 1))
        true_in[name] = np.einsum("nd,nd->n", q_in, index[queries_in])
        q_out = embed(embedder, edited([paths[i] for i in queries_out], name, args.seed + 1))
        best_out[name] = (q_out @ index.T).max(axis=1)
    singles = [true_in[n] for n in names if n in SINGLE] or [true_in[n] for n in names]
    report.calibrated_threshold = calibrate(singles, args.max_false_cutoff)
    rows = ["none", *names]
    report.calibrated_cutoff = [cutoff_of(n, true_in[n], best_out[n], report.calibrated_threshold)
                                for n in rows]
    if report.threshold is not None:
        report.cutoff = [cutoff_of(n, true_in[n], best_out[n], report.threshold) for n in rows]


# --- output ---------------------------------------------------------------------------------

def table(report: Report) -> str:
    lines = [f"embedder {report.embedder}: {report.images} images, seed {report.seed}, "
             f"{report.seconds_per_image * 1000:.3f} ms per image to embed",
             "", f"{'edit':<10} {'queries':>7} {'R@1':>6} {'R@5':>6} {'median true score':>18}"]
    lines += [f"{r.transform:<10} {r.queries:>7} {r.recall_at_1:>6.3f} {r.recall_at_5:>6.3f} "
              f"{r.median_true_score:>18.3f}" for r in report.recall]
    for title, threshold, rows in (("match_threshold", report.threshold, report.cutoff),
                                   ("calibrated threshold", report.calibrated_threshold,
                                    report.calibrated_cutoff)):
        if threshold is None:
            continue
        lines += ["", f"{title} {threshold:.2f}: 80% indexed, queries from inside and outside",
                  f"{'edit':<10} {'true match cut off':>19} {'outsider rejected':>18}"]
        lines += [f"{c.transform:<10} {c.false_cutoff:>19.3f} {c.correct_reject:>18.3f}" for c in rows]
    return "\n".join(lines)


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m vitrine.bench.quality",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", default="../shared/data/public-art", help="folder with records.csv")
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--embedder", default="classic")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N records")
    parser.add_argument("--transforms", type=lambda s: s.split(","), default=None,
                        help=f"comma-separated subset of {','.join(TRANSFORMS)}")
    parser.add_argument("--max-false-cutoff", type=float, default=0.02)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    check_choices(parser, "transforms", args.transforms or (), list(TRANSFORMS))
    check_public_art(parser, args.data)
    return args


def main(argv: Sequence[str] | None = None) -> Report:
    """Run the benchmark, print the table, optionally write JSON; returns the report."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    args = parse(argv)
    report = run(args)
    emit(report, table(report), args.json)
    return report


if __name__ == "__main__":
    main()
