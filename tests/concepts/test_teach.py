"""Concepts taught from examples: the store and its audit, training, the held-out estimate, asking."""

from __future__ import annotations

import numpy as np
import pytest

from vitrine.collection import Collection
from vitrine.concepts.learn import pick
from vitrine.concepts.teach import ask, create_concept, label, train
from vitrine.errors import ConceptError, ConceptNotFound

from .conftest import T

POSITIVE = [i for i, t in T.items() if t > 0]
NEGATIVE = [i for i, t in T.items() if t < 0]


def test_labels_are_stored_with_who_and_when_and_audited(boats: Collection) -> None:
    catalog = boats.catalog
    label(catalog, "boat", ["r00", "r02"], positive=True, actor="ada")
    label(catalog, "BOAT", ["r01", "r02"], positive=False, actor="bob")  # r02 changes its mind
    concept = catalog.concepts.get("boat")
    assert (concept.labels, concept.positives, concept.description) == (3, 1, "ships and boats")
    labels = {lab.identifier: lab for lab in catalog.concepts.labels(concept.id)}
    assert {i: (lab.positive, lab.labelled_by) for i, lab in labels.items()} == {
        "r00": (True, "ada"), "r01": (False, "bob"), "r02": (False, "bob")}
    assert all(lab.labelled_at > 0 for lab in labels.values())
    entries = catalog.audit.entries(action="concept.")
    assert [e.action for e in entries] == ["concept.label", "concept.label", "concept.create"]
    assert entries[0].object == "concept:boat" and entries[0].actor == "bob"
    assert entries[0].before == {"r02": True} and entries[0].after == {"r01": False, "r02": False}


def test_bad_input_is_refused_by_name(boats: Collection) -> None:
    catalog = boats.catalog
    with pytest.raises(ConceptError, match="exists already"):
        create_concept(catalog, "Boat", actor="ada")
    with pytest.raises(ConceptError, match="1 to 100 characters"):
        create_concept(catalog, "  ", actor="ada")
    with pytest.raises(ConceptNotFound, match="no concept named 'ship'; concepts: boat"):
        label(catalog, "ship", ["r00"], positive=True, actor="ada")
    with pytest.raises(ConceptError, match="not in the catalogue: 'nope', 'gone'"):
        label(catalog, "boat", ["r00", "nope", "gone"], positive=True, actor="ada")
    assert catalog.concepts.get("boat").labels == 0  # nothing stored from a refused call
    with pytest.raises(ConceptError, match="no labels yet"):
        train(boats, "boat")
    label(catalog, "boat", ["r00", "r02"], positive=True, actor="ada")
    with pytest.raises(ConceptError, match=r"all positive .* at least one negative"):
        train(boats, "boat")


def test_training_on_separable_vectors_estimates_perfect_precision_and_recall(boats: Collection) -> None:
    label(boats.catalog, "boat", POSITIVE[:4], positive=True, actor="ada")
    label(boats.catalog, "boat", NEGATIVE[:4], positive=False, actor="ada")
    trained = train(boats, "boat")
    assert (trained.labels, trained.positives) == (8, 4)
    assert trained.estimate is not None and trained.estimate.method == "cross-validation (4 folds)"
    figures = trained.estimate
    assert (figures.precision, figures.recall, figures.average_precision) == (1, 1, 1)
    vectors = boats.index.get(boats.index.ids())
    assert set(np.round(trained.model.probability(vectors)).astype(int).tolist()) == {0, 1}


def test_no_estimate_with_a_single_example_of_a_kind(boats: Collection) -> None:
    label(boats.catalog, "boat", ["r00"], positive=True, actor="ada")
    label(boats.catalog, "boat", NEGATIVE[:3], positive=False, actor="ada")
    assert train(boats, "boat").estimate is None


def test_uncertainty_sampling_asks_about_the_works_nearest_the_boundary(boats: Collection) -> None:
    label(boats.catalog, "boat", ["r00", "r02"], positive=True, actor="ada")  # t = 1.1, 0.9
    label(boats.catalog, "boat", ["r01", "r03"], positive=False, actor="ada")  # t = -1.1, -0.9
    asked = ask(boats, "boat", n=2)
    assert asked.strategy == "uncertainty" and not asked.note
    assert {w.identifier for w in asked.works} == {"r10", "r11"}  # t = 0.1, -0.1
    assert all(w.probability is not None and 0.2 < w.probability < 0.8 for w in asked.works)
    assert asked.predicted_positive == 6
    chosen = ask(boats, "boat", n=5, strategy="random", seed=1)
    ids = [w.identifier for w in chosen.works]
    assert len(set(ids)) == 5 and not set(ids) & {"r00", "r01", "r02", "r03"}


def test_before_a_model_can_be_trained_the_choice_is_random_and_says_so(boats: Collection) -> None:
    label(boats.catalog, "boat", ["r00"], positive=True, actor="ada")
    asked = ask(boats, "boat", n=3, seed=0)
    assert asked.strategy == "random" and "no model yet" in asked.note and "negative" in asked.note
    assert len(asked.works) == 3 and "r00" not in {w.identifier for w in asked.works}
    assert asked.predicted_positive is None


def test_pick_orders_by_doubt_and_refuses_an_unknown_strategy() -> None:
    p = np.asarray([0.9, 0.45, 0.1, 0.52, 0.5])
    assert pick(p, 3, "uncertainty").tolist() == [4, 3, 1]
    with pytest.raises(ConceptError, match="unknown strategy 'best'"):
        pick(p, 3, "best")  # type: ignore[arg-type]
