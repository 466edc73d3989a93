"""Images served by catalogue image id, never by a path a client sends."""

from __future__ import annotations

import io
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse, RedirectResponse, Response

from vitrine.accounts import Permission
from vitrine.collection import Collection
from vitrine.errors import ImageError
from vitrine.images import read_image, thumbnail
from vitrine.records import StoredImage
from vitrine.web.auth import Allowed
from vitrine.web.deps import CollectionDep, ImageIdPath
from vitrine.web.security import WebError, sniff

router = APIRouter(dependencies=[Allowed(Permission.VISIT)], tags=["images"], include_in_schema=False)
_CACHE = {"Cache-Control": "public, max-age=86400"}


@router.get("/images/{image_id}/thumbnail")
def image_thumbnail(image_id: ImageIdPath, collection: CollectionDep) -> Response:
    stored = _stored(collection, image_id)
    if stored.sha256:
        path = collection.thumbnail_path(stored.sha256)
        if path.is_file():
            return FileResponse(path, media_type="image/jpeg", headers=_CACHE)
    source = _local(collection, stored)
    try:  # not indexed yet: make one in memory
        image, _ = read_image(source, reduce_to=256)
    except ImageError as exc:
        raise WebError(404, "no_image", f"image {image_id} cannot be shown: {exc.reason}") from None
    buf = io.BytesIO()
    thumbnail(image).save(buf, "JPEG", quality=85)
    return Response(buf.getvalue(), media_type="image/jpeg")


@router.get("/images/{image_id}/full")
def image_full(image_id: ImageIdPath, collection: CollectionDep) -> Response:
    stored = _stored(collection, image_id)
    if collection.image_path(stored) is None and stored.location.startswith(("http://", "https://")):
        return RedirectResponse(stored.location, status_code=307)
    path = _local(collection, stored)
    with path.open("rb") as fh:
        mime = sniff(fh.read(16))
    if mime is None:
        raise WebError(404, "no_image", f"image {image_id} is not in a format browsers show")
    return FileResponse(path, media_type=mime, headers=_CACHE)


def _stored(collection: Collection, image_id: int) -> StoredImage:
    return collection.catalog.image(image_id)  # ImageNotFound: the 404 page


def _local(collection: Collection, stored: StoredImage) -> Path:
    path = collection.image_path(stored)
    if path is None or not path.is_file():
        raise WebError(404, "no_image", f"image {stored.id} is not available on this server")
    return path
