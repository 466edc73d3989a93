"""Tate's records (../shared/data/tate) as Linked Art: how many dimension texts give measurements, how
long `export_linked_art` takes, and whether every file passes the model's JSON Schemas.

Run from the repository root: PYTHONPATH=src .venv/bin/python scripts/linked_art_tate.py
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, "tests")
from linkedart import schema_validators, validate_any
from vitrine.collection import create_collection
from vitrine.exports.dimensions import parse_dimensions
from vitrine.exports.linked_art import export_linked_art
from vitrine.records import Record

SHARED = Path("../shared/data")


def tate_record(row: dict[str, Any]) -> Record:
    return Record(identifier=row["acno"], title=row.get("title"), date_text=row.get("dateText"),
                  creators=[c["fc"] for c in row.get("contributors") or []], medium=row.get("medium"),
                  dimensions=row.get("dimensions"), credit_line=row.get("creditLine"),
                  source_url=row.get("url"), object_type=row.get("classification"), source="Tate")


def main() -> None:
    with (SHARED / "tate" / "artworks.jsonl").open(encoding="utf-8") as lines:
        records = [tate_record(json.loads(line)) for line in lines]
    texts = [r.dimensions for r in records if r.dimensions]
    parsed = sum(1 for t in texts if parse_dimensions(t))
    print(f"dimensions: {parsed} of {len(texts)} texts give measurements ({parsed / len(texts):.1%})")
    with tempfile.TemporaryDirectory() as tmp:
        collection = create_collection(Path(tmp) / "tate", embedder="fake", index="memory")
        for record in records:
            collection.catalog.upsert(record)
        start, cpu = time.perf_counter(), time.process_time()
        count = export_linked_art(collection, Path(tmp) / "out", "http://localhost:8000")
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        print(f"export: {count} records in {wall:.1f} s wall, {cpu:.1f} s CPU ({count / wall:.0f} records/s)")
        validators = schema_validators(SHARED / "linked-art-schema")
        invalid = 0
        for path in (Path(tmp) / "out").rglob("*.json"):
            try:
                validate_any(validators, json.loads(path.read_text(encoding="utf-8")))
            except AssertionError as exc:
                invalid += 1
                print(path.name, str(exc)[:300])
        print(f"schemas: {invalid} of {count} files invalid")
        collection.close()


if __name__ == "__main__":
    main()
