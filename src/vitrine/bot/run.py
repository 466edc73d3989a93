"""The bot's loop: read new mentions, answer each photo with the best-matching work.

A mention's photo is fetched through vitrine's guarded fetcher (size-capped), decoded within the pixel
budget, recognised (`visitor.recognize.recognize_photo`: local features where the collection has
them, else the global embedder against its threshold), and dropped: it is never written anywhere.
The reply carries the work's image and the composite (the photo beside the work, with its label),
and links the record page. Rate limits count answers per account and for everyone, per hour; a
mention over either is skipped (said in the outcome). The last notification read is kept in
`bot.json` in the collection folder, so a restart does not answer twice.
"""

from __future__ import annotations

import io
import json
import logging
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from PIL import Image

from vitrine.ask.limits import Limits
from vitrine.bot.client import SocialClient
from vitrine.bot.mentions import Mention, descriptions, mention_of, reply_text
from vitrine.collection import Collection
from vitrine.errors import BotError, FetchError, ImageError
from vitrine.fetch import FetchOptions, fetch_bytes
from vitrine.fsutil import write_atomic
from vitrine.images import decode
from vitrine.netguard import NetworkPolicy
from vitrine.records import Record
from vitrine.settings import Settings
from vitrine.visitor.composite import Caption, artwork_pixels, render
from vitrine.visitor.recognize import recognize_photo

log = logging.getLogger(__name__)
MAX_PHOTO_BYTES = 16_000_000
MAX_PHOTO_PIXELS = 40_000_000
STATE = "bot.json"


@dataclass(frozen=True)
class Outcome:
    """What the bot did with one notification: answered (with the work or "not found") or skipped."""

    notification_id: str
    action: str  # "answered", "not found", "skipped"
    reason: str = ""
    identifier: str | None = None
    reply_id: str | None = None


class Bot:
    def __init__(self, collection: Collection, client: SocialClient, *, public_url: str,
                 limits: Limits, fetch: FetchOptions, instance: str = "") -> None:
        self.collection, self.client, self.limits = collection, client, limits
        self.public_url = public_url.rstrip("/")
        host = (urlsplit(instance).hostname or "").lower()
        network = fetch.network
        allowed = network.allow_hosts | ({host} if host else set())
        policy = NetworkPolicy(allowed, network.allow_networks, network.resolve)
        self.fetch = FetchOptions(fetch.timeout, policy)
        self.state_path = collection.root / STATE

    def poll_once(self) -> list[Outcome]:
        """Answer every mention since the last poll, oldest first."""
        own = self.client.own_id()
        outcomes = []
        for notification in self.client.mentions(self._since()):
            outcomes.append(self._handle(notification, own))
            self._remember(str(notification["id"]))
        return outcomes

    def _handle(self, notification: dict[str, object], own: str) -> Outcome:
        nid = str(notification["id"])
        mention, why = mention_of(notification, own)
        if mention is None:
            return Outcome(nid, "skipped", why)
        if not self.limits.allow(mention.account_id):
            return Outcome(nid, "skipped", "rate limited")
        try:
            photo = decode(fetch_bytes(mention.photo_url, options=self.fetch, max_bytes=MAX_PHOTO_BYTES),
                           "the mention's photo", max_pixels=MAX_PHOTO_PIXELS)
        except (FetchError, ImageError) as exc:
            return Outcome(nid, "skipped", f"photo unreadable: {exc}")
        recognition = recognize_photo(self.collection, photo)
        record = recognition.record
        reply_id = self._reply(mention, photo, record)
        del photo  # the visitor's photo lives in memory only, for this answer
        if record is None:
            return Outcome(nid, "not found", reply_id=reply_id)
        return Outcome(nid, "answered", identifier=record.identifier, reply_id=reply_id)

    def _reply(self, mention: Mention, photo: Image.Image, record: Record | None) -> str:
        media: list[tuple[bytes, str, str]] = []
        link = ""
        if record is not None:
            link = f"{self.public_url}/records/{quote(record.identifier, safe='')}" if self.public_url else ""
            artwork = artwork_pixels(self.collection, record.identifier)
            if artwork is not None:
                alt_art, alt_pair = descriptions(mention, record)
                pair = render(photo, artwork, Caption.of(record, self.collection.title))
                media = [(_jpeg(artwork), "image/jpeg", alt_art), (pair, "image/jpeg", alt_pair)]
        return self.client.reply(mention.status_id, reply_text(mention, record, link), mention.visibility,
                                 mention.language, media)

    def _since(self) -> str | None:
        try:
            return str(json.loads(self.state_path.read_text(encoding="utf-8"))["since_id"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _remember(self, notification_id: str) -> None:
        write_atomic(self.state_path, json.dumps({"since_id": notification_id}).encode())


def _jpeg(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.convert("RGB").save(buf, "JPEG", quality=90)
    return buf.getvalue()


def check_public_url(url: str) -> str:
    """The web app's public address, needed for links; refused when it is not http(s)."""
    if url and urlsplit(url).scheme not in ("http", "https"):
        raise BotError(f"VITRINE_BOT__PUBLIC_URL {url!r} is not an http(s) address")
    return url



def create_bot(collection: Collection, settings: Settings, client: SocialClient | None = None) -> Bot:
    """The bot from the settings (VITRINE_BOT__...): its Mastodon account, limits, public address."""
    from vitrine.bot.client import MastodonClient

    bot = settings.bot
    if client is None:
        client = MastodonClient(bot.instance, bot.access_token.get_secret_value(), settings.http_timeout_s)
    limits = Limits(bot.per_account_per_hour, bot.global_per_hour, period_s=3600.0)
    return Bot(collection, client, public_url=check_public_url(bot.public_url), limits=limits,
               fetch=settings.fetch_options(), instance=bot.instance)
