"""Living portraits: the page of them (/living), their files, and the staff's "bring to life" action.

The public (anyone who may read the collection) sees only the portraits of works the collection
allows (`vitrine living allow`); staff who catalogue see all of them, make them (inline: a few
seconds) and allow them. Making and allowing are audited by the library (`vitrine.living`).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import Permission, Principal
from vitrine.living import store
from vitrine.web.auth import Allowed, PrincipalDep, client_address
from vitrine.web.deps import CollectionDep, RateLimited, SettingsDep, TemplatesDep
from vitrine.web.security import read_form

router = APIRouter(include_in_schema=False, dependencies=[RateLimited])
_TYPES = {"mp4": "video/mp4", "webp": "image/webp"}


def staff(who: Principal) -> bool:
    return who.may(Permission.CATALOGUE)


@router.get("/living", response_class=HTMLResponse, dependencies=[Allowed(Permission.READ)])
def living_page(request: Request, templates: TemplatesDep, collection: CollectionDep,
                who: PrincipalDep) -> Response:
    """The living portraits the caller may see, newest first."""
    shown = store.portraits(collection, public=not staff(who))
    return templates.TemplateResponse(request, "living.html", {
        "collection": collection, "portraits": shown, "staff": staff(who),
        "allowed": {p.identifier: store.allowed(collection, p.identifier) for p in shown}})


@router.get("/living/media/{name}", dependencies=[Allowed(Permission.READ)])
def living_media(name: str, collection: CollectionDep, who: PrincipalDep) -> Response:
    """A portrait's MP4 or WebP (404 for works not allowed, unless the caller is staff)."""
    path, identifier = store.media(collection, name, public=not staff(who))
    cache = "public, max-age=3600" if store.allowed(collection, identifier) else "private, no-store"
    return FileResponse(path, media_type=_TYPES[path.suffix[1:]], headers={"Cache-Control": cache})


@router.post("/living/make/{identifier:path}", dependencies=[Allowed(Permission.CATALOGUE)])
def make(request: Request, identifier: str, collection: CollectionDep, who: PrincipalDep) -> Response:
    """Bring a record's portrait to life (a few seconds, inline) and show it on the record's page."""
    from vitrine.living.make import make_living  # OpenCV and the renderer: loaded on first use

    make_living(collection, identifier, actor=who.name, address=client_address(request))
    return RedirectResponse(f"/records/{quote(identifier)}#living", status_code=303)


@router.post("/living/allow/{identifier:path}", dependencies=[Allowed(Permission.CATALOGUE)])
async def allow(request: Request, identifier: str, collection: CollectionDep, who: PrincipalDep,
                settings: SettingsDep) -> Response:
    """Show (allowed=on) or stop showing (off) a work's living portrait to the public; audited."""
    form = await read_form(request, settings.web.max_upload_bytes, photo=False)
    on = form.get("allowed") == "on"
    await run_in_threadpool(store.set_allowed, collection, identifier, on, actor=who.name,
                            address=client_address(request))
    return RedirectResponse(f"/records/{quote(identifier)}#living", status_code=303)
