"""Queue pages at scale: each page order is read from an index, pages follow one another, counts stop,
and staleness is kept by the catalogue as records and images change (so filtering on it reads a column)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vitrine.catalog import Catalog
from vitrine.catalog.suggestions import ORDERS, NewSuggestion, SuggestionQuery
from vitrine.records import ImageRef, Record

# What the review queue offers: the whole queue, one agent version or kind, a score band, by score
# or by uncertainty, shallow and deep.
PAGES = {
    "queue": SuggestionQuery(),
    "queue, deep": SuggestionQuery(offset=5000),
    "lowest first": SuggestionQuery(order="score_asc"),
    "agent": SuggestionQuery(agent_ids=(1,)),
    "kind": SuggestionQuery(kinds=("tag",)),
    "band": SuggestionQuery(score_min=0.5, score_max=0.6),
    "agent band": SuggestionQuery(agent_ids=(1,), score_min=0.5, score_max=0.6),
    "uncertainty": SuggestionQuery(order="uncertainty"),
    "agent, uncertainty": SuggestionQuery(agent_ids=(1,), order="uncertainty"),
    "kind, uncertainty": SuggestionQuery(kinds=("tag",), order="uncertainty"),
    "newest": SuggestionQuery(order="newest"),
    "rejected, oldest": SuggestionQuery(statuses=("rejected",), order="id"),
}


@pytest.fixture
def catalog(tmp_path: Path) -> Iterator[Catalog]:
    """Four records; agent 1 proposed 40 tags, scores with ties and gaps (some without a score)."""
    catalog = Catalog(tmp_path / "catalog.sqlite")
    ids = [catalog.upsert(Record(identifier=f"r{i}", title=f"Work {i}")).record_id for i in range(4)]
    agent = catalog.suggestions.agent_row("k1", {"name": "tagger", "software": "t", "software_version": "1"})
    scores = [None if i % 9 == 4 else round((i * 7 % 10) / 10, 1) for i in range(40)]
    catalog.suggestions.add(agent.id, None, [], [
        NewSuggestion(record_id=ids[i % 4], basis=catalog.get(f"r{i % 4}").content_hash(), kind="tag",
                      value={"label": f"t{i}"}, label=f"t{i}", score=score)
        for i, score in enumerate(scores)])
    yield catalog
    catalog.close()


@pytest.mark.parametrize("name", PAGES)
def test_each_page_of_the_queue_reads_an_index_in_its_order(catalog: Catalog, name: str) -> None:
    plan = catalog.suggestions.plan(PAGES[name])
    assert not any("TEMP B-TREE" in step for step in plan), plan  # no sort of the whole queue
    assert all(step.startswith(("SEARCH", "SCAN s")) for step in plan), plan


def test_a_record_page_reads_its_suggestions_by_the_record_index(catalog: Catalog) -> None:
    for order in ("id", "score"):
        plan = catalog.suggestions.plan(SuggestionQuery(record_ids=(1,), order=order))
        assert "suggestions_record" in plan[0], plan
    few = catalog.suggestions.for_record(1)
    assert len(few) == 10 and {s.record_id for s in few} == {1}


def test_unscored_suggestions_come_last_by_score_and_first_lowest_first(catalog: Catalog) -> None:
    store = catalog.suggestions
    best = store.find(SuggestionQuery(limit=100))
    scores = [s.score for s in best]
    assert scores[-4:] == [None] * 4 and scores[:-4] == sorted(scores[:-4], reverse=True)  # type: ignore
    tied = [s.id for s in best if s.score == 0.7]
    assert tied == sorted(tied)  # ties oldest first
    lowest = store.find(SuggestionQuery(limit=100, order="score_asc"))
    assert [s.score for s in lowest[:4]] == [None] * 4
    tied = [s.id for s in lowest if s.score == 0.7]
    assert tied == sorted(tied, reverse=True)  # ties newest first: the index read backwards


@pytest.mark.parametrize("order", ORDERS)
def test_pages_follow_one_another_in_every_order(catalog: Catalog, order: str) -> None:
    store = catalog.suggestions
    whole = [s.id for s in store.find(SuggestionQuery(order=order, limit=100))]  # type: ignore[arg-type]
    paged = [s.id for offset in range(0, 40, 7) for s in store.find(
        SuggestionQuery(order=order, limit=7, offset=offset))]  # type: ignore[arg-type]
    assert paged == whole and len(whole) == 40


def test_a_count_can_stop_at_a_cap(catalog: Catalog) -> None:
    store = catalog.suggestions
    assert store.count(SuggestionQuery()) == 40
    assert store.count(SuggestionQuery(), at_most=11) == 11
    assert store.count(SuggestionQuery(), at_most=100) == 40
    assert store.count(SuggestionQuery(score_min=0.9), at_most=100) == 4
    assert store.count(SuggestionQuery(record_ids=(1, 2)), at_most=5) == 5


def _image_suggestions(catalog: Catalog) -> list[int]:
    """Two suggestions about the image of r0 (given the checksum "sha-a"), one about r0 itself."""
    image = catalog.images_of("r0")[0]
    catalog.set_image_file(image.id, local_path=None, width=10, height=10, sha256="sha-a")
    agent = catalog.suggestions.agent_row("k2", {"name": "faces", "software": "f", "software_version": "1"})
    catalog.suggestions.add(agent.id, None, [], [
        NewSuggestion(record_id=1, basis="sha-a", kind="face", value={}, label=f"face {i}", image_id=image.id,
                      region={"box": [i, 0, 2, 2]}) for i in range(2)])
    return [s.id for s in catalog.suggestions.find(SuggestionQuery(agent_ids=(agent.id,), order="id"))]


def test_staleness_follows_the_image_and_the_record(catalog: Catalog) -> None:
    catalog.upsert(Record(identifier="r0", title="Work 0", images=[ImageRef("a.jpg")]))  # now with an image
    store = catalog.suggestions
    on_image = _image_suggestions(catalog)
    on_record = [s.id for s in store.for_record(1) if not s.image_id]
    assert store.count(SuggestionQuery(stale=True)) == len(on_record)  # the record changed: it has an image
    image = catalog.images_of("r0")[0]
    catalog.set_image_file(image.id, local_path=None, width=10, height=10, sha256="sha-b")
    assert all(store.get(i).stale for i in on_image)
    catalog.set_image_file(image.id, local_path=None, width=10, height=10, sha256="sha-a")  # back as it was
    assert not any(store.get(i).stale for i in on_image)
    catalog.upsert(Record(identifier="r0", title="Work 0"))  # the image is gone; the record back as made
    assert all(store.get(i).stale for i in on_image)
    assert not any(store.get(i).stale for i in on_record)
    catalog.delete_record("r1")
    assert all(s.stale for s in store.for_record(2))


def test_a_suggestion_made_from_what_changed_meanwhile_starts_stale(catalog: Catalog) -> None:
    agent = catalog.suggestions.agent_row("k3", {"name": "late", "software": "l", "software_version": "1"})
    catalog.suggestions.add(agent.id, None, [], [
        NewSuggestion(record_id=2, basis="an older hash", kind="tag", value={"label": "x"}, label="x"),
        NewSuggestion(record_id=99, basis="a deleted record", kind="tag", value={"label": "y"}, label="y")])
    made = catalog.suggestions.find(SuggestionQuery(agent_ids=(agent.id,), order="id"))
    assert [s.stale for s in made] == [True, True]


def test_the_stale_filter_finds_and_counts_either_side(catalog: Catalog) -> None:
    store = catalog.suggestions
    record = catalog.get("r1")
    record.title = "Changed since"
    catalog.upsert(record)
    stale = store.find(SuggestionQuery(stale=True, limit=100))
    fresh = store.find(SuggestionQuery(stale=False, limit=100))
    assert {s.record_id for s in stale} == {2} and len(stale) == 10 and all(s.stale for s in stale)
    assert len(fresh) == 30 and not any(s.stale for s in fresh)
    assert store.count(SuggestionQuery(stale=True)) == 10 and store.count(SuggestionQuery(stale=False)) == 30
    assert store.count(SuggestionQuery(stale=False), at_most=25) == 25
    assert store.count(SuggestionQuery(stale=False, score_min=0.9), at_most=25) == 2  # of 4, 2 on r1
    assert "suggestions_stale" in store.plan(SuggestionQuery(stale=True, agent_ids=(1,)))[0]
