"""How long the IIIF manifest of one record takes, and how big it is, with N proposed suggestions.

    PYTHONPATH=src .venv/bin/python scripts/measure_iiif_manifest.py

One record with one 64 x 64 image gets N box suggestions; the staff view of its manifest (every
suggestion as an annotation) is built five times; the median time and the JSON size are printed.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from PIL import Image

from vitrine.catalog.suggestions import NewSuggestion
from vitrine.collection import create_collection
from vitrine.exports.iiif import record_manifest_of
from vitrine.indexing import index_collection
from vitrine.records import ImageRef, Record


def main() -> None:
    root = Path(tempfile.mkdtemp())
    Image.new("RGB", (64, 64), (200, 120, 40)).save(root / "a.png")
    collection = create_collection(root / "coll", embedder="fake", index="memory")
    collection.catalog.upsert(Record(identifier="r1", title="One", images=[ImageRef(str(root / "a.png"))]))
    index_collection(collection, workers=1)
    store = collection.catalog.suggestions
    agent = store.agent_row("measure", {"name": "measure", "software": "measure", "software_version": "1"})
    image = collection.catalog.images_of("r1")[0]
    record_id = collection.catalog.record_id("r1")
    have = 0
    for n in (10, 100, 1000, 5000):
        store.add(agent.id, None, [], [NewSuggestion(
            record_id, image.sha256 or "", "tag", {"label": f"t{i}"}, f"t{i}", 0.5, image_id=image.id,
            region={"box": [1, 1, 5, 5]}) for i in range(have, n)])
        have = n
        times = []
        for _ in range(5):
            start = time.perf_counter()
            doc = record_manifest_of(collection, "r1", "https://museum.example/", staff=True)
            times.append(time.perf_counter() - start)
        print(f"{n} suggestions: {sorted(times)[2] * 1000:.1f} ms, {len(json.dumps(doc)) / 1024:.0f} KiB")
    collection.close()


if __name__ == "__main__":
    main()
