"""The bot's loop: read new mentions, answer each photo with the best-matching work.

A mention's photo is fetched through vitrine's guarded fetcher (size-capped), decoded within the pixel
budget, recognised (`visitor.recognize.recognize_photo`: local features where the collection has
them, else the global embedder against its threshold), and dropped: it is never written anywhere.
The reply carries the work's image and the composite (the photo beside the work, with its label),
and links the record page. Rate limits count answers per account and for everyone, per hour; a
mention over either is skipped (said in the outcome). Mentions are read oldest first, a page at a
time (`min_id`), so a burst is answered whole and in order. The last notification read is kept in
`bot.json` in the collection folder, so a restart does not answer twice; a notification that fails
is answered "failed" and passed, or, when the failure may pass (429, 5xx, timeouts), tried again at
the next polls a bounded number of times (the count kept in `bot.json`).
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
from vitrine.errors import BotError, FetchError, ImageError, VitrineError
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
PAGE_SIZE = 40  # mentions asked at a time (Mastodon's default; at most 80)
MAX_PAGES = 50  # per poll: a burst larger than this goes on at the next poll
MAX_ATTEMPTS = 3  # tries of a notification that fails for a while (429, 5xx, timeouts) before it is given up


@dataclass(frozen=True)
class Outcome:
    """What the bot did with one notification: answered (with the work or "not found"), skipped, failed
    (given up), or deferred (a passing failure: tried again at the next poll)."""

    notification_id: str
    action: str  # "answered", "not found", "skipped", "failed", "deferred" (tried again next poll)
    reason: str = ""
    identifier: str | None = None
    reply_id: str | None = None


class Bot:
    def __init__(self, collection: Collection, client: SocialClient, *, public_url: str,
                 limits: Limits, fetch: FetchOptions, instance: str = "", page_size: int = PAGE_SIZE) -> None:
        self.collection, self.client, self.limits = collection, client, limits
        self.page_size = page_size
        self.public_url = public_url.rstrip("/")
        host = (urlsplit(instance).hostname or "").lower()
        network = fetch.network
        allowed = network.allow_hosts | ({host} if host else set())
        policy = NetworkPolicy(allowed, network.allow_networks, network.resolve)
        self.fetch = FetchOptions(fetch.timeout, policy)
        self.state_path = collection.root / STATE

    def poll_once(self) -> list[Outcome]:
        """Answer every mention since the last poll, oldest first, a page at a time.

        A notification that fails is recorded "failed" and remembered, so one bad mention never stops
        the bot; one that fails for a while (instance rate limit, server error, timeout) is "deferred":
        this poll stops there and the next one starts at it again, up to MAX_ATTEMPTS tries.
        """
        own = self.client.own_id()
        state = self._state()
        outcomes: list[Outcome] = []
        for _ in range(MAX_PAGES):
            start = state.since
            try:
                page = self.client.mentions(start, self.page_size)
            except BotError:
                if not outcomes:
                    raise
                log.warning("bot: reading the next page of mentions failed; the next poll goes on",
                            exc_info=True)
                break
            for notification in page:
                outcome = self._attempt(notification, own, state)
                outcomes.append(outcome)
                if outcome.action == "deferred":
                    return outcomes
            if len(page) < self.page_size or state.since == start:
                break
        return outcomes

    def _attempt(self, notification: dict[str, object], own: str, state: _State) -> Outcome:
        """One notification handled, its failure caught; remembered unless it is to be tried again."""
        nid = str(notification["id"])
        tries = state.retries.get(nid, 0)
        try:
            outcome = self._handle(notification, own, first_try=tries == 0)
        except VitrineError as exc:
            if isinstance(exc, BotError) and exc.transient and tries + 1 < MAX_ATTEMPTS:
                log.warning("bot: notification %s, try %d of %d failed, tried again next poll: %s",
                            nid, tries + 1, MAX_ATTEMPTS, exc)
                state.retries[nid] = tries + 1
                self._save(state)
                return Outcome(nid, "deferred", str(exc))
            log.warning("bot: notification %s failed after %d tries: %s", nid, tries + 1, exc)
            outcome = Outcome(nid, "failed", str(exc))
        state.since = nid
        state.retries.pop(nid, None)
        self._save(state)
        return outcome

    def _handle(self, notification: dict[str, object], own: str, first_try: bool = True) -> Outcome:
        nid = str(notification["id"])
        mention, why = mention_of(notification, own)
        if mention is None:
            return Outcome(nid, "skipped", why)
        if first_try and not self.limits.allow(mention.account_id):  # a retry was counted the first time
            return Outcome(nid, "skipped", "rate limited")
        try:
            photo = decode(fetch_bytes(mention.photo_url, options=self.fetch, max_bytes=MAX_PHOTO_BYTES),
                           "the mention's photo", max_pixels=MAX_PHOTO_PIXELS)
        except (FetchError, ImageError) as exc:
            return Outcome(nid, "skipped", f"photo unreadable: {exc}")
        try:
            record = recognize_photo(self.collection, photo).record
            reply_id = self._reply(mention, photo, record)
        finally:
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

    def _state(self) -> _State:
        try:
            data = json.loads(self.state_path.read_text(encoding="utf-8"))
            since = data.get("since_id")
            retries = {str(k): int(v) for k, v in (data.get("retries") or {}).items()}
        except (OSError, ValueError, TypeError, AttributeError):
            return _State(None, {})
        return _State(None if since is None else str(since), retries)

    def _save(self, state: _State) -> None:
        """The last notification read and the tries of the one being retried; never a photo."""
        data = {"since_id": state.since, "retries": state.retries}
        write_atomic(self.state_path, json.dumps(data).encode())


@dataclass
class _State:
    since: str | None
    retries: dict[str, int]


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
