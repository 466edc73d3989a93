"""The catalogue: records, their images, full-text search, import bookkeeping and saved sets, in SQLite.

One module per table family (`records`, `images`, `fulltext`, `filters`, `imports`, `sets`),
composed into `Catalog` in `store`; the schema is the numbered steps of `migrations`.
"""

from __future__ import annotations

from vitrine.catalog.fulltext import fts_query
from vitrine.catalog.imports import ImportRun
from vitrine.catalog.migrations import SCHEMA_VERSION
from vitrine.catalog.records import UpsertResult
from vitrine.catalog.store import Catalog

__all__ = ["SCHEMA_VERSION", "Catalog", "ImportRun", "UpsertResult", "fts_query"]
