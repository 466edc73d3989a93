"""Teaching a concept from examples: name it, label works, train, ask about the doubtful, save.

The use cases the CLI (`vitrine concept`) and the web share. Labels are per record; a record's
training row is the mean of its images' vectors (the collection's own, as indexed); records whose
images have no vector yet are left out of training and named. Scores are per image, and a record's
score is its best image's. Every change (a new concept, labels, a saved version) is audited in the
transaction that makes it.

    create_concept(catalog, "portrait", actor="ada")
    label(catalog, "portrait", ["w1", "w7"], positive=True, actor="ada")
    label(catalog, "portrait", ["w3"], positive=False, actor="ada")
    asked = ask(collection, "portrait", n=10)      # the works it is least sure of
    trained = train(collection, "portrait")        # with the estimate from labels kept aside
    saved = save(collection, "portrait", actor="ada")  # version n of agent "concept"
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from vitrine.catalog import Catalog
from vitrine.catalog.concepts import Concept, Label, SavedModel
from vitrine.collection import Collection
from vitrine.concepts.learn import (
    SAMPLE,
    ConceptModel,
    Estimate,
    Strategy,
    check_labels,
    estimate,
    fit,
    pick,
    scaler,
)
from vitrine.errors import ConceptError, IndexError_, RecordNotFound
from vitrine.fsutil import write_atomic
from vitrine.index import VectorIndex
from vitrine.records import unique_identifiers
from vitrine.search.feedback import LinearModel
from vitrine.suggestions.agents import file_sha256

MODELS_DIR = "concepts"  # saved classifiers, under the collection folder
_CHUNK = 50_000  # vectors read from the index at once when scoring the collection


@dataclass(frozen=True)
class Trained:
    """A model trained on every usable label, with its estimate from labels kept aside."""

    concept: Concept
    model: ConceptModel
    estimate: Estimate | None
    labels: int
    positives: int
    skipped: tuple[str, ...]  # labelled records with no vector yet


@dataclass(frozen=True)
class Asked:
    """A work to label next, and what the model makes of it now (None before any model)."""

    identifier: str
    title: str
    probability: float | None


@dataclass(frozen=True)
class Asking:
    """The answer to `ask`: the works to label next, how they were picked, and how many works the
    current model calls positive (probability >= 0.5)."""

    strategy: str
    works: list[Asked]
    predicted_positive: int | None
    seconds: float
    note: str = ""


@dataclass
class Ranking:
    """Per record: its best image's probability; the records picked to ask about."""

    record_ids: NDArray[np.int64]
    probabilities: NDArray[np.float64]
    picked: NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))


# -- concepts and labels -------------------------------------------------------------------------


def check_name(name: str) -> str:
    """A concept's name: 1 to 100 characters of text, no control characters; trimmed."""
    text = name.strip() if isinstance(name, str) else ""
    if not text or len(text) > 100 or any(unicodedata.category(ch).startswith("C") for ch in text):
        raise ConceptError(f"a concept name is 1 to 100 characters of text, not {name!r}")
    return text


def create_concept(catalog: Catalog, name: str, description: str = "", *, actor: str,
                   address: str = "") -> Concept:
    """Name a new concept (audited as `concept.create`)."""
    with catalog.transaction():
        concept = catalog.concepts.create(check_name(name), description.strip(), created_by=actor)
        catalog.audit.record(actor, "concept.create", f"concept:{concept.name}",
                             after={"description": concept.description}, address=address)
    return concept


def label(catalog: Catalog, name: str, identifiers: Sequence[str], *, positive: bool, actor: str,
          address: str = "") -> Concept:
    """Mark records as examples (positive) or counter-examples of a concept, replacing their
    earlier labels; audited as `concept.label` with the labels before and after."""
    concept = catalog.concepts.get(name)
    wanted = list(unique_identifiers([i.strip() for i in identifiers if i.strip()]))
    if not wanted:
        raise ConceptError("no record identifiers to label")
    ids = _record_ids(catalog, wanted)
    with catalog.transaction():
        before = {lab.identifier: lab.positive for lab in catalog.concepts.labels(concept.id)
                  if lab.identifier in ids}
        catalog.concepts.set_labels(concept.id, [ids[i] for i in wanted], positive, by=actor)
        catalog.audit.record(actor, "concept.label", f"concept:{concept.name}", before=before or None,
                             after={i: positive for i in wanted}, address=address)
    return catalog.concepts.get(concept.name)


def _record_ids(catalog: Catalog, identifiers: Sequence[str]) -> dict[str, int]:
    """Identifier -> record id; every unknown identifier is named at once."""
    found: dict[str, int] = {}
    unknown: list[str] = []
    for identifier in identifiers:
        try:
            found[identifier] = catalog.record_id(identifier)
        except RecordNotFound:
            unknown.append(identifier)
    if unknown:
        more = f" and {len(unknown) - 20} more" if len(unknown) > 20 else ""
        raise ConceptError(f"not in the catalogue: {', '.join(map(repr, unknown[:20]))}{more}")
    return found


# -- training -----------------------------------------------------------------------------------


def train(collection: Collection, name: str, *, with_estimate: bool = True, seed: int = 0) -> Trained:
    """Train the concept on all its labels (refused with no labels or labels of one kind only)."""
    concept = collection.catalog.concepts.get(name)
    labels = collection.catalog.concepts.labels(concept.id)
    if not labels:
        raise ConceptError(f"concept {concept.name!r} has no labels yet: mark examples with"
                           " 'vitrine concept label' (positive and negative)")
    x, y, skipped = labelled_rows(collection, labels)
    if y.size == 0:
        raise ConceptError(f"none of the {len(labels)} labelled works of {concept.name!r} has an indexed"
                           " image yet: run 'vitrine index' first")
    check_labels(y)
    rescale = collection_scaler(collection)
    model = fit(x, y, rescale)
    held_out = estimate(x, y, rescale, seed) if with_estimate else None
    return Trained(concept, model, held_out, int(y.size), int(y.sum()), tuple(skipped))


def labelled_rows(collection: Collection, labels: Sequence[Label]) -> tuple[
        NDArray[np.float32], NDArray[np.bool_], list[str]]:
    """One training row per labelled record (its images' mean vector, made a unit vector), the
    labels, and the identifiers of labelled records with no indexed image."""
    rows: list[NDArray[np.float32]] = []
    truth: list[bool] = []
    skipped: list[str] = []
    for lab in labels:
        vectors = _vectors(collection, [img.id for img in collection.catalog.images_of(lab.identifier)])
        if vectors.shape[0] == 0:
            skipped.append(lab.identifier)
            continue
        mean = vectors.mean(axis=0)
        rows.append((mean / max(float(np.linalg.norm(mean)), 1e-9)).astype(np.float32))
        truth.append(lab.positive)
    dim = collection.index.dim
    x = np.stack(rows) if rows else np.zeros((0, dim), np.float32)
    return x, np.asarray(truth, bool), skipped


def _vectors(collection: Collection, image_ids: Sequence[int]) -> NDArray[np.float32]:
    """The indexed vectors among these images (images not indexed are skipped)."""
    index = collection.index
    rows = []
    for image_id in image_ids:
        try:
            rows.append(index.get(np.asarray([image_id], np.int64))[0])
        except IndexError_:
            continue
    return np.stack(rows) if rows else np.zeros((0, index.dim), np.float32)


def collection_scaler(collection: Collection) -> LinearModel:
    """The rescaling measured on a fixed (seeded) sample of the collection's vectors."""
    ids = collection.index.ids()
    if ids.size > SAMPLE:
        ids = np.sort(np.random.default_rng(0).choice(ids, SAMPLE, replace=False))
    return scaler(collection.index.get(ids))


# -- asking -------------------------------------------------------------------------------------


def ask(collection: Collection, name: str, n: int = 10, *, strategy: Strategy = "uncertainty",
        seed: int | None = None, trained: Trained | None = None) -> Asking:
    """The `n` works to label next: those the model trained on the current labels is least sure
    of (or a random choice). Before a model can be trained (no labels, or labels of one kind),
    a random choice, said in `note`. `trained`: a model just trained on the current labels (a
    page that shows the estimate too), so it is not trained twice."""
    if n < 1 or n > 1000:
        raise ConceptError(f"ask for 1 to 1000 works, not {n}")
    started = time.perf_counter()
    catalog = collection.catalog
    concept = catalog.concepts.get(name)
    labelled = np.asarray([lab.record_id for lab in catalog.concepts.labels(concept.id)], np.int64)
    note = ""
    try:
        model: ConceptModel | None = (trained or train(collection, concept.name, with_estimate=False)).model
    except ConceptError as exc:
        model, strategy, note = None, "random", f"a random choice: no model yet ({exc})"
    image_ids, record_ids = indexed_images(collection)
    rng = np.random.default_rng(seed)
    ranking = rank(model, collection.index, image_ids, record_ids, labelled, n, strategy, rng)
    records = catalog.get_many(ranking.record_ids[ranking.picked].tolist())
    works = [Asked(records[int(r)].identifier, records[int(r)].title or "",
                   None if model is None else float(ranking.probabilities[i]))
             for i, r in zip(ranking.picked, ranking.record_ids[ranking.picked], strict=True)
             if int(r) in records]
    positive = None if model is None else int((ranking.probabilities >= 0.5).sum())
    return Asking(strategy, works, positive, time.perf_counter() - started, note)


def indexed_images(collection: Collection) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(image ids, record ids) of the images that have a vector in the index."""
    image_ids, record_ids = collection.catalog.concepts.image_records()
    keep = np.isin(image_ids, collection.index.ids(), assume_unique=True)
    return image_ids[keep], record_ids[keep]


def rank(model: ConceptModel | None, index: VectorIndex, image_ids: NDArray[np.int64],
         record_ids: NDArray[np.int64], labelled: NDArray[np.int64], n: int, strategy: Strategy,
         rng: np.random.Generator | None = None) -> Ranking:
    """Score every image (in chunks), take each record's best image, and pick `n` unlabelled
    records to ask about. Without a model every probability is 0.5 and the pick is random."""
    if model is None:
        scores = np.full(image_ids.size, 0.5)
        strategy = "random"
    else:
        scores = np.concatenate([model.probability(index.get(image_ids[s:s + _CHUNK]))
                                 for s in range(0, image_ids.size, _CHUNK)] or [np.zeros(0)])
    order = np.argsort(record_ids, kind="stable")
    grouped = record_ids[order]
    starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if grouped.size else grouped
    records = grouped[starts] if grouped.size else grouped
    best = np.maximum.reduceat(scores[order], starts) if grouped.size else np.zeros(0)
    open_ = np.flatnonzero(~np.isin(records, labelled))
    picked = open_[pick(best[open_], n, strategy, rng)]
    return Ranking(records, best, picked)


# -- saving -------------------------------------------------------------------------------------


def save(collection: Collection, name: str, *, actor: str, address: str = "") -> tuple[SavedModel, bool]:
    """Train on every label and save the classifier as the concept's next version; returns it and
    whether it is new (the same labels give the same state, and no new version). Audited as
    `concept.save`. Run it over the collection with `vitrine suggest run NAME concept
    --option concept=...`."""
    trained = train(collection, name)
    catalog = collection.catalog
    concept = trained.concept
    embedder = collection.vectors_key or ""
    text = trained.model.to_json(concept=concept.name, embedder=embedder, labels=trained.labels,
                                 positives=trained.positives)
    with catalog.transaction():
        latest = catalog.concepts.model(concept.id)
        version = (latest.version if latest else 0) + 1
        relative = f"{MODELS_DIR}/{concept.id}-v{version}.json"
        path = collection.root / relative
        path.parent.mkdir(exist_ok=True)
        write_atomic(path, text)
        digest = file_sha256(path, what="saved classifier", hint="save it again")
        if latest is not None and latest.sha256 == digest:
            path.unlink()
            return latest, False
        estimate_ = trained.estimate.to_dict() if trained.estimate else {}
        saved = catalog.concepts.add_model(
            concept.id, version, path=relative, sha256=digest, embedder=embedder, labels=trained.labels,
            positives=trained.positives, estimate=estimate_, saved_by=actor)
        catalog.audit.record(actor, "concept.save", f"concept:{concept.name}",
                             after={"version": version, "sha256": digest, "estimate": estimate_},
                             address=address)
    return saved, True
