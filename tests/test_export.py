"""Export to CSV and JSON Lines: every field, creators joined, extra fields, image locations."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from vitrine.errors import VitrineError
from vitrine.exports.records import export_records
from vitrine.jobs import Progress
from vitrine.records import Record


def test_csv_has_every_field_and_extra_columns(fake_collection: Any) -> None:
    fake_collection.catalog.upsert(Record(
        identifier="z-odd", title='Comma, "quotes"\nand newline', creators=["Ä", "B"],
        extra={"tags": ["a", "b"], "museum": "West"}))
    out = io.StringIO()
    calls: list[Progress] = []
    assert export_records(fake_collection, "csv", out, progress=calls.append) == 13
    assert [p.done for p in calls] == list(range(14)) and {p.total for p in calls} == {13}
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 13
    assert list(rows[0])[:3] == ["identifier", "title", "creators"]
    assert {"museum", "inventory", "tags"} <= set(rows[0])
    first = rows[0]
    assert first["identifier"] == "r00" and first["creators"] == "Bruno Engraver; Carla Studio"
    assert first["images"].count(" | ") == 1 and first["images"].endswith("img000-back.png")
    assert first["year_min"] == "1600" and first["museum"] == "North" and first["tags"] == ""
    odd = rows[-1]
    assert odd["title"] == 'Comma, "quotes"\nand newline' and odd["creators"] == "Ä; B"
    assert json.loads(odd["tags"]) == ["a", "b"]


def test_jsonl_nests_extra_and_images(fake_collection: Any) -> None:
    out = io.StringIO()
    assert export_records(fake_collection, "jsonl", out) == 12
    lines = out.getvalue().splitlines()
    assert len(lines) == 12
    first = json.loads(lines[0])
    assert first["identifier"] == "r00" and first["creators"] == ["Bruno Engraver", "Carla Studio"]
    assert first["extra"] == {"museum": "North", "inventory": "INV-0"}
    assert len(first["images"]) == 2 and first["images"][0]["location"].endswith("img000.png")
    assert first["images"][0]["sha256"]  # filled in by indexing


def test_unknown_format_is_refused(fake_collection: Any) -> None:
    with pytest.raises(VitrineError, match="unknown export format"):
        export_records(fake_collection, "xml", io.StringIO())
