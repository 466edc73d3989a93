"""The Mastodon side of the bot, through Mastodon.py (the `bot` extra), behind a small interface the
bot uses and tests can replace."""

from __future__ import annotations

from typing import Any, Protocol

from vitrine.errors import BotError


class SocialClient(Protocol):
    """What the bot needs from a social network."""

    def own_id(self) -> str: ...

    def mentions(self, min_id: str | None, limit: int) -> list[dict[str, Any]]:
        """Up to `limit` mentions immediately newer than `min_id` (the oldest of them), oldest first;
        with no `min_id`, the newest `limit`."""
        ...

    def reply(self, status_id: str, text: str, visibility: str, language: str,
              media: list[tuple[bytes, str, str]]) -> str: ...


class MastodonClient:
    """A Mastodon account, driven by Mastodon.py. The instance and token are the operator's settings."""

    def __init__(self, instance: str, token: str, timeout: float = 30.0) -> None:
        if not instance or not token:
            raise BotError("the bot needs its instance and access token: set VITRINE_BOT__INSTANCE and "
                           "VITRINE_BOT__ACCESS_TOKEN (a token of the bot's account with read and write "
                           "scopes)")
        try:
            from mastodon import Mastodon
        except ModuleNotFoundError as exc:
            raise BotError("the bot needs Mastodon.py: pip install 'vitrine[bot]'") from exc
        self._api = Mastodon(access_token=token, api_base_url=instance, request_timeout=timeout,
                             mastodon_version="4.2.0", version_check_mode="none", ratelimit_method="throw")
        self._own: str | None = None

    def own_id(self) -> str:
        if self._own is None:
            self._own = str(self._call("account_verify_credentials")["id"])
        return self._own

    def mentions(self, min_id: str | None, limit: int) -> list[dict[str, Any]]:
        # min_id, not since_id: since_id gives the *newest* `limit` after the id, and a burst of more
        # would lose the older ones; min_id gives those immediately after it (the instance still lists
        # them newest first, hence the sort).
        found = self._call("notifications", types=["mention"], min_id=min_id, limit=limit)
        return sorted((dict(n) for n in found), key=lambda n: int(n["id"]))

    def reply(self, status_id: str, text: str, visibility: str, language: str,
              media: list[tuple[bytes, str, str]]) -> str:
        ids = [self._call("media_post", data, mime_type=mime, description=alt, file_name="image.jpg")["id"]
               for data, mime, alt in media]
        # the idempotency key makes a retry after a lost answer post once, not twice (Mastodon keeps keys
        # for an hour)
        posted = self._call("status_post", text, in_reply_to_id=status_id, media_ids=ids or None,
                            visibility=visibility, language=language,
                            idempotency_key=f"vitrine-reply-{status_id}")
        return str(posted["id"])

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        from mastodon import MastodonError, MastodonNetworkError, MastodonRatelimitError, MastodonServerError

        try:
            return getattr(self._api, name)(*args, **kwargs)
        except (MastodonNetworkError, MastodonRatelimitError, MastodonServerError) as exc:
            raise BotError(f"the Mastodon instance did not answer {name} (will try again): {exc}",
                           transient=True) from exc
        except MastodonError as exc:
            raise BotError(f"the Mastodon instance refused {name}: {exc}") from exc
