"""`Catalog`: one collection's SQLite catalogue, composed of its parts by table family."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from vitrine.catalog.accounts import AccountStore
from vitrine.catalog.audit import AuditLog
from vitrine.catalog.concepts import ConceptStore
from vitrine.catalog.filters import Filtering
from vitrine.catalog.fulltext import FullText
from vitrine.catalog.gallery import GalleryStore
from vitrine.catalog.images import Images
from vitrine.catalog.imports import Imports
from vitrine.catalog.jobs import JobStore
from vitrine.catalog.migrations import MIGRATIONS, Migration, migrate
from vitrine.catalog.ocr import OcrStore
from vitrine.catalog.records import Records
from vitrine.catalog.sets import SetStore
from vitrine.catalog.suggestions import SuggestionStore
from vitrine.errors import CatalogError


class Catalog(Records, Images, FullText, Filtering, Imports):
    """SQLite catalogue of one collection. Safe to share across threads; writes are serialised.

    Opening brings the file's schema up to date (`vitrine.catalog.migrations`). Saved sets,
    accounts, the audit trail, the visitor gallery, machine suggestions, jobs, concepts and OCR words
    are reached as `catalog.sets`, `catalog.accounts`, `catalog.audit`, `catalog.gallery`,
    `catalog.suggestions`, `catalog.jobs`, `catalog.concepts` and `catalog.ocr`, since their method
    names would clash with the records'.
    """

    def __init__(self, path: Path | str, *, migrations: Sequence[Migration] = MIGRATIONS) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        try:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            migrate(self._db, self.path, migrations)
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise CatalogError(f"{self.path} cannot be opened as a catalogue: {exc}") from exc
        except BaseException:
            self._db.close()
            raise
        self.sets = SetStore(self._db, self._lock)
        self.accounts = AccountStore(self._db, self._lock)
        self.audit = AuditLog(self._db, self._lock)
        self.gallery = GalleryStore(self._db, self._lock)
        self.suggestions = SuggestionStore(self._db, self._lock)
        self.jobs = JobStore(self._db, self._lock)
        self.concepts = ConceptStore(self._db, self._lock)
        self.ocr = OcrStore(self._db, self._lock)

    def close(self) -> None:
        self._db.close()

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def stats(self) -> dict[str, int]:
        q = self._db.execute
        return {
            "records": int(q("SELECT count(*) FROM records").fetchone()[0]),
            "images": int(q("SELECT count(*) FROM images").fetchone()[0]),
            "images_failed": int(q("SELECT count(*) FROM images WHERE error IS NOT NULL").fetchone()[0]),
        }
