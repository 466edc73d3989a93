"""Share your view: a visitor's photo, the work recognised in it or the works it echoes, a composite
to download, consent to share; and `POST /api/recognize`, the same recognition as JSON."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from PIL import Image
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import Permission
from vitrine.collection import Collection
from vitrine.images import decode, read_image
from vitrine.regions.search import has_local_index
from vitrine.search.core import search_by_image
from vitrine.visitor.recognize import Recognition, recognize_photo
from vitrine.web import composite
from vitrine.web.auth import Allowed
from vitrine.web.deps import (
    CollectionDep,
    GalleryDep,
    PhotosDep,
    RateLimited,
    SettingsDep,
    TemplatesDep,
    UploadsDep,
)
from vitrine.web.photos import HeldPhoto, PhotoCache
from vitrine.web.present import alt_text, page_public, record_public, record_url
from vitrine.web.recognition import quad_points, recognition_public
from vitrine.web.schemas.errors import error_responses
from vitrine.web.schemas.recognition import RecognitionPublic
from vitrine.web.schemas.records import RecordPublic
from vitrine.web.schemas.search import HitPublic
from vitrine.web.security import WebError, read_form
from vitrine.web.uploads import RECOGNITION_SIDE, hold_photo

# The pages stay out of the OpenAPI docs (include_in_schema=False on each); the JSON route is in them.
router = APIRouter(dependencies=[Allowed(Permission.VISIT)], tags=["visitor"])
_PAGE: dict[str, Any] = {"response_class": HTMLResponse, "include_in_schema": False}
_API_ERRORS = error_responses(
    (413, "upload too large"), (415, "not an image"), (422, "invalid request"), (429, "rate limited"))
_PHOTO: dict[str, Any] = {
    "type": "object", "required": ["photo"], "properties": {"photo": {
        "type": "string", "format": "binary", "description": "JPEG, PNG, GIF, WebP, BMP or TIFF"}}}
_PHOTO_BODY: dict[str, Any] = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _PHOTO}}}}
_RESULTS = 7
_GONE = ("your photo is no longer held on the server (photos are kept in memory for a short "
         "while only); please share it again")


@router.get("/", **_PAGE)
def home(request: Request, templates: TemplatesDep, collection: CollectionDep) -> Response:
    return templates.TemplateResponse(request, "visitor.html", {"collection": collection})


@router.post("/share", dependencies=[RateLimited], **_PAGE)
async def share(
    request: Request, templates: TemplatesDep, collection: CollectionDep, settings: SettingsDep,
    photos: PhotosDep, uploads: UploadsDep,
) -> Response:
    """Take the photo (in memory only), find its matches, and show them."""
    form = await read_form(request, settings.web.max_upload_bytes)
    async with uploads.slot():
        image, token = await hold_photo(uploads, photos, form.file)
        return await run_in_threadpool(_results, request, templates, collection, photos, token, image)


@router.get("/share/{token}", **_PAGE)
def shared(request: Request, token: str, templates: TemplatesDep, collection: CollectionDep,
           photos: PhotosDep) -> Response:
    """The results of an earlier photo, while it is still held in memory."""
    held = _held(photos.get(token))
    return _results(request, templates, collection, photos, token, decode(held.jpeg, "your photo"))


@router.get("/share/{token}/photo.jpg", include_in_schema=False)
def photo(token: str, photos: PhotosDep) -> Response:
    held = _held(photos.get(token))
    return Response(held.jpeg, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"})


@router.get("/share/{token}/composite.{fmt}", include_in_schema=False)
def download(token: str, fmt: Literal["jpg", "png"], identifier: str, collection: CollectionDep,
             photos: PhotosDep) -> Response:
    """The visitor's photo and the artwork side by side, with its label, as a file to keep."""
    held = _held(photos.get(token))
    record = collection.catalog.get(identifier)
    artwork = _artwork_pixels(collection, identifier)
    caption = composite.Caption.of(record, collection.title)
    data = composite.render(decode(held.jpeg, "your photo"), artwork, caption, fmt)
    _format, mime = composite.FORMATS[fmt]
    return Response(data, media_type=mime, headers={
        "Content-Disposition": f'attachment; filename="my-view.{fmt}"', "Cache-Control": "no-store"})


@router.post("/share/{token}/gallery", dependencies=[RateLimited], **_PAGE)
async def add_to_gallery(request: Request, token: str, templates: TemplatesDep, collection: CollectionDep,
                         settings: SettingsDep, photos: PhotosDep, gallery: GalleryDep) -> Response:
    """Store the photo in the visitor gallery: only with the consent box ticked."""
    form = await read_form(request, settings.web.max_upload_bytes, photo=False)
    if form.get("consent") != "yes":
        raise WebError(422, "no_consent", "tick the box to agree before adding your photo to the gallery")
    held = _held(photos.get(token))
    if form.get("identifier") not in held.shown:
        raise WebError(422, "not_shown", "a photo joins the gallery with a work it was matched with; "
                       "go back to your results and choose from there")
    record = collection.catalog.get(form.get("identifier"))
    images = collection.catalog.images_of(record.identifier)
    image_id = int(form.get("image_id")) if form.get("image_id").isdigit() else None
    if image_id not in {i.id for i in images}:
        image_id = images[0].id if images else None
    entry, removal = gallery.add(held.jpeg, record.identifier, image_id, record.title)
    return templates.TemplateResponse(request, "gallery_added.html", {
        "collection": collection, "entry": entry, "removal_token": removal, "record": record})


@router.post("/api/recognize", response_model=RecognitionPublic, tags=["api"], responses=_API_ERRORS,
             dependencies=[RateLimited], openapi_extra=_PHOTO_BODY)
async def api_recognize(
    request: Request, collection: CollectionDep, settings: SettingsDep, uploads: UploadsDep,
) -> RecognitionPublic:
    """Which work of the collection is in a visitor's photo (multipart field `photo`).

    Verified with local features when the collection has a region index, else the global search
    alone (`method` and `note` say so). A photo of no work of the collection gives `matched: false`.
    """
    form = await read_form(request, settings.web.max_upload_bytes)
    async with uploads.slot():
        image = await uploads.decode(form.file, RECOGNITION_SIDE)
        result = await run_in_threadpool(recognize_photo, collection, image)
    return recognition_public(collection, result)


def _results(request: Request, templates: TemplatesDep, collection: Collection, photos: PhotoCache,
             token: str, image: Image.Image) -> Response:
    # The page shows a handful of works: ranking a few more than that is enough, and cheaper.
    found = search_by_image(collection, image, per_page=_RESULTS + 1, max_results=_RESULTS * 4)
    page = page_public(collection, found)
    recognition = _recognise(collection, image)
    best: HitPublic | None = page.hits[0] if page.hits else None
    others = page.hits[1:_RESULTS]
    if recognition is not None and recognition.record is not None:
        best = _recognised_hit(record_public(collection, recognition.record), recognition)
        others = [h for h in page.hits if h.identifier != best.identifier][: _RESULTS - 1]
    record = record_public(collection, collection.catalog.get(best.identifier)) if best else None
    photos.show(token, [h.identifier for h in (best, *others) if h is not None])
    return templates.TemplateResponse(request, "share_result.html", {
        "collection": collection, "token": token, "page": page, "best": best, "record": record,
        "others": others, "alt_text": alt_text, "recognition": recognition,
        "quad_points": quad_points(recognition) if recognition else None})


def _recognise(collection: Collection, image: Image.Image) -> Recognition | None:
    """The verified recognition, only where the collection has local features.

    Without them the page keeps to look-alikes: a global similarity is not evidence enough to
    tell a visitor "this is" a work.
    """
    if not has_local_index(collection):
        return None
    return recognize_photo(collection, image, method="local")


def _recognised_hit(record: RecordPublic, recognition: Recognition) -> HitPublic:
    image_id = recognition.image_id
    return HitPublic(
        identifier=record.identifier, score=round(recognition.similarity, 4), strength="recognised",
        title=record.title, creators=record.creators, date=record.date_text, image_id=image_id,
        thumbnail_url=f"/images/{image_id}/thumbnail", url=record_url(record.identifier),
        matched_by=["local"])


def _held(held: HeldPhoto | None) -> HeldPhoto:
    if held is None:
        raise WebError(410, "photo_gone", _GONE)
    return held


def _artwork_pixels(collection: Collection, identifier: str) -> Image.Image:
    """The artwork at its best local resolution: the source file, else its thumbnail."""
    for stored in collection.catalog.images_of(identifier):
        path = collection.image_path(stored)
        if path is not None and path.is_file():
            return read_image(path)[0]
        if stored.sha256:
            thumb = collection.thumbnail_path(stored.sha256)
            if thumb.is_file():
                return read_image(thumb)[0]
    raise WebError(404, "no_image", f"record {identifier!r} has no image available on this server")
