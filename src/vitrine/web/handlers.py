"""Error handlers: every failure becomes a clear HTML page, or `{"error": {...}}` for the API."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from vitrine.errors import (
    AccountError,
    AgentError,
    CatalogError,
    Conflict,
    EmbedderError,
    Forbidden,
    ImageError,
    IndexError_,
    JobError,
    LivingError,
    LivingUnavailable,
    NotFound,
    NotSignedIn,
    SearchError,
    SuggestionError,
    VitrineError,
)
from vitrine.web.security import WebError

log = logging.getLogger(__name__)

_TITLES = {
    400: "Bad request", 401: "Please sign in", 403: "Not allowed", 404: "Not found",
    405: "Method not allowed", 409: "Conflict",
    410: "Gone", 413: "Too large", 415: "Not an image we can read", 422: "Something in the request is wrong",
    429: "Too many requests", 500: "Something went wrong on our side", 503: "Not ready",
}
_CODES = {
    400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    413: "too_large", 415: "unsupported_media_type", 422: "invalid_request", 429: "rate_limited",
    500: "internal_error",
}


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""
    app.add_exception_handler(WebError, _web_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(VitrineError, _library_error)
    app.add_exception_handler(Exception, _unexpected)


def respond(request: Request, status: int, code: str, message: str) -> Response:
    """JSON for /api and clients that ask for JSON; an HTML page for everyone else."""
    headers = {"Retry-After": "60"} if status == 429 else None
    if _wants_json(request):
        return JSONResponse({"error": {"code": code, "message": message}}, status, headers=headers)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request, "error.html",
        {"status": status, "title": _TITLES.get(status, "Error"), "code": code, "message": message},
        status_code=status, headers=headers)


def _wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/reconcile/suggest")) or path in ("/openapi.json", "/reconcile"):
        return True  # API clients: the reconciliation service's too (OpenRefine reads JSON errors)
    accept = request.headers.get("accept", "")
    return ("application/json" in accept or "application/ld+json" in accept) and "text/html" not in accept


async def _web_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WebError)
    return respond(request, exc.status, exc.code, exc.message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
    if exc.status_code == 404 and message == "Not Found":
        message = "there is no page at this address"
    return respond(request, exc.status_code, _CODES.get(exc.status_code, "error"), message)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("query", "body", "path"))
        parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else str(err.get("msg")))
    return respond(request, 422, "invalid_request", "; ".join(parts) or "the request is not valid")


async def _library_error(request: Request, exc: Exception) -> Response:
    status, code = _library_status(exc)
    if status >= 500:
        log.error("library error serving %s: %s", request.url.path, exc)
    return respond(request, status, code, str(exc))


def _library_status(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, NotSignedIn):
        return 401, exc.code
    if isinstance(exc, Forbidden):
        return 403, exc.code
    if isinstance(exc, NotFound):
        return 404, exc.code
    if isinstance(exc, Conflict):
        return 409, exc.code
    if isinstance(exc, AccountError):  # a refused change (weak password, the last admin): the input's fault
        return 422, exc.code
    if isinstance(exc, ImageError):
        return 422, "bad_image"
    if isinstance(exc, (SearchError, CatalogError)):
        return 422, "invalid_query"
    if isinstance(exc, (AgentError, LivingUnavailable)):
        return 503, exc.code
    if isinstance(exc, LivingError):
        return 422, exc.code
    if isinstance(exc, (SuggestionError, JobError)):
        return 422, exc.code
    if isinstance(exc, (EmbedderError, IndexError_)):
        return 503, "not_ready"
    return 500, "internal_error"


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error serving %s", request.url.path, exc_info=exc)
    return respond(request, 500, "internal_error",
                   "an unexpected error happened on the server; it has been logged, please try again")
