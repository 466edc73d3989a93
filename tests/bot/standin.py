"""A local stand-in of the Mastodon API: the few endpoints the bot uses, answered from memory.

`notifications` are served to the bot's account (id "1") as Mastodon serves them (`page`): of the
asked `types[]`, at most `limit` (default 40, at most 80), newest first; after `min_id` the oldest ones
immediately newer than it, after `since_id` the *newest* ones newer than it, before `max_id` those older.
Media uploads and posted statuses are kept in `media` and `statuses` for tests to read; `/media/<name>`
serves photos. `failures[status id]` lists HTTP statuses that posting a reply to it gets, one per try.
"""

from __future__ import annotations

import io
import json
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from conftest import draw_image
from httpserver import StandIn
from vitrine.ask.limits import Limits
from vitrine.bot import Bot, MastodonClient
from vitrine.collection import Collection
from vitrine.fetch import FetchOptions

OWN_ID = "1"


def photo_jpeg(seed: int) -> bytes:
    """A visitor's photo: the seeded picture at 256 pixels, as JPEG."""
    buf = io.BytesIO()
    draw_image(seed, 256).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def bot_for(collection: Collection, standin: MastodonStandIn, per_account: int = 5) -> Bot:
    """The bot of `collection`, through Mastodon.py, on the stand-in."""
    client = MastodonClient(standin.url, "token-for-tests", timeout=5)
    return Bot(collection, client, public_url="https://collection.example",
               limits=Limits(per_account, 100, 3600), fetch=FetchOptions(timeout=5), instance=standin.url)


class MastodonStandIn(StandIn):
    def __init__(self) -> None:
        self.notifications: list[dict[str, Any]] = []
        self.photos: dict[str, bytes] = {}
        self.media: list[dict[str, Any]] = []
        self.statuses: list[dict[str, Any]] = []
        self.paths: list[str] = []
        self.failures: dict[str, list[int]] = {}
        self.idempotency_keys: list[str | None] = []
        self._serve()

    def mention(self, nid: int, account: str, *, photo: str | None = "p.jpg", language: str | None = "en",
                reply_to: str | None = None, reblog: bool = False, text: str = "@vitrine what is this?",
                kind: str = "mention") -> None:
        media = [] if photo is None else [
            {"id": f"a{nid}", "type": "image", "url": f"{self.url}/media/{photo}", "description": None}]
        who = {"id": account, "acct": f"user{account}@example.social", "username": f"user{account}"}
        status = {"id": str(1000 + nid), "content": f"<p>{text}</p>", "language": language,
                  "visibility": "public", "in_reply_to_id": reply_to,
                  "reblog": {"id": "9"} if reblog else None, "account": who,
                  "media_attachments": media, "created_at": "2026-11-29T12:00:00.000Z"}
        self.notifications.append({"id": str(nid), "type": kind, "status": status, "account": who,
                                   "created_at": "2026-11-29T12:00:00.000Z"})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _json(self, data: Any, status: int = 200) -> None:
                body = json.dumps(data).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                standin.paths.append(self.path)
                if parts.path == "/api/v1/accounts/verify_credentials":
                    return self._json({"id": OWN_ID, "acct": "vitrine", "username": "vitrine"})
                if parts.path == "/api/v1/notifications":
                    return self._json(page(standin.notifications, parse_qs(parts.query)))
                if parts.path.startswith("/media/") and parts.path[7:] in standin.photos:
                    data = standin.photos[parts.path[7:]]
                    self.send_response(200)
                    self.send_header("Content-Type", "image/jpeg")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return None
                self.send_response(404)
                self.end_headers()
                return None

            def do_POST(self) -> None:
                standin.paths.append(self.path)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                fields = _fields(self.headers.get("Content-Type", ""), body)
                if self.path.startswith(("/api/v2/media", "/api/v1/media")):
                    query = parse_qs(urlsplit(self.path).query)
                    described = fields.get("description") or query.get("description", [None])[0]
                    entry = {"id": f"m{len(standin.media)}", "type": "image",
                             "size": len(fields.get("file", b"")), "description": described}
                    standin.media.append(entry)
                    return self._json({**entry, "url": f"{standin.url}/m.jpg"})
                if self.path.startswith("/api/v1/statuses"):
                    failing = standin.failures.get(str(fields.get("in_reply_to_id")))
                    if failing:
                        return self._json({"error": "failed as the test asked"}, failing.pop(0))
                    standin.idempotency_keys.append(self.headers.get("Idempotency-Key"))
                    standin.statuses.append(fields)
                    return self._json({"id": f"s{len(standin.statuses)}", "content": fields.get("status"),
                                       "created_at": "2026-11-29T12:00:01.000Z"})
                self.send_response(404)
                self.end_headers()
                return None

        return Handler


def page(notifications: list[dict[str, Any]], query: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The notifications Mastodon answers to GET /api/v1/notifications with this query (newest first)."""
    def bound(name: str) -> int | None:
        return int(query[name][0]) if query.get(name) else None

    types = query.get("types[]") or query.get("types")
    found = sorted((n for n in notifications if not types or n["type"] in types), key=lambda n: int(n["id"]))
    limit = min(bound("limit") or 40, 80)
    below, after_min, after_since = bound("max_id"), bound("min_id"), bound("since_id")
    if below is not None:
        found = [n for n in found if int(n["id"]) < below]
    if after_min is not None:  # min_id wins over since_id, as in Mastodon's paginate_by_id
        return list(reversed([n for n in found if int(n["id"]) > after_min][:limit]))
    if after_since is not None:
        found = [n for n in found if int(n["id"]) > after_since]
    return list(reversed(found[-limit:]))


def _fields(content_type: str, body: bytes) -> dict[str, Any]:
    """A form's fields: JSON, urlencoded or multipart (files as bytes)."""
    if content_type.startswith("application/json"):
        data: dict[str, Any] = json.loads(body or b"{}")
        return data
    if content_type.startswith("multipart/form-data"):
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
        out: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            out[str(name)] = payload if part.get_filename() else (payload or b"").decode()
        return out
    parsed = parse_qs(body.decode())
    return {k.removesuffix("[]"): v if k.endswith("[]") else v[0] for k, v in parsed.items()}
