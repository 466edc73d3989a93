"""The visitor gallery: its page, its JSON, and the private removal of an entry."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from vitrine.accounts import Permission
from vitrine.web.auth import Allowed
from vitrine.web.deps import (
    CollectionDep,
    GalleryDep,
    PageDep,
    PerPageDep,
    RateLimited,
    SettingsDep,
    TemplatesDep,
)
from vitrine.web.present import gallery_public
from vitrine.web.schemas.errors import API_ERRORS
from vitrine.web.schemas.gallery import GalleryPagePublic
from vitrine.web.security import WebError, read_form

router = APIRouter(dependencies=[Allowed(Permission.VISIT)])
pages = APIRouter(tags=["gallery"], include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"], responses=API_ERRORS, dependencies=[RateLimited])
PER_PAGE = 48


@pages.get("/gallery", response_class=HTMLResponse)
def gallery_page(request: Request, templates: TemplatesDep, collection: CollectionDep, gallery: GalleryDep,
                 page: PageDep = 1) -> Response:
    entries = [gallery_public(e) for e in gallery.entries(PER_PAGE, (page - 1) * PER_PAGE)]
    total = gallery.count()
    return templates.TemplateResponse(request, "gallery.html", {
        "collection": collection, "entries": entries, "page": page,
        "pages": max(1, -(-total // PER_PAGE)), "total": total})


@pages.get("/gallery/{entry_id}/remove", response_class=HTMLResponse)
def confirm_removal(request: Request, entry_id: str, templates: TemplatesDep, collection: CollectionDep,
                    gallery: GalleryDep, token: str = "") -> Response:
    entry = gallery.get(entry_id)
    if entry is None:
        raise WebError(
            404, "not_found", "this gallery entry does not exist (it may have been removed already)")
    return templates.TemplateResponse(request, "gallery_remove.html", {
        "collection": collection, "entry": gallery_public(entry), "token": token, "removed": False})


@pages.post("/gallery/{entry_id}/remove", response_class=HTMLResponse)
async def remove(request: Request, entry_id: str, templates: TemplatesDep, collection: CollectionDep,
                 gallery: GalleryDep, settings: SettingsDep) -> Response:
    form = await read_form(request, settings.web.max_upload_bytes, photo=False)
    if not form.get("token"):
        raise WebError(422, "invalid_request", "the removal token is missing: open the private link "
                       "you were given when you shared your photo, and confirm there")
    if not gallery.remove(entry_id, form.get("token")):
        raise WebError(404, "not_found", "no gallery entry matches this removal link")
    return templates.TemplateResponse(request, "gallery_remove.html", {
        "collection": collection, "entry": None, "token": "", "removed": True})


@api.get("/gallery", response_model=GalleryPagePublic)
def api_gallery(gallery: GalleryDep, page: PageDep = 1, per_page: PerPageDep = 48) -> GalleryPagePublic:
    """Visitor photos shared with consent, newest first."""
    entries = gallery.entries(per_page, (page - 1) * per_page)
    return GalleryPagePublic(total=gallery.count(), entries=[gallery_public(e) for e in entries])


router.include_router(api)
router.include_router(pages)
