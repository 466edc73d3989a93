"""Suggestions and decisions as CSV and JSON Lines: every suggestion once, with provenance and decision."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from vitrine.catalog.suggestions import NewSuggestion, SuggestionQuery
from vitrine.collection import Collection
from vitrine.errors import VitrineError
from vitrine.exports.suggestions import COLUMNS, export_suggestions, suggestion_lines
from vitrine.suggestions import review
from vitrine.suggestions.run import run_agent

EVERY = SuggestionQuery(statuses=())


@pytest.fixture
def decided(fake_collection: Collection) -> Collection:
    """The fake agent's suggestions (two versions), one accepted, one edited, one rejected with a note."""
    run_agent(fake_collection, "fake", actor="ann")
    run_agent(fake_collection, "fake", options={"version": "2"}, actor="ann")
    catalog = fake_collection.catalog
    first, second, third = catalog.suggestions.ids(SuggestionQuery(order="id"), 3)
    review.decide(catalog, first, "accept", actor="ed")
    review.decide(catalog, second, "edit", actor="ed", value={"label": "Seascape"})
    review.decide(catalog, third, "reject", actor="bea", note="not in the picture")
    return fake_collection


def _export(collection: Collection, fmt: str, query: SuggestionQuery = EVERY) -> tuple[int, str]:
    out = io.StringIO()
    count = export_suggestions(collection.catalog, fmt, out, query)
    return count, out.getvalue()


def test_jsonl_carries_every_suggestion_once_with_provenance_and_decision(decided: Collection) -> None:
    catalog = decided.catalog
    count, text = _export(decided, "jsonl")
    rows = [json.loads(line) for line in text.splitlines()]
    stored = catalog.suggestions.ids(SuggestionQuery(statuses=(), order="id"), 10_000)
    assert count == len(rows) == len(stored) and [r["id"] for r in rows] == stored
    by_id = {r["id"]: r for r in rows}
    accepted, edited, rejected = (by_id[i] for i in stored[:3])
    assert accepted["decision"]["status"] == "accepted" and accepted["decision"]["decided_by"] == "ed"
    assert accepted["decision"]["decided_at"].endswith("+00:00")
    assert accepted["decision"]["final_value"] is None
    assert edited["decision"]["final_value"] == {"label": "Seascape"}
    assert edited["value"]["label"] != "Seascape"
    assert rejected["decision"]["note"] == "not in the picture"
    assert {r["agent"]["model_version"] for r in rows} == {"1", "2"}
    first = catalog.suggestions.get(stored[0])
    assert accepted["identifier"] == first.identifier and accepted["score"] == first.score
    assert accepted["agent"] == {"name": "fake", "software": "vitrine.suggestions.fake",
                                 "software_version": accepted["agent"]["software_version"],
                                 "model": "title words", "model_version": "1", "state_sha256": "",
                                 "parameters": {"min_length": 5}, "calibrated": False}
    assert rows[-1]["decision"] == {"status": "proposed", "decided_by": None, "decided_at": None,
                                    "note": None, "final_value": None}


def test_csv_has_flat_columns_with_json_values_and_reads_back(decided: Collection) -> None:
    count, text = _export(decided, "csv")
    _, jsonl = _export(decided, "jsonl")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == COLUMNS and count == len(rows)
    nested = [json.loads(line) for line in jsonl.splitlines()]
    for flat, row in zip(rows, nested, strict=True):
        assert int(flat["id"]) == row["id"] and flat["identifier"] == row["identifier"]
        assert json.loads(flat["value"]) == row["value"] and float(flat["score"]) == row["score"]
        assert json.loads(flat["agent_parameters"]) == row["agent"]["parameters"]
        assert flat["decision_status"] == row["decision"]["status"]
        final = row["decision"]["final_value"]
        assert (json.loads(flat["decision_final_value"]) if flat["decision_final_value"] else None) == final
    assert rows[0]["decision_decided_by"] == "ed" and rows[0]["region"] == "" and rows[0]["stale"] == "false"


def test_filters_and_pages_cover_every_row_once(decided: Collection) -> None:
    catalog = decided.catalog
    assert _export(decided, "jsonl", SuggestionQuery(statuses=("accepted", "edited")))[0] == 2
    assert _export(decided, "csv", SuggestionQuery(statuses=("rejected",)))[0] == 1
    agent_two = [a.id for a in catalog.suggestions.agents() if a.model_version == "2"]
    count = _export(decided, "jsonl", SuggestionQuery(statuses=(), agent_ids=tuple(agent_two)))[0]
    assert count == catalog.suggestions.count(SuggestionQuery(statuses=(), agent_ids=tuple(agent_two))) > 0
    paged = [s.id for s in catalog.suggestions.iter_all(EVERY, page=5)]  # pages of 5 across the ids
    assert paged == catalog.suggestions.ids(SuggestionQuery(statuses=(), order="id"), 10_000)
    with pytest.raises(VitrineError, match="unknown export format 'xml'"):
        next(suggestion_lines(catalog, "xml"))


def test_regions_deleted_records_and_formula_like_labels(fake_collection: Collection) -> None:
    catalog = fake_collection.catalog
    agent = catalog.suggestions.agent_row("k", {"name": "odd", "software": "tests", "software_version": "1"})
    record_id = catalog.record_id("r02")
    image = catalog.images_of("r02")[0]
    catalog.suggestions.add(agent.id, None, [], [
        NewSuggestion(record_id, "b", "tag", {"label": "=HYPERLINK()"}, "=HYPERLINK()", score=-0.5,
                      image_id=image.id, region={"box": [1, 2, 3, 4]})])
    catalog.delete_record("r02")
    rows: list[dict[str, Any]] = list(csv.DictReader(io.StringIO(_export(fake_collection, "csv")[1])))
    assert rows[0]["label"] == "'=HYPERLINK()" and rows[0]["score"] == "-0.5"  # a number, not a formula
    assert json.loads(rows[0]["region"]) == {"box": [1, 2, 3, 4]}
    assert rows[0]["identifier"] == "" and rows[0]["stale"] == "true"
    [row] = [json.loads(line) for line in _export(fake_collection, "jsonl")[1].splitlines()]
    assert row["label"] == "=HYPERLINK()" and row["identifier"] is None
    assert row["region"] == {"box": [1, 2, 3, 4]}
