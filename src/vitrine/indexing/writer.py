"""Writer: vectors into the index, and into the catalogue which images are done or failed."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from vitrine.collection import Collection
from vitrine.indexing.mapper import Mapped
from vitrine.indexing.reader import FileInfo

_SAVE_EVERY_S = 30.0


@dataclass
class IndexReport:
    """What an indexing run did; `errors` lists (image location, reason)."""

    embedded: int = 0
    failed: int = 0
    seconds: float = 0.0
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.embedded / self.seconds if self.seconds else 0.0


class Writer:
    """Adds vectors to the index; marks images done in the catalogue only after a durable save.

    So an interrupted run loses at most the unsaved tail, and the catalogue never claims vectors
    the index does not hold.
    """

    def __init__(self, collection: Collection, report: IndexReport) -> None:
        self.collection = collection
        self.key = collection.embedder.key
        self.report = report
        self.unsaved: list[tuple[int, FileInfo]] = []
        # Chunks never share an image, so a chunk's smallest id names it: one that a retried task
        # delivered twice is written once (an int per chunk, not per image, is kept).
        self.chunks_seen: set[int] = set()
        self.last_save = time.monotonic()

    def write(self, mapped: Mapped) -> None:
        """Record a chunk's failures now and its vectors in the index (saved every so often)."""
        catalog = self.collection.catalog
        key = min([*mapped.ids, *(f.image_id for f in mapped.failed)], default=None)
        if key is None or key in self.chunks_seen:
            return
        self.chunks_seen.add(key)
        for failed in mapped.failed:
            catalog.set_image_error(failed.image_id, failed.reason)
            self.report.errors.append((failed.location, failed.reason))
            self.report.failed += 1
        if not mapped.ids:
            return
        assert mapped.vectors is not None, "embed the chunk before writing it"
        self.collection.index.add(np.asarray(mapped.ids, np.int64), mapped.vectors)
        self.unsaved.extend(zip(mapped.ids, mapped.infos, strict=True))
        self.report.embedded += len(mapped.ids)
        if time.monotonic() - self.last_save > _SAVE_EVERY_S:
            self.flush()

    def flush(self) -> None:
        """Save the index, then mark what it now holds as embedded, in one transaction."""
        if not self.unsaved:
            return
        self.collection.save_index()
        catalog = self.collection.catalog
        with catalog.transaction():
            for image_id, info in self.unsaved:
                catalog.set_image_file(
                    image_id, local_path=info.local_path, width=info.width, height=info.height,
                    sha256=info.sha256, source_stamp=info.source_stamp)
            catalog.mark_embedded([i for i, _ in self.unsaved], self.key)
        self.unsaved.clear()
        self.last_save = time.monotonic()
