"""The CLI on a catalogue it cannot read: one clear line, exit status 1."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from vitrine.catalog import SCHEMA_VERSION

Run = Callable[..., Result]


def test_a_catalogue_from_a_newer_vitrine_is_a_one_line_error(run: Run, data_dir: Path) -> None:
    run("collection", "create", "books", "--embedder", "fake", "--index", "memory")
    with sqlite3.connect(data_dir / "books" / "catalog.sqlite") as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    out = run("collection", "stats", "books", expect=1).output
    assert out.strip().splitlines() == [
        f"Error: {data_dir / 'books' / 'catalog.sqlite'} was written by a newer vitrine (schema 99,"
        f" this version knows up to {SCHEMA_VERSION}); upgrade vitrine"]
