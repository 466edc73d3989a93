"""Records as Linked Art JSON-LD (https://linked.art/model/), with the provenance of accepted values.

Each record is a HumanMadeObject whose `id` is its page on the web app (`/records/{identifier}`,
which serves this document to `Accept: application/ld+json`): its title as the primary Name, its
identifier as a system-assigned number (an accession number from `extra` when the source gave one),
its object type as a type of work, production with a timespan from the catalogue's years (the date
text as its display name) carried out by the creators, materials and dimensions parsed where they
fit and kept as statements always, credit line and rights as statements, its images as
representations, and its pages (here, the museum's, the IIIF manifest) as `subject_of`.

Accepted suggestions join it as `linked_art_values` describes, machine-made ones marked with an
AttributeAssignment each. What the image shows is a VisualItem of its own (the model's schemas
allow only a reference to it in `shows`), served at `/linked-art/visual/{identifier}` and written
beside the object's file by the export.

The documents are plain dicts built here, validated in the tests against the Linked Art API's JSON
Schemas; cromulent (the model's Python library) was not used: it brings rdflib and PyLD, and keeps
its settings in a module-level factory, which a threaded web server would share.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from vitrine.catalog.suggestions import Assertion
from vitrine.collection import Collection
from vitrine.errors import VitrineError
from vitrine.exports.dimensions import parse_dimensions
from vitrine.exports.iiif import manifest_url
from vitrine.exports.linked_art_terms import (
    AAT,
    CONTEXT,
    DIMENSIONS,
    IIIF_MEDIA_TYPE,
    IIIF_PRESENTATION,
    UNITS,
    local_id,
    name,
    object_type,
    statement,
    term,
)
from vitrine.exports.linked_art_values import Accepted, accepted_values, actor, assignment, materials
from vitrine.fsutil import write_atomic
from vitrine.jobs.progress import ProgressCallback, Reporter
from vitrine.records import Record, StoredImage

#: `extra` keys whose value is the object's accession (inventory) number
ACCESSION_KEYS = ("accession_number", "accession", "acno", "object_number", "inventory", "inventory_number")


@dataclass(frozen=True)
class LinkedArt:
    """A record's documents: the object, and the VisualItem it shows (None without accepted visual values)."""

    object: dict[str, Any]
    visual: dict[str, Any] | None


def record_url(base_url: str, identifier: str) -> str:
    return f"{base_url.rstrip('/')}/records/{quote(identifier, safe='')}"


def visual_url(base_url: str, identifier: str) -> str:
    return f"{base_url.rstrip('/')}/linked-art/visual/{quote(identifier, safe='')}"


def record_linked_art(collection: Collection, identifier: str, base_url: str) -> LinkedArt:
    """The Linked Art documents of one record of `collection`, ids under `base_url`."""
    catalog = collection.catalog
    record = catalog.get(identifier)
    assertions = catalog.suggestions.assertions(catalog.record_id(record.identifier))
    return linked_art(record, catalog.images_of(record.identifier), assertions, base_url)


def linked_art(record: Record, images: Sequence[StoredImage], assertions: Sequence[Assertion],
               base_url: str) -> LinkedArt:
    """Build the documents of `record` from its fields, images and accepted values."""
    base = base_url.rstrip("/")
    url = record_url(base, record.identifier)
    label = record.title or record.identifier
    accepted = accepted_values(assertions, base, record.creators)
    doc: dict[str, Any] = {"@context": CONTEXT, "id": url, "type": "HumanMadeObject", "_label": label}
    types = [object_type(base, record.object_type)] if record.object_type else []
    _put(doc, "classified_as", _unique(types + accepted.object.get("classified_as", [])))
    doc["identified_by"] = _identifiers(record)
    _put(doc, "referred_to_by", _statements(record) + accepted.object.get("referred_to_by", []))
    _put(doc, "equivalent", accepted.object.get("equivalent", []))
    _put(doc, "representation", [_representation(base, image, f"Image {n} of {label}")
                                 for n, image in enumerate(images, start=1)])
    doc["subject_of"] = _pages(record, base, bool(images))
    _put(doc, "attributed_by", accepted.object.get("attributed_by", []))
    _put(doc, "dimension", _dimensions(record.dimensions))
    _put(doc, "made_of", _unique(materials(record.medium) + accepted.object.get("made_of", [])))
    visual = _visual(record, base, label, accepted)
    if visual is not None:
        doc["shows"] = [{"id": visual["id"], "type": "VisualItem", "_label": visual["_label"]}]
    production = _production(record, base, accepted)
    if production:
        doc["produced_by"] = production
    return LinkedArt(doc, visual)


def _put(doc: dict[str, Any], key: str, values: list[dict[str, Any]]) -> None:
    if values:
        doc[key] = values


def _unique(values: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each id once, where it first came (the catalogue's own values come before accepted ones)."""
    seen: dict[str, dict[str, Any]] = {}
    for value in values:
        seen.setdefault(value["id"], value)
    return list(seen.values())


def _identifiers(record: Record) -> list[dict[str, Any]]:
    out = [name(record.title or record.identifier, "primary name"),
           {"type": "Identifier", "content": record.identifier, "classified_as": [term("system number")]}]
    accession = next((str(record.extra[k]) for k in ACCESSION_KEYS if record.extra.get(k)), None)
    if accession and accession != record.identifier:
        out.append({"type": "Identifier", "content": accession, "classified_as": [term("accession number")]})
    return out


def _statements(record: Record) -> list[dict[str, Any]]:
    fields = (("materials statement", record.medium), ("dimensions statement", record.dimensions),
              ("credit line", record.credit_line), ("rights statement", record.rights))
    return [statement(kind, text.strip()) for kind, text in fields if text and text.strip()]


def _dimensions(text: str | None) -> list[dict[str, Any]]:
    out = []
    for m in parse_dimensions(text):
        kind_number, kind_label = DIMENSIONS[m.kind]
        unit_number, unit_label = UNITS[m.unit]
        out.append({"type": "Dimension", "value": m.value,
                    "classified_as": [{"id": AAT + kind_number, "type": "Type", "_label": kind_label}],
                    "unit": {"id": AAT + unit_number, "type": "MeasurementUnit", "_label": unit_label}})
    return out


def _representation(base: str, image: StoredImage, label: str) -> dict[str, Any]:
    shown = {"type": "DigitalObject", "_label": label,
             "classified_as": [term("digital image")],
             "access_point": [{"id": f"{base}/images/{image.id}/full", "type": "DigitalObject"}]}
    return {"type": "VisualItem", "digitally_shown_by": [shown]}


def _pages(record: Record, base: str, iiif: bool) -> list[dict[str, Any]]:
    """The record's page here, the museum's page, and its IIIF manifest, each as a LinguisticObject
    carried by a DigitalObject (https://linked.art/model/digital/)."""
    pages = [("Record page", record_url(base, record.identifier), "text/html", term("web page"))]
    if record.source_url and re.match(r"https?://\S+$", record.source_url):
        pages.append((f"Page at {record.source or 'the source'}", record.source_url, "text/html",
                      term("web page")))
    out = [{"type": "LinguisticObject", "digitally_carried_by": [{
        "type": "DigitalObject", "_label": label, "classified_as": [kind], "format": fmt,
        "access_point": [{"id": uri, "type": "DigitalObject"}]}]} for label, uri, fmt, kind in pages]
    if iiif:
        out.append({"type": "LinguisticObject", "digitally_carried_by": [{
            "type": "DigitalObject", "_label": "IIIF manifest", "format": IIIF_MEDIA_TYPE,
            "conforms_to": [{"id": IIIF_PRESENTATION, "type": "InformationObject"}],
            "access_point": [{"id": manifest_url(base, record.identifier), "type": "DigitalObject"}]}]})
    return out


def _visual(record: Record, base: str, label: str, accepted: Accepted) -> dict[str, Any] | None:
    if not accepted.visual:
        return None
    doc: dict[str, Any] = {"@context": CONTEXT, "id": visual_url(base, record.identifier),
                           "type": "VisualItem", "_label": f"Visual content of {label}"}
    for key in ("classified_as", "represents", "represents_instance_of_type", "about", "attributed_by"):
        _put(doc, key, accepted.visual.get(key, []))
    return doc


def _production(record: Record, base: str, accepted: Accepted) -> dict[str, Any]:
    production: dict[str, Any] = {"type": "Production"}
    date = accepted.date.value if accepted.date else None
    span = timespan(record.year_min, record.year_max, record.date_text or (date or {}).get("text"))
    if span:
        production["timespan"] = span
    creators = [actor(base, c, accepted.creators.get(c.lower(), [])) for c in record.creators]
    _put(production, "carried_out_by", creators)
    if date and date.get("events"):
        production["part"] = [_event(e) for e in date["events"]]
    if accepted.date is not None and span:
        accepted.add("production", "attributed_by", assignment(accepted.date, base, "timespan", span))
    _put(production, "attributed_by", accepted.production.get("attributed_by", []))
    return production if len(production) > 1 else {}


def _event(event: dict[str, Any]) -> dict[str, Any]:
    """One production event of an accepted date ("cast 1984") as a part of the production."""
    span = timespan(event["earliest"], event["latest"], event.get("text") or event["edtf"])
    return {"type": "Production", "_label": str(event["role"]), "timespan": span}


def timespan(earliest: int | None, latest: int | None, text: str | None) -> dict[str, Any] | None:
    """A TimeSpan from whole years (BCE negative, no year 0) with `text` as its display name."""
    span: dict[str, Any] = {"type": "TimeSpan"}
    if text and text.strip():
        span["identified_by"] = [name(text.strip(), "display name")]
    years = sorted(y for y in (earliest, latest) if y is not None)
    if years:
        span["begin_of_the_begin"] = f"{_iso_year(years[0])}-01-01T00:00:00Z"
        span["end_of_the_end"] = f"{_iso_year(years[-1])}-12-31T23:59:59Z"
    return span if len(span) > 1 else None


def _iso_year(year: int) -> str:
    """xsd:dateTime's year: astronomical numbering (1 BCE is 0000, 50 BCE is -0049), at least 4 digits."""
    value = year + 1 if year < 0 else year
    return f"-{abs(value):04d}" if value < 0 else f"{value:04d}"


# -- the export --------------------------------------------------------------------------------------

def file_name(identifier: str) -> str:
    """A safe file name (without extension) for a record: the identifier where it is one already, else
    its safe characters and a digest of the identifier, so distinct identifiers never share a name."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", identifier).strip("._")[:80]
    if slug == identifier and slug.lower() not in _RESERVED:
        return slug
    return f"{slug or 'record'}-{hashlib.sha256(identifier.encode()).hexdigest()[:10]}"


_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def export_linked_art(collection: Collection, directory: Path, base_url: str,
                      progress: ProgressCallback | None = None) -> int:
    """Write every record as `DIRECTORY/NAME.json` (and what it shows as `DIRECTORY/visual/NAME.json`),
    each file written atomically; returns how many records were written."""
    check_base_url(base_url)
    catalog = collection.catalog
    reporter = Reporter(progress, "export", catalog.count())
    directory.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    for record in catalog.iter_records():
        stem = file_name(record.identifier)
        if stem.lower() in used:  # "R1" and "r1" on a case-insensitive file system
            stem = f"{stem}-{hashlib.sha256(record.identifier.encode()).hexdigest()[:10]}"
        used.add(stem.lower())
        assertions = catalog.suggestions.assertions(catalog.record_id(record.identifier))
        docs = linked_art(record, catalog.images_of(record.identifier), assertions, base_url)
        write_atomic(directory / f"{stem}.json", dump(docs.object))
        if docs.visual is not None:
            (directory / "visual").mkdir(exist_ok=True)
            write_atomic(directory / "visual" / f"{stem}.json", dump(docs.visual))
        reporter.advance()
    return reporter.done


def check_base_url(base_url: str) -> str:
    """The web app's address the ids are made under; an http(s) URL with a host, or an error saying so."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise VitrineError(f"the base URL must be the web app's http(s) address, like"
                           f" http://localhost:8000, not {base_url!r}")
    return base_url.rstrip("/")


def dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


__all__ = ["LinkedArt", "export_linked_art", "file_name", "linked_art", "local_id", "record_linked_art",
           "record_url", "timespan", "visual_url"]
