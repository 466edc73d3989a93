"""Other portraits of this sitter: the nearest faces to a record's faces, for staff.

The faces are described by `vitrine faces index NAME` (dlib's descriptors kept with the
collection); the page and its JSON call `vitrine.faces.sitters.record_sitters`, as
`vitrine faces similar` does for one image. A search across the faces of a collection is a staff
tool, not a visitor's: it needs a staff account (the `keep_sets` permission, which every staff role
has and anonymous visitors never do), and so do the face crops it shows.
"""

from __future__ import annotations

import io

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from vitrine.accounts import Permission
from vitrine.errors import FaceSearchError, ImageError
from vitrine.faces.sitters import SAME_SITTER, ImageSitters, record_sitters
from vitrine.images import read_image
from vitrine.web.auth import Allowed
from vitrine.web.deps import CollectionDep, ImageIdPath, RateLimited, TemplatesDep
from vitrine.web.present import alt_text, record_url, thumbnail_url
from vitrine.web.schemas.errors import error_responses
from vitrine.web.schemas.sitters import (
    FaceMatchPublic,
    RecordSittersPublic,
    SitterFacePublic,
    SitterImagePublic,
)
from vitrine.web.security import WebError

router = APIRouter(dependencies=[Allowed(Permission.KEEP_SETS)])
_ERRORS = error_responses((404, "not found"), (409, "faces not described"), (422, "invalid request"))
api = APIRouter(prefix="/api", tags=["faces"], dependencies=[RateLimited], responses=_ERRORS)
MATCHES = 10
CROP = 96  # pixels on the long side of a face crop
_MARGIN = 0.25  # of the face box, added on each side of a crop


@api.get("/sitters", response_model=RecordSittersPublic)
def api_sitters(collection: CollectionDep, record: str, k: int = Query(MATCHES, ge=1, le=100),
                ) -> RecordSittersPublic:
    """For each face of the record's images, the nearest faces in other images (dlib descriptors)."""
    try:
        found = record_sitters(collection, record, k=k)
    except FaceSearchError as exc:
        raise WebError(409, "no_faces", str(exc)) from None
    return sitters_public(record, found)


@router.get("/sitters", response_class=HTMLResponse, include_in_schema=False)
def sitters_page(request: Request, collection: CollectionDep, templates: TemplatesDep, record: str,
                 ) -> Response:
    own = collection.catalog.get(record)  # RecordNotFound: the 404 page
    problem, found = None, None
    try:
        found = sitters_public(record, record_sitters(collection, record, k=MATCHES))
    except FaceSearchError as exc:
        problem = str(exc)
    images = collection.catalog.images_of(record)
    return templates.TemplateResponse(request, "sitters.html", {
        "collection": collection, "record": own, "found": found, "problem": problem,
        "record_url": record_url(record), "threshold": SAME_SITTER,
        "thumbnail": thumbnail_url(images[0].id) if images else None, "alt_text": alt_text})


@router.get("/sitters/crop/{image_id}", include_in_schema=False)
def face_crop(image_id: ImageIdPath, collection: CollectionDep,
              box: str = Query(pattern=r"^\d{1,6},\d{1,6},\d{1,6},\d{1,6}$")) -> Response:
    """The face at `box` (x,y,w,h in the image's pixels) with a margin, as a small JPEG."""
    x, y, w, h = (int(v) for v in box.split(","))
    stored = collection.catalog.image(image_id)  # ImageNotFound: 404
    path = collection.image_path(stored)
    if path is None or not path.is_file() or w < 1 or h < 1:
        raise WebError(404, "no_image", f"image {image_id} has no face crop to show here")
    try:
        image, _ = read_image(path)
    except ImageError as exc:
        raise WebError(404, "no_image", f"image {image_id} cannot be shown: {exc.reason}") from None
    mx, my = int(w * _MARGIN), int(h * _MARGIN)
    left, top = max(0, x - mx), max(0, y - my)
    right, bottom = min(image.width, x + w + mx), min(image.height, y + h + my)
    if right <= left or bottom <= top:
        raise WebError(422, "invalid_request", f"the box {box} lies outside image {image_id}")
    crop = image.crop((left, top, right, bottom)).convert("RGB")
    scale = CROP / max(crop.size)
    crop = crop.resize((max(1, round(crop.width * scale)), max(1, round(crop.height * scale))))
    buf = io.BytesIO()
    crop.save(buf, "JPEG", quality=88)
    return Response(buf.getvalue(), media_type="image/jpeg",
                    headers={"Cache-Control": "private, max-age=3600"})


def crop_url(image_id: int, box: tuple[int, int, int, int]) -> str:
    return f"/sitters/crop/{image_id}?box={','.join(str(v) for v in box)}"


def sitters_public(identifier: str, found: list[ImageSitters]) -> RecordSittersPublic:
    return RecordSittersPublic(identifier=identifier, threshold=SAME_SITTER, images=[
        SitterImagePublic(image_id=image.image_id, faces=[
            SitterFacePublic(box=list(face.box), score=round(face.score, 4),
                             crop_url=crop_url(image.image_id, face.box), matches=[
                FaceMatchPublic(identifier=m.identifier, title=m.title, url=record_url(m.identifier),
                                image_id=m.image_id, box=list(m.box), crop_url=crop_url(m.image_id, m.box),
                                distance=m.distance, same_sitter=m.same_sitter)
                for m in face.matches])
            for face in image.faces])
        for image in found])


router.include_router(api)
