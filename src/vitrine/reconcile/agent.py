"""The `authority` agent: links a record's makers (or places, subjects: any text field, `field=`)
to an authority, as `link` suggestions.

Offline it reads a local authority file (`authority=PATH`, with `altnames=PATH` and a `columns`
mapping; the defaults read the NGA constituents). With `service=URL` it asks a W3C reconciliation
service instead, in batches of the names of the records still to look at, at the rate allowed. A
batch the service fails on (down, slow, 429, nonsense, after the retries) fails the records that
needed it: the job reports them, goes on, and a later run asks again for those only. After
`max_failures` failed batches in a row the rest of the run fails fast, without asking.

Each proposal carries the candidate's features and calibrated score; `match` is true only at or
above the window the measured precision supports (`calibration.DEFAULT`, docs/reconcile.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vitrine.errors import AgentError, FetchError, SuggestionError
from vitrine.reconcile.authority import Authority, Columns, load_authority
from vitrine.reconcile.calibration import DEFAULT
from vitrine.reconcile.candidates import Candidate, Query, candidates
from vitrine.reconcile.names import key, set_similarity, sort_similarity
from vitrine.reconcile.remote import RemoteCandidate, RemoteService
from vitrine.records import Record
from vitrine.suggestions.agents import Agent, AgentInfo, Item, Proposal, file_sha256

if TYPE_CHECKING:
    from vitrine.collection import Collection

VERSION = "1"
#: record fields whose values can be reconciled, besides `extra.KEY`
FIELDS = ("creators", "object_type", "medium", "title")
_HINT = "give the agent an authority CSV (--option authority=PATH) or a service (--option service=URL)"


class AuthorityAgent(Agent):
    """Proposes links from a record's makers to authority entries (local file or remote service)."""

    name = "authority"
    target = "record"
    kinds = ("link",)
    file_options = ("authority", "altnames")

    def __init__(self, authority: str = "", altnames: str = "", columns: Mapping[str, Any] | None = None,
                 service: str = "", type: str = "", limit: int = 1, batch_size: int = 10,
                 min_interval: float = 0.5, max_failures: int = 3, field: str = "creators") -> None:
        if bool(authority) == bool(service):
            raise SuggestionError(f"the authority agent needs one source: {_HINT}")
        for option, value, high in (("limit", limit, 10), ("batch_size", batch_size, 100),
                                    ("max_failures", max_failures, 100)):
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
                raise SuggestionError(f"{option} is a whole number from 1 to {high}, not {value!r}")
        self.path = Path(authority) if authority else None
        self.altnames = Path(altnames) if altnames else None
        self.columns = Columns.from_mapping(columns or {})
        self.service = service
        self.type = type
        if field not in FIELDS and not (field.startswith("extra.") and len(field) > 6):
            raise SuggestionError(f"field is one of {', '.join(FIELDS)} or extra.KEY, not {field!r}")
        self.field = field
        self.limit, self.batch_size, self.max_failures = limit, batch_size, max_failures
        self.min_interval = float(min_interval)
        self._authority: Authority | None = None
        self._remote: RemoteService | None = None
        self._pending: list[str] = []
        self._answers: dict[str, list[RemoteCandidate]] = {}
        self._failures = 0

    def info(self) -> AgentInfo:
        digests = [file_sha256(p, what="authority file", hint=_HINT) for p in (self.path, self.altnames) if p]
        parameters: dict[str, Any] = {"limit": self.limit, "field": self.field,
                                      "calibration": DEFAULT.to_dict()}
        if self.path:
            parameters["columns"] = {k: v for k, v in vars(self.columns).items()}
        else:
            parameters.update(service=self.service, type=self.type, batch_size=self.batch_size)
        return AgentInfo(
            name=self.name, software="vitrine.reconcile",
            model="local" if self.path else "w3c-reconciliation", model_version=VERSION,
            state_sha256=hashlib.sha256("".join(digests).encode()).hexdigest() if digests else "",
            parameters=parameters, calibrated=bool(self.path) and DEFAULT.calibrated)

    def prepare(self, collection: Collection) -> None:
        if self.path:
            self._authority = load_authority(self.path, self.columns, self.altnames)
            return
        from vitrine.settings import Settings

        self._remote = RemoteService(self.service, Settings().fetch_options(), self.batch_size,
                                     self.min_interval)
        self._pending = list(dict.fromkeys(
            n for r in collection.catalog.iter_records() for n in texts_of(r, self.field)))

    def suggest(self, item: Item) -> Iterator[Proposal]:
        record = item.record
        year = record.year_min if record.year_min is not None else record.year_max
        for text in texts_of(record, self.field):
            if self._authority is not None:
                found = candidates(self._authority, Query(text, year=year, role=self.field), limit=self.limit)
                yield from (_local(c, text, self._authority.name, self.field) for c in found
                            if c.score >= DEFAULT.reject_below)
            else:
                yield from self._remote_proposals(text)

    def _remote_proposals(self, text: str) -> Iterator[Proposal]:
        if self._remote is None:
            raise AgentError(f"the authority agent was not prepared; {_HINT}")
        if text not in self._answers:
            self._fetch_batch(self._remote, text)
        manifest = self._remote.describe()
        for c in self._answers[text][:self.limit]:
            yield _remote(c, text, manifest.name, self.field)

    def _fetch_batch(self, remote: RemoteService, text: str) -> None:
        """Ask for `text` and the next names not asked yet; a failure fails this record only (the job
        reports it and goes on, and a later run asks again). After `max_failures` failed batches in a
        row, the rest of the run fails fast, asking nothing."""
        if self._failures >= self.max_failures:
            raise FetchError(self.service, f"failed {self._failures} batches in a row, so not asked again in "
                             "this run; run the job again later to resume where it stopped")
        names = [text, *(n for n in self._pending if n not in self._answers and n != text)][:self.batch_size]
        queries = {f"q{i}": _w3c_query(n, self.type, self.limit) for i, n in enumerate(names)}
        try:
            answers = remote.reconcile(queries)
        except FetchError as exc:
            self._failures += 1
            raise FetchError(self.service, f"{exc.reason}; run the job again to "
                             "resume") from None
        self._failures = 0
        for i, n in enumerate(names):
            self._answers[n] = answers.get(f"q{i}", [])


def _w3c_query(name: str, type_: str, limit: int) -> dict[str, Any]:
    query: dict[str, Any] = {"query": name, "limit": max(3, limit)}
    if type_:
        query["type"] = type_
    return query


def texts_of(record: Record, field: str) -> list[str]:
    """The names to reconcile in a record's field: its makers, or the values of a text field
    (`object_type`, `medium`, `extra.KEY`: a list, or a text split at semicolons)."""
    if field == "creators":
        raw: Any = record.creators
    elif field.startswith("extra."):
        raw = record.extra.get(field[6:])
    else:
        raw = getattr(record, field)
    values = raw if isinstance(raw, list) else str(raw).split(";") if raw else []
    return list(dict.fromkeys(str(v).strip() for v in values if str(v).strip()))


def _local(c: Candidate, text: str, authority: str, field: str) -> Proposal:
    e = c.entity
    value: dict[str, Any] = {
        "uri": e.uri or (e.same_as[0] if e.same_as else ""), "label": e.name, "authority": authority,
        "field": field, "text": text, "match": c.match,
        "features": [{"id": k, "value": v} for k, v in c.features.items()]}
    if e.description:
        value["description"] = e.description
    if e.same_as:
        value["same_as"] = list(e.same_as)
    return Proposal("link", value, score=c.score, probability=c.score)


def _remote(c: RemoteCandidate, text: str, service: str, field: str) -> Proposal:
    """A service's candidate: its own score and features, beside the name similarity we measure."""
    ours, theirs = key(text), key(c.name)
    features: dict[str, float | bool] = {
        "name_sort": round(sort_similarity(ours, theirs), 4),
        "name_set": round(set_similarity(ours, theirs), 4),
        "service_score": c.score, "service_match": c.match,
        **{f"service_{k}": v for k, v in c.features.items()}}
    value: dict[str, Any] = {
        "uri": c.uri, "label": c.name, "authority": service, "field": field, "text": text,
        "match": c.match, "features": [{"id": k, "value": v} for k, v in features.items()]}
    if c.description:
        value["description"] = c.description
    score = c.score / 100.0 if c.score > 1 else c.score
    return Proposal("link", value, score=max(0.0, min(1.0, score)))
