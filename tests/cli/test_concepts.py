"""`vitrine concept`: name, label, ask, train, save, list; bad input exits 1 with a clear message."""

from __future__ import annotations

import json

from vitrine.collection import open_collection

from .conftest import Run


def test_a_concept_from_new_to_a_saved_agent_run(run: Run, demo_coll: str, data_dir) -> None:  # type: ignore[no-untyped-def]
    with open_collection(data_dir / demo_coll) as coll:
        ids = [r.identifier for r in coll.catalog.iter_records()]
    run("concept", "new", "art", "red things", "--description", "mostly red")
    assert "label" in run("concept", "label", "art", "red things", ids[0], ids[1], "--positive").output
    asked = json.loads(run("concept", "ask", "art", "red things", "--n", "3", "--json").output)
    assert asked["strategy"] == "random" and "no model yet" in asked["note"] and len(asked["works"]) == 3
    out = run("concept", "label", "art", "red things", ",".join(ids[2:5]), "--negative").output
    assert "2 positive and 3 negative" in out
    asked = json.loads(run("concept", "ask", "art", "red things", "--n", "2", "--json").output)
    assert asked["strategy"] == "uncertainty" and {w["identifier"] for w in asked["works"]} <= set(ids[5:])
    trained = run("concept", "train", "art", "red things").output
    assert "on labels kept aside (cross-validation (2 folds))" in trained
    assert "saved as version 1" in run("concept", "save", "art", "red things").output
    assert "unchanged since version 1" in run("concept", "save", "art", "red things").output
    listed = json.loads(run("concept", "list", "art", "--json").output)
    assert listed[0]["name"] == "red things" and listed[0]["models"][0]["version"] == 1
    assert "red things" in run("concept", "list", "art").output
    run("suggest", "run", "art", "concept", "--option", "concept=red things")


def test_bad_input_is_refused_clearly(run: Run, demo_coll: str) -> None:
    refused = run("concept", "label", "art", "ship", "x", "--positive", expect=1).output
    assert "no concept named 'ship'" in refused
    run("concept", "new", "art", "ship")
    assert "not in the catalogue: 'nope'" in run("concept", "label", "art", "ship", "nope", "--negative",
                                                  expect=1).output
    assert "no labels yet" in run("concept", "train", "art", "ship", expect=1).output
    assert "exists already" in run("concept", "new", "art", "SHIP", expect=1).output
