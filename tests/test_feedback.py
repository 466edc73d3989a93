"""Relevance feedback on synthetic vectors in two clusters: the marks must move the ranking."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from vitrine.collection import Collection, create_collection
from vitrine.errors import EmbedderMismatch, FeedbackError, SearchError
from vitrine.records import Filters, ImageRef, Record
from vitrine.search import feedback
from vitrine.search.core import search_by_record
from vitrine.search.feedback import refine

N = 30  # works per cluster
DIM = 64


def _vectors(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """a00..a29 near one direction, b00..b29 near another, and "mid" halfway, a little nearer b."""
    a, b = np.zeros(DIM), np.zeros(DIM)
    a[0], b[1] = 1.0, 1.0
    out = {}
    for name, centre in (("a", a), ("b", b)):
        for i in range(N):
            out[f"{name}{i:02d}"] = centre + rng.normal(0, 0.08, DIM)
    out["mid"] = 0.45 * a + 0.55 * b + rng.normal(0, 0.01, DIM)
    return {k: (v / np.linalg.norm(v)).astype(np.float32) for k, v in out.items()}


@pytest.fixture(scope="module")
def clusters(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    root = tmp_path_factory.mktemp("feedback") / "coll"
    collection = create_collection(root, embedder="fake", index="memory")
    vectors = _vectors(np.random.default_rng(7))
    for i, identifier in enumerate(vectors):
        collection.catalog.upsert(Record(
            identifier=identifier, title=f"Work {identifier}",
            object_type="painting" if i % 2 else "print",
            images=[ImageRef(location=f"/nowhere/{identifier}.png")]))
    ids = np.array([collection.catalog.images_of(i)[0].id for i in vectors], np.int64)
    collection.index.add(ids, np.stack(list(vectors.values())))
    collection.catalog.set_meta("vectors_embedder", collection.embedder.key)
    yield collection
    collection.close()


def _names(page: feedback.SearchPage) -> list[str]:
    return [h.identifier for h in page.hits]


@pytest.mark.parametrize("method", feedback.METHODS)
def test_marks_pull_the_ranking_towards_the_relevant_cluster(clusters: Collection, method: str) -> None:
    before = _names(search_by_record(clusters, "mid", per_page=10))
    assert sum(n.startswith("b") for n in before) >= 5  # the unrefined query leans towards b
    after = _names(refine(clusters, positives=["a01", "a02"], negatives=["b03", "b04"],
                          query=clusters.catalog.get("mid"), per_page=10, method=method))  # type: ignore[arg-type]
    assert len(after) == 10 and all(n.startswith("a") for n in after), after


@pytest.mark.parametrize("method", feedback.METHODS)
def test_marks_the_other_way_pull_the_other_way(clusters: Collection, method: str) -> None:
    after = _names(refine(clusters, positives=["b05"], negatives=["a05", "a06", "a07"],
                          query=clusters.catalog.get("mid"), per_page=15, method=method))  # type: ignore[arg-type]
    assert all(n.startswith("b") for n in after), after


def test_relevant_works_in_two_groups_keep_both_groups(clusters: Collection) -> None:
    result = refine(clusters, positives=["a00", "b00"], negatives=[], per_page=20, method="svm")
    names = _names(result)
    assert sum(n.startswith("a") for n in names) >= 5 and sum(n.startswith("b") for n in names) >= 5


def test_marked_works_are_left_out_unless_asked(clusters: Collection) -> None:
    marks = {"positives": ["a01", "a02"], "negatives": ["b03"], "query": clusters.catalog.get("a10")}
    default = _names(refine(clusters, **marks, per_page=60))  # type: ignore[arg-type]
    assert not {"a01", "a02", "b03", "a10"} & set(default)
    shown = refine(clusters, **marks, per_page=60, include_positives=True)  # type: ignore[arg-type]
    tags = {h.identifier: h.matched_by for h in shown.hits}
    assert tags["a01"] == ("relevant",) and tags["a02"] == ("relevant",)
    assert "b03" not in tags and "a10" not in tags
    assert {t for n, t in tags.items() if n not in ("a01", "a02")} == {("feedback",)}


def test_pages_follow_each_other_and_the_ranking_is_stable(clusters: Collection) -> None:
    args = {"positives": ["a01"], "negatives": ["b01"]}
    first = _names(refine(clusters, **args, per_page=10))  # type: ignore[arg-type]
    assert first == _names(refine(clusters, **args, per_page=10))  # type: ignore[arg-type]
    second = refine(clusters, **args, per_page=10, page=2)  # type: ignore[arg-type]
    assert not set(first) & set(_names(second)) and second.total == 2 * N + 1 - 2
    scores = [h.score for h in second.hits]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


def test_filters_restrict_the_results(clusters: Collection) -> None:
    result = refine(clusters, positives=["a01"], filters=Filters(object_type="print"), per_page=50)
    assert result.hits and all(clusters.catalog.get(n).object_type == "print" for n in _names(result))


def test_a_query_vector_and_negatives_alone(clusters: Collection) -> None:
    vector = clusters.index.get(np.array([clusters.catalog.images_of("a03")[0].id]))[0]
    names = _names(refine(clusters, positives=[], negatives=["b01", "b02"], query=vector, per_page=10))
    assert all(n.startswith("a") for n in names)


def test_text_query_with_a_text_tower(clusters: Collection) -> None:
    result = refine(clusters, positives=["a01"], query="harbour at dawn", per_page=5)
    assert len(result.hits) == 5 and result.kind == "refine"


def test_candidate_pool_above_the_exact_limit(clusters: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feedback, "EXACT_LIMIT", 10)
    monkeypatch.setattr(feedback, "POOL", 25)
    names = _names(refine(clusters, positives=["a01", "a02"], negatives=["b01"], per_page=10))
    assert len(names) == 10 and all(n.startswith("a") for n in names)


@pytest.mark.parametrize(("marks", "message"), [
    ({"positives": [], "negatives": []}, "no feedback"),
    ({"positives": ["a01", "nope", "zilch"]}, "'nope', 'zilch'"),
    ({"positives": ["a01"], "negatives": ["a01"]}, "both relevant and not relevant: 'a01'"),
    ({"positives": [], "negatives": ["a01"]}, "nothing to rank towards"),
    ({"positives": ["a01"], "method": "magic"}, "unknown feedback method 'magic'"),
    ({"positives": "a01"}, "as a list"),
])
def test_bad_feedback_is_refused_clearly(clusters: Collection, marks: dict, message: str) -> None:
    with pytest.raises(FeedbackError, match=message):
        refine(clusters, **marks)


def test_a_vector_from_another_embedder_is_refused(clusters: Collection) -> None:
    with pytest.raises(EmbedderMismatch, match="dimension 64"):
        refine(clusters, positives=["a01"], query=np.ones(512, np.float32))


def test_vectors_built_by_another_embedder_are_refused(tmp_path: Path) -> None:
    collection = create_collection(tmp_path / "c", embedder="fake", index="memory")
    collection.catalog.upsert(Record(identifier="x", images=[ImageRef(location="/x.png")]))
    collection.catalog.set_meta("vectors_embedder", "clip/1/512")
    with pytest.raises(EmbedderMismatch, match="clip/1/512"):
        refine(collection, positives=["x"])
    collection.close()


def test_a_record_without_vectors_is_named(clusters: Collection) -> None:
    clusters.catalog.upsert(Record(identifier="unindexed", images=[ImageRef(location="/u.png")]))
    try:
        with pytest.raises(SearchError, match="'unindexed' has no indexed image"):
            refine(clusters, positives=["unindexed"])
    finally:
        clusters.catalog.delete_record("unindexed")
