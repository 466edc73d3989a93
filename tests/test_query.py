"""The one query model: a starting point plus marks, resolved and run the same way for every caller."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from PIL import Image

from test_feedback import _vectors
from vitrine.collection import Collection, create_collection
from vitrine.errors import RecordNotFound, SearchError
from vitrine.records import Filters, ImageRef, Record
from vitrine.search.core import search_by_record
from vitrine.search.feedback import refine
from vitrine.search.query import SearchQuery, from_remembered, resolve, run
from vitrine.search.sets import SetQuery


@pytest.fixture(scope="module")
def clusters(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    root = tmp_path_factory.mktemp("query") / "coll"
    collection = create_collection(root, embedder="fake", index="memory")
    vectors = _vectors(np.random.default_rng(7))
    for i, identifier in enumerate(vectors):
        collection.catalog.upsert(Record(
            identifier=identifier, title=f"Work {identifier}", object_type="painting" if i % 2 else "print",
            images=[ImageRef(location=f"/nowhere/{identifier}.png")]))
    ids = np.array([collection.catalog.images_of(i)[0].id for i in vectors], np.int64)
    collection.index.add(ids, np.stack(list(vectors.values())))
    collection.catalog.set_meta("vectors_embedder", collection.embedder.key)
    yield collection
    collection.close()


def _names(query: SearchQuery, collection: Collection, **kw: int) -> list[str]:
    return [h.identifier for h in run(collection, query, **kw).hits]  # type: ignore[arg-type]


def test_at_most_one_starting_point() -> None:
    with pytest.raises(SearchError, match="at most one"):
        SearchQuery(text="ships", record="a01")
    with pytest.raises(SearchError, match="at most one"):
        SearchQuery(record="a01", vector=np.zeros(4, np.float32))
    SearchQuery(text="  ", record="a01")  # blank words are no starting point


def test_resolve_gives_feedback_its_starting_point(clusters: Collection) -> None:
    assert resolve(clusters, SearchQuery()) is None
    assert resolve(clusters, SearchQuery(text="ships")) == "ships"
    record = resolve(clusters, SearchQuery(record="mid"))
    assert isinstance(record, Record) and record.identifier == "mid"
    vector = np.ones(64, np.float32)
    assert resolve(clusters, SearchQuery(vector=vector)) is vector
    embedded = resolve(clusters, SearchQuery(image=Image.new("RGB", (32, 32), "red")))
    assert isinstance(embedded, np.ndarray) and embedded.shape == (clusters.embedder.dim,)
    with pytest.raises(RecordNotFound):
        resolve(clusters, SearchQuery(record="nope"))


def test_unrefined_run_is_the_plain_search_without_the_marked_works(clusters: Collection) -> None:
    plain = [h.identifier for h in search_by_record(clusters, "mid", per_page=10).hits]
    marked = SearchQuery(record="mid", positives=(plain[0],), negatives=(plain[1],))
    assert _names(marked, clusters, per_page=10) == plain[2:]
    assert _names(SearchQuery(record="mid"), clusters, per_page=10) == plain


def test_refined_run_is_relevance_feedback(clusters: Collection) -> None:
    query = SearchQuery(record="mid", positives=("a01", "a02"), negatives=("b03",), refined=True,
                        method="rocchio")
    expected = refine(clusters, positives=["a01", "a02"], negatives=["b03"],
                      query=clusters.catalog.get("mid"), per_page=10, method="rocchio")
    assert _names(query, clusters, per_page=10) == [h.identifier for h in expected.hits]
    assert all(n.startswith("a") for n in _names(query, clusters, per_page=5))


def test_filters_travel_with_the_query(clusters: Collection) -> None:
    query = SearchQuery(record="mid", filters=Filters(object_type="print"))
    hits = run(clusters, query, per_page=50).hits
    assert hits and all(clusters.catalog.get(h.identifier).object_type == "print" for h in hits)
    assert run(clusters, SearchQuery(), per_page=100).kind == "browse"


def test_a_vector_alone_searches_like_the_image_it_came_from(clusters: Collection) -> None:
    image = Image.new("RGB", (32, 32), "red")
    vector = resolve(clusters, SearchQuery(image=image))
    assert isinstance(vector, np.ndarray)
    by_vector = [h.identifier for h in run(clusters, SearchQuery(vector=vector), per_page=10).hits]
    assert by_vector == [h.identifier for h in run(clusters, SearchQuery(image=image), per_page=10).hits]
    with pytest.raises(SearchError, match="has 64 values, not 3"):
        run(clusters, SearchQuery(vector=np.ones(3, np.float32)))


def test_saved_sets_remember_and_replay_the_start() -> None:
    assert SearchQuery(text=" ships ").remembered() == SetQuery("text", "ships")
    assert SearchQuery(record="a01").remembered() == SetQuery("record", "a01")
    assert SearchQuery(image=Image.new("RGB", (8, 8))).remembered() == SetQuery("image")
    assert SearchQuery().remembered() is None
    replay = from_remembered(SetQuery("record", "a01"), positives=["a02"], method="rocchio")
    assert (replay.record, replay.positives, replay.refined) == ("a01", ("a02",), True)
    assert replay.method == "rocchio"
    assert from_remembered(SetQuery("image"), positives=["a02"]).remembered() is None
    with pytest.raises(SearchError, match="unknown feedback method"):
        from_remembered(None, method="magic")
