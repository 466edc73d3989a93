"""The collection as a reconciliation service: works, makers with their accepted links, subjects."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.errors import NotFound, ReconcileQueryError
from vitrine.reconcile import service
from vitrine.suggestions.review import decide
from vitrine.suggestions.run import run_agent

from .test_reconcile import HEADER, ROWS


def test_accepted_links_and_tags_join_the_service(fake_collection: Any, tmp_path: Path) -> None:
    before = service.reconcile(fake_collection, {"q": {"query": "Anna Painter", "type": "person"}})
    anna = before["q"]["result"][0]
    assert anna["name"] == "Anna Painter" and service.entity(fake_collection, anna["id"]).same_as == ()
    authority = fake_collection.root / "constituents.csv"
    authority.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    run_agent(fake_collection, "authority", options={"authority": str(authority)})
    run_agent(fake_collection, "fake")
    catalog = fake_collection.catalog
    link = next(s for s in catalog.suggestions.find(SuggestionQuery(kinds=("link",), limit=50))
                if s.value["text"] == "Anna Painter")
    decide(catalog, link.id, "accept", actor="ed")
    tag = catalog.suggestions.find(SuggestionQuery(kinds=("tag",), limit=1))[0]
    decide(catalog, tag.id, "accept", actor="ed")
    person = service.entity(fake_collection, anna["id"])
    assert person.same_as == (link.value["uri"],)  # the index was rebuilt after the decision
    subjects = service.reconcile(fake_collection, {"s": {"query": tag.value["label"], "type": "subject"}})
    assert subjects["s"]["result"][0]["name"] == tag.value["label"]
    suggested = service.suggest(fake_collection, "entity", tag.value["label"][:3])
    assert any(s["notable"][0]["id"] == "subject" for s in suggested)


def test_queries_are_checked(fake_collection: Any) -> None:
    with pytest.raises(ReconcileQueryError, match="'q'"):
        service.parse_batch('{"q": {"query": ""}}')
    with pytest.raises(ReconcileQueryError, match="needs a year"):
        service.reconcile(fake_collection,
                          {"q": {"query": "Anna", "properties": [{"pid": "year", "v": "soon"}]}})
    years = service.reconcile(fake_collection, {"q": {"query": "Anna Painter",
                                                      "properties": [{"pid": "birth", "v": ["1580"]}]}})
    assert years["q"]["result"]
    with pytest.raises(NotFound):
        service.entity(fake_collection, "work:nope")


def test_the_served_index_follows_an_undo_then_another_acceptance(fake_collection: Any) -> None:
    """SQLite reuses the id an undo frees: the cache's stamp must still move (the audit row does)."""
    from vitrine.suggestions.review import undo

    c = fake_collection
    run_agent(c, "fake", actor="t")
    a, b, other = c.catalog.suggestions.find(SuggestionQuery(limit=3, order="id"))
    for s in (a, b):
        decide(c.catalog, s.id, "accept", actor="t", revision=s.revision)
    service.collection_index(c)  # cached
    undo(c.catalog, b.id, actor="t")
    decide(c.catalog, other.id, "accept", actor="t", revision=other.revision)
    served = {e.name for e in service.collection_index(c).authority.entities.values() if e.kind == "subject"}
    assert served == {x.label for x in c.catalog.suggestions.accepted_of(("tag",))}
