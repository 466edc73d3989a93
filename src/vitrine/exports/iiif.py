"""IIIF Presentation 3 for map selections: a Collection of the works' Manifests, and those Manifests.

Every id points at this server (`base_url`): /iiif/<identifier>/manifest is served by the map router,
thumbnails and full images by the image routes, so a IIIF viewer can open an exported Collection.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Protocol
from urllib.parse import quote

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


def record_manifest(record: Record, images: Sequence[StoredImage], base_url: str) -> dict[str, Any]:
    """A Manifest for one record: one Canvas per image, painted with the full image."""
    base = base_url.rstrip("/")
    url = manifest_url(base, record.identifier)
    label = record.title or record.identifier
    metadata = [{"label": {"en": [name]}, "value": {"none": [value]}} for name, value in (
        ("Creator", "; ".join(record.creators)), ("Date", record.date_text or ""),
        ("Object type", record.object_type or ""), ("Medium", record.medium or "")) if value]
    manifest: dict[str, Any] = {
        "@context": IIIF_CONTEXT, "id": url, "type": "Manifest", "label": {"none": [label]},
        "metadata": metadata,
        "homepage": [{"id": f"{base}/records/{quote(record.identifier, safe='')}", "type": "Text",
                      "label": {"none": [label]}, "format": "text/html"}],
        "items": [_canvas(url, n, image, base) for n, image in enumerate(images, start=1)],
    }
    if record.rights and record.rights.startswith(("http://", "https://")):
        manifest["rights"] = record.rights
    elif record.rights:
        manifest["requiredStatement"] = {"label": {"en": ["Rights"]}, "value": {"none": [record.rights]}}
    if images:
        manifest["thumbnail"] = [_thumbnail(base, images[0].id)]
    return manifest


def _canvas(manifest: str, n: int, image: StoredImage, base: str) -> dict[str, Any]:
    width, height = image.width or 1000, image.height or 1000
    canvas = f"{manifest}/canvas/{n}"
    return {
        "id": canvas, "type": "Canvas", "width": width, "height": height,
        "thumbnail": [_thumbnail(base, image.id)],
        "items": [{"id": f"{canvas}/page", "type": "AnnotationPage", "items": [{
            "id": f"{canvas}/page/painting", "type": "Annotation", "motivation": "painting",
            "target": canvas,
            "body": {"id": f"{base}/images/{image.id}/full", "type": "Image", "format": "image/jpeg",
                     "width": width, "height": height},
        }]}],
    }


def _thumbnail(base: str, image_id: int) -> dict[str, Any]:
    return {"id": f"{base}/images/{image_id}/thumbnail", "type": "Image", "format": "image/jpeg"}
