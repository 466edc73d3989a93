"""What a record's image shows, as a Linked Art VisualItem: the document its Linked Art object `shows`.

The object itself is served by content negotiation on the record's page (web/negotiation.py).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from vitrine.accounts import Permission
from vitrine.errors import RecordNotFound
from vitrine.exports.linked_art import record_linked_art
from vitrine.exports.linked_art_terms import MEDIA_TYPE
from vitrine.web.auth import Allowed
from vitrine.web.deps import CollectionDep

router = APIRouter(dependencies=[Allowed(Permission.READ)], tags=["linked-art"])


@router.get("/linked-art/visual/{identifier:path}")
def visual_item(identifier: str, request: Request, collection: CollectionDep) -> JSONResponse:
    """What a record's image shows (the VisualItem its Linked Art document points to with `shows`)."""
    docs = record_linked_art(collection, identifier, str(request.base_url))
    if docs.visual is None:
        raise RecordNotFound(f"record {identifier!r} has no accepted values about what it shows")
    return JSONResponse(docs.visual, media_type=MEDIA_TYPE)

