"""Saved sets: a named selection of works, with the search session that made it.

A set keeps its name, a description, the query (`SetQuery`), the works marked relevant and not
relevant, the feedback method, and the identifiers of its works in order (usually the relevant
works followed by the results shown when it was saved). It lives in the collection's catalogue
(`catalog.sets`, table `saved_sets`), so it travels with the collection folder. Identifiers are
kept as text: a record deleted later is skipped when the set is shown or exported, not an error.

Sets belong to the account that saved them (`SetUser`): private by default, seen by other staff
once `shared`, changed only by their owner or an admin. Sets made before accounts (no owner) are
seen by all staff and changed by admins. Every change writes its audit row in its transaction.
"""

from __future__ import annotations

import csv
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TextIO

from vitrine.catalog.sets import QueryKind, SavedSet, SetQuery
from vitrine.collection import Collection
from vitrine.errors import CatalogError, Forbidden, SetError, SetExists, SetNotFound
from vitrine.exports.records import CORE_COLUMNS, csv_row
from vitrine.records import Record, unique_identifiers

__all__ = [
    "OPERATOR", "QueryKind", "SavedSet", "SetQuery", "SetUser", "check_name", "delete_set", "export_set",
    "get_set", "list_sets", "save_set", "session_set", "set_image_ids", "set_records", "update_set",
]

_NAME = re.compile(r"^\w[\w .'()-]{0,79}$")


@dataclass(frozen=True)
class SetUser:
    """Who works with saved sets: `actor` for the audit trail, the `account` owning the sets it
    makes (None at the shell), and whether it sees and changes every set (admins, the operator)."""

    actor: str
    account: str | None = None
    sees_all: bool = True

    def sees(self, saved: SavedSet) -> bool:
        return self.sees_all or saved.shared or saved.owner is None or saved.owner == self.account

    def may_change(self, saved: SavedSet) -> bool:
        return self.sees_all or (saved.owner is not None and saved.owner == self.account)


#: the operator at the server's shell (the CLI), who sees and changes every set
OPERATOR = SetUser("operator")


# -- use-cases ------------------------------------------------------------------------------------


def save_set(collection: Collection, saved: SavedSet, *, replace_existing: bool = False,
             by: SetUser = OPERATOR) -> SavedSet:
    """Store a new set owned by `by`; an existing name is refused unless `replace_existing` and `by`
    may change it (then it keeps its creation time and owner)."""
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
        if old is not None:
            _check_change(by, old)
        now = time.time()
        stored = replace(saved, name=name, identifiers=unique_identifiers(saved.identifiers),
                         positives=unique_identifiers(saved.positives),
                         negatives=unique_identifiers(saved.negatives),
                         created_at=old.created_at if old else now, updated_at=now,
                         owner=old.owner if old else by.account)
        catalog.sets.put(stored)
        catalog.audit.record(by.actor, "set.replace" if old else "set.create", name,
                             before=_summary(old), after=_summary(stored))
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


def list_sets(collection: Collection, by: SetUser = OPERATOR) -> list[SavedSet]:
    """The saved sets `by` may see, most recently updated first."""
    return [s for s in collection.catalog.sets.all() if by.sees(s)]


def get_set(collection: Collection, name: str, by: SetUser = OPERATOR) -> SavedSet:
    """The set of this name; one `by` may not see is answered as unknown (its name stays private)."""
    saved = collection.catalog.sets.get(name.strip())
    if saved is None or not by.sees(saved):
        raise SetNotFound(f"no saved set named {name!r}; 'vitrine set list' shows the saved sets")
    return saved


def update_set(
    collection: Collection, name: str, *, description: str | None = None, new_name: str | None = None,
    add: Sequence[str] = (), remove: Sequence[str] = (), shared: bool | None = None,
    by: SetUser = OPERATOR,
) -> SavedSet:
    """Change a set's description, name or sharing, add works (at the end) or remove works."""
    catalog = collection.catalog
    with catalog.transaction():
        current = get_set(collection, name, by)
        _check_change(by, current)
        target = check_name(new_name) if new_name is not None else current.name
        if target != current.name and catalog.sets.get(target) is not None:
            raise SetExists(f"a set named {target!r} exists already")
        unknown = [i for i in add if not _exists(collection, i)]
        if unknown:
            raise SetError(f"no record with identifier {', '.join(map(repr, unknown))}")
        gone = set(remove)
        identifiers = tuple(i for i in unique_identifiers([*current.identifiers, *add]) if i not in gone)
        updated = replace(current, name=target, identifiers=identifiers, updated_at=time.time(),
                          description=current.description if description is None else description.strip(),
                          shared=current.shared if shared is None else shared)
        catalog.sets.delete(current.name)
        catalog.sets.put(updated)
        catalog.audit.record(by.actor, "set.update", current.name, before=_summary(current),
                             after=_summary(updated))
    return updated


def delete_set(collection: Collection, name: str, by: SetUser = OPERATOR) -> None:
    catalog = collection.catalog
    with catalog.transaction():
        current = get_set(collection, name, by)
        _check_change(by, current)
        catalog.sets.delete(current.name)
        catalog.audit.record(by.actor, "set.delete", current.name, before=_summary(current))


def set_records(collection: Collection, saved: SavedSet) -> list[Record]:
    """The set's records that still exist, in the set's order."""
    records = []
    for identifier in saved.identifiers:
        try:
            records.append(collection.catalog.get(identifier))
        except CatalogError:
            continue
    return records


def set_image_ids(collection: Collection, name: str, by: SetUser = OPERATOR) -> list[int]:
    """Ids of the images of a saved set's works (what the similarity map highlights)."""
    return [image.id for identifier in get_set(collection, name, by).identifiers
            for image in collection.catalog.images_of(identifier)]


def export_set(collection: Collection, name: str, out: TextIO, by: SetUser = OPERATOR) -> int:
    """Write the set's records as CSV (the columns of `vitrine export`); returns the row count."""
    records = set_records(collection, get_set(collection, name, by))
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


def _check_change(by: SetUser, saved: SavedSet) -> None:
    if not by.may_change(saved):
        whose = f"belongs to {saved.owner}" if saved.owner else "was made before accounts existed"
        raise Forbidden(f"the set {saved.name!r} {whose}: only its owner or an admin may change it")


def _summary(saved: SavedSet | None) -> dict[str, object] | None:
    """What the audit trail keeps of a set: enough to see what changed, not every identifier."""
    if saved is None:
        return None
    return {"name": saved.name, "description": saved.description, "works": len(saved.identifiers),
            "owner": saved.owner, "shared": saved.shared}


def _exists(collection: Collection, identifier: str) -> bool:
    try:
        collection.catalog.record_id(identifier)
    except CatalogError:
        return False
    return True
