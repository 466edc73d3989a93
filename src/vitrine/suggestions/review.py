"""People deciding on suggestions: accept, edit, reject, undo; decision windows; batches.

Every decision is one transaction with three writes: the suggestion's new status (a
compare-and-set on its revision, so two editors deciding at once cannot both win), the record's
curated data (an accepted value with its provenance, the record's full text and, for a date, the
years filters use) and the audit row. A stale suggestion (its record or image changed or went)
can be rejected but never applied.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from typing import Any, Literal

from vitrine.accounts import GRANTS, Permission, Role
from vitrine.catalog import Catalog
from vitrine.catalog.ocr import text_digest
from vitrine.catalog.suggestions import Suggestion, SuggestionQuery
from vitrine.errors import DecisionConflict, StaleSuggestion, SuggestionError
from vitrine.suggestions.values import check_region, check_value, label_of

Action = Literal["accept", "edit", "reject"]
ACTIONS: tuple[Action, ...] = ("accept", "edit", "reject")
_STATUS = {"accept": "accepted", "edit": "edited", "reject": "rejected"}


def decide(catalog: Catalog, suggestion_id: int, action: str, *, actor: str, revision: int | None = None,
           value: Any = None, note: str = "", address: str = "", region: Any = None) -> Suggestion:
    """Apply one person's decision; `revision` is the one they saw (None: whatever it is now).

    An edit carries the corrected `value`, the corrected `region` (a box or polygon in the image's
    pixels, for a suggestion about an image), or both; the accepted value keeps the corrected region."""
    if action not in ACTIONS:
        raise SuggestionError(f"unknown decision {action!r}; decisions: {', '.join(ACTIONS)}")
    with catalog.transaction():
        seen = _as_seen(catalog, suggestion_id, revision)
        if seen.status != "proposed":
            raise DecisionConflict(
                f"suggestion {seen.id} is {seen.status} already (by {seen.decided_by}); undo it first")
        final = _final_value(seen, action, value, region)
        corrected = _final_region(seen, action, region)
        if action != "reject" and seen.stale:
            raise StaleSuggestion(
                f"suggestion {seen.id} was made from a version of record {seen.identifier or seen.record_id}"
                " (or its image) that has changed or gone; it can be rejected, not applied")
        if action != "reject" and page_text_changed(catalog, seen):
            raise StaleSuggestion(
                f"suggestion {seen.id} was read from the text of a page of record"
                f" {seen.identifier or seen.record_id} that has changed since"
                " (edited, rejected or read again); it can be rejected, not applied")
        decided = catalog.suggestions.set_status(seen, _STATUS[action], actor, note=note[:2000],
                                                 final_value=final)
        if action != "reject":
            applied = final if final is not None else seen.value
            catalog.suggestions.add_assertion(decided, applied, label_of(seen.kind, applied), actor,
                                              edited=final is not None, region=corrected)
            catalog.suggestions.apply_to_record(seen.record_id, seen.kind, applied)
        after = {**_state(decided), **({"region": corrected} if corrected else {})}
        catalog.audit.record(actor, f"suggestion.{action}", f"suggestion:{seen.id}", before=_state(seen),
                             after=after, address=address)
    return decided


def page_text_changed(catalog: Catalog, s: Suggestion) -> bool:
    """True for an entity read from a page's text (field `ocr:IMAGE_ID`) whose text has changed
    since: its digest (`text_sha256`) differs from the page's current text, or, for one made without
    a digest, its offsets no longer hold its words; or the page has no text to read any more."""
    field = s.value.get("field") if s.kind == "entity" else None
    if not isinstance(field, str) or not field.startswith("ocr:") or not field[4:].isdigit():
        return False
    text = catalog.ocr.current_text(s.record_id, int(field[4:]))
    if text is None:
        return True
    if "text_sha256" in s.value:
        return bool(s.value["text_sha256"] != text_digest(text))
    start, end = s.value.get("start"), s.value.get("end")
    return not (isinstance(start, int) and isinstance(end, int) and text[start:end] == s.value.get("text"))


def undo(catalog: Catalog, suggestion_id: int, *, actor: str, revision: int | None = None,
         address: str = "") -> Suggestion:
    """Put a decided suggestion back to proposed, and take its value out of the record."""
    with catalog.transaction():
        seen = _as_seen(catalog, suggestion_id, revision)
        if seen.status == "proposed":
            raise SuggestionError(f"suggestion {seen.id} is not decided: there is nothing to undo")
        reopened = catalog.suggestions.set_status(seen, "proposed", None)
        if seen.status != "rejected":
            prior = catalog.suggestions.remove_assertion(seen.id)
            dates = [a for a in catalog.suggestions.assertions(seen.record_id) if a.kind == "date"]
            catalog.suggestions.apply_to_record(seen.record_id, seen.kind, dates[-1].value if dates else None,
                                                prior_years=prior)
        catalog.audit.record(actor, "suggestion.undo", f"suggestion:{seen.id}", before=_state(seen),
                             after=_state(reopened), address=address)
    return reopened


def _as_seen(catalog: Catalog, suggestion_id: int, revision: int | None) -> Suggestion:
    current = catalog.suggestions.get(suggestion_id)
    if revision is None or revision == current.revision:
        return current
    raise DecisionConflict(
        f"suggestion {suggestion_id} changed since you saw it: it is {current.status}"
        f"{' by ' + current.decided_by if current.decided_by else ''} now")


def _final_value(seen: Suggestion, action: str, value: Any, region: Any) -> dict[str, Any] | None:
    if action != "edit":
        if value is not None or region is not None:
            raise SuggestionError(f"a value or region goes with 'edit', not with {action!r}")
        return None
    if value is None and region is None:
        raise SuggestionError("an edit needs the corrected value, the corrected region, or both")
    return check_value(seen.kind, value if value is not None else seen.value)


def _final_region(seen: Suggestion, action: str, region: Any) -> dict[str, Any] | None:
    """The corrected region of an edit (None: the suggestion's own)."""
    if action != "edit" or region is None:
        return None
    if seen.image_id is None:
        raise SuggestionError(
            f"suggestion {seen.id} is about a record, not an image: it has no region to correct")
    checked = check_region(region)
    if checked is None:
        raise SuggestionError('a corrected region is {"box": [x, y, w, h]} or {"polygon": [[x, y], ...]}')
    return checked


def _state(s: Suggestion) -> dict[str, Any]:
    return {"status": s.status, "revision": s.revision, "kind": s.kind, "label": s.label,
            "identifier": s.identifier, "value": s.decided_value, "note": s.note or None}


# -- decision windows -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Window:
    """Accept every proposed suggestion of an agent scoring at least `accept_from`, reject every one
    below `reject_below` (either may be None)."""

    agent_id: int
    accept_from: float | None = None
    reject_below: float | None = None

    def __post_init__(self) -> None:
        if self.accept_from is None and self.reject_below is None:
            raise SuggestionError("a decision window needs a score to accept from, to reject below, or both")
        if (self.accept_from is not None and self.reject_below is not None
                and self.reject_below > self.accept_from):
            raise SuggestionError(f"the reject bound ({self.reject_below}) is above the accept bound"
                                  f" ({self.accept_from})")

    def queries(self) -> dict[str, SuggestionQuery]:
        out = {}
        if self.accept_from is not None:
            out["accept"] = SuggestionQuery(agent_ids=(self.agent_id,), score_min=self.accept_from,
                                            stale=False, order="id")
        if self.reject_below is not None:
            out["reject"] = SuggestionQuery(agent_ids=(self.agent_id,), score_max=self.reject_below,
                                            order="id")
        return out


@dataclass(frozen=True)
class WindowPreview:
    counts: dict[str, int]
    samples: dict[str, list[Suggestion]]

    def to_dict(self) -> dict[str, Any]:
        samples = {k: [s.to_dict() for s in v] for k, v in self.samples.items()}
        return {"counts": self.counts, "samples": samples}


def preview_window(catalog: Catalog, window: Window, sample: int = 8) -> WindowPreview:
    """How many a window would accept and reject, with a random sample of each to look at first."""
    counts, samples = {}, {}
    rng = random.Random(0)
    for action, query in window.queries().items():
        counts[action] = catalog.suggestions.count(query)
        ids = catalog.suggestions.ids(query, 5000)
        samples[action] = [catalog.suggestions.get(i) for i in sorted(rng.sample(ids, min(sample, len(ids))))]
    return WindowPreview(counts, samples)


def apply_window(catalog: Catalog, window: Window, *, actor: str, expected: dict[str, int] | None = None,
                 address: str = "", chunk: int = 1000) -> dict[str, int]:
    """Decide every suggestion in the window; `expected` (the preview's counts) guards against
    deciding more than the editor saw.

    Decisions are committed `chunk` at a time, so a large window never holds the catalogue's write
    lock for long; a suggestion someone else decided (or that went stale) meanwhile is passed over."""
    ids = {action: catalog.suggestions.ids(query, 10_000_000) for action, query in window.queries().items()}
    for action, found in ids.items():
        if expected is not None and len(found) > expected.get(action, 0):
            raise DecisionConflict(
                f"the window now holds {len(found)} suggestions to {action}, more than the"
                f" {expected.get(action)} previewed; preview it again")
    done: dict[str, int] = {}
    note = f"decision window of agent {window.agent_id}"
    for action, found in ids.items():
        done[action] = 0
        for start in range(0, len(found), chunk):
            with catalog.transaction():
                for suggestion_id in found[start:start + chunk]:
                    try:
                        decide(catalog, suggestion_id, action, actor=actor, note=note, address=address)
                    except (DecisionConflict, StaleSuggestion):
                        continue
                    done[action] += 1
    with catalog.transaction():
        catalog.audit.record(actor, "suggestion.window", f"agent:{window.agent_id}",
                             after={**dataclasses.asdict(window), "decided": done}, address=address)
    return done


# -- batches for cataloguers ----------------------------------------------------------------------

def assign(catalog: Catalog, query: SuggestionQuery, assignee: str | None, *, limit: int, actor: str,
           address: str = "") -> int:
    """Give up to `limit` proposed suggestions matching `query` and given to nobody to `assignee`, an
    account that may catalogue (None: take them back from whoever has them)."""
    if assignee is not None:
        user = catalog.accounts.user(assignee)
        if user is None:
            raise SuggestionError(f"no account named {assignee!r} to give suggestions to")
        if Permission.CATALOGUE not in GRANTS.get(Role(user.role), frozenset()):
            raise SuggestionError(
                f"{assignee!r} is a {user.role}: only editors and admins review suggestions")
        query = dataclasses.replace(query, assignee="")  # another cataloguer's batch is theirs
    with catalog.transaction():  # chosen and given in one go: two people assigning at once share nothing
        ids = catalog.suggestions.ids(dataclasses.replace(query, statuses=("proposed",)), limit)
        count = catalog.suggestions.assign(ids, assignee)
        catalog.audit.record(actor, "suggestion.assign", f"account:{assignee or '-'}",
                             after={"count": count, "first": ids[:1], "last": ids[-1:]}, address=address)
    return count


@dataclass(frozen=True)
class ReviewerProgress:
    """One cataloguer's batch: assigned, reviewed, remaining, and how often they agreed with the
    machine (accepted as proposed, against edited or rejected)."""

    assignee: str
    assigned: int
    reviewed: int
    accepted: int
    edited: int
    rejected: int

    @property
    def remaining(self) -> int:
        return self.assigned - self.reviewed

    @property
    def agreement(self) -> float | None:
        return self.accepted / self.reviewed if self.reviewed else None

    def to_dict(self) -> dict[str, Any]:
        return {**dataclasses.asdict(self), "remaining": self.remaining, "agreement": self.agreement}


def progress(catalog: Catalog) -> list[ReviewerProgress]:
    """Each assignee's batch, by name."""
    rows: dict[str, dict[str, int]] = {}
    for (assignee, status), n in catalog.suggestions.assignee_counts().items():
        rows.setdefault(assignee, {})[status] = n
    out = []
    for name, by in sorted(rows.items()):
        reviewed = sum(v for k, v in by.items() if k != "proposed")
        out.append(ReviewerProgress(name, sum(by.values()), reviewed, by.get("accepted", 0),
                                    by.get("edited", 0), by.get("rejected", 0)))
    return out
