"""Serving the W3C reconciliation API over a collection: its works, and the people, places and
subjects its catalogue and accepted values hold, so OpenRefine users can reconcile spreadsheets
against it.

Entities: `work:IDENTIFIER` (a record: title, makers, date), `person:KEY` (a maker as the catalogue
writes them, with the authority links accepted for that name as `same_as`), `place:KEY` and
`subject:KEY` (accepted entity and tag/class values). The index is rebuilt when records or accepted
values change, and scored like the authority agent's candidates (name features; a work's date
against a query's `year` property; a person's accepted life dates where a `link` carried them).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vitrine.errors import NotFound, ReconcileQueryError
from vitrine.reconcile.authority import Authority, Entity
from vitrine.reconcile.candidates import Candidate, Query, candidates
from vitrine.reconcile.names import key
from vitrine.version import __version__

if TYPE_CHECKING:
    from vitrine.collection import Collection

TYPES = {"work": "Work", "person": "Person", "place": "Place", "subject": "Subject"}
PROPERTIES = {"year": "Year of the work (or a year in a person's working life)",
              "birth": "Year of birth", "death": "Year of death"}
BATCH_SIZE = 50
MAX_LIMIT = 25
#: the largest `limit` a query may ask for (answers hold MAX_LIMIT candidates at most)
MAX_QUERY_LIMIT = 1000
TYPE_STRICT = ("any", "all", "should")
_PLACE_TYPES = frozenset({"loc", "place", "location", "gpe"})


@dataclass(frozen=True)
class Index:
    stamp: tuple[float, ...]
    authority: Authority


_cache: dict[str, Index] = {}
_lock = threading.Lock()


def manifest(base: str, name: str) -> dict[str, Any]:
    """The service manifest, every URL under `base` (the /reconcile endpoint's own URL)."""
    root = base.rstrip("/")
    return {
        "versions": ["0.1", "0.2"], "name": f"vitrine: {name}", "serviceVersion": __version__,
        "identifierSpace": f"{root}/entity/", "schemaSpace": f"{root}/schema/",
        "defaultTypes": [{"id": t, "name": n} for t, n in TYPES.items()],
        "view": {"url": f"{root}/preview/{{{{id}}}}"},
        "preview": {"url": f"{root}/preview/{{{{id}}}}", "width": 400, "height": 120},
        "suggest": {kind: {"service_url": root, "service_path": f"/suggest/{kind}"}
                    for kind in ("entity", "property", "type")},
        "batchSize": BATCH_SIZE,
    }


def parse_batch(text: str) -> dict[str, dict[str, Any]]:
    """A query batch from its JSON text; a malformed one is refused naming the query and field."""
    try:
        batch = json.loads(text)
    except ValueError as exc:
        raise ReconcileQueryError(f"queries is not valid JSON ({exc})") from None
    if not isinstance(batch, dict):
        raise ReconcileQueryError("queries must be a JSON object of queries by key")
    if len(batch) > BATCH_SIZE:
        raise ReconcileQueryError(f"at most {BATCH_SIZE} queries in a batch, not {len(batch)}")
    for name, query in batch.items():
        if not isinstance(query, dict):
            raise ReconcileQueryError(f"query {name!r} must be an object")
        _check_query(name, query)
    return batch


def _check_query(name: str, query: Mapping[str, Any]) -> None:
    """The whole shape of one query (the Reconciliation API's): a `ReconcileQueryError` naming the
    query and field of the first thing wrong."""
    text = query.get("query", "")
    if not isinstance(text, str) or not text.strip():
        raise ReconcileQueryError(f"query {name!r} needs a non-empty 'query' text")
    given = query.get("type")
    kinds = given if isinstance(given, list) else [] if given is None else [given]
    for kind in kinds:
        ident = kind.get("id") if isinstance(kind, dict) else kind
        if not isinstance(ident, str):
            raise ReconcileQueryError(f"query {name!r}: 'type' is a type's id or a list of them, "
                                      f"each one of {', '.join(TYPES)}")
    limit = query.get("limit", 5)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_QUERY_LIMIT:
        raise ReconcileQueryError(
            f"query {name!r}: 'limit' must be a whole number from 1 to {MAX_QUERY_LIMIT}")
    props = query.get("properties", [])
    if not isinstance(props, list) or not all(isinstance(p, dict) and "v" in p for p in props):
        raise ReconcileQueryError(
            f"query {name!r}: 'properties' must be a list of {{\"pid\": ..., \"v\": ...}}")
    strict = query.get("type_strict", "should")
    if strict not in TYPE_STRICT:
        raise ReconcileQueryError(f"query {name!r}: 'type_strict' is one of {', '.join(TYPE_STRICT)}")
    try:
        _types(given)
        _properties(props)
    except ReconcileQueryError as exc:
        raise ReconcileQueryError(f"query {name!r}: {exc}") from None


def reconcile(collection: Collection, batch: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """A result batch: candidates with id, name, type, score, match and features for each query."""
    for name, query in batch.items():
        _check_query(name, query)
    index = collection_index(collection)
    return {name: {"result": [_candidate(c) for c in _answer(index.authority, q)]}
            for name, q in batch.items()}


def _answer(authority: Authority, q: Mapping[str, Any]) -> list[Candidate]:
    props = _properties(q.get("properties"))
    limit = int(q.get("limit", 5))  # checked by parse_batch
    types = _types(q.get("type"))
    query = Query(str(q.get("query") or ""), props.get("birth"), props.get("death"), props.get("year"))
    found = candidates(authority, query, limit=min(limit, MAX_LIMIT) * (4 if types else 1))
    if types:
        found = [c for c in found if c.entity.kind in types]
    return found[:min(limit, MAX_LIMIT)]


def _types(given: Any) -> set[str]:
    raw = given if isinstance(given, list) else [given] if given else []
    out = {t.get("id") if isinstance(t, dict) else t for t in raw}
    unknown = [t for t in out if not isinstance(t, str) or t not in TYPES]
    if unknown:
        raise ReconcileQueryError(f"unknown type {unknown[0]!r}; types: {', '.join(TYPES)}")
    return {str(t) for t in out}


def _properties(given: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for prop in given or []:
        pid = prop.get("pid") if isinstance(prop, dict) else None
        if not isinstance(pid, str) or pid not in PROPERTIES:
            raise ReconcileQueryError(f"properties take a pid among {', '.join(PROPERTIES)}")
        value = prop.get("v")
        value = value[0] if isinstance(value, list) and value else value
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ReconcileQueryError(f"property {pid!r} needs a year (text or a number)")
        try:
            out[pid] = int(str(value).strip()[:4])
        except ValueError:
            raise ReconcileQueryError(f"property {pid!r} needs a year, not {str(value)[:40]!r}") from None
    return out


def _candidate(c: Candidate) -> dict[str, Any]:
    e = c.entity
    return {"id": e.id, "name": e.name, "description": e.description,
            "type": [{"id": e.kind, "name": TYPES.get(e.kind, e.kind)}],
            "score": round(c.score * 100, 2),
            "match": c.match, "features": [{"id": k, "value": v} for k, v in c.features.items()]}


def entity(collection: Collection, ident: str) -> Entity:
    """One entity of the index, for its preview; NotFound names it."""
    found = collection_index(collection).authority.entities.get(ident)
    if found is None:
        raise NotFound(f"no entity {ident!r} in this collection's reconciliation service")
    return found


def suggest(collection: Collection, kind: str, prefix: str, cursor: int = 0,
            limit: int = 10) -> list[dict[str, Any]]:
    """Suggestions for a prefix: entities whose names start with it (then contain it), types, properties."""
    text = key(prefix)
    pool: list[dict[str, Any]]
    if kind == "type":
        pool = [{"id": t, "name": n} for t, n in TYPES.items()]
    elif kind == "property":
        pool = [{"id": p, "name": n} for p, n in PROPERTIES.items()]
    else:
        index = collection_index(collection).authority
        ranked = sorted(index.entities.values(), key=lambda e: (not key(e.name).startswith(text), e.name))
        pool = [{"id": e.id, "name": e.name, "description": e.description,
                 "notable": [{"id": e.kind, "name": TYPES.get(e.kind, e.kind)}]}
                for e in ranked if text in key(e.name) or text == key(e.id)]
        return pool[cursor:cursor + limit]
    return [p for p in pool if text in key(p["name"]) or text in p["id"]][cursor:cursor + limit]


def collection_index(collection: Collection) -> Index:
    """The entities of a collection, rebuilt when its records or accepted values changed."""
    catalog = collection.catalog
    stamp = (*catalog.records_stamp(), *catalog.suggestions.accepted_stamp())
    where = str(collection.root)
    with _lock:
        cached = _cache.get(where)
        if cached is not None and cached.stamp == stamp:
            return cached
    index = Index(stamp, _build(collection))
    with _lock:
        _cache[where] = index
    return index


def _build(collection: Collection) -> Authority:
    authority = Authority(collection.name)
    makers: dict[str, list[str]] = defaultdict(list)  # maker key -> their works' titles
    names: dict[str, str] = {}
    for record in collection.catalog.iter_records():
        dates = record.date_text or ""
        authority.add(Entity(f"work:{record.identifier}", record.title or record.identifier,
                             (record.title or record.identifier, record.identifier),
                             description="; ".join(filter(None, [", ".join(record.creators), dates])),
                             kind="work"))
        for maker in record.creators:
            if key(maker):
                names.setdefault(key(maker), maker.strip())
                makers[key(maker)].append(record.title or record.identifier)
    same_as: dict[str, list[str]] = defaultdict(list)
    extra: dict[tuple[str, str], str] = {}
    for value in collection.catalog.suggestions.accepted_of(("link", "entity", "tag", "class")):
        v = value.value
        if value.kind == "link" and key(str(v.get("text", ""))) in makers:
            same_as[key(str(v["text"]))].append(str(v["uri"]))
        elif value.kind == "entity":
            kind = "place" if str(v.get("type", "")).lower() in _PLACE_TYPES else (
                "person" if str(v.get("type", "")).lower() in ("pers", "person", "per") else "")
            if kind:
                extra.setdefault((kind, key(value.label)), value.label)
        elif value.kind in ("tag", "class"):
            extra.setdefault(("subject", key(value.label)), value.label)
    for k, name in names.items():
        works = makers[k]
        about = f"maker of {len(works)} work{'s' * (len(works) != 1)}: {works[0]}"
        authority.add(Entity(_id("person", k), name, (name,), kind="person", same_as=tuple(same_as[k]),
                             artist=True, description=about))
    for (kind, k), label in extra.items():
        if kind != "person" or k not in names:
            authority.add(Entity(_id(kind, k), label, (label,), kind=kind))
    return authority


def _id(kind: str, k: str) -> str:
    return f"{kind}:{hashlib.sha256(k.encode()).hexdigest()[:12]}"
