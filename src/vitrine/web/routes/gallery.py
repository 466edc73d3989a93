"""The visitor gallery page, and the private removal of an entry."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from vitrine.web.deps import CollectionDep, GalleryDep, PageDep, SettingsDep, TemplatesDep
from vitrine.web.present import gallery_public
from vitrine.web.security import WebError, read_form

router = APIRouter(tags=["gallery"], include_in_schema=False)
PER_PAGE = 48


@router.get("/gallery", response_class=HTMLResponse)
def gallery_page(request: Request, templates: TemplatesDep, collection: CollectionDep, gallery: GalleryDep,
                 page: PageDep = 1) -> Response:
    entries = [gallery_public(e) for e in gallery.entries(PER_PAGE, (page - 1) * PER_PAGE)]
    total = gallery.count()
    return templates.TemplateResponse(request, "gallery.html", {
        "collection": collection, "entries": entries, "page": page,
        "pages": max(1, -(-total // PER_PAGE)), "total": total})


@router.get("/gallery/{entry_id}/remove", response_class=HTMLResponse)
def confirm_removal(request: Request, entry_id: str, templates: TemplatesDep, collection: CollectionDep,
                    gallery: GalleryDep, token: str = "") -> Response:
    entry = gallery.get(entry_id)
    if entry is None:
        raise WebError(
            404, "not_found", "this gallery entry does not exist (it may have been removed already)")
    return templates.TemplateResponse(request, "gallery_remove.html", {
        "collection": collection, "entry": gallery_public(entry), "token": token, "removed": False})


@router.post("/gallery/{entry_id}/remove", response_class=HTMLResponse)
async def remove(request: Request, entry_id: str, templates: TemplatesDep, collection: CollectionDep,
                 gallery: GalleryDep, settings: SettingsDep) -> Response:
    form = await read_form(request, settings.web.max_upload_bytes)
    if not gallery.remove(entry_id, form.get("token")):
        raise WebError(404, "not_found", "no gallery entry matches this removal link")
    return templates.TemplateResponse(request, "gallery_remove.html", {
        "collection": collection, "entry": None, "token": "", "removed": True})
