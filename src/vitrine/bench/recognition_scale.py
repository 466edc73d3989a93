"""Recognition latency with the collection grown to many works (synthetic copies), issue 15.

    vitrine bench recognition-scale --workdir /tmp/recog --works 100000 --photos 20

Reuses the collection a `vitrine bench recognition --workdir DIR` run built and kept. Its local
index is grown to `--works` images with synthetic copies: each copy is every stored image's
features with its visual words shifted by a random offset (another "work" with the same number
of features, the same geometry and about the same word statistics, that matches no photo). Phone
photos of collection works (the `phone` family, seed 0) are then answered from their bytes by the
default pipeline (or `--variants`) against the real index and against the grown one, in the same
run, one thread.
"""

from __future__ import annotations

import argparse
import csv
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from vitrine.bench.output import check_choices, emit

if TYPE_CHECKING:
    from vitrine.local.index import LocalIndex

log = logging.getLogger(__name__)


@dataclass
class ScaleReport:
    works: dict[str, int]
    build_seconds: float
    index_bytes_per_work: dict[str, float]
    recall: dict[str, float]
    p50_ms: dict[str, float]
    p95_ms: dict[str, float]
    cpu_p50_ms: dict[str, float]
    cpu_p95_ms: dict[str, float]


def grown(local: LocalIndex, works: int, seed: int = 0) -> LocalIndex:
    """`local` with synthetic copies of its images up to `works` images (words shifted per copy)."""
    from vitrine.local.index import LocalIndex

    segment = local.as_segment()
    k = local.vocabulary.size
    rng = np.random.default_rng(seed)
    step = int(segment.image_ids.max()) + 1
    parts = [segment]
    for c in range(1, math.ceil(works / max(len(local), 1))):
        words = ((segment.words.astype(np.int64) + int(rng.integers(1, k))) % k).astype(np.int32)
        parts.append(replace(segment, image_ids=segment.image_ids + step * c, words=words))
    return LocalIndex(local.vocabulary, parts)


def run(args: argparse.Namespace) -> ScaleReport:
    from vitrine.bench.recognition import VARIANTS, Answer, _index_bytes, answer, one_thread
    from vitrine.bench.recognition_photos import shots
    from vitrine.collection import open_collection
    from vitrine.visitor.recognize import open_local

    one_thread()
    collection = open_collection(args.workdir / "coll")
    local = open_local(collection)
    assert local is not None
    started = time.perf_counter()
    big = grown(local, args.works)
    build = time.perf_counter() - started
    data = Path(args.data)
    rows = {r["id"]: r for r in csv.DictReader((data / "records.csv").open(encoding="utf-8"))}
    images = collection.catalog.images_by_id(collection.catalog.all_image_ids().tolist())
    rng = np.random.default_rng(args.seed)
    picks = [images[int(i)] for i in rng.choice(sorted(images), args.photos, replace=False)]
    photos = shots(data, "phone", [(rows[p.identifier], p.id) for p in picks], [], args.seed, [])
    indexes = {f"{name}{'' if variant == 'new' else '-' + variant}": (index, VARIANTS[variant])
               for variant in args.variants for name, index in (("real", local), ("grown", big))}
    out: dict[str, list[tuple[bool, float, float]]] = {k: [] for k in indexes}
    for shot in photos:
        for name, (index, pipe) in indexes.items():
            a: Answer = answer(collection, index, shot, pipe, args.min_inliers)
            out[name].append((bool(a.found) and a.found[0][0] in shot.truth, a.ms, a.cpu_ms))
    collection.close()
    sizes = {k: len(v[0]) for k, v in indexes.items()}
    return ScaleReport(
        sizes, build, {k: _index_bytes(v[0]) / len(v[0]) for k, v in indexes.items()},
        {k: float(np.mean([o[0] for o in v])) for k, v in out.items()},
        {k: float(np.median([o[1] for o in v])) for k, v in out.items()},
        {k: float(np.quantile([o[1] for o in v], 0.95)) for k, v in out.items()},
        {k: float(np.median([o[2] for o in v])) for k, v in out.items()},
        {k: float(np.quantile([o[2] for o in v], 0.95)) for k, v in out.items()})


def table(report: ScaleReport) -> str:
    lines = [f"grown index built in {report.build_seconds:.1f} s",
             f"{'index':<14} {'works':>8} {'KiB/work':>8} {'R@1':>6} {'p50 ms':>7} {'p95 ms':>7} "
             f"{'CPU p50':>7} {'CPU p95':>7}"]
    lines += [f"{k:<14} {report.works[k]:>8} {report.index_bytes_per_work[k] / 1024:>8.1f} "
              f"{report.recall[k]:>6.3f} {report.p50_ms[k]:>7.0f} {report.p95_ms[k]:>7.0f} "
              f"{report.cpu_p50_ms[k]:>7.0f} {report.cpu_p95_ms[k]:>7.0f}" for k in report.works]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> ScaleReport:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(prog="python -m vitrine.bench.recognition_scale",
                                     description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", default="../shared/data/public-art")
    parser.add_argument("--workdir", type=Path, required=True, help="a kept `bench recognition` workdir")
    parser.add_argument("--works", type=int, default=100_000)
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--min-inliers", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--variants", type=lambda v: v.split(","), default=["new"],
                        help="pipelines of `vitrine bench recognition` to answer with (new: the default)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    from vitrine.bench.recognition import VARIANTS

    check_choices(parser, "variants (the grown index has one extraction: no @plain)", args.variants,
                  list(VARIANTS))
    report = run(args)
    emit(report, table(report), args.json)
    return report


if __name__ == "__main__":
    main()
