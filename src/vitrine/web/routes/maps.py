"""The similarity map: the /map page, its binary point data, atlases, colours, works and exports.

The map data is read through the app's `MapCache` (web/mapcache.py), which describes the point format.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response

from vitrine.accounts import Permission, Principal
from vitrine.collection import Collection
from vitrine.errors import RecordNotFound, SetError
from vitrine.exports import iiif
from vitrine.exports.annotations import context_document
from vitrine.maps import atlas as atlases
from vitrine.maps import export_selection, map_fields, map_status, parse_ids, selected_works
from vitrine.maps.store import map_dir
from vitrine.records import Record
from vitrine.search.sets import set_image_ids
from vitrine.web.auth import Allowed, PrincipalDep, set_user
from vitrine.web.deps import CollectionDep, MapCacheDep, RateLimited, SettingsDep, TemplatesDep
from vitrine.web.present import alt_text, record_url, thumbnail_url
from vitrine.web.schemas.errors import error_responses
from vitrine.web.schemas.maps import (
    MAX_LISTED,
    AtlasPublic,
    ExportIn,
    FieldPublic,
    IdsIn,
    LegendEntry,
    MapColorsPublic,
    MapInfoPublic,
    WorkPublic,
    WorksPublic,
)
from vitrine.web.security import WebError

router = APIRouter(dependencies=[Allowed(Permission.READ)], tags=["map"])
api = APIRouter(prefix="/api/map", tags=["map"], dependencies=[RateLimited], responses=error_responses(
    (404, "no map, or not on the map"), (422, "invalid request")))
_IMMUTABLE = {"Cache-Control": "public, max-age=31536000, immutable"}


@router.get("/map", response_class=HTMLResponse, include_in_schema=False)
def map_page(request: Request, collection: CollectionDep, templates: TemplatesDep,
             settings: SettingsDep, principal: PrincipalDep, focus: str = "",
             set_name: Annotated[str, Query(alias="set")] = "") -> Response:
    """The map page; ?focus=IDENTIFIER centres one work, ?set=NAME highlights a saved set."""
    status = map_status(collection)
    context: dict[str, Any] = {"collection": collection, "status": status, "focus": focus,
                               "set_name": set_name, "focus_ids": [], "set_ids": [], "notes": []}
    if status.built:
        context["fields"] = map_fields(collection, tuple(settings.web.facet_fields))
        if focus:
            context["focus_ids"] = _focus_ids(collection, focus, context["notes"])
        if set_name:
            context["set_ids"] = _set_ids(collection, set_name, principal, context["notes"])
    return templates.TemplateResponse(request, "map.html", context)


def _focus_ids(collection: Collection, identifier: str, notes: list[str]) -> list[int]:
    try:
        ids = [image.id for image in collection.catalog.images_of(identifier)]
        collection.catalog.get(identifier)
    except RecordNotFound:
        notes.append(f"There is no work with identifier “{identifier}”.")
        return []
    if not ids:
        notes.append("This work has no image, so it is not on the map.")
    return ids


def _set_ids(collection: Collection, name: str, principal: Principal, notes: list[str]) -> list[int]:
    """Image ids of a saved set's works, when the principal may see the set."""
    if not principal.may(Permission.KEEP_SETS):
        notes.append(f"The set “{name}” could not be shown: sign in to see saved sets.")
        return []
    try:
        return set_image_ids(collection, name, set_user(principal))
    except SetError as exc:
        notes.append(f"The set “{name}” could not be shown: {exc}")
        return []


@router.get("/iiif/context.json", tags=["iiif"])
def iiif_context(request: Request) -> JSONResponse:
    """The JSON-LD context of the `vitrine:` terms in manifests' annotations (review status, score...)."""
    return JSONResponse(context_document(str(request.base_url)), media_type="application/ld+json",
                        headers={"Cache-Control": "public, max-age=86400"})


@router.get("/iiif/{identifier:path}/manifest", tags=["iiif"])
def record_manifest(identifier: str, request: Request, collection: CollectionDep,
                    principal: PrincipalDep) -> JSONResponse:
    """A IIIF Presentation 3 Manifest of one work (what exported IIIF Collections point to), with its
    accepted values as W3C Web Annotations, and its machine suggestions for editors (or for everyone,
    marked as not reviewed, where the collection shows them publicly)."""
    staff = principal.may(Permission.CATALOGUE)
    doc = iiif.record_manifest_of(collection, identifier, str(request.base_url), staff=staff)
    # What it holds depends on who asks: shared caches must not hand an editor's copy to others.
    headers = {"Vary": "Cookie, Authorization"}
    if staff:
        headers["Cache-Control"] = "private, no-store"
    return JSONResponse(doc, media_type="application/ld+json", headers=headers)  # CORS: web/headers.py


@api.get("", response_model=MapInfoPublic)
def api_map(collection: CollectionDep, settings: SettingsDep, cache: MapCacheDep) -> MapInfoPublic:
    """The map's size, completeness, parameters, atlas geometry and colour fields."""
    entry = cache.get(collection)
    status = map_status(collection)
    meta = entry.data.meta
    fields = map_fields(collection, tuple(settings.web.facet_fields))
    return MapInfoPublic(
        count=len(entry.data), placed=status.placed, missing=status.missing, stale=status.stale,
        method=meta.method, params=meta.params, built_at=meta.built_at, updated_at=meta.updated_at,
        version=meta.version, points_url=f"/api/map/points?v={entry.etag}",
        atlas=AtlasPublic(**{"sheets": {}, **meta.atlas}) if meta.atlas else AtlasPublic(
            cells=[], sheet=0, count=0),
        fields=[FieldPublic(name=f.name, label=f.label, kind=f.kind) for f in fields])


@api.get("/points", response_class=Response, responses={200: {
    "content": {"application/octet-stream": {}},
    "description": "count x (float32 x, float32 y), count x uint32 image id, count x uint32 atlas cell"}})
def api_points(request: Request, collection: CollectionDep, cache: MapCacheDep) -> Response:
    """Every point of the map as little-endian binary (see the description); cacheable."""
    entry = cache.get(collection)
    etag = f'"{entry.etag}"'
    headers = {"ETag": etag, "X-Map-Count": str(len(entry.data)), "Cache-Control": "public, max-age=60"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    if request.query_params.get("v") == entry.etag:
        headers.update(_IMMUTABLE)
    return Response(entry.points, media_type="application/octet-stream", headers=headers)


@api.get("/atlas/{cell}/{sheet}.jpg", response_class=FileResponse,
         responses={200: {"content": {"image/jpeg": {}}}})
def api_atlas(collection: CollectionDep, cache: MapCacheDep, cell: Annotated[int, Path(ge=1, le=1024)],
              sheet: Annotated[int, Path(ge=0, le=100_000)]) -> FileResponse:
    """One sheet of thumbnails: cell c is at slot c % cells-per-sheet of sheet c // cells-per-sheet."""
    entry = cache.get(collection)
    if cell not in atlases.CELL_SIZES:
        raise WebError(404, "not_found", f"atlas cells are {atlases.CELL_SIZES} pixels, not {cell}")
    folder = atlases.atlas_dir(map_dir(collection), entry.data.meta.version)
    path = atlases.sheet_path(folder, cell, sheet)
    if not path.is_file():
        raise WebError(404, "not_found", f"the map has no atlas sheet {sheet} of {cell} px cells")
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "public, max-age=3600"})


@api.get("/colors", response_model=MapColorsPublic)
def api_colors(collection: CollectionDep, cache: MapCacheDep,
               field: Annotated[str, Query(max_length=64, description="creator, object_type, source, "
                                           "year, medium or an extra field")]) -> MapColorsPublic:
    """Per-point colour codes and the legend for one metadata field."""
    coloring = cache.colors(collection, field)  # MapNotBuilt: a 404
    return MapColorsPublic(
        field=coloring.name, kind=coloring.kind, codes=coloring.codes.tolist(),
        legend=[LegendEntry(value=v, count=n) for v, n in coloring.legend], low=coloring.low,
        high=coloring.high, unknown=coloring.unknown)


@api.post("/works", response_model=WorksPublic)
def api_works(body: IdsIn, collection: CollectionDep, cache: MapCacheDep) -> WorksPublic:
    """The works of some map points (hover, click, lasso selection), each once."""
    works = selected_works(collection, cache.get(collection).data, parse_ids(body.ids))
    return WorksPublic(total=len(works), works=[_work(w.image_id, w.record) for w in works[:MAX_LISTED]])


def _work(image_id: int, record: Record) -> WorkPublic:
    return WorkPublic(image_id=image_id, identifier=record.identifier, title=record.title,
                      creators=record.creators, date=record.date_text,
                      thumbnail_url=thumbnail_url(image_id), url=record_url(record.identifier),
                      alt=alt_text(record.title, record.creators, record.date_text))


@api.post("/export", response_class=Response, responses={200: {
    "content": {"text/csv": {}, "application/ld+json": {}},
    "description": "CSV rows of the works, or a IIIF Presentation 3 Collection of their manifests"}})
def api_export(body: ExportIn, request: Request, collection: CollectionDep, cache: MapCacheDep,
               ) -> Response:
    """Export the works of the selected points as CSV or as a IIIF Presentation 3 Collection."""
    works = selected_works(collection, cache.get(collection).data, parse_ids(body.ids))
    text = export_selection(works, body.format, str(request.base_url), body.label)
    media, name = ("text/csv", "map-selection.csv") if body.format == "csv" else (
        "application/ld+json", "map-selection.json")
    return Response(text, media_type=f"{media}; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


router.include_router(api)
