"""The moderation queue of the visitor gallery: pending photos beside their works, approve or reject.

Every route needs the MODERATE permission (moderators and admins). A decision is audited in the
transaction that makes it (`Gallery.approve` / `Gallery.reject`); a rejected photo is deleted.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from vitrine.accounts import Permission
from vitrine.visitor.gallery import Gallery
from vitrine.web.auth import Allowed, PrincipalDep
from vitrine.web.deps import CollectionDep, GalleryDep, ScreenerDep, TemplatesDep
from vitrine.web.present import moderation_public
from vitrine.web.schemas.errors import API_ERRORS
from vitrine.web.schemas.gallery import DecisionPublic, ModerationQueuePublic

Moderate = Allowed(Permission.MODERATE)
router = APIRouter()
pages = APIRouter(tags=["moderation"], include_in_schema=False, dependencies=[Moderate])
api = APIRouter(prefix="/api/moderation", tags=["api"], responses=API_ERRORS, dependencies=[Moderate])
QUEUE = 50


@pages.get("/moderate", response_class=HTMLResponse)
def queue_page(request: Request, templates: TemplatesDep, collection: CollectionDep, gallery: GalleryDep,
               screener: ScreenerDep) -> Response:
    """Pending photos, oldest first, each beside its work; flagged ones marked with their labels."""
    queue = _queue(gallery, screener.note)
    return templates.TemplateResponse(request, "moderate.html", {
        "collection": collection, "entries": queue.entries, "total": queue.total,
        "screening_note": queue.screening_note})


@pages.post("/moderate/{entry_id}/approve")
def approve_form(request: Request, entry_id: str, gallery: GalleryDep, principal: PrincipalDep) -> Response:
    gallery.approve(entry_id, actor=principal.name, address=_address(request))
    return RedirectResponse("/moderate", status_code=303)


@pages.post("/moderate/{entry_id}/reject")
def reject_form(request: Request, entry_id: str, gallery: GalleryDep, principal: PrincipalDep) -> Response:
    gallery.reject(entry_id, actor=principal.name, address=_address(request))
    return RedirectResponse("/moderate", status_code=303)


@api.get("", response_model=ModerationQueuePublic)
def api_queue(gallery: GalleryDep, screener: ScreenerDep) -> ModerationQueuePublic:
    """The pending visitor photos, oldest first, with what screening found."""
    return _queue(gallery, screener.note)


@api.post("/{entry_id}/approve", response_model=DecisionPublic)
def api_approve(request: Request, entry_id: str, gallery: GalleryDep,
                principal: PrincipalDep) -> DecisionPublic:
    """Show a pending photo in the public gallery."""
    entry = gallery.approve(entry_id, actor=principal.name, address=_address(request))
    return DecisionPublic(id=entry.id, state=entry.state)


@api.post("/{entry_id}/reject", response_model=DecisionPublic)
def api_reject(request: Request, entry_id: str, gallery: GalleryDep,
               principal: PrincipalDep) -> DecisionPublic:
    """Delete a photo from the gallery (its file and its entry: nothing is kept hidden)."""
    gallery.reject(entry_id, actor=principal.name, address=_address(request))
    return DecisionPublic(id=entry_id, state="deleted")


def _queue(gallery: Gallery, note: str) -> ModerationQueuePublic:
    entries = [moderation_public(e) for e in gallery.entries(QUEUE, 0, "pending")]
    return ModerationQueuePublic(total=gallery.count("pending"), screening_note=note, entries=entries)


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


router.include_router(api)
router.include_router(pages)
