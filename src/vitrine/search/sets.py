"""Saved sets: a named selection of works, with the search session that made it.

A set keeps its name, a description, the query (`SetQuery`), the works marked relevant and not
relevant, the feedback method, and the identifiers of its works in order (usually the relevant
works followed by the results shown when it was saved). It lives in the collection's catalogue
(`catalog.sets`, table `saved_sets`), so it travels with the collection folder. Identifiers are
kept as text: a record deleted later is skipped when the set is shown or exported, not an error.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TextIO

from vitrine.catalog.sets import QueryKind, SavedSet, SetQuery
from vitrine.collection import Collection
from vitrine.errors import CatalogError, SetError, SetExists, SetNotFound
from vitrine.exports.records import CORE_COLUMNS, csv_row
from vitrine.records import Record, unique_identifiers

__all__ = [
    "QueryKind", "SavedSet", "SetQuery", "check_name", "delete_set", "export_set", "get_set",
    "list_sets", "save_set", "session_set", "set_image_ids", "set_records", "update_set",
]

_NAME = re.compile(r"^\w[\w .'()-]{0,79}$")


# -- use-cases ------------------------------------------------------------------------------------


def save_set(collection: Collection, saved: SavedSet, *, replace_existing: bool = False) -> SavedSet:
    """Store a new set; an existing name is refused unless `replace_existing` (then it keeps its
    creation time)."""
    name = check_name(saved.name)
    catalog = collection.catalog
    named = unique_identifiers([*saved.identifiers, *saved.positives])
    unknown = [i for i in named if not _exists(collection, i)]
    if unknown:
        raise SetError(f"no record with identifier {', '.join(map(repr, unknown))}")
    with catalog.transaction():
        old = catalog.sets.get(name)
        if old is not None and not replace_existing:
            raise SetExists(f"a set named {name!r} exists already; choose another name or replace it")
        now = time.time()
        stored = replace(saved, name=name, identifiers=unique_identifiers(saved.identifiers),
                         positives=unique_identifiers(saved.positives),
                         negatives=unique_identifiers(saved.negatives),
                         created_at=old.created_at if old else now, updated_at=now)
        catalog.sets.put(stored)
    return stored


def session_set(
    name: str, *, shown: Sequence[str], positives: Sequence[str] = (), negatives: Sequence[str] = (),
    query: SetQuery | None = None, method: str | None = None, description: str = "",
    only_positives: bool = False,
) -> SavedSet:
    """A set from a search session: the relevant works, then the results shown (unless
    `only_positives`); works marked not relevant are never in it."""
    rejected = set(negatives)
    works = [*positives, *([] if only_positives else shown)]
    return SavedSet(name=name, description=description.strip(), query=query, method=method,
                    positives=tuple(positives), negatives=tuple(negatives),
                    identifiers=tuple(i for i in unique_identifiers(works) if i not in rejected))


def list_sets(collection: Collection) -> list[SavedSet]:
    """Every saved set, most recently updated first."""
    return collection.catalog.sets.all()


def get_set(collection: Collection, name: str) -> SavedSet:
    saved = collection.catalog.sets.get(name.strip())
    if saved is None:
        raise SetNotFound(f"no saved set named {name!r}; 'vitrine set list' shows the saved sets")
    return saved


def update_set(
    collection: Collection, name: str, *, description: str | None = None, new_name: str | None = None,
    add: Sequence[str] = (), remove: Sequence[str] = (),
) -> SavedSet:
    """Change a set's description or name, add works (at the end) or remove works."""
    catalog = collection.catalog
    with catalog.transaction():
        current = get_set(collection, name)
        target = check_name(new_name) if new_name is not None else current.name
        if target != current.name and catalog.sets.get(target) is not None:
            raise SetExists(f"a set named {target!r} exists already")
        unknown = [i for i in add if not _exists(collection, i)]
        if unknown:
            raise SetError(f"no record with identifier {', '.join(map(repr, unknown))}")
        gone = set(remove)
        identifiers = tuple(i for i in unique_identifiers([*current.identifiers, *add]) if i not in gone)
        updated = replace(current, name=target, identifiers=identifiers, updated_at=time.time(),
                          description=current.description if description is None else description.strip())
        catalog.sets.delete(current.name)
        catalog.sets.put(updated)
    return updated


def delete_set(collection: Collection, name: str) -> None:
    with collection.catalog.transaction():
        get_set(collection, name)
        collection.catalog.sets.delete(name.strip())


def set_records(collection: Collection, saved: SavedSet) -> list[Record]:
    """The set's records that still exist, in the set's order."""
    records = []
    for identifier in saved.identifiers:
        try:
            records.append(collection.catalog.get(identifier))
        except CatalogError:
            continue
    return records


def set_image_ids(collection: Collection, name: str) -> list[int]:
    """Ids of the images of a saved set's works (what the similarity map highlights)."""
    return [image.id for identifier in get_set(collection, name).identifiers
            for image in collection.catalog.images_of(identifier)]


def export_set(collection: Collection, name: str, out: TextIO) -> int:
    """Write the set's records as CSV (the columns of `vitrine export`); returns the row count."""
    records = set_records(collection, get_set(collection, name))
    extra = sorted({key for r in records for key in r.extra} - set(CORE_COLUMNS))
    writer = csv.DictWriter(out, fieldnames=[*CORE_COLUMNS, *extra], extrasaction="ignore")
    writer.writeheader()
    for record in records:
        writer.writerow(csv_row(record))
    return len(records)


def check_name(name: str) -> str:
    """A set name: 1-80 characters, letters, digits, spaces and . _ - ' ( ), not starting with one."""
    clean = (name or "").strip()
    if not _NAME.match(clean):
        raise SetError(
            f"set name {name!r} is not allowed: use 1 to 80 letters, digits, spaces or . _ - ' ( ),"
            " starting with a letter or digit")
    return clean


# -- helpers --------------------------------------------------------------------------------------


def _exists(collection: Collection, identifier: str) -> bool:
    try:
        collection.catalog.record_id(identifier)
    except CatalogError:
        return False
    return True
