"""A record's accepted values and machine suggestions as W3C Web Annotations for its IIIF manifest.

Each canvas of `/iiif/{identifier}/manifest` gets up to two AnnotationPages in its `annotations`:
``…/canvas/N/annotations/accepted`` ("Accepted by the cataloguers") and
``…/canvas/N/annotations/proposed`` ("Machine suggestions, not reviewed"). Suggestions about an
image (or a region of one) go on that image's canvas; suggestions about the record as a whole go
on the first canvas, targeting all of it (the canvas stands for the work, as in the IIIF cookbook's
full-canvas annotation recipe); a record with no image has them on the manifest itself.

Motivations (W3C Web Annotation vocabulary, plus IIIF's `supplementing`):

=============  ==============================================================================
kind           motivation
=============  ==============================================================================
tag            ``tagging`` (IIIF cookbook 0021); with a vocabulary URI, see below
class          ``classifying`` (the classifier's concept URI, when given, as a second body)
face           ``identifying`` when it names someone (a label or a person URI), else ``tagging``
               with the body "face": a detection says what a region shows, not who
text (OCR)     ``supplementing`` on an image (IIIF's motivation for text derived from the canvas,
               as transcriptions are), ``describing`` on the record
entity         ``tagging``; with the entity's URI, see below
date           ``describing``
link           ``identifying`` when it identifies the work itself (no `field`), else ``tagging``
               (an authority for one field's value)
duplicate      ``identifying``: the body is the other record's manifest
description    ``describing``
inconsistency  ``assessing`` (a judgement on the record's data, not a comment on the image)
=============  ==============================================================================

A URI (a tag's or entity's vocabulary term, a class's concept, a person, an authority, the other
record of a duplicate) is a second body, a SpecificResource, after the TextualBody a viewer shows
(IIIF cookbook 0258). A tag with a URI is motivated ``["tagging", "identifying"]``, its text with the
purpose ``tagging`` and its URI ``identifying`` (what is depicted): with ``tagging`` alone, Mirador
(3 and 4.0) takes every body for a tag string and fails on one without a value (Mirador issue 4157).

Provenance: `creator` is a ``Software`` agent, the suggesting agent (``name`` its software and
version, ``nickname`` the agent's name, and its model, model version and the SHA-256 of its trained
state as ``vitrine:`` terms); `created` is when it suggested; `generator` is vitrine, which wrote
the serialisation. A value a person typed without a suggestion has no creator.
Review state (terms of the extension context served at ``/iiif/context.json``, listed before the
IIIF context): ``vitrine:status`` is ``accepted``, ``edited`` (accepted with changes) or
``proposed``; ``vitrine:score`` and ``vitrine:probability`` (when calibrated) the agent's own;
``vitrine:reviewedAt`` when accepted, and ``vitrine:reviewedBy`` (the account) for staff only.
A proposed annotation also carries a second TextualBody with purpose ``commenting``, "Machine-made,
not reviewed", so that viewers, which show bodies and not extension terms, mark it too.

Regions are stored in the image's pixels; targets are a SpecificResource on the canvas with a
``FragmentSelector`` (``xywh=``, scaled to canvas coordinates, rounded, clipped to the canvas) and,
for a polygon, an ``SvgSelector`` (a ``path``: what Mirador draws) after it. A region on an image
whose size is unknown, or on an image the record no longer has, cannot be placed and is left out;
so are rejected and stale suggestions.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote

from vitrine.records import StoredImage
from vitrine.suggestions.values import bounding_box
from vitrine.version import __version__

ANNOTATION_STATUSES: Final = ("accepted", "edited", "proposed")
PAGE_LABELS: Final = {"accepted": "Accepted by the cataloguers",
                      "proposed": "Machine suggestions, not reviewed"}
NOT_REVIEWED: Final = "Machine-made, not reviewed"
MEDIA_FRAGMENTS: Final = "http://www.w3.org/TR/media-frags/"


def context_url(base_url: str) -> str:
    """Where the `vitrine:` extension context is served (listed first in a manifest's @context)."""
    return f"{base_url.rstrip('/')}/iiif/context.json"


def context_document(base_url: str) -> dict[str, Any]:
    """The JSON-LD context of the `vitrine:` terms used in annotations and their creators."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    return {"@context": {
        "vitrine": f"{context_url(base_url)}#",
        "vitrine:status": {"@id": "vitrine:status"},
        "vitrine:score": {"@id": "vitrine:score", "@type": f"{xsd}double"},
        "vitrine:probability": {"@id": "vitrine:probability", "@type": f"{xsd}double"},
        "vitrine:reviewedAt": {"@id": "vitrine:reviewedAt", "@type": f"{xsd}dateTime"},
        "vitrine:reviewedBy": {"@id": "vitrine:reviewedBy"},
        "vitrine:softwareVersion": {"@id": "vitrine:softwareVersion"},
        "vitrine:model": {"@id": "vitrine:model"},
        "vitrine:modelVersion": {"@id": "vitrine:modelVersion"},
        "vitrine:stateSha256": {"@id": "vitrine:stateSha256"},
        "vitrine:agentVersion": {"@id": "vitrine:agentVersion"},
    }}


@dataclass(frozen=True)
class Annotated:
    """One thing to annotate: an accepted value or a proposed suggestion, with its provenance.

    `key` names it within the record ("s12": suggestion 12; "a3": a value typed without one);
    `agent` is the suggesting agent's description (`StoredAgent.to_dict()`), None for a person's."""

    key: str
    kind: str
    value: Mapping[str, Any]
    status: str
    image_id: int | None = None
    region: Mapping[str, Any] | None = None
    agent: Mapping[str, Any] | None = None
    score: float | None = None
    probability: float | None = None
    created_at: float | None = None
    reviewed_at: float | None = None
    reviewed_by: str | None = None


@dataclass(frozen=True)
class CanvasView:
    """A canvas and the image painted on it: region pixels scale from `image` to the canvas size."""

    id: str
    width: int
    height: int
    image: StoredImage


def annotation_pages(target: str, views: Sequence[CanvasView], items: Sequence[Annotated], *,
                     base_url: str, staff: bool) -> dict[str, list[dict[str, Any]]]:
    """AnnotationPages keyed by the id of what carries them (a canvas, or `target` when the record
    has no canvas): accepted first, then proposed, each only when it has an annotation."""
    out: dict[str, list[dict[str, Any]]] = {}
    by_image = {v.image.id: v for v in views}
    for page in ("accepted", "proposed"):
        chosen = [i for i in items if (i.status == "proposed") == (page == "proposed")]
        grouped: dict[str, list[dict[str, Any]]] = {}
        for item in chosen:
            view = by_image.get(item.image_id) if item.image_id else (views[0] if views else None)
            if item.image_id and view is None:
                continue  # an image the record no longer has
            owner = view.id if view else target
            made = annotation(item, f"{owner}/annotation/{item.key}", view, target, base_url=base_url,
                              staff=staff)
            if made is not None:
                grouped.setdefault(owner, []).append(made)
        for owner, made_here in grouped.items():
            out.setdefault(owner, []).append({
                "id": f"{owner}/annotations/{page}", "type": "AnnotationPage",
                "label": {"en": [PAGE_LABELS[page]]}, "items": made_here})
    return out


def annotation(item: Annotated, annotation_id: str, view: CanvasView | None, fallback: str, *,
               base_url: str, staff: bool) -> dict[str, Any] | None:
    """One Web Annotation, or None when its region cannot be placed on the canvas."""
    if item.status not in ANNOTATION_STATUSES:
        raise ValueError(f"an exported annotation is accepted, edited or proposed, not {item.status!r}")
    target = annotation_target(view, item.region) if view else fallback
    if target is None:
        return None
    motive = motivation(item.kind, item.value, on_image=item.image_id is not None)
    body = bodies(item.kind, item.value, motive, base_url)
    motives: str | list[str] = ["tagging", "identifying"] if motive == "tagging" and len(body) > 1 else motive
    if item.status == "proposed":
        body.append({"type": "TextualBody", "value": NOT_REVIEWED, "format": "text/plain",
                     "language": "en", "purpose": "commenting"})
    out: dict[str, Any] = {"id": annotation_id, "type": "Annotation", "motivation": motives,
                           "body": body[0] if len(body) == 1 else body, "target": target}
    if item.agent:
        out["creator"] = software_agent(item.agent)
    if item.created_at is not None:
        out["created"] = iso(item.created_at)
    out["generator"] = {"type": "Software", "name": f"vitrine {__version__}", "nickname": "vitrine",
                        "vitrine:softwareVersion": __version__}
    out.update(_review_terms(item, staff))
    return out


def _review_terms(item: Annotated, staff: bool) -> dict[str, Any]:
    terms: dict[str, Any] = {"vitrine:status": item.status}
    if item.score is not None:
        terms["vitrine:score"] = item.score
    if item.probability is not None:
        terms["vitrine:probability"] = item.probability
    if item.status != "proposed" and item.reviewed_at is not None:
        terms["vitrine:reviewedAt"] = iso(item.reviewed_at)
    if staff and item.status != "proposed" and item.reviewed_by:
        terms["vitrine:reviewedBy"] = item.reviewed_by
    return terms


def software_agent(agent: Mapping[str, Any]) -> dict[str, Any]:
    """The W3C `Software` agent of a suggesting agent, with its model and trained state."""
    software = str(agent.get("software") or agent.get("name") or "agent")
    version = str(agent.get("software_version") or "")
    out: dict[str, Any] = {"type": "Software", "name": f"{software} {version}".strip(),
                           "nickname": str(agent.get("name") or software)}
    for key, term in (("software_version", "softwareVersion"), ("model", "model"),
                      ("model_version", "modelVersion"), ("state_sha256", "stateSha256"),
                      ("key", "agentVersion")):
        if agent.get(key):
            out[f"vitrine:{term}"] = str(agent[key])
    return out


def motivation(kind: str, value: Mapping[str, Any], *, on_image: bool) -> str:
    """The W3C motivation of a kind of suggestion (the table in this module's docstring)."""
    if kind == "face":
        return "identifying" if value.get("person") or value.get("label") else "tagging"
    if kind == "text":
        return "supplementing" if on_image else "describing"
    if kind == "link":
        return "tagging" if value.get("field") else "identifying"
    return _MOTIVATIONS[kind]


_MOTIVATIONS: Final = {"tag": "tagging", "class": "classifying", "entity": "tagging", "date": "describing",
                       "duplicate": "identifying", "description": "describing", "inconsistency": "assessing"}


def bodies(kind: str, value: Mapping[str, Any], motive: str, base_url: str) -> list[dict[str, Any]]:
    """The annotation's bodies: the text a viewer shows, then the URI it stands for, if any (a
    tag's URI identifies what is depicted: see the module's docstring)."""
    text: dict[str, Any] = {"type": "TextualBody", "value": body_text(kind, value), "format": "text/plain"}
    if value.get("language"):
        text["language"] = str(value["language"])
    if motive == "tagging":
        text["purpose"] = "tagging"
    out = [text]
    uri = _body_uri(kind, value, base_url)
    if uri:
        out.append({"type": "SpecificResource", "source": uri,
                    "purpose": "identifying" if motive == "tagging" else motive})
    return out


def _body_uri(kind: str, value: Mapping[str, Any], base_url: str) -> str | None:
    if kind == "duplicate":
        identifier = quote(str(value["identifier"]), safe="")
        return f"{base_url.rstrip('/')}/iiif/{identifier}/manifest"
    for key in ("uri", "concept", "person"):
        if value.get(key):
            return str(value[key])
    return None


def body_text(kind: str, value: Mapping[str, Any]) -> str:
    """What a viewer shows of a value."""
    if kind == "face":
        return str(value.get("label") or "face")
    if kind == "entity":
        return f"{value['text']} ({value['type']})"
    if kind == "date":
        text, edtf = str(value["text"]), str(value["edtf"])
        return f"Date: {text}" + ("" if text == edtf else f" (EDTF {edtf})")
    if kind == "duplicate":
        return f"The same work as record {value['identifier']}"
    if kind == "inconsistency":
        return f"{value['message']} ({', '.join(value['fields'])})"
    return str(value.get("label") or value.get("text") or "")


def annotation_target(view: CanvasView, region: Mapping[str, Any] | None) -> str | dict[str, Any] | None:
    """The canvas itself, or a SpecificResource of the region on it (None: the region cannot be placed)."""
    if not region:
        return view.id
    width, height = view.image.width, view.image.height
    if not width or not height:
        return None
    sx, sy = view.width / width, view.height / height
    selectors: list[dict[str, Any]] = [{"type": "FragmentSelector", "conformsTo": MEDIA_FRAGMENTS,
                                        "value": fragment_value(region, sx, sy, view)}]
    if "polygon" in region:
        selectors.append({"type": "SvgSelector", "value": svg_path(region["polygon"], sx, sy)})
    return {"type": "SpecificResource", "source": view.id,
            "selector": selectors[0] if len(selectors) == 1 else selectors}


def fragment_value(region: Mapping[str, Any], sx: float, sy: float, view: CanvasView) -> str:
    """`xywh=` of a region's bounding box in canvas coordinates: the whole pixels that cover it,
    inside the canvas (Media Fragments take whole numbers)."""
    x, y, w, h = bounding_box(region)
    left, top = min(math.floor(x * sx), view.width - 1), min(math.floor(y * sy), view.height - 1)
    right, bottom = min(math.ceil((x + w) * sx), view.width), min(math.ceil((y + h) * sy), view.height)
    return f"xywh={left},{top},{max(right - left, 1)},{max(bottom - top, 1)}"


def svg_path(points: Sequence[Sequence[float]], sx: float, sy: float) -> str:
    """An SVG document with the polygon as one closed path, in canvas coordinates."""
    d = " ".join(f"{'M' if i == 0 else 'L'}{_num(x * sx)},{_num(y * sy)}" for i, (x, y) in enumerate(points))
    return f"<svg xmlns='http://www.w3.org/2000/svg'><path d='{d} Z'/></svg>"


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def iso(at: float) -> str:
    """An xsd:dateTime in UTC, as the Web Annotation model asks for `created`."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))
