"""Near-duplicates: the saved report as pages of groups, a record's duplicates, JSON and CSV.

The report is made by `vitrine duplicates find NAME` (a batch job: minutes on a big collection);
the pages only read it and say when it is missing or out of date. A record's duplicates are
searched live (k-NN of its images), which needs no report.
"""

from __future__ import annotations

import csv
import io
import logging
import time

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from vitrine.accounts import Permission
from vitrine.collection import Collection
from vitrine.duplicates.find import DuplicateMatch, Group, duplicates_of, load_report, stale_reason
from vitrine.duplicates.report import CSV_HEADER, csv_rows
from vitrine.errors import DuplicatesError
from vitrine.web.auth import Allowed
from vitrine.web.deps import CollectionDep, PageDep, PerPageDep, RateLimited, TemplatesDep
from vitrine.web.present import alt_text, record_url, thumbnail_url
from vitrine.web.schemas.duplicates import (
    DuplicateGroupPublic,
    DuplicateMatchPublic,
    DuplicateMemberPublic,
    DuplicatePairPublic,
    DuplicateReportPublic,
    RecordDuplicatesPublic,
)
from vitrine.web.schemas.errors import error_responses
from vitrine.web.security import WebError

log = logging.getLogger(__name__)
router = APIRouter(dependencies=[Allowed(Permission.READ)])
_ERRORS = error_responses((404, "not found"), (422, "invalid request"))
api = APIRouter(prefix="/api", tags=["duplicates"], dependencies=[RateLimited], responses=_ERRORS)
GROUPS_PER_PAGE = 20


# -- API ------------------------------------------------------------------------------------


@api.get("/duplicates", response_model=DuplicateReportPublic)
def api_duplicates(
    collection: CollectionDep, page: PageDep = 1, per_page: PerPageDep = GROUPS_PER_PAGE,
) -> DuplicateReportPublic:
    """The saved near-duplicate report, a page of groups (status says if it is missing or stale)."""
    return report_page(collection, page, per_page)


@api.get("/duplicates.csv", response_class=Response)
def api_duplicates_csv(collection: CollectionDep) -> Response:
    """The whole report as CSV: group, record, title, image, score, kind, group_kind."""
    report = load_report(collection)
    if report is None:
        raise WebError(404, "no_report", f"no duplicate report yet; run '{_command(collection)}'")
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_HEADER)
    writer.writerows(csv_rows(report))
    name = f"{collection.name}-duplicates.csv"
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@api.get("/records/{identifier:path}/duplicates", response_model=RecordDuplicatesPublic)
def api_record_duplicates(identifier: str, collection: CollectionDep) -> RecordDuplicatesPublic:
    """Records holding a near-duplicate of one of this record's images, searched now."""
    matches = duplicates_of(collection, identifier)
    return RecordDuplicatesPublic(identifier=identifier, matches=[match_public(m) for m in matches])


# -- pages ----------------------------------------------------------------------------------


@router.get("/duplicates", response_class=HTMLResponse, include_in_schema=False)
def duplicates_page(request: Request, collection: CollectionDep, templates: TemplatesDep,
                    page: PageDep = 1, record: str | None = None) -> Response:
    if record is not None:
        return _record_page(request, collection, templates, record)
    report = report_page(collection, page, GROUPS_PER_PAGE)
    made = time.gmtime(report.created_at or 0)
    return templates.TemplateResponse(request, "duplicates.html", {
        "collection": collection, "report": report, "alt_text": alt_text,
        "made": time.strftime("%d %B %Y, %H:%M UTC", made),
        "made_iso": time.strftime("%Y-%m-%dT%H:%M:%SZ", made)})


def _record_page(request: Request, collection: Collection, templates: TemplatesDep, identifier: str,
                 ) -> Response:
    record = collection.catalog.get(identifier)  # RecordNotFound: the 404 page
    problem, matches = None, []
    try:
        matches = [match_public(m) for m in duplicates_of(collection, identifier)]
    except DuplicatesError as exc:
        problem = str(exc)
    own = collection.catalog.images_of(identifier)
    return templates.TemplateResponse(request, "duplicates_record.html", {
        "collection": collection, "record": record, "matches": matches, "problem": problem,
        "record_url": record_url(identifier),
        "thumbnail": thumbnail_url(own[0].id) if own else None, "alt_text": alt_text})


# -- presenting -----------------------------------------------------------------------------


def report_page(collection: Collection, page: int, per_page: int) -> DuplicateReportPublic:
    if not 1 <= per_page <= 100:
        raise WebError(422, "invalid_request", f"per_page must be from 1 to 100, got {per_page}")
    report = load_report(collection)
    command = _command(collection)
    if report is None:
        return DuplicateReportPublic(status="missing", command=command, page=page, per_page=per_page,
                                     pages=1, total=0, groups=[])
    reason = stale_reason(collection, report)
    window = report.groups[(page - 1) * per_page: page * per_page]
    return DuplicateReportPublic(
        status="stale" if reason else "fresh", stale_reason=reason, command=command,
        embedder=report.embedder, images=report.images, threshold=report.threshold,
        created_at=report.created_at, local_candidates=report.local_candidates, page=page, per_page=per_page,
        pages=max(1, -(-len(report.groups) // per_page)), total=len(report.groups),
        groups=[group_public(g) for g in window])


def group_public(group: Group) -> DuplicateGroupPublic:
    best: dict[int, tuple[float, str]] = {}
    for p in group.pairs:
        for image_id in (p.a, p.b):
            if p.score > best.get(image_id, (-2.0, ""))[0]:
                best[image_id] = (p.score, p.kind)
    members = [DuplicateMemberPublic(
        image_id=m.image_id, identifier=m.identifier, title=m.title, url=record_url(m.identifier),
        thumbnail_url=thumbnail_url(m.image_id), score=best.get(m.image_id, (None, None))[0],
        kind=best.get(m.image_id, (None, None))[1]) for m in group.members]
    return DuplicateGroupPublic(
        number=group.number, kind=group.kind, score=round(group.score, 4), records=group.records,
        members=members, pairs=[DuplicatePairPublic(**vars(p)) for p in group.pairs])


def match_public(m: DuplicateMatch) -> DuplicateMatchPublic:
    return DuplicateMatchPublic(
        identifier=m.identifier, title=m.title, url=record_url(m.identifier), image_id=m.image_id,
        thumbnail_url=thumbnail_url(m.image_id), of_image_id=m.of_image_id, score=round(m.score, 4),
        kind=m.kind, inliers=m.inliers, by_words=m.by_words)


def _command(collection: Collection) -> str:
    return f"vitrine duplicates find {collection.name}"


router.include_router(api)
