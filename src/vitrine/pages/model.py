"""A page model trained from boxes people drew or accepted: which candidate blocks are pictures of
which class, and which are text.

The weight-free finder's passes propose overlapping candidate blocks (`blocks.candidates`); each is
described by `features.NAMES` and labelled with the class of the true box it overlaps at IoU >= 0.5,
or "none". scikit-learn's `HistGradientBoostingClassifier` learns the labels (a maintained library,
already a dependency, that trains in seconds on a few thousand candidates from 30-150 pages on
one core); on a new page it scores every candidate, keeps those whose best class is not "none",
and drops overlapping ones (non-maximum suppression). It cannot draw a box no pass proposed:
`candidate_recall` in the benchmark says how much of the truth the candidates reach.

A model is saved in a numbered folder (`v1`, `v2`...) under the collection's `pages/models/`:
`model.joblib` (the classifier; a pickle, so only load files vitrine wrote) and `model.json` (what it
was trained on, when, with which features and classes). The agent's version carries the number
and the SHA-256 of `model.joblib`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from vitrine.errors import PagesError
from vitrine.fsutil import atomic_path, write_atomic
from vitrine.pages.blocks import CLASSES, XYWH, Block, Page, candidates, iou, prepare, suppress
from vitrine.pages.features import NAMES, block_features
from vitrine.pages.truth import TrueBox

NONE = "none"
LABELS = (*CLASSES, NONE)
MODEL_FILE = "model.joblib"
META_FILE = "model.json"


@dataclass(frozen=True)
class Example:
    """One page to learn from: its true boxes, and boxes whose candidates teach nothing (undecided)."""

    page: Page
    truth: Sequence[TrueBox]
    ignore: Sequence[XYWH] = ()


@dataclass
class PageModel:
    """A trained classifier of candidate blocks, and what it was trained on."""

    classifier: Any
    meta: dict[str, Any] = field(default_factory=dict)
    min_score: float = 0.5

    def find(self, image: Image.Image, min_score: float | None = None) -> list[Block]:
        """The blocks of a page: candidates whose best class is not "none", scoring at least `min_score`."""
        return self.find_page(prepare(image), self.min_score if min_score is None else min_score)

    def find_page(self, page: Page, min_score: float) -> list[Block]:
        found = candidates(page)
        if not found:
            return []
        from threadpoolctl import threadpool_limits

        with threadpool_limits(1):  # one page is too small to share out; a job runs pages side by side
            proba = self.classifier.predict_proba(block_features(page, found))
        labels = [str(c) for c in self.classifier.classes_]
        scored = []
        for block, row in zip(found, proba, strict=True):
            best = max((i for i, c in enumerate(labels) if c != NONE), key=lambda i: row[i])
            if row[best] >= min_score:
                scored.append(Block(block.box, labels[best], round(float(row[best]), 4), block.source))
        return suppress(scored, 0.5)


def training_rows(examples: Sequence[Example]) -> tuple[NDArray[np.float32], list[str]]:
    """Features and labels of every candidate of every example page (those on undecided boxes left out)."""
    rows: list[NDArray[np.float32]] = []
    labels: list[str] = []
    for example in examples:
        found = [b for b in candidates(example.page)
                 if not any(iou(b.box, box) >= 0.5 for box in example.ignore)]
        if not found:
            continue
        rows.append(block_features(example.page, found))
        labels.extend(_label(b.box, example.truth) for b in found)
    return (np.concatenate(rows) if rows else np.zeros((0, len(NAMES)), np.float32)), labels


def _label(box: XYWH, truth: Sequence[TrueBox]) -> str:
    best, label = 0.5, NONE
    for t in truth:
        overlap = iou(box, t.box)
        if overlap >= best:
            best, label = overlap, t.label
    return label


def train(examples: Sequence[Example], *, source: str = "", seed: int = 0) -> PageModel:
    """A model trained on `examples`; refused when they hold no true box of any class."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    x, y = training_rows(examples)
    classes = sorted(set(y) - {NONE})
    if not classes:
        raise PagesError(
            f"none of the {len(examples)} pages has a box the candidates reach: nothing to learn")
    classifier = HistGradientBoostingClassifier(max_iter=150, learning_rate=0.08, max_leaf_nodes=15,
                                                l2_regularization=1.0, class_weight="balanced",
                                                random_state=seed)
    started = time.perf_counter()
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # on a few thousand rows, threads cost more than they give
        classifier.fit(x, np.asarray(y))
    counts = {label: y.count(label) for label in sorted(set(y))}
    meta = {"pages": len(examples), "candidates": len(y), "labels": counts, "features": list(NAMES),
            "classes": classes, "source": source, "trained_at": time.time(),
            "train_seconds": round(time.perf_counter() - started, 2), "library": _library()}
    return PageModel(classifier, meta)


def _library() -> str:
    import sklearn

    return f"scikit-learn {sklearn.__version__} HistGradientBoostingClassifier"


# -- versions on disk -----------------------------------------------------------------------------

def versions(folder: Path) -> list[int]:
    """The saved model versions under `folder`, oldest first."""
    if not folder.is_dir():
        return []
    return sorted(int(p.name[1:]) for p in folder.iterdir()
                  if re.fullmatch(r"v\d+", p.name) and (p / MODEL_FILE).is_file())


def save_model(model: PageModel, folder: Path) -> Path:
    """Save `model` as the next version under `folder`; returns its version folder."""
    import joblib

    number = (versions(folder) or [0])[-1] + 1
    target = folder / f"v{number}"
    target.mkdir(parents=True, exist_ok=False)
    with atomic_path(target / MODEL_FILE) as tmp:
        joblib.dump(model.classifier, tmp)
    meta = {**model.meta, "version": number}
    write_atomic(target / META_FILE, json.dumps(meta, indent=1, sort_keys=True).encode())
    model.meta = meta
    return target


def load_model(folder: Path, version: int | None = None) -> tuple[PageModel, Path]:
    """The model of `version` (None: the newest) under `folder`, and its file."""
    import joblib

    found = versions(folder)
    if not found or (version is not None and version not in found):
        have = ", ".join(f"v{v}" for v in found) or "none"
        wanted = f" v{version}" if version else ""
        raise PagesError(f"no page model{wanted} under {folder} (saved: {have});"
                         " train one with `vitrine pages train COLLECTION`")
    number = version if version is not None else found[-1]
    path = folder / f"v{number}" / MODEL_FILE
    try:
        meta = json.loads((path.parent / META_FILE).read_text(encoding="utf-8"))
        classifier = joblib.load(path)
    except Exception as exc:
        raise PagesError(f"the page model {path} cannot be read: {exc}") from None
    if meta.get("features") != list(NAMES):
        raise PagesError(f"the page model {path} was trained on other features; train it again")
    return PageModel(classifier, meta), path
