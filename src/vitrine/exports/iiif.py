"""IIIF Presentation 3: a record's Manifest, with its suggestions as annotations, and Collections of them.

Every id points at this server (`base_url`): /iiif/<identifier>/manifest is served by the map router,
thumbnails and full images by the image routes, so a IIIF viewer can open an exported Collection.
`record_manifest_of` is the use case behind that route: the Manifest with the record's accepted
values and, for staff or where the collection shows them publicly, its machine suggestions, as W3C
Web Annotations on the canvases (`vitrine.exports.annotations` says how).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Protocol
from urllib.parse import quote

from vitrine.collection import Collection
from vitrine.exports.annotations import Annotated, CanvasView, annotation_pages, context_url
from vitrine.records import Record, StoredImage

IIIF_CONTEXT = "http://iiif.io/api/presentation/3/context.json"


class SelectedWork(Protocol):
    """A work chosen for a Collection: its record and the image that stands for it."""

    @property
    def image_id(self) -> int: ...

    @property
    def record(self) -> Record: ...


def manifest_url(base_url: str, identifier: str) -> str:
    return f"{base_url.rstrip('/')}/iiif/{quote(identifier, safe='')}/manifest"


def iiif_collection(works: Sequence[SelectedWork], base_url: str, label: str) -> dict[str, Any]:
    """A IIIF Presentation 3 Collection whose items are the works' manifests on this server."""
    base = base_url.rstrip("/")
    return {
        "@context": IIIF_CONTEXT,
        "id": f"{base}/api/map/selection/{_digest(works)}/collection",
        "type": "Collection",
        "label": {"en": [label]},
        "summary": {"en": [f"{len(works)} works selected on the similarity map"]},
        "items": [{
            "id": manifest_url(base, w.record.identifier),
            "type": "Manifest",
            "label": {"none": [w.record.title or w.record.identifier]},
            "thumbnail": [_thumbnail(base, w.image_id)],
            "homepage": [{"id": f"{base}/records/{quote(w.record.identifier, safe='')}", "type": "Text",
                          "label": {"none": [w.record.title or w.record.identifier]},
                          "format": "text/html"}],
        } for w in works],
    }


def _digest(works: Sequence[SelectedWork]) -> str:
    text = ",".join(str(w.image_id) for w in works)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def record_manifest_of(collection: Collection, identifier: str, base_url: str, *,
                       staff: bool) -> dict[str, Any]:
    """The Manifest of one record as the caller may see it: its accepted values always; its
    machine suggestions for `staff` (editors and admins), or for everyone when the collection's
    `proposed_public` is on, marked as not reviewed. Raises RecordNotFound."""
    catalog = collection.catalog
    record = catalog.get(identifier)
    record_id = catalog.record_id(identifier)
    proposed = staff or collection.config.proposed_public
    items = record_annotations(collection, record_id, proposed=proposed)
    images = catalog.images_of(identifier)
    manifest = record_manifest(record, images, base_url, items, staff=staff)
    statuses = ("accepted", "edited", "proposed") if proposed else ("accepted", "edited")
    for canvas, image in zip(manifest["items"], images, strict=True):
        if catalog.ocr.page_texts(record_id, image.id, statuses):  # its text line by line (vitrine.ocr)
            canvas.setdefault("annotations", []).append({
                "id": text_page_url(base_url, image.id), "type": "AnnotationPage",
                "label": {"en": ["Text read from the page, line by line"]}})
    return manifest


def text_page_url(base_url: str, image_id: int) -> str:
    """Where an image's text is served as a IIIF AnnotationPage of `supplementing` lines."""
    return f"{base_url.rstrip('/')}/text/{image_id}/iiif"


def record_annotations(collection: Collection, record_id: int, *, proposed: bool) -> list[Annotated]:
    """The record's accepted values (with the suggestions they came from) and, with `proposed`, its
    suggestions not yet decided and not stale."""
    store = collection.catalog.suggestions
    suggestions = {s.id: s for s in store.for_record(
        record_id, ("accepted", "edited", "proposed") if proposed else ("accepted", "edited"))}
    out = []
    for value in store.assertions(record_id):
        made = suggestions.get(value.suggestion_id) if value.suggestion_id else None
        out.append(Annotated(
            key=f"s{value.suggestion_id}" if value.suggestion_id else f"a{value.id}", kind=value.kind,
            value=value.value, status="edited" if value.edited else "accepted", image_id=value.image_id,
            region=value.region, agent=value.agent, score=value.score,
            probability=made.probability if made else None,
            created_at=made.created_at if made else value.accepted_at,
            reviewed_at=value.accepted_at, reviewed_by=value.accepted_by))
    agents = {}
    for s in suggestions.values():
        if s.status != "proposed" or s.stale:
            continue
        if s.agent_id not in agents:
            agents[s.agent_id] = store.agent(s.agent_id).to_dict()
        out.append(Annotated(
            key=f"s{s.id}", kind=s.kind, value=s.value, status="proposed", image_id=s.image_id,
            region=s.region, agent=agents[s.agent_id], score=s.score, probability=s.probability,
            created_at=s.created_at))
    return out


def record_manifest(record: Record, images: Sequence[StoredImage], base_url: str,
                    annotated: Sequence[Annotated] = (), *, staff: bool = False) -> dict[str, Any]:
    """A Manifest for one record: one Canvas per image, painted with the full image, annotated with
    `annotated` (see `vitrine.exports.annotations`; `staff` adds who reviewed each value)."""
    base = base_url.rstrip("/")
    url = manifest_url(base, record.identifier)
    label = record.title or record.identifier
    metadata = [{"label": {"en": [name]}, "value": {"none": [value]}} for name, value in (
        ("Creator", "; ".join(record.creators)), ("Date", record.date_text or ""),
        ("Object type", record.object_type or ""), ("Medium", record.medium or "")) if value]
    views = [_view(url, n, image) for n, image in enumerate(images, start=1)]
    pages = annotation_pages(url, views, annotated, base_url=base, staff=staff)
    manifest: dict[str, Any] = {
        "@context": [context_url(base), IIIF_CONTEXT] if pages else IIIF_CONTEXT,
        "id": url, "type": "Manifest", "label": {"none": [label]},
        "metadata": metadata,
        "homepage": [{"id": f"{base}/records/{quote(record.identifier, safe='')}", "type": "Text",
                      "label": {"none": [label]}, "format": "text/html"}],
        "items": [_canvas(view, base, pages.get(view.id)) for view in views],
    }
    if url in pages:
        manifest["annotations"] = pages[url]
    if record.rights and record.rights.startswith(("http://", "https://")):
        manifest["rights"] = record.rights
    elif record.rights:
        manifest["requiredStatement"] = {"label": {"en": ["Rights"]}, "value": {"none": [record.rights]}}
    if images:
        manifest["thumbnail"] = [_thumbnail(base, images[0].id)]
    return manifest


def _view(manifest: str, n: int, image: StoredImage) -> CanvasView:
    return CanvasView(f"{manifest}/canvas/{n}", image.width or 1000, image.height or 1000, image)


def _canvas(view: CanvasView, base: str, pages: list[dict[str, Any]] | None) -> dict[str, Any]:
    image_id, canvas = view.image.id, view.id
    out: dict[str, Any] = {
        "id": canvas, "type": "Canvas", "width": view.width, "height": view.height,
        "thumbnail": [_thumbnail(base, image_id)],
        "items": [{"id": f"{canvas}/page", "type": "AnnotationPage", "items": [{
            "id": f"{canvas}/page/painting", "type": "Annotation", "motivation": "painting",
            "target": canvas,
            "body": {"id": f"{base}/images/{image_id}/full", "type": "Image", "format": "image/jpeg",
                     "width": view.width, "height": view.height},
        }]}],
    }
    if pages:
        out["annotations"] = pages
    return out


def _thumbnail(base: str, image_id: int) -> dict[str, Any]:
    return {"id": f"{base}/images/{image_id}/thumbnail", "type": "Image", "format": "image/jpeg"}
