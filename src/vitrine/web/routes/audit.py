"""The audit trail for admins: a filtered page, and the whole filtered trail as CSV or JSON Lines."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from vitrine.accounts import Permission
from vitrine.exports.audit import AuditFilter, audit_lines
from vitrine.web.auth import Allowed
from vitrine.web.deps import CollectionDep, PageDep, RateLimited, TemplatesDep

router = APIRouter(include_in_schema=False, dependencies=[Allowed(Permission.ADMINISTER), RateLimited])
PER_PAGE = 100
ActorQuery = Annotated[str, Query(max_length=200, description="exactly this actor")]
ActionQuery = Annotated[str, Query(max_length=100, description="actions starting with this, e.g. 'login'")]


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(request: Request, templates: TemplatesDep, collection: CollectionDep, actor: ActorQuery = "",
               action: ActionQuery = "", page: PageDep = 1) -> Response:
    entries = collection.catalog.audit.entries(
        actor=actor or None, action=action or None, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
    return templates.TemplateResponse(request, "audit.html", {
        "collection": collection, "entries": entries[:PER_PAGE], "more": len(entries) > PER_PAGE,
        "actor": actor, "action": action, "page": page, "when": _when})


@router.get("/admin/audit.csv")
def audit_csv_file(collection: CollectionDep, actor: ActorQuery = "", action: ActionQuery = "") -> Response:
    """The filtered trail, oldest first, as CSV."""
    lines = audit_lines(collection, "csv", AuditFilter(actor=actor or None, action=action or None))
    return StreamingResponse(lines, media_type="text/csv; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="audit.csv"'})


@router.get("/admin/audit.jsonl")
def audit_jsonl_file(collection: CollectionDep, actor: ActorQuery = "", action: ActionQuery = "") -> Response:
    """The filtered trail, oldest first, as JSON Lines."""
    lines = audit_lines(collection, "jsonl", AuditFilter(actor=actor or None, action=action or None))
    return StreamingResponse(lines, media_type="application/x-ndjson; charset=utf-8",
                             headers={"Content-Disposition": 'attachment; filename="audit.jsonl"'})


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
