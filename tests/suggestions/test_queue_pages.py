"""Queue pages at scale: each page order is read from an index, pages follow one another, counts stop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from vitrine.catalog import Catalog
from vitrine.catalog.suggestions import ORDERS, NewSuggestion, SuggestionQuery
from vitrine.records import Record

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
