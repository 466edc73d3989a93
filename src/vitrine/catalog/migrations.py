"""The catalogue's schema as numbered migrations, applied in order when a catalogue is opened.

The version a file holds is `meta.schema_version` (catalogues written before migrations say '1').
Every missing migration runs inside one transaction with the new version, so a failure leaves the
file as it was. A file newer than this code is refused rather than misread.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from vitrine.catalog.creatornames import V12_SCRIPT
from vitrine.catalog.facetcounts import V9_SCRIPT
from vitrine.catalog.facetlog import V14_SCRIPT
from vitrine.catalog.facetpairs import V11_SCRIPT, V13_SCRIPT
from vitrine.errors import SchemaError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Migration:
    """One step of the schema: an SQL script run once, in order, by `migrate`."""

    version: int
    summary: str
    script: str

    def apply(self, db: sqlite3.Connection) -> None:
        for statement in _statements(self.script):
            db.execute(statement)


_SAVED_SETS = """CREATE TABLE IF NOT EXISTS saved_sets (
    name TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    query TEXT,
    method TEXT,
    positives TEXT NOT NULL DEFAULT '[]',
    negatives TEXT NOT NULL DEFAULT '[]',
    identifiers TEXT NOT NULL DEFAULT '[]',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
"""

# Migration 1 is the schema of the releases before migrations, as they wrote it.
_V1_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY,
    identifier TEXT NOT NULL UNIQUE,
    source TEXT,
    title TEXT,
    creators TEXT NOT NULL DEFAULT '[]',
    date_text TEXT,
    year_min INTEGER,
    year_max INTEGER,
    object_type TEXT,
    medium TEXT,
    dimensions TEXT,
    credit_line TEXT,
    rights TEXT,
    source_url TEXT,
    extra TEXT NOT NULL DEFAULT '{}',
    content_hash TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS records_years ON records (year_min, year_max);
CREATE INDEX IF NOT EXISTS records_type ON records (object_type COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS records_source ON records (source);
CREATE TABLE IF NOT EXISTS record_creators (
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS record_creators_name ON record_creators (name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS record_creators_record ON record_creators (record_id);
CREATE TABLE IF NOT EXISTS images (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    location TEXT NOT NULL,
    label TEXT,
    local_path TEXT,
    width INTEGER,
    height INTEGER,
    sha256 TEXT,
    source_stamp TEXT,
    error TEXT,
    embedded_sha256 TEXT,
    embedder TEXT,
    UNIQUE (record_id, location)
);
CREATE INDEX IF NOT EXISTS images_record ON images (record_id);
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts USING fts5(
    title, creators, object_type, medium, date_text, other,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,
    cursor TEXT,
    added INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS import_errors (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    reason TEXT NOT NULL
);
""" + _SAVED_SETS

# Catalogues written before saved sets existed also say schema 1 but lack `saved_sets`, which the
# releases since then created on every open; from here on only this migration creates it. The
# index serves `add_import_error`, which deletes an item's earlier error before writing it: without
# it, each failed item of an import scanned every error of every run.
_V2_SCRIPT = _SAVED_SETS + """
CREATE INDEX IF NOT EXISTS import_errors_item ON import_errors (import_id, item);
"""

# Staff accounts, their browser sessions and API tokens (secrets stored as SHA-256 only; passwords
# as argon2id hashes), and the append-only audit trail of what staff did. Saved sets get an owner
# (NULL: made before accounts, kept visible to staff) and a shared flag.
_V3_SCRIPT = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    id_sha256 TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    created_at REAL NOT NULL,
    seen_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions (user_id);
CREATE TABLE IF NOT EXISTS api_tokens (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    scope TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL UNIQUE,
    created_at REAL NOT NULL,
    last_used_at REAL,
    revoked_at REAL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL DEFAULT '',
    before TEXT,
    after TEXT,
    address TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
CREATE INDEX IF NOT EXISTS audit_actor ON audit (actor, at);
CREATE TRIGGER IF NOT EXISTS audit_append_only_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_append_only_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
ALTER TABLE saved_sets ADD COLUMN owner TEXT;
ALTER TABLE saved_sets ADD COLUMN shared INTEGER NOT NULL DEFAULT 0;
"""

# The visitor gallery moves from JSON files into the catalogue, so that a moderator's decision and
# its audit row are one transaction. The photos stay files under gallery/ (see visitor/gallery.py).
_V4_SCRIPT = """
CREATE TABLE IF NOT EXISTS gallery (
    id TEXT PRIMARY KEY,
    identifier TEXT NOT NULL,
    image_id INTEGER,
    title TEXT,
    created_at REAL NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved')),
    flagged INTEGER NOT NULL DEFAULT 0,
    screen TEXT,
    token_sha256 TEXT NOT NULL,
    photo_sha256 TEXT NOT NULL,
    decided_by TEXT,
    decided_at REAL
);
CREATE INDEX IF NOT EXISTS gallery_state ON gallery (state, created_at);
CREATE UNIQUE INDEX IF NOT EXISTS gallery_photo_work ON gallery (photo_sha256, identifier);
"""

# Failed logins, per account name and per client address, shared by every worker serving the
# collection (a per-worker count let N workers allow N times the attempts).
_V5_SCRIPT = """
CREATE TABLE IF NOT EXISTS login_failures (key TEXT NOT NULL, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS login_failures_key ON login_failures (key, at);
"""

# Machine suggestions kept apart from curated data (a machine proposes, a person decides):
# the agents that made them (one row per version), the suggestions with their provenance and review
# state, what each agent has looked at (so a re-run adds nothing), the accepted values with their
# provenance, and jobs. Suggestions name their record by id without a foreign key: a record deleted
# since leaves its suggestions, which read as stale, never applied to another record.
# The queue's indexes hold each page order the review queue offers (by score, by uncertainty), for
# the whole queue, one agent version or one kind, so that a page of a queue of millions reads its
# own rows (`vitrine bench review`); the row id that ends every index orders ties. Whether a
# suggestion is stale (its record or image changed or went since it was made) is kept by triggers
# on records and images, whatever writes them, so a filter on it reads a column, not two joins a row.
# The full-text table gains a `curated` column for accepted tags, classes, entities and links.
_V6_SCRIPT = """
CREATE TABLE IF NOT EXISTS agents (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    software TEXT NOT NULL,
    software_version TEXT NOT NULL,
    model TEXT NOT NULL DEFAULT '',
    model_version TEXT NOT NULL DEFAULT '',
    state_sha256 TEXT NOT NULL DEFAULT '',
    parameters TEXT NOT NULL DEFAULT '{}',
    calibrated INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    agent TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',
    scope TEXT NOT NULL DEFAULT '{}',
    state TEXT NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled', 'interrupted')),
    started_by TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    heartbeat_at REAL,
    total INTEGER,
    done INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    made INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    pid INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_state ON jobs (state, created_at);
CREATE TABLE IF NOT EXISTS job_errors (
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    item TEXT NOT NULL,
    message TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS job_errors_job ON job_errors (job_id);
CREATE TABLE IF NOT EXISTS suggestions (
    id INTEGER PRIMARY KEY,
    agent_id INTEGER NOT NULL REFERENCES agents(id),
    job_id INTEGER,
    record_id INTEGER NOT NULL,
    image_id INTEGER NOT NULL DEFAULT 0,
    basis TEXT NOT NULL,
    region TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    label TEXT NOT NULL,
    score REAL,
    probability REAL,
    created_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'proposed'
        CHECK (status IN ('proposed', 'accepted', 'edited', 'rejected')),
    revision INTEGER NOT NULL DEFAULT 0,
    decided_by TEXT,
    decided_at REAL,
    note TEXT NOT NULL DEFAULT '',
    final_value TEXT,
    assignee TEXT,
    stale INTEGER NOT NULL DEFAULT 0,
    UNIQUE (agent_id, record_id, image_id, basis, kind, region, label)
);
CREATE INDEX IF NOT EXISTS suggestions_queue ON suggestions (status, score DESC);
CREATE INDEX IF NOT EXISTS suggestions_agent ON suggestions (agent_id, status, score DESC);
CREATE INDEX IF NOT EXISTS suggestions_kind ON suggestions (kind, status, score DESC);
CREATE INDEX IF NOT EXISTS suggestions_doubt
    ON suggestions (status, abs(coalesce(probability, score, 0.5) - 0.5));
CREATE INDEX IF NOT EXISTS suggestions_agent_doubt
    ON suggestions (agent_id, status, abs(coalesce(probability, score, 0.5) - 0.5));
CREATE INDEX IF NOT EXISTS suggestions_kind_doubt
    ON suggestions (kind, status, abs(coalesce(probability, score, 0.5) - 0.5));
CREATE INDEX IF NOT EXISTS suggestions_record ON suggestions (record_id, image_id, kind, label);
CREATE INDEX IF NOT EXISTS suggestions_assignee ON suggestions (assignee, status);
CREATE INDEX IF NOT EXISTS suggestions_stale ON suggestions (status, score DESC) WHERE stale = 1;
CREATE TRIGGER IF NOT EXISTS suggestions_record_changed AFTER UPDATE OF content_hash ON records
WHEN OLD.content_hash IS NOT NEW.content_hash BEGIN
    UPDATE suggestions SET stale = (basis IS NOT NEW.content_hash)
        WHERE record_id = NEW.id AND image_id = 0;
END;
CREATE TRIGGER IF NOT EXISTS suggestions_record_deleted AFTER DELETE ON records BEGIN
    UPDATE suggestions SET stale = 1 WHERE record_id = OLD.id;
END;
CREATE TRIGGER IF NOT EXISTS suggestions_image_changed AFTER UPDATE OF sha256 ON images
WHEN OLD.sha256 IS NOT NEW.sha256 BEGIN
    UPDATE suggestions SET stale = (basis IS NOT NEW.sha256)
        WHERE record_id = NEW.record_id AND image_id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS suggestions_image_deleted AFTER DELETE ON images BEGIN
    UPDATE suggestions SET stale = 1 WHERE record_id = OLD.record_id AND image_id = OLD.id;
END;
CREATE TABLE IF NOT EXISTS agent_inputs (
    agent_id INTEGER NOT NULL REFERENCES agents(id),
    target TEXT NOT NULL,
    basis TEXT NOT NULL,
    at REAL NOT NULL,
    PRIMARY KEY (agent_id, target, basis)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS assertions (
    id INTEGER PRIMARY KEY,
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    image_id INTEGER NOT NULL DEFAULT 0,
    region TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    value TEXT NOT NULL,
    label TEXT NOT NULL,
    suggestion_id INTEGER UNIQUE REFERENCES suggestions(id),
    accepted_by TEXT NOT NULL,
    accepted_at REAL NOT NULL,
    edited INTEGER NOT NULL DEFAULT 0,
    prior_years TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS assertions_record ON assertions (record_id);
CREATE INDEX IF NOT EXISTS assertions_label ON assertions (kind, label COLLATE NOCASE);
CREATE VIRTUAL TABLE IF NOT EXISTS records_fts_v6 USING fts5(
    title, creators, object_type, medium, date_text, other, curated,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO records_fts_v6 (rowid, title, creators, object_type, medium, date_text, other)
    SELECT rowid, title, creators, object_type, medium, date_text, other FROM records_fts;
DROP TABLE records_fts;
ALTER TABLE records_fts_v6 RENAME TO records_fts;
"""

# Concepts taught from examples (`vitrine.concepts`): an editor's labels per record, and the
# classifiers saved from them, each a version whose state file's digest is its agent's version.
_V7_SCRIPT = """
CREATE TABLE IF NOT EXISTS concepts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS concept_labels (
    concept_id INTEGER NOT NULL REFERENCES concepts(id) ON DELETE CASCADE,
    record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
    positive INTEGER NOT NULL CHECK (positive IN (0, 1)),
    labelled_by TEXT NOT NULL,
    labelled_at REAL NOT NULL,
    PRIMARY KEY (concept_id, record_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS concept_models (
    id INTEGER PRIMARY KEY,
    concept_id INTEGER NOT NULL REFERENCES concepts(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    embedder TEXT NOT NULL,
    labels INTEGER NOT NULL,
    positives INTEGER NOT NULL,
    estimate TEXT NOT NULL DEFAULT '{}',
    saved_by TEXT NOT NULL,
    saved_at REAL NOT NULL,
    UNIQUE (concept_id, version)
);
"""

# Text read by OCR (`vitrine.ocr`, the `ocr` agent): each page's words with their boxes and
# confidences, and the page text searchable with full text, machine-read or not. A `text` suggestion
# on an image whose value carries `words` ([text, x, y, w, h, confidence, line] in the image's pixels)
# has them moved into `ocr_words` as it is stored (the value keeps the text, so the review queue and
# an accepted value stay small); `ocr_fts` holds each page's current text (the accepted or edited
# text once decided, none once rejected). Triggers keep both, whatever writes the suggestions.
_V8_SCRIPT = """
CREATE TABLE IF NOT EXISTS ocr_words (
    suggestion_id INTEGER NOT NULL REFERENCES suggestions(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    line INTEGER NOT NULL,
    text TEXT NOT NULL,
    x REAL NOT NULL,
    y REAL NOT NULL,
    w REAL NOT NULL,
    h REAL NOT NULL,
    confidence REAL NOT NULL,
    PRIMARY KEY (suggestion_id, n)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS ocr_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO ocr_fts (rowid, text)
    SELECT id, json_extract(coalesce(final_value, value), '$.text') FROM suggestions
    WHERE kind = 'text' AND image_id != 0 AND status != 'rejected';
CREATE TRIGGER IF NOT EXISTS ocr_text_added AFTER INSERT ON suggestions
WHEN NEW.kind = 'text' AND NEW.image_id != 0 BEGIN
    INSERT INTO ocr_fts (rowid, text) VALUES (NEW.id, json_extract(NEW.value, '$.text'));
    INSERT INTO ocr_words (suggestion_id, n, line, text, x, y, w, h, confidence)
        SELECT NEW.id, key, json_extract(value, '$[6]'), json_extract(value, '$[0]'),
               json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
               json_extract(value, '$[4]'), json_extract(value, '$[5]')
        FROM json_each(NEW.value, '$.words');
    UPDATE suggestions SET value = json_remove(value, '$.words')
        WHERE id = NEW.id AND json_type(NEW.value, '$.words') IS NOT NULL;
END;
CREATE TRIGGER IF NOT EXISTS ocr_text_decided AFTER UPDATE OF status, final_value ON suggestions
WHEN NEW.kind = 'text' AND NEW.image_id != 0 BEGIN
    DELETE FROM ocr_fts WHERE rowid = NEW.id;
    INSERT INTO ocr_fts (rowid, text)
        SELECT NEW.id, json_extract(coalesce(NEW.final_value, NEW.value), '$.text')
        WHERE NEW.status != 'rejected';
END;
CREATE TRIGGER IF NOT EXISTS ocr_text_deleted AFTER DELETE ON suggestions WHEN OLD.kind = 'text' BEGIN
    DELETE FROM ocr_fts WHERE rowid = OLD.id;
    DELETE FROM ocr_words WHERE suggestion_id = OLD.id;
END;
"""


_V10_SCRIPT = """
CREATE TABLE IF NOT EXISTS change_counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
INSERT OR IGNORE INTO change_counters VALUES ('records', 0), ('assertions', 0);
""" + "".join(
    f"""CREATE TRIGGER IF NOT EXISTS {table}_{event.lower()}_counted AFTER {event} ON {table} BEGIN
    UPDATE change_counters SET n = n + 1 WHERE name = '{table}';
END;
""" for table in ("records", "assertions") for event in ("INSERT", "UPDATE", "DELETE"))

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "records, images, full text, import runs, saved sets", _V1_SCHEMA),
    Migration(2, "saved sets in every catalogue; index import errors by run and item", _V2_SCRIPT),
    Migration(3, "staff accounts, sessions, API tokens, the audit trail; owners of saved sets", _V3_SCRIPT),
    Migration(4, "the visitor gallery in the catalogue, with its moderation state", _V4_SCRIPT),
    Migration(5, "failed logins shared by every worker", _V5_SCRIPT),
    Migration(6, "machine suggestions with provenance, accepted values, jobs; curated full text", _V6_SCRIPT),
    Migration(7, "concepts taught from examples: their labels and saved classifiers", _V7_SCRIPT),
    Migration(8, "OCR: words with boxes and confidences; page text searchable with full text", _V8_SCRIPT),
    Migration(9, "facet counts kept by triggers; accepted values' facets read from an index", V9_SCRIPT),
    Migration(10, "change counters of records and accepted values, kept by triggers", _V10_SCRIPT),
    Migration(11, "facet counts by pairs (one filter x one facet), kept by triggers", V11_SCRIPT),
    Migration(12, "creator names in a trigram index: the creator filter is an index lookup", V12_SCRIPT),
    Migration(13, "pair counts deferred during an import and settled in bulk at its end", V13_SCRIPT),
    Migration(14, "a log of changed records, kept by triggers: the facet columns are patched from it",
              V14_SCRIPT),
)
SCHEMA_VERSION = MIGRATIONS[-1].version


def migrate(db: sqlite3.Connection, path: Path, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Apply the migrations the catalogue at `path` lacks, all or none; returns its version before.

    `db` must be in autocommit mode (isolation_level=None) with no transaction open.
    """
    _check_numbering(migrations)
    latest = len(migrations)
    found = schema_version(db, path, latest)
    if found == latest:
        return found
    db.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated the file meanwhile.
        found = schema_version(db, path, latest)
        for migration in migrations[found:]:
            _apply(db, path, migration)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(latest),))
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    if found:
        log.info("migrated %s from schema %d to %d", path, found, latest)
    return found


def schema_version(db: sqlite3.Connection, path: Path, latest: int = SCHEMA_VERSION) -> int:
    """The schema version of the catalogue: 0 for a new file; refuses one newer than `latest`."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone() is None:
        return 0
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None:
        # Tables made but no version written (the old code wrote it last): migration 1 only
        # creates what is missing, so running it again is safe.
        return 0
    try:
        version = int(row[0])
    except ValueError:
        raise SchemaError(f"{path} holds an unreadable schema version {row[0]!r}") from None
    if version > latest:
        raise SchemaError(
            f"{path} was written by a newer vitrine (schema {version}, this version knows up to"
            f" {latest}); upgrade vitrine")
    return version


def _apply(db: sqlite3.Connection, path: Path, migration: Migration) -> None:
    try:
        migration.apply(db)
    except sqlite3.Error as exc:
        raise SchemaError(
            f"migrating {path} to schema {migration.version} ({migration.summary}) failed: {exc};"
            " the file was left as it was") from exc


def _check_numbering(migrations: Sequence[Migration]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(versions) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, 3... in order, not {versions}")


def _statements(script: str) -> Iterator[str]:
    """The statements of an SQL script, one by one: `executescript` would commit the open
    transaction first, and a migration must stay inside it."""
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            yield pending.strip()
            pending = ""
    if pending.strip():
        raise ValueError(f"a migration script ends in an incomplete statement: {pending.strip()!r}")
