"""vitrine export linked-art: one Linked Art file per record, valid against the model's schemas."""

from __future__ import annotations

import json
from pathlib import Path

from cli.conftest import Run
from linkedart import linked_art_schemas, validate_any
from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.collection import open_collection
from vitrine.suggestions import review
from vitrine.suggestions.run import run_agent


def test_export_linked_art_writes_a_valid_file_per_record(run: Run, demo_coll: str, data_dir: Path,
                                                          tmp_path: Path, shared_dir: Path) -> None:
    with open_collection(data_dir / demo_coll) as coll:
        run_agent(coll, "fake", options={"min_length": 3})  # the folder's titles: "img000"...
        first = coll.catalog.suggestions.find(SuggestionQuery(limit=1, order="id"))[0]
        review.decide(coll.catalog, first.id, "accept", actor="ed")
    out = tmp_path / "linked art"
    result = run("export", "linked-art", demo_coll, str(out), "--base-url", "https://museum.example/")
    assert "exported 8 records as Linked Art" in result.stderr
    files = sorted(out.glob("*.json"))
    assert [f.stem for f in files] == [f"img{i:03d}" for i in range(8)]
    schemas = linked_art_schemas(shared_dir)
    docs = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    for doc in docs + [json.loads(f.read_text(encoding="utf-8")) for f in (out / "visual").glob("*.json")]:
        validate_any(schemas, doc)
    assert docs[0]["id"] == "https://museum.example/records/img000"
    tagged = [d for d in docs if "shows" in d]
    assert len(tagged) == 1 and tagged[0]["id"].endswith(first.identifier or "?")
    # the plain `export` is what it was, and bad input is named
    assert json.loads(run("export", demo_coll).stdout.splitlines()[0])["identifier"] == "img000"
    bad = run("export", "linked-art", demo_coll, str(out), "--base-url", "museum.example", expect=1)
    assert "base URL must be the web app's http(s) address" in bad.output
    assert "linked-art" in run("export", "--help").output
