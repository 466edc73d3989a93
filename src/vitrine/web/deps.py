"""Dependencies as Annotated aliases: what a route needs, taken from app.state or the request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.templating import Jinja2Templates

from vitrine.collection import Collection
from vitrine.records import Filters
from vitrine.settings import Settings
from vitrine.visitor.gallery import Gallery
from vitrine.visitor.screening import Screener
from vitrine.web.filtering import active_filters, to_filters
from vitrine.web.mapcache import MapCache
from vitrine.web.photos import PhotoSeal, SearchSeal
from vitrine.web.security import RateLimiter, WebError
from vitrine.web.uploads import UploadGate


def get_collection(request: Request) -> Collection:
    """The served collection, its vector index reloaded if an indexing run saved a newer one."""
    collection: Collection = request.app.state.collection
    collection.refresh()
    return collection


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_gallery(request: Request) -> Gallery:
    gallery: Gallery = request.app.state.gallery
    return gallery


def get_screener(request: Request) -> Screener:
    screener: Screener = request.app.state.screener
    return screener


def get_photos(request: Request) -> SearchSeal:
    photos: SearchSeal = request.app.state.photos
    return photos


def get_seal(request: Request) -> PhotoSeal:
    seal: PhotoSeal = request.app.state.seal
    return seal


def get_map_cache(request: Request) -> MapCache:
    cache: MapCache = request.app.state.maps
    return cache


def get_uploads(request: Request) -> UploadGate:
    gate: UploadGate = request.app.state.uploads
    return gate


def get_templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


def get_active_filters(
    request: Request, settings: Annotated[Settings, Depends(get_settings)],
) -> dict[str, str]:
    """Filters named in the query string (object_type, creator, century, source, f.<field>...)."""
    return active_filters(request.query_params, settings.web.facet_fields)


def get_filters(active: Annotated[dict[str, str], Depends(get_active_filters)]) -> Filters:
    return to_filters(active)


def rate_limit(request: Request) -> None:
    """Refuse a client that sent more than its share of requests this minute."""
    limiter: RateLimiter = request.app.state.limiter
    client = request.client.host if request.client else "unknown"
    if not limiter.allow(client):
        raise WebError(
            429, "rate_limited", "too many requests from your address; wait a minute and try again")


CollectionDep = Annotated[Collection, Depends(get_collection)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
GalleryDep = Annotated[Gallery, Depends(get_gallery)]
ScreenerDep = Annotated[Screener, Depends(get_screener)]
PhotosDep = Annotated[SearchSeal, Depends(get_photos)]
SealDep = Annotated[PhotoSeal, Depends(get_seal)]
MapCacheDep = Annotated[MapCache, Depends(get_map_cache)]
UploadsDep = Annotated[UploadGate, Depends(get_uploads)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
ActiveFiltersDep = Annotated[dict[str, str], Depends(get_active_filters)]
FiltersDep = Annotated[Filters, Depends(get_filters)]
#: SQLite's largest INTEGER: an id past it cannot exist, and would overflow the database driver
MAX_ID = 2**63 - 1
PageDep = Annotated[int, Query(ge=1, le=10_000, description="page number, from 1")]
ImageIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="an image id (from search results)")]
PerPageDep = Annotated[int, Query(ge=1, le=100, description="results per page")]
RateLimited = Depends(rate_limit)
