"""A record's accepted suggestions in Linked Art, each machine-made one with its provenance.

Where each kind goes (https://linked.art/model/object/aboutness/):
- tag: what the image shows, `represents_instance_of_type` on the object's VisualItem (a beach, a ship);
- class: a classification of the visual content, `classified_as` on the VisualItem (portrait, landscape);
- face: a depicted person, `represents` on the VisualItem (when the face has a name or a person URI);
- entity: what the work is about, `about` on the VisualItem (Person, Place, Group or Type by its type);
- link: an authority URI: the object's `equivalent` (no field or an identifying field), the creator's
  `equivalent` (field creators), `made_of` (medium), `classified_as` (object_type), else `about`;
- duplicate: the other record, as the object's `equivalent`;
- date: the production's timespan (the catalogue keeps the accepted years), its events as parts;
- text, description, inconsistency: statements (inscription, description, note) in `referred_to_by`.

How machine-made is marked. The model has one way to say who asserted a single relationship:
reify it as an `AttributeAssignment` (https://linked.art/model/assertion/), and it discourages
doing so for everything. Every accepted value here came from an agent and a person, which is
exactly the information a consumer needs to tell reviewed machine output from catalogued data, so
each gets one: in `attributed_by` of the entity whose property it is, with `assigned_property` and
`assigned` naming the triple, `carried_out_by` the person who accepted it (the assignment into the
catalogue is theirs), `timespan` when, `influenced_by` the software agent version (a DigitalObject:
the schema allows only Person or Group in `carried_out_by`, and only objects or sets in
`used_specific_object`, where the model would put an AI tool), and a note spelling it out (agent,
software and model versions, score, edited or not). The value itself is also asserted directly
(on the object or its VisualItem), so that consumers which ignore assignments still see it.
Agents with a trained state (a model's weights) are AI: their assignments carry the technique
"artificial intelligence" (aat:300456842) and, unless a person edited the value, the classification
"AI Generated Content" (aat:300456841), which also goes on the statements they wrote, the model's
simpler pattern. A rule-based agent's values carry the assignment without the AI terms.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from vitrine.catalog.suggestions import Assertion
from vitrine.exports.linked_art_terms import (
    AAT,
    MATERIALS,
    local_id,
    statement,
    term,
)
from vitrine.suggestions.values import fragment

_OBJECT_FIELDS = ("", "identifier", "title", "object", "record")
_CREATOR_FIELDS = ("creator", "creators")
_ENTITY_TYPES = {"person": "Person", "per": "Person", "place": "Place", "loc": "Place", "gpe": "Place",
                 "location": "Place", "org": "Group", "organization": "Group", "organisation": "Group",
                 "group": "Group"}
_STATEMENT_KINDS = {"text": "inscription statement", "description": "description", "inconsistency": "note"}


@dataclass
class Accepted:
    """What a record's accepted values add to its documents, property by property."""

    object: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    visual: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    production: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: equivalents of creators, by creator name in lower case
    creators: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    date: Assertion | None = None

    def add(self, where: str, prop: str, value: dict[str, Any]) -> None:
        values = getattr(self, where).setdefault(prop, [])
        if "id" not in value or all(v.get("id") != value["id"] for v in values):
            values.append(value)


def accepted_values(assertions: Iterable[Assertion], base: str, creators: Iterable[str]) -> Accepted:
    """Sort a record's accepted values into the properties they fill, each with its assignment."""
    out = Accepted()
    names = {c.lower(): c for c in creators}
    for a in assertions:
        if a.kind == "date":
            out.date = a  # the last accepted date is the one the catalogue's years hold
            continue
        where, prop, value = _placed(a, base, names)
        if where == "creator":
            out.creators.setdefault(prop, []).append(value)
            actor = {"id": _actor_id(base, names[prop]), "type": _actor_type(names[prop]),
                     "_label": names[prop], "equivalent": [value]}
            out.add("production", "attributed_by", assignment(a, base, "carried_out_by", actor))
            continue
        if prop == "referred_to_by" and _ai_content(a):
            value["classified_as"].append(term("ai generated content"))
        out.add(where, prop, value)
        out.add(where, "attributed_by", assignment(a, base, prop, value))
    return out


def _placed(a: Assertion, base: str, creators: dict[str, str]) -> tuple[str, str, dict[str, Any]]:
    """Where one accepted value goes: (object | visual | creator, property or creator key, value)."""
    v = a.value
    if a.kind == "tag":
        return "visual", "represents_instance_of_type", _concept(base, "tag", v["label"], v.get("uri"))
    if a.kind == "class":
        return "visual", "classified_as", _concept(base, "class", v["label"], v.get("concept"))
    if a.kind == "face":
        if not (v.get("label") or v.get("person")):  # someone, not named: a depicted instance of a person
            return "visual", "represents_instance_of_type", _concept(base, "face", "person", None)
        label = v.get("label") or v["person"]
        return "visual", "represents", {"id": v.get("person") or local_id(base, "person", label),
                                        "type": "Person", "_label": label}
    if a.kind == "entity":
        kind = _ENTITY_TYPES.get(v["type"].lower(), "Type")
        return "visual", "about", {"id": v.get("uri") or local_id(base, kind.lower(), v["text"]),
                                   "type": kind, "_label": v["text"]}
    if a.kind == "duplicate":
        other = f"{base}/records/" + quote(v["identifier"], safe="")
        return "object", "equivalent", {"id": other, "type": "HumanMadeObject", "_label": v["identifier"]}
    if a.kind == "link":
        return _link(base, v, creators)
    content = v.get("text") or v.get("message") or a.label
    return "object", "referred_to_by", statement(_STATEMENT_KINDS.get(a.kind, "note"), str(content))


def _link(base: str, v: dict[str, Any], creators: dict[str, str]) -> tuple[str, str, dict[str, Any]]:
    field_name = (v.get("field") or "").lower()
    ref = {"id": v["uri"], "_label": v["label"]}
    if field_name in _CREATOR_FIELDS:
        named = (v.get("text") or v["label"]).lower()
        if named in creators:
            return "creator", named, {**ref, "type": _actor_type(creators[named])}
    if field_name in _OBJECT_FIELDS:
        return "object", "equivalent", {**ref, "type": "HumanMadeObject"}
    if field_name == "medium":
        return "object", "made_of", {**ref, "type": "Material"}
    if field_name == "object_type":
        return "object", "classified_as", {**ref, "type": "Type", "classified_as": [term("type of work")]}
    return "visual", "about", {**ref, "type": "Type"}


def _concept(base: str, kind: str, label: str, uri: str | None) -> dict[str, Any]:
    return {"id": uri or local_id(base, "concept", kind, label.lower()), "type": "Type", "_label": label}


def assignment(a: Assertion, base: str, prop: str, value: dict[str, Any]) -> dict[str, Any]:
    """The AttributeAssignment of one accepted value: who accepted it, when, on which agent's word."""
    agent = a.agent or {}
    out: dict[str, Any] = {
        "type": "AttributeAssignment",
        "_label": f"{a.kind} “{a.label}”: machine-made, {'edited and ' if a.edited else ''}accepted by "
                  f"{a.accepted_by}",
    }
    if _ai_content(a):
        out["classified_as"] = [term("ai generated content")]
    if _learned(a):
        out["technique"] = [term("artificial intelligence")]
    out.update({
        "carried_out_by": [{"id": local_id(base, "account", a.accepted_by), "type": "Person",
                            "_label": a.accepted_by}],
        "timespan": instant(a.accepted_at),
        "influenced_by": [{"id": local_id(base, "agent", str(agent.get("key") or "unknown")),
                           "type": "DigitalObject", "_label": agent_label(agent)}],
        "referred_to_by": [statement("note", provenance_note(a))],
        "assigned_property": prop,
        "assigned": [value],
    })
    return out


def provenance_note(a: Assertion) -> str:
    """The provenance in words ("Suggested by the agent fake (…), score 0.42; accepted by ed on …")."""
    score = f", score {a.score:.2f}" if a.score is not None else ""
    where = f" about image {a.image_id}" if a.image_id else ""
    where += f" ({fragment(a.region)})" if a.region else ""
    when = datetime.fromtimestamp(a.accepted_at, UTC).date().isoformat()
    return (f"Suggested{where} by the agent {agent_label(a.agent or {})}{score}; "
            f"{'edited and ' if a.edited else ''}accepted by {a.accepted_by} on {when}.")


def agent_label(agent: dict[str, Any]) -> str:
    if not agent:
        return "(unknown: its record is gone)"
    parts = [f"{agent.get('software')} {agent.get('software_version')}".strip()]
    if agent.get("model"):
        parts.append(f"model {agent['model']} {agent.get('model_version') or ''}".strip())
    return f"{agent.get('name')} ({'; '.join(parts)})"


def instant(when: float) -> dict[str, Any]:
    stamp = datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"type": "TimeSpan", "begin_of_the_begin": stamp, "end_of_the_end": stamp}


def _learned(a: Assertion) -> bool:
    """Made by an agent with a trained state (model weights): AI, as Linked Art's terms mean it."""
    return bool((a.agent or {}).get("state_sha256"))


def _ai_content(a: Assertion) -> bool:
    return _learned(a) and not a.edited


def materials(medium: str | None) -> list[dict[str, Any]]:
    """The recommended Materials a medium text names ("Oil on canvas": oil paint, canvas)."""
    if not medium:
        return []
    out: dict[str, dict[str, Any]] = {}
    words = medium.lower().replace("&", ",").replace(";", ",").replace("/", ",")
    for sep in (" on ", " and ", " with ", " in "):
        words = words.replace(sep, ",")
    for part in (p.strip(" .") for p in words.split(",")):
        found = MATERIALS.get(part) or MATERIALS.get(part.removesuffix(" paint"))
        if found:
            out[found[0]] = {"id": AAT + found[0], "type": "Material", "_label": found[1]}
    return list(out.values())


def _actor_type(name: str) -> str:
    """Person, or Group for names of workshops, studios and firms."""
    words = set(name.lower().replace(",", " ").replace(".", " ").split())
    group = {"studio", "workshop", "atelier", "factory", "manufactory", "company", "co", "ltd", "inc",
             "brothers", "bros", "school", "circle", "followers", "society", "group", "firm", "&"}
    return "Group" if words & group else "Person"


def _actor_id(base: str, name: str) -> str:
    return local_id(base, _actor_type(name).lower(), name)


def actor(base: str, name: str, equivalents: list[dict[str, Any]]) -> dict[str, Any]:
    """A creator as a Person or Group reference, with the authority links accepted for them."""
    ref: dict[str, Any] = {"id": _actor_id(base, name), "type": _actor_type(name), "_label": name}
    if equivalents:
        ref["equivalent"] = equivalents
    return ref
