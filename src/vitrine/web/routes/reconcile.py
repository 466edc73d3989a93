"""The W3C reconciliation API over the collection (`/reconcile`), for OpenRefine and other clients.

`GET /reconcile` is the service manifest, or with `?queries=` a result batch; `POST /reconcile`
takes the batch as the form field `queries` (what OpenRefine sends) or as a JSON body. Previews
and suggest services hang below it. Reading public data: the routes need `Permission.READ` (open
to anyone while anonymous users may read), are rate-limited per address, and allow any origin
(CORS, as the specification requires; `web/headers.py`). None of them changes anything.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.concurrency import run_in_threadpool

from vitrine.accounts import Permission
from vitrine.errors import ReconcileQueryError
from vitrine.reconcile import service
from vitrine.web.auth import Allowed
from vitrine.web.deps import CollectionDep, RateLimited, TemplatesDep
from vitrine.web.security import WebError

router = APIRouter(prefix="/reconcile", dependencies=[Allowed(Permission.READ), RateLimited],
                   tags=["reconcile"])
MAX_BODY = 1_000_000
#: a preview is shown in a frame of the client's page (OpenRefine): any origin may frame it
PREVIEW_CSP = "default-src 'none'; style-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'none'"


def _base(request: Request) -> str:
    return str(request.url_for("reconcile_service"))


@router.get("", name="reconcile_service")
def reconcile_get(request: Request, collection: CollectionDep,
                  queries: Annotated[str | None, Query(max_length=MAX_BODY)] = None) -> JSONResponse:
    """The service manifest, or the result batch of `queries` (JSON, as OpenRefine sends it)."""
    if queries is None:
        return JSONResponse(service.manifest(_base(request), collection.name))
    return JSONResponse(service.reconcile(collection, service.parse_batch(queries)))


@router.post("")
async def reconcile_post(request: Request, collection: CollectionDep) -> JSONResponse:
    """A result batch: `queries=` form-encoded (OpenRefine), or the batch as a JSON body."""
    body = await _body(request)
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data: Any = json.loads(body or b"null")
        except ValueError as exc:
            raise ReconcileQueryError(f"the body is not valid JSON ({exc})") from None
        text = json.dumps(data.get("queries", data) if isinstance(data, dict) else data)
    else:
        fields = parse_qs(body.decode("utf-8", errors="replace"))
        if "queries" not in fields:
            return JSONResponse(service.manifest(_base(request), collection.name))
        text = fields["queries"][0]
    batch = service.parse_batch(text)
    return JSONResponse(await run_in_threadpool(service.reconcile, collection, batch))


async def _body(request: Request) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise WebError(413, "too_large", f"a query batch is at most {MAX_BODY:,} bytes")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise WebError(413, "too_large", f"a query batch is at most {MAX_BODY:,} bytes")
    return body


@router.get("/preview/{entity_id:path}", response_class=HTMLResponse)
def reconcile_preview(request: Request, entity_id: Annotated[str, Path(max_length=500)],
                      collection: CollectionDep, templates: TemplatesDep) -> HTMLResponse:
    """A small HTML page about one entity, for a client's preview frame."""
    found = service.entity(collection, entity_id)
    work = found.id.removeprefix("work:") if found.kind == "work" else ""
    response = templates.TemplateResponse(request, "reconcile_preview.html", {
        "entity": found, "kind": service.TYPES.get(found.kind, found.kind),
        "work_url": f"/records/{quote(work, safe='')}" if work else ""})
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    return response


@router.get("/suggest/{kind}")
def reconcile_suggest(kind: Literal["entity", "property", "type"], collection: CollectionDep,
                      prefix: Annotated[str, Query(max_length=200)] = "",
                      cursor: Annotated[int, Query(ge=0, le=10_000)] = 0) -> JSONResponse:
    """Suggestions for a prefix, of entities, properties or types."""
    return JSONResponse({"result": service.suggest(collection, kind, prefix, cursor)})
