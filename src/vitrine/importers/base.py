"""The import seam: a Source reads items (records or per-item errors); `run_import` writes them.

Sources are readers: they know a format, not the catalogue. The runner upserts each record,
counts what changed, keeps per-item errors for the final report, and stores the source's resume
cursor after every item, so an interrupted import (Ctrl-C, kill) continues where it stopped.
"""

from __future__ import annotations

import itertools
import logging
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from vitrine.collection import Collection
from vitrine.jobs.progress import ProgressCallback, Reporter
from vitrine.locking import writes
from vitrine.records import Record

log = logging.getLogger(__name__)

_BATCH = 200

"""Called with the number of items just handled."""


@dataclass(frozen=True)
class SourceItem:
    """One item a source read: a record, or the reason it could not be read.

    `item` names it for the error report (a file name, a row number, a URL). `cursor`, when set,
    is an opaque position from which `Source.read` can resume after this item.
    """

    item: str
    record: Record | None = None
    error: str | None = None
    cursor: str | None = None


class Source(ABC):
    """A place records come from."""

    kind: str = ""

    @abstractmethod
    def key(self) -> str:
        """Identifies the source across runs (an absolute path, a URL), for resuming."""

    @abstractmethod
    def read(self, cursor: str | None = None) -> Iterator[SourceItem]:
        """Items in a stable order, starting after `cursor` when given."""

    def total(self) -> int | None:
        """How many items `read` will yield, when cheap to know (for progress bars)."""
        return None


@dataclass
class ImportReport:
    """What an import did; `errors` lists (item, reason) for everything that failed."""

    source: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    resumed: bool = False
    errors: list[tuple[str, str]] = field(default_factory=list)
    removed_images: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged + self.failed


@writes("import")
def run_import(
    collection: Collection, source: Source, progress: ProgressCallback | None = None,
) -> ImportReport:
    """Read every item of `source` into the collection's catalogue; never stops on a bad item."""
    catalog = collection.catalog
    run = catalog.begin_import(source.key(), source.kind)
    if run.resumed:
        log.info("resuming the interrupted import of %s", source.key())
    report = ImportReport(source=source.key(), resumed=run.resumed)
    # as bulk loaders do: the facet pairs of the records added are counted at the end, in bulk
    catalog.defer_pair_counts()
    try:
        _read_batches(collection, run.id, source.read(run.cursor), report,
                      Reporter(progress, "import", source.total() if progress else None))
    except BaseException:
        # cut short (an error, Ctrl-C): the committed batches' records are counted now, so that the
        # facet pages do not stay on the slow path until some later import finishes
        catalog.settle_pair_counts()
        raise
    catalog.finish_import(run.id)
    for status, n in catalog.import_counts(run.id).items():
        setattr(report, status, n)
    report.errors = catalog.import_errors(run.id)
    return report


def _read_batches(
    collection: Collection, run_id: int, items: Iterator[SourceItem], report: ImportReport,
    reporter: Reporter,
) -> None:
    catalog = collection.catalog
    while True:
        # One transaction per batch: records, counts and the cursor land together or not at all,
        # so a kill between batches resumes exactly after the last committed item.
        with catalog.transaction():
            batch = list(itertools.islice(items, _BATCH))
            for item in batch:
                status = _write_item(collection, run_id, item, report)
                catalog.count_import(run_id, status)
                if item.cursor is not None:
                    catalog.save_cursor(run_id, item.cursor)
        if batch:
            reporter.advance(len(batch))
        if len(batch) < _BATCH:
            break


def _write_item(collection: Collection, run_id: int, item: SourceItem, report: ImportReport) -> str:
    if item.record is None:
        collection.catalog.add_import_error(run_id, item.item, item.error or "unreadable")
        return "failed"
    result = collection.catalog.upsert(item.record)
    report.removed_images.extend(result.removed_images)
    if result.removed_images and collection.vectors_key is not None:
        collection.index.remove(np.asarray(result.removed_images, dtype=np.int64))
    return result.status
