"""Picture and text blocks on chapbook pages, against boxes drawn by hand.

    vitrine bench pages [--labels data/labels/pages] [--pages ../shared/data/chapbooks/pages]

Precision, recall and AP at IoU 0.5 per class (illustration, ornament, initial, map, text), and for
pictures of any class, on the "report" split, for: region search's picture finder alone (every box
an illustration: the baseline), the weight-free finder with classes and text blocks, and the
candidate classifier trained on the "tune" split only. `candidates` is the share of true boxes some
candidate reaches at IoU 0.5: the most a trained model can find. Speed in pages/s on one core
(OpenCV held to one thread). The issue's anchors are printed beside: Newspaper Navigator's AP 0.31
for illustrations and 0.62 for photographs (a Faster R-CNN on newspapers; other pages, other boxes).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from vitrine.bench.output import emit
from vitrine.pages.blocks import CLASSES, Block, Page, candidates, find_blocks, iou, prepare
from vitrine.pages.model import Example, PageModel, train
from vitrine.pages.truth import PageTruth, Score, TrueBox, read_truth_folder

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_LABELS = ROOT / "data" / "labels" / "pages"
DEFAULT_PAGES = ROOT.parent / "shared" / "data" / "chapbooks" / "pages"
ANCHORS = {"illustration": "AP 0.31 (Newspaper Navigator, illustrations)",
           "any picture": "AP 0.62 (Newspaper Navigator, photographs)"}


@dataclass
class MethodResult:
    name: str
    pages_per_s: float
    classes: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class Report:
    labels: str
    tune_pages: int
    report_pages: int
    candidate_recall: dict[str, float | None] = field(default_factory=dict)
    train_seconds: float = 0.0
    split: str = "report"
    folds: int = 0
    methods: list[MethodResult] = field(default_factory=list)


def _load(pages_dir: Path, truth: PageTruth) -> tuple[Page, list[TrueBox]]:
    image = Image.open(pages_dir / truth.file).convert("RGB")
    return prepare(image), truth.scaled(image.width)


def _picture_finder(page: Page) -> list[Block]:
    from vitrine.local.boxes import picture_boxes

    return [Block((x0, y0, x1 - x0, y1 - y0), "illustration", 0.5)
            for x0, y0, x1, y1 in picture_boxes(page.image)]


Pages = Sequence[tuple[Page, list[TrueBox]]]
Finder = Callable[[Page], list[Block]]


def _measure(name: str, groups: Sequence[tuple[Finder, Pages]]) -> MethodResult:
    """Score each group's pages with its finder (one group, or one per cross-validation fold)."""
    score = Score()
    started = time.process_time()
    for find, pages in groups:
        for page, truth in pages:
            score.add(find(page), truth)
    seconds = time.process_time() - started
    count = sum(len(pages) for _, pages in groups)
    result = MethodResult(name, round(count / seconds, 2) if seconds else 0.0)
    counts = {**score.classes, "any picture": score.any_picture}
    for label, c in counts.items():
        result.classes[label] = {"true": c.true, "found": c.found, "matched": c.matched,
                                 "precision": _r(c.precision), "recall": _r(c.recall),
                                 "ap": _r(c.average_precision) if label != "any picture" else None}
    return result


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _candidate_recall(pages: Sequence[tuple[Page, list[TrueBox]]]) -> dict[str, float | None]:
    reached = {c: [0, 0] for c in CLASSES}
    for page, truth in pages:
        found = candidates(page)
        for t in truth:
            reached[t.label][1] += 1
            reached[t.label][0] += any(iou(b.box, t.box) >= 0.5 for b in found)
    return {c: (round(n / d, 3) if d else None) for c, (n, d) in reached.items()}


def run(labels: Path, pages_dir: Path, limit: int | None = None, folds: int = 0,
        split: str = "report") -> Report:
    """Scored on `split`; the model trained on the tune split, or (`folds` > 1) cross-validated within
    `split`, each fold scored by a model trained on the others."""
    import cv2

    cv2.setNumThreads(1)
    truth = read_truth_folder(labels)
    tune = [_load(pages_dir, t) for t in truth if t.split == "tune"][:limit]
    held = [_load(pages_dir, t) for t in truth if t.split == split][:limit]
    report = Report(str(labels), len(tune), len(held), _candidate_recall(held), split=split, folds=folds)
    report.methods.append(_measure("picture finder (region search)", [(_picture_finder, held)]))
    report.methods.append(_measure("finder with classes and text", [(lambda p: find_blocks(p.image), held)]))
    if folds > 1:
        parts = [list(held[i::folds]) for i in range(folds)]
        plan = [([x for j, part in enumerate(parts) if j != i for x in part], part)
                for i, part in enumerate(parts)]
    else:
        plan = [(list(tune), list(held))] if tune and split != "tune" else []
    models = []
    for learn, _ in plan:
        models.append(train([Example(p, t) for p, t in learn], source=f"bench pages: {len(learn)} pages"))
    report.train_seconds = sum(float(m.meta["train_seconds"]) for m in models)
    where = f"{folds}-fold within {split}" if folds > 1 else "trained on tune"
    for name, floor in ((f"{where} (score >= 0.5)", 0.5), (f"{where} (all, for AP)", 0.05)):
        groups = [(_at(m, floor), scored) for m, (_, scored) in zip(models, plan, strict=True)]
        if groups:
            report.methods.append(_measure(name, groups))
    return report


def _at(model: PageModel, floor: float) -> Finder:
    return lambda page: model.find_page(page, floor)


def table(report: Report) -> str:
    reach = ", ".join(f"{c} {v}" for c, v in report.candidate_recall.items())
    lines = [f"pages: {report.tune_pages} tune; {report.report_pages} {report.split} scored;"
             f" labels {report.labels}",
             f"candidates reach (IoU 0.5): {reach}",
             f"training: {report.train_seconds:.1f} s (all models, one thread)", ""]
    header = f"{'method':<34} {'class':<13} {'true':>5} {'found':>6} {'P':>6} {'R':>6} {'AP':>6}  pages/s"
    lines.append(header)
    for m in report.methods:
        for label, c in m.classes.items():
            if not c["true"] and not c["found"]:
                continue
            cells = [f"{c[k]:.3f}" if c[k] is not None else "-" for k in ("precision", "recall", "ap")]
            lines.append(f"{m.name:<34} {label:<13} {c['true']:>5} {c['found']:>6} {cells[0]:>6}"
                         f" {cells[1]:>6} {cells[2]:>6}  {m.pages_per_s:.1f}")
    lines += ["", "anchors: " + "; ".join(f"{k}: {v}" for k, v in ANCHORS.items())]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(prog="vitrine bench pages", description=__doc__.split("\n")[0])
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="folder of page-box JSONL files")
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="the chapbook page images")
    parser.add_argument("--limit", type=int, help="at most this many pages of each split")
    parser.add_argument("--split", choices=("report", "tune"), default="report", help="the split scored")
    parser.add_argument("--folds", type=int, default=0,
                        help="cross-validate the model within the scored split in this many folds"
                             " (for tuning on the tune split; say so when you quote it)")
    parser.add_argument("--json", type=Path, help="write the report here as JSON")
    args = parser.parse_args(argv)
    if not args.pages.is_dir():
        parser.error(f"{args.pages} not found; pass --pages the chapbook pages folder"
                     " (../shared/data/chapbooks/pages)")
    if not list(args.labels.glob("*.jsonl")):
        parser.error(f"no *.jsonl page boxes in {args.labels}; pass --labels")
    report = run(args.labels, args.pages, args.limit, args.folds, args.split)
    if not report.report_pages:
        parser.error(f"no page of the {args.split} split in {args.labels}")
    emit(report, table(report), args.json)
    return report
