"""The same sitter across public-art: do a sitter's other works come first among the nearest faces?

    vitrine bench sitters [--data ../shared/data/public-art] [--groups data/labels/sitters/groups.json]
                          [--distractors 1000] [--seed 0] [--detector auto] [--json report.json]

The works of the hand-checked sitter groups (`data/labels/sitters/`) and `--distractors` other
public-art works (a seeded sample) are imported into a temporary collection, and
`vitrine.faces.sitters.index_faces` describes every face (the detector as `vitrine faces index`
chooses it; dlib's 128-d descriptor). Each group work in which a face was found is a query; every
other work is ranked by its nearest face to any face of the query (Euclidean distance between
descriptors, what `vitrine faces similar` and the web page's "other portraits of this sitter" show),
and the works sharing a group with the query are the ones to find. Reported: recall at 1, 5, 10 and
20 works and mean average precision, over all queries and apart for the pairs that are versions of
one picture (the same composition: copies, replicas) and those that are different pictures of the
sitter; how many group works had no face found; the share of the group pairs below dlib's 0.6
("same sitter"), against that of the other pairs; and the time per image and per face. Chance: a
random order of the works.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from vitrine.bench.feedback import import_public_art
from vitrine.bench.output import check_public_art, emit
from vitrine.collection import Collection, open_collection
from vitrine.faces.sitters import DESCRIPTORS, SAME_SITTER, FaceIndex, index_faces
from vitrine.indexing import index_collection

REPO = Path(__file__).resolve().parents[3]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "public-art"
DEFAULT_GROUPS = REPO / "data" / "labels" / "sitters" / "groups.json"
KS = (1, 5, 10, 20)


@dataclass
class Groups:
    """Works by group, and the composition letter of each (group, work)."""

    works: dict[str, dict[str, str]]

    @classmethod
    def read(cls, path: Path) -> Groups:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({name: dict(group["works"]) for name, group in data["groups"].items()})

    def members(self) -> set[str]:
        return {w for works in self.works.values() for w in works}

    def relevant(self, work: str) -> dict[str, bool]:
        """The other works sharing a group with `work`: True where one is a version of the same picture."""
        out: dict[str, bool] = {}
        for works in self.works.values():
            if work in works:
                for other, letter in works.items():
                    if other != work:
                        out[other] = out.get(other, False) or letter == works[work]
        return out


@dataclass
class Scores:
    queries: int = 0
    pairs: int = 0
    recall: dict[int, float] = field(default_factory=dict)
    mean_ap: float = 0.0


@dataclass
class Report:
    works: int
    group_works: int
    distractors: int
    detector: str
    faces: int
    group_works_without_face: list[str]
    seconds_per_image: float
    all_pairs: Scores
    versions: Scores
    other_pictures: Scores
    chance_recall: dict[int, float]
    chance_ap: float
    below_same_sitter_group: float
    below_same_sitter_other: float


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench sitters", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--groups", type=Path, default=DEFAULT_GROUPS)
    parser.add_argument("--distractors", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--detector", default=None, help="yunet, hog, cnn [default: the setting, 'auto']")
    parser.add_argument("--collection", type=Path,
                        help="a public-art collection whose faces 'vitrine faces index' described")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    groups = Groups.read(args.groups)
    if args.collection:
        with open_collection(args.collection) as collection:
            report = score_collection(collection, groups, "as indexed", 0.0)
        emit(report, table(report), args.json)
        return 0
    check_public_art(parser, args.data)
    with tempfile.TemporaryDirectory(prefix="vitrine-bench-sitters-") as tmp:
        collection = build(args.data, Path(tmp), groups.members(), args.distractors, args.seed)
        with collection:
            started = time.perf_counter()
            indexed = index_faces(collection, detector=args.detector)
            seconds = time.perf_counter() - started
            report = score_collection(collection, groups, indexed.detector, seconds / max(indexed.images, 1))
    emit(report, table(report), args.json)
    return 0


def score_collection(collection: Collection, groups: Groups, detector: str, seconds_per_image: float,
                     ) -> Report:
    """Score the faces described so far in `collection` (the works whose images were looked at)."""
    index = FaceIndex.load(collection.root / DESCRIPTORS)
    if index is None:
        raise SystemExit(f"{collection.root} has no face index: run 'vitrine faces index' first")
    images = collection.catalog.images_by_id(collection.catalog.all_image_ids().tolist()).values()
    owners = {img.sha256: img.identifier for img in images if img.sha256 and img.sha256 in index.seen}
    return evaluate(groups, index, owners, len(owners), detector, seconds_per_image)


def build(data: Path, tmp: Path, members: set[str], distractors: int, seed: int) -> Collection:
    """A collection of the group works and a seeded sample of `distractors` other works."""
    with (data / "records.csv").open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if row.get("file")]
    missing = members - {row["id"] for row in rows}
    if missing:
        raise SystemExit(f"the groups name works that records.csv lacks: {', '.join(sorted(missing))}")
    others = [row for row in rows if row["id"] not in members]
    chosen = [row for row in rows if row["id"] in members]
    chosen += random.Random(seed).sample(others, min(distractors, len(others)))
    collection = import_public_art(chosen, data, tmp / "sitters", embedder="fake")
    index_collection(collection, workers=1)  # checksums and thumbnails (the fake embedder: no cost)
    return collection


def evaluate(groups: Groups, index: FaceIndex, owners: dict[str, str], images: int, detector: str,
             seconds_per_image: float) -> Report:
    """Rank every work by its nearest face to the query's faces, for each group work with a face."""
    works_of_face = [owners.get(sha, "") for sha in index.shas]
    names = sorted(set(works_of_face) - {""})
    position = {name: i for i, name in enumerate(names)}
    face_work = np.asarray([position.get(w, -1) for w in works_of_face], np.int64)
    matrix = index.matrix()
    members = sorted(groups.members())
    without = [w for w in members if w not in names]
    ranked: list[tuple[list[str], dict[str, bool]]] = []
    group_d: list[float] = []
    other_d: list[float] = []
    for work in members:
        if work in without:
            continue
        distances = work_distances(matrix, face_work, position[work], len(names))
        relevant = groups.relevant(work)
        order = [names[i] for i in np.argsort(distances, kind="stable") if names[i] != work]
        ranked.append((order, relevant))
        for i, name in enumerate(names):
            if name != work and np.isfinite(distances[i]):
                (group_d if name in relevant else other_d).append(float(distances[i]))
    n = len(names) - 1
    return Report(
        works=images, group_works=len(members), distractors=images - len(members), detector=detector,
        faces=len(index.shas), group_works_without_face=without,
        seconds_per_image=round(seconds_per_image, 4),
        all_pairs=score(ranked, lambda version: True), versions=score(ranked, lambda version: version),
        other_pictures=score(ranked, lambda version: not version),
        chance_recall={k: round(k / max(n, 1), 4) for k in KS},
        chance_ap=round(float(np.mean([len(r) / max(n, 1) for _, r in ranked])) if ranked else 0.0, 4),
        below_same_sitter_group=_share_below(group_d), below_same_sitter_other=_share_below(other_d))


def work_distances(matrix: NDArray[np.float32], face_work: NDArray[np.int64], query: int, works: int,
                   ) -> NDArray[np.float64]:
    """Each work's nearest face to any face of work `query` (inf for a work without a face)."""
    out = np.full(works, np.inf)
    for row in np.flatnonzero(face_work == query):
        d = np.linalg.norm(matrix - matrix[row], axis=1)
        keep = face_work >= 0
        np.minimum.at(out, face_work[keep], d[keep])
    return out


def score(ranked: Iterable[tuple[list[str], dict[str, bool]]], keep: Callable[[bool], bool]) -> Scores:
    """Recall at each k and mean average precision over the queries with a relevant work that `keep`
    takes (it is given whether the work is a version of the query's picture)."""
    out, aps = Scores(), []
    hits = {k: 0 for k in KS}
    for order, relevant in ranked:
        wanted = {w for w, version in relevant.items() if keep(version)}
        if not wanted:
            continue
        out.queries += 1
        out.pairs += len(wanted)
        positions = [i for i, w in enumerate(order, start=1) if w in wanted]
        for k in KS:
            hits[k] += sum(p <= k for p in positions)
        aps.append(sum((n + 1) / p for n, p in enumerate(positions)) / len(wanted))
    out.recall = {k: round(hits[k] / max(out.pairs, 1), 3) for k in KS}
    out.mean_ap = round(float(np.mean(aps)), 3) if aps else 0.0
    return out


def _share_below(distances: list[float]) -> float:
    return round(float(np.mean(np.asarray(distances) < SAME_SITTER)), 4) if distances else 0.0


def table(r: Report) -> str:
    lines = [f"{r.works} works ({r.group_works} in sitter groups, {r.distractors} others); detector "
             f"{r.detector}; {r.faces} faces; {r.seconds_per_image * 1000:.0f} ms an image"
             " (detect + describe)",
             f"group works with no face found: {len(r.group_works_without_face)}"
             f" ({', '.join(r.group_works_without_face)})",
             f"{'pairs':<16} {'queries':>7} {'pairs':>6} " + " ".join(f"{'R@' + str(k):>6}" for k in KS)
             + f" {'mAP':>6}"]
    for name, s in (("all", r.all_pairs), ("versions", r.versions), ("other pictures", r.other_pictures)):
        lines.append(f"{name:<16} {s.queries:>7} {s.pairs:>6} " + " ".join(f"{s.recall[k]:>6.3f}" for k in KS)
                     + f" {s.mean_ap:>6.3f}")
    lines.append(f"{'chance':<16} {'':>7} {'':>6} " + " ".join(f"{r.chance_recall[k]:>6.3f}" for k in KS)
                 + f" {r.chance_ap:>6.3f}")
    lines.append(f"below dlib's {SAME_SITTER} ('same sitter'): {r.below_same_sitter_group:.1%} of group"
                 " pairs,"
                 f" {r.below_same_sitter_other:.1%} of other pairs")
    return "\n".join(lines)

if __name__ == "__main__":
    raise SystemExit(main())
