"""Share your view: a visitor's photo, the work recognised in it or the works it echoes, a composite
to download, consent to share; and `POST /api/recognize`, the same recognition as JSON."""

from __future__ import annotations

import base64
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from PIL import Image
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import Permission
from vitrine.collection import Collection
from vitrine.images import decode
from vitrine.regions.search import has_local_index
from vitrine.search.core import search_by_image
from vitrine.visitor.composite import artwork_pixels
from vitrine.visitor.recognize import Recognition, recognize_photo
from vitrine.web import composite
from vitrine.web.auth import Allowed
from vitrine.web.deps import (
    CollectionDep,
    GalleryDep,
    RateLimited,
    ScreenerDep,
    SealDep,
    SettingsDep,
    TemplatesDep,
    UploadsDep,
)
from vitrine.web.photos import MAX_SEALED, PhotoSeal
from vitrine.web.present import alt_text, page_public, record_public, record_url
from vitrine.web.recognition import outlines, quad_points, recognition_public
from vitrine.web.schemas.errors import error_responses
from vitrine.web.schemas.recognition import RecognitionPublic
from vitrine.web.schemas.records import RecordPublic
from vitrine.web.schemas.search import HitPublic
from vitrine.web.security import UploadForm, WebError, read_form
from vitrine.web.uploads import RECOGNITION_SIDE, clean_photo

# The pages stay out of the OpenAPI docs (include_in_schema=False on each); the JSON route is in them.
# The visitor's own flow is anonymous: VISIT is what `Settings.web.anonymous` grants unless "none".
router = APIRouter(tags=["visitor"], dependencies=[Allowed(Permission.VISIT)])
_PAGE: dict[str, Any] = {"response_class": HTMLResponse, "include_in_schema": False}
_API_ERRORS = error_responses(
    (413, "upload too large"), (415, "not an image"), (422, "invalid request"), (429, "rate limited"))
_PHOTO: dict[str, Any] = {
    "type": "object", "required": ["photo"], "properties": {"photo": {
        "type": "string", "format": "binary", "description": "JPEG, PNG, GIF, WebP, BMP or TIFF"}}}
_PHOTO_BODY: dict[str, Any] = {
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": _PHOTO}}}}
_RESULTS = 7


@router.get("/", **_PAGE)
def home(request: Request, templates: TemplatesDep, collection: CollectionDep) -> Response:
    return templates.TemplateResponse(request, "visitor.html", {"collection": collection})


@router.post("/share", dependencies=[RateLimited], **_PAGE)
async def share(
    request: Request, templates: TemplatesDep, collection: CollectionDep, settings: SettingsDep,
    seal: SealDep, uploads: UploadsDep,
) -> Response:
    """Take the photo (in memory only), find its matches, and show them with the photo sealed."""
    form = await read_form(request, settings.web.max_upload_bytes)
    async with uploads.slot():
        image, jpeg = await clean_photo(uploads, form.file)
        return await run_in_threadpool(_results, request, templates, collection, seal, jpeg, image)


@router.post("/share/composite.{fmt}", dependencies=[RateLimited], include_in_schema=False)
async def download(request: Request, fmt: Literal["jpg", "png"], collection: CollectionDep,
                   seal: SealDep) -> Response:
    """The visitor's photo and the artwork side by side, with its label, as a file to keep."""
    form = await read_form(request, MAX_SEALED, photo=False, field_limit=MAX_SEALED)
    return await run_in_threadpool(_composite, collection, seal, form, fmt)


@router.post("/share/gallery", dependencies=[RateLimited], **_PAGE)
async def add_to_gallery(request: Request, templates: TemplatesDep, collection: CollectionDep,
                         settings: SettingsDep, seal: SealDep, gallery: GalleryDep,
                         screener: ScreenerDep) -> Response:
    """Store the photo in the visitor gallery, only with the consent box ticked: screened, then
    pending until a moderator approves it (or approved at once on a supervised kiosk)."""
    form = await read_form(request, MAX_SEALED, photo=False, field_limit=MAX_SEALED)
    if form.get("consent") != "yes":
        raise WebError(422, "no_consent", "tick the box to agree before adding your photo to the gallery")
    held = seal.open(form.get("sealed"))
    if form.get("identifier") not in held.shown:
        raise WebError(422, "not_shown", "a photo joins the gallery with a work it was matched with; "
                       "go back to your results and choose from there")
    record = collection.catalog.get(form.get("identifier"))
    images = collection.catalog.images_of(record.identifier)
    image_id = int(form.get("image_id")) if form.get("image_id").isdigit() else None
    if image_id not in {i.id for i in images}:
        image_id = images[0].id if images else None
    screening = await run_in_threadpool(screener.screen, held.jpeg)
    entry, removal = await run_in_threadpool(
        gallery.add, held.jpeg, record.identifier, image_id, record.title, screening=screening,
        auto_approve=settings.web.gallery_auto_approve)
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


def _results(request: Request, templates: TemplatesDep, collection: Collection, seal: PhotoSeal,
             jpeg: bytes, image: Image.Image) -> Response:
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
    # Sealed with the works on this page: the gallery pairs the photo with one of them only.
    recognised = [f.record.identifier for f in recognition.works] if recognition is not None else []
    sealed = seal.seal(jpeg, list(dict.fromkeys(
        [*(h.identifier for h in (best, *others) if h is not None), *recognised])))
    photo_src = "data:image/jpeg;base64," + base64.b64encode(jpeg).decode("ascii")
    return templates.TemplateResponse(request, "share_result.html", {
        "collection": collection, "sealed": sealed, "photo_src": photo_src, "page": page, "best": best,
        "record": record, "others": others, "alt_text": alt_text, "recognition": recognition,
        "quad_points": quad_points(recognition) if recognition else None,
        "outlines": outlines(collection, recognition) if recognition and recognition.matched else [],
    }, headers={"Cache-Control": "no-store"})


def _composite(
    collection: Collection, seal: PhotoSeal, form: UploadForm, fmt: Literal["jpg", "png"],
) -> Response:
    held = seal.open(form.get("sealed"))
    record = collection.catalog.get(form.get("identifier"))
    artwork = _artwork_pixels(collection, record.identifier)
    caption = composite.Caption.of(record, collection.title)
    data = composite.render(decode(held.jpeg, "your photo"), artwork, caption, fmt)
    _format, mime = composite.FORMATS[fmt]
    return Response(data, media_type=mime, headers={
        "Content-Disposition": f'attachment; filename="my-view.{fmt}"', "Cache-Control": "no-store"})


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


def _artwork_pixels(collection: Collection, identifier: str) -> Image.Image:
    """The artwork at its best local resolution: the source file, else its thumbnail."""
    artwork = artwork_pixels(collection, identifier)
    if artwork is not None:
        return artwork
    raise WebError(404, "no_image", f"record {identifier!r} has no image available on this server")
