"""Content negotiation on a record's URL: HTML by default, Linked Art JSON-LD to clients that prefer it.

`GET /records/{identifier}` answers HTML by default and the record's Linked Art document when the
client prefers `application/ld+json` (with or without the Linked Art profile) to HTML; every answer
on a record's URL says `Vary: Accept` (web/headers.py), so a cache keeps them apart, and errors come
as JSON to such a client (web/handlers.py). The record page's handler calls `negotiated` first; the
check of who may read runs before it, so both forms have the same permission.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from vitrine.collection import Collection
from vitrine.exports.linked_art import record_linked_art
from vitrine.exports.linked_art_terms import CONTEXT, MEDIA_TYPE

_LD = "application/ld+json"


def wants_linked_art(accept: str) -> bool:
    """Whether an Accept header prefers JSON-LD (no profile, or Linked Art's) to HTML.

    Each side's best quality counts (HTML's from `text/html`, else from `text/*` or `*/*`); a tie goes
    to the one named first: `application/ld+json, text/html` gets JSON-LD, a browser gets HTML."""
    seen: dict[str, tuple[float, int]] = {}  # kind -> (quality, -position): the larger wins
    for position, item in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in item.split(";"))
        values = dict(_param(p) for p in params if "=" in p)
        media = media.lower()
        if media == _LD:
            kind = "ld" if values.get("profile", CONTEXT).strip('"') == CONTEXT else ""
        else:
            kind = {"text/html": "html", "application/xhtml+xml": "html", "text/*": "any", "*/*": "any"}.get(
                media, "")
        rank = (_quality(values.get("q", "1")), -position)
        if kind and rank > seen.get(kind, (-1.0, 0)):
            seen[kind] = rank
    ld, html = seen.get("ld"), seen.get("html") or seen.get("any")
    return ld is not None and ld[0] > 0 and (html is None or ld > html)


def _param(text: str) -> tuple[str, str]:
    key, _, value = text.partition("=")
    return key.strip().lower(), value.strip()


def _quality(text: str) -> float:
    try:
        return min(1.0, max(0.0, float(text)))
    except ValueError:
        return 0.0


def negotiated(request: Request, collection: Collection, identifier: str) -> Response | None:
    """The record's Linked Art document when the request asks for it, else None (the page answers)."""
    if not wants_linked_art(request.headers.get("accept", "")):
        return None
    docs = record_linked_art(collection, identifier, str(request.base_url))
    return JSONResponse(docs.object, media_type=MEDIA_TYPE)
