"""Headers on every response: a Content-Security-Policy the pages satisfy, CORS for IIIF, Vary for records
and for the pages that differ for staff.

The pages load scripts and styles from /static only (no inline script, no style attribute), so
the policy can forbid everything else. Images may come from museum servers (a record's remote
image is served by a redirect), hence `img-src https:`. The API docs page (Swagger UI) is the one
exception: FastAPI serves it with an inline script and CDN assets.

IIIF viewers (Mirador, Universal Viewer) run on other origins and read our manifests and images
with WebGL, which needs CORS on the images too, or the canvas is "tainted". Those resources are
public and read-only, so they allow any origin for GET; everything else stays same-origin.
The reconciliation service (`/reconcile`) must allow any origin on every endpoint (W3C API 0.2),
its POSTs included: they only read. Its preflights are answered here; no credentials are allowed.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = "; ".join((
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob: https:",
    "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'self'",
    "form-action 'self'", "frame-ancestors 'self'",
))
DOCS_CSP = "; ".join((
    "default-src 'self'", "script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net",
    "style-src 'self' https://cdn.jsdelivr.net", "img-src 'self' data: https:", "connect-src 'self'",
    "object-src 'none'", "base-uri 'self'", "frame-ancestors 'self'",
))
SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "SAMEORIGIN",  # for browsers that predate frame-ancestors
    "Cross-Origin-Opener-Policy": "same-origin",
}
#: public, read-only resources other origins may read (IIIF viewers): images and IIIF documents
CORS_PREFIXES = ("/images/", "/iiif/")
#: the reconciliation API: any origin, GET and POST (both read-only), preflights answered here
RECONCILE_PREFIX = "/reconcile"
#: URLs whose answer depends on the Accept header (a record: HTML, or Linked Art JSON-LD), errors included,
#: and on who asks (staff see account names and unreviewed suggestions there): never shared by caches
NEGOTIATED_PREFIXES = ("/records/", "/api/records/")
#: URLs (and all below them) whose answer depends on who asks: staff see machine-read text not yet
#: reviewed, visitors do not. `/ask` and `/reconcile` answer everyone alike (no account is read there;
#: `/api/ask` is `no-store` already), so they need neither.
PERSONAL_PATHS = ("/text", "/api/text")
DOCS_PATHS = ("/api/docs", "/api/docs/oauth2-redirect")


class SecurityHeaders:
    """ASGI middleware adding the security headers, and CORS on public GETs of IIIF resources.

    With `secure_cookies` (production: served over TLS behind a proxy), every cookie a route sets
    is marked `Secure`, whichever route set it, so none can leak over plain HTTP.
    """

    def __init__(self, app: ASGIApp, secure_cookies: bool = False) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        method: str = scope["method"]
        reconcile = path == RECONCILE_PREFIX or path.startswith(RECONCILE_PREFIX + "/")
        if reconcile and method == "OPTIONS":
            await _preflight(send)
            return
        cors = (method in ("GET", "HEAD") and path.startswith(CORS_PREFIXES)) or (
            reconcile and method in ("GET", "HEAD", "POST"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", DOCS_CSP if path in DOCS_PATHS else CSP)
                if cors:
                    headers["Access-Control-Allow-Origin"] = "*"
                negotiated = path.startswith(NEGOTIATED_PREFIXES)
                if negotiated or _under(path, PERSONAL_PATHS):
                    for name in ("Accept", "Cookie", "Authorization")[0 if negotiated else 1:]:
                        headers.add_vary_header(name)
                    if "cache-control" not in headers:
                        headers["Cache-Control"] = "private, no-cache"
                if self.secure_cookies:
                    _secure_cookies(headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _under(path: str, roots: tuple[str, ...]) -> bool:
    """Whether `path` is one of `roots` or below one (`/text/3`, not `/texts`)."""
    return any(path == root or path.startswith(root + "/") for root in roots)


def _secure_cookies(headers: MutableHeaders) -> None:
    cookies = headers.getlist("set-cookie")
    if not cookies:
        return
    del headers["set-cookie"]
    for cookie in cookies:
        flags = {part.strip().lower() for part in cookie.split(";")[1:]}
        headers.append("set-cookie", cookie if "secure" in flags else cookie + "; Secure")


async def _preflight(send: Send) -> None:
    """A CORS preflight of the reconciliation API: any origin, GET and POST, a JSON body allowed."""
    headers = [(b"access-control-allow-origin", b"*"), (b"access-control-allow-methods", b"GET, POST"),
               (b"access-control-allow-headers", b"Content-Type"), (b"access-control-max-age", b"600"),
               (b"content-length", b"0")]
    await send({"type": "http.response.start", "status": 204, "headers": headers})
    await send({"type": "http.response.body", "body": b""})
