"""The review queue: a page of suggestions chosen by filters, each beside its record, image and agent.

What the web queue, its JSON API and `vitrine review list` show. Filters name agents by name (every
version of that agent) or by version id, a saved set by name (as the person asking may see it),
and an assignee by account name ("" for suggestions nobody was given).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from vitrine.catalog.suggestions import ORDERS, Order, StoredAgent, Suggestion, SuggestionQuery
from vitrine.collection import Collection
from vitrine.errors import RecordNotFound, SuggestionError
from vitrine.records import Record, StoredImage
from vitrine.search.sets import OPERATOR, SetUser, get_set
from vitrine.suggestions.values import STATUSES, check_kind

MAX_PER_PAGE = 100
#: a queue counts its suggestions up to this many (and at least to the end of the page asked for):
#: an exact count of a million takes longer than the page itself
COUNT_CAP = 1000


@dataclass(frozen=True)
class QueueFilters:
    """Which suggestions to review, in which order. Every field narrows; empty tuples mean any."""

    kinds: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ("proposed",)
    score_min: float | None = None
    score_max: float | None = None
    set_name: str | None = None
    #: only the suggestions about this record (the record page's "review them")
    record: str | None = None
    assignee: str | None = None
    stale: bool | None = None
    order: Order = "score"

    def __post_init__(self) -> None:
        for kind in self.kinds:
            check_kind(kind)
        unknown = [s for s in self.statuses if s not in STATUSES]
        if unknown:
            raise SuggestionError(f"unknown status {unknown[0]!r}; statuses: {', '.join(STATUSES)}")
        if self.order not in ORDERS:
            raise SuggestionError(f"unknown order {self.order!r}; orders: {', '.join(ORDERS)}")
        for name, bound in (("score_min", self.score_min), ("score_max", self.score_max)):
            if bound is not None and not math.isfinite(bound):
                raise SuggestionError(f"{name} must be a finite number, not {bound!r}")
        if self.score_min is not None and self.score_max is not None and self.score_min > self.score_max:
            raise SuggestionError(f"score_min ({self.score_min}) is above score_max ({self.score_max})")


@dataclass(frozen=True)
class QueueItem:
    """One suggestion to decide: its agent version, its record (None when deleted) and the image
    it is about (for a record-level suggestion, the record's first image; None without one)."""

    suggestion: Suggestion
    agent: StoredAgent
    record: Record | None
    image: StoredImage | None


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue. `total` is exact when `exact`; otherwise more than `total` match."""

    total: int
    page: int
    per_page: int
    items: list[QueueItem]
    exact: bool = True

    @property
    def pages(self) -> int:
        """Pages known to hold suggestions (more follow when the count is not exact)."""
        return max(1, -(-self.total // self.per_page))


def to_query(collection: Collection, filters: QueueFilters, *, by: SetUser = OPERATOR, limit: int = 50,
             offset: int = 0) -> SuggestionQuery:
    """The catalogue query of `filters`; an unknown agent or a set `by` may not see is refused."""
    record_ids = None
    if filters.set_name:
        record_ids = tuple(_record_ids(collection, get_set(collection, filters.set_name, by).identifiers))
    if filters.record:
        one = collection.catalog.record_id(filters.record)  # an unknown record is refused, by name
        record_ids = (one,) if record_ids is None or one in record_ids else ()
    return SuggestionQuery(
        kinds=filters.kinds, agent_ids=agent_ids(collection, filters.agents), statuses=filters.statuses,
        score_min=filters.score_min, score_max=filters.score_max, record_ids=record_ids,
        assignee=filters.assignee, stale=filters.stale, order=filters.order, limit=limit, offset=offset)


def queue_page(collection: Collection, filters: QueueFilters, *, by: SetUser = OPERATOR, page: int = 1,
               per_page: int = 25) -> QueuePage:
    """Page `page` (from 1) of the suggestions matching `filters`, with how many match: exactly up
    to `COUNT_CAP` (or the end of this page), else that many and a mark that more follow."""
    if not 1 <= per_page <= MAX_PER_PAGE or page < 1:
        raise SuggestionError(f"a queue page holds 1 to {MAX_PER_PAGE} suggestions, from page 1")
    query = to_query(collection, filters, by=by, limit=per_page, offset=(page - 1) * per_page)
    store = collection.catalog.suggestions
    found = store.find(query)
    if page == 1 and len(found) < per_page:
        return QueuePage(len(found), page, per_page, items(collection, found))
    cap = max(COUNT_CAP, query.offset + per_page)
    counted = store.count(query, at_most=cap + 1)
    return QueuePage(min(counted, cap), page, per_page, items(collection, found), exact=counted <= cap)


def queue_item(collection: Collection, suggestion_id: int) -> QueueItem:
    """One suggestion as the queue shows it (SuggestionNotFound when there is none)."""
    return items(collection, [collection.catalog.suggestions.get(suggestion_id)])[0]


def items(collection: Collection, suggestions: list[Suggestion]) -> list[QueueItem]:
    """Suggestions with their agents, records and images, read in a few queries."""
    catalog = collection.catalog
    agents = {a.id: a for a in catalog.suggestions.agents()} if suggestions else {}
    records = catalog.get_many({s.record_id for s in suggestions if s.identifier is not None})
    images = catalog.images_by_id({s.image_id for s in suggestions if s.image_id})
    firsts: dict[int, StoredImage | None] = {}
    out = []
    for s in suggestions:
        record = records.get(s.record_id)
        image = images.get(s.image_id) if s.image_id else None
        if image is None and record is not None and not s.image_id:
            if s.record_id not in firsts:
                shown = catalog.images_of(record.identifier)
                firsts[s.record_id] = shown[0] if shown else None
            image = firsts[s.record_id]
        out.append(QueueItem(s, agents[s.agent_id], record, image))
    return out


def agent_ids(collection: Collection, agents: tuple[str, ...]) -> tuple[int, ...]:
    """The version ids of agents named by name (all its versions) or by id."""
    if not agents:
        return ()
    known = collection.catalog.suggestions.agents()
    ids: set[int] = set()
    for wanted in agents:
        matching = [a.id for a in known if a.name == wanted or str(a.id) == wanted.strip()]
        if not matching:
            names = sorted({a.name for a in known})
            raise SuggestionError(f"no agent named {wanted!r} has made suggestions here; agents: "
                                  f"{', '.join(names) or 'none yet'}")
        ids.update(matching)
    return tuple(sorted(ids))


def stale_reason(item: QueueItem) -> str:
    """Why a stale suggestion cannot be applied, in words ("" when it is not stale)."""
    s = item.suggestion
    if not s.stale:
        return ""
    if item.record is None:
        return "its record was deleted since it was made"
    if s.image_id:
        return "its image changed or was removed since it was made"
    return "its record changed since it was made"


def _record_ids(collection: Collection, identifiers: tuple[str, ...]) -> list[int]:
    out = []
    for identifier in identifiers:  # works deleted since the set was saved are skipped
        try:
            out.append(collection.catalog.record_id(identifier))
        except RecordNotFound:
            continue
    return out
