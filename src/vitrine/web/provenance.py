"""A record's accepted values with their provenance, and its unreviewed machine suggestions for those
who may see them: staff who review them (CATALOGUE), or everyone where the collection chose to show
them publicly (`proposed_public`), then marked "machine-made, not reviewed".

Both the record page and the record API show what `record_values` returns; `region_figures` gathers
the regions of either kind by image, for the page to draw over each image.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from vitrine.accounts import Permission, Principal
from vitrine.catalog.suggestions import Assertion, StoredAgent, Suggestion
from vitrine.collection import Collection
from vitrine.suggestions.values import bounding_box
from vitrine.web.schemas.records import AcceptedPublic, AgentBrief, ImagePublic, ProposedPublic, RecordPublic

#: how the record page heads each kind of accepted value
KIND_NAMES = {
    "tag": "Tags", "class": "Classes", "face": "Faces", "text": "Text in the image",
    "entity": "Named entities", "date": "Dates", "link": "Authority links", "duplicate": "Duplicate of",
    "description": "Descriptions", "inconsistency": "Inconsistencies",
}


def sees_proposed(principal: Principal, collection: Collection) -> bool:
    """Whether unreviewed suggestions are shown to `principal`: staff who review them always;
    anyone else only where the collection shows them publicly."""
    return principal.may(Permission.CATALOGUE) or collection.config.proposed_public


def with_values(collection: Collection, principal: Principal, record: RecordPublic) -> RecordPublic:
    """`record` with its accepted values and, for those who may see them, its proposed ones."""
    accepted, proposed = record_values(collection, principal, record.identifier)
    return record.model_copy(update={"accepted": accepted, "proposed": proposed})


def record_values(collection: Collection, principal: Principal,
                  identifier: str) -> tuple[list[AcceptedPublic], list[ProposedPublic]]:
    store = collection.catalog.suggestions
    record_id = collection.catalog.record_id(identifier)
    staff = principal.may(Permission.CATALOGUE)
    accepted = [accepted_public(a, named=staff) for a in store.assertions(record_id)]
    if not sees_proposed(principal, collection):
        return accepted, []
    waiting = [s for s in store.for_record(record_id) if not s.stale]
    agents = {a.id: a for a in store.agents()} if waiting else {}
    return accepted, [proposed_public(s, agents.get(s.agent_id)) for s in waiting]


#: who accepted a value, as the public reads it: staff account names are for staff (as in IIIF)
A_CATALOGUER = "a cataloguer"


def accepted_public(assertion: Assertion, *, named: bool = True) -> AcceptedPublic:
    """An accepted value with its provenance; `named` False puts "a cataloguer" for the account."""
    agent = _brief(assertion.agent) if assertion.agent else None
    who = assertion.accepted_by if named else A_CATALOGUER
    return AcceptedPublic(
        kind=assertion.kind, label=assertion.label, value=assertion.value, image_id=assertion.image_id,
        region=assertion.region, edited=assertion.edited, accepted_by=who,
        accepted_at=assertion.accepted_at, agent=agent, score=assertion.score,
        provenance=provenance(agent, who, assertion.accepted_at, assertion.edited))


def proposed_public(suggestion: Suggestion, agent: StoredAgent | None) -> ProposedPublic:
    return ProposedPublic(
        id=suggestion.id, kind=suggestion.kind, label=suggestion.label, value=suggestion.value,
        image_id=suggestion.image_id, region=suggestion.region, score=suggestion.score,
        probability=suggestion.probability, agent=_brief(agent.to_dict()) if agent else None,
        created_at=suggestion.created_at, reviewed=False)


def provenance(agent: AgentBrief | None, accepted_by: str, accepted_at: float, edited: bool) -> str:
    """Where an accepted value came from, in words: "suggested by the fake agent (title words 1),
    accepted by ann on 29 Nov 2026"."""
    decided = f"{'edited and accepted' if edited else 'accepted'} by {accepted_by} on {day(accepted_at)}"
    if agent is None:
        return decided
    return f"suggested by {agent_words(agent)}, {decided}"


def agent_words(agent: AgentBrief) -> str:
    """"the fake agent (title words 1)": the agent's name with its model (else its software) and version."""
    model = " ".join(p for p in (agent.model, agent.model_version) if p)
    made = model or " ".join(p for p in (agent.software, agent.software_version) if p)
    return f"the {agent.name} agent" + (f" ({made})" if made else "")


def day(at: float) -> str:
    when = datetime.fromtimestamp(at, tz=UTC)
    return f"{when.day} {when:%b %Y}"


def moment(at: float | None) -> str:
    """A time as staff pages show it ("2026-11-29 14:05 UTC"); "" for none."""
    return "" if at is None else datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")


def _brief(agent: Mapping[str, Any]) -> AgentBrief:
    return AgentBrief(**{k: agent[k] for k in AgentBrief.model_fields if k in agent})


# -- regions over the images ------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """One region to draw: a box (x, y, w, h) or polygon points ("x,y x,y ..."), in image pixels."""

    status: str  # "accepted" or "proposed"
    label: str
    box: tuple[float, float, float, float]
    points: str = ""


@dataclass(frozen=True)
class RegionFigure:
    image: ImagePublic
    shapes: list[Shape] = field(default_factory=list)


def region_figures(images: Sequence[ImagePublic], accepted: Sequence[AcceptedPublic],
                   proposed: Sequence[ProposedPublic]) -> list[RegionFigure]:
    """The record's images that carry regions, each with its shapes (images of unknown size are left out:
    their pixel space cannot be drawn)."""
    found: dict[int, list[Shape]] = {}
    for status, values in (("accepted", accepted), ("proposed", proposed)):
        for value in values:
            if value.region and value.image_id:
                found.setdefault(value.image_id, []).append(_shape(status, value.label, value.region))
    return [RegionFigure(image, found[image.id]) for image in images
            if image.id in found and image.width and image.height]


def _shape(status: str, label: str, region: dict[str, Any]) -> Shape:
    points = " ".join(f"{x:g},{y:g}" for x, y in region.get("polygon", ()))
    return Shape(status, label, bounding_box(region), points)
