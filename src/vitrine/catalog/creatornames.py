"""The creator filter as an index lookup: every creator name once, in an FTS5 trigram index.

The creator filter is a substring match (`name LIKE '%text%'`), which no ordinary index answers: it
read every creator row, about a million at a million records, once for each facet of a filtered page.
Migration 12 keeps each distinct name once in `creator_names` (added by a trigger when a record first
names it) and indexes them with FTS5's trigram tokenizer, which answers LIKE from the index for a
pattern of three characters or more and checks each candidate with LIKE itself, so the names found
are exactly those LIKE finds. `creator_clause` then reaches the records through those names. Names
no record uses any more stay in the table and simply match no record. Text shorter than three
characters, or holding a LIKE wildcard or the escape character, is matched row by row as before.
"""

from __future__ import annotations

import sqlite3

V12_SCRIPT = """
CREATE TABLE IF NOT EXISTS creator_names (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE VIRTUAL TABLE IF NOT EXISTS creator_trigrams USING fts5(
    name, content = 'creator_names', content_rowid = 'id', tokenize = 'trigram');
INSERT OR IGNORE INTO creator_names (name) SELECT DISTINCT name FROM record_creators;
INSERT INTO creator_trigrams (creator_trigrams) VALUES ('rebuild');
CREATE TRIGGER IF NOT EXISTS creator_names_added AFTER INSERT ON creator_names BEGIN
    INSERT INTO creator_trigrams (rowid, name) VALUES (NEW.id, NEW.name);
END;
CREATE TRIGGER IF NOT EXISTS creator_names_named AFTER INSERT ON record_creators BEGIN
    INSERT OR IGNORE INTO creator_names (name) VALUES (NEW.name);
END;
"""

_ROW_BY_ROW = "r.id IN (SELECT record_id FROM record_creators WHERE name LIKE ? ESCAPE '\\')"
_PER_ROW = "EXISTS (SELECT 1 FROM record_creators WHERE record_id = r.id AND name LIKE ? ESCAPE '\\')"
# The names found by trigram are exactly those LIKE finds (FTS5 checks each candidate with LIKE);
# the records come from them through the (case-blind) index of record_creators' names.
_BY_INDEX = ("r.id IN (SELECT c.record_id FROM record_creators c WHERE c.name COLLATE NOCASE IN"
             " (SELECT name FROM creator_trigrams WHERE name LIKE ?) AND c.name LIKE ?)")


def creator_clause(text: str, per_row: bool = False) -> tuple[str, list[str]]:
    """A condition on `records r`: a creator's name holds `text` (LIKE, ASCII case-blind), with
    its parameters. `per_row`: look the record's creators up (for a few rows)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if per_row:
        return _PER_ROW, [f"%{escaped}%"]
    if len(text) < 3 or escaped != text:
        return _ROW_BY_ROW, [f"%{escaped}%"]
    return _BY_INDEX, [f"%{text}%", f"%{text}%"]


def creator_names(db: sqlite3.Connection, text: str, limit: int) -> list[str] | None:
    """The distinct creator names holding `text` (as `creator_clause` matches them), or None when
    more than `limit` do (or the text is matched row by row: too short, or holding a wildcard)."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if len(text) < 3 or escaped != text:
        return None
    names = [str(r[0]) for r in db.execute(
        "SELECT name FROM creator_trigrams WHERE name LIKE ? LIMIT ?", (f"%{text}%", limit + 1))]
    return None if len(names) > limit else names
