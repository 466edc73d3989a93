"""The Mastodon bot against a local stand-in of the Mastodon API, through Mastodon.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitrine.bot import mention_of
from vitrine.bot.run import STATE, create_bot
from vitrine.collection import Collection
from vitrine.errors import BotError
from vitrine.settings import BotSettings, Settings

from .standin import OWN_ID, MastodonStandIn, bot_for, photo_jpeg

pytest.importorskip("mastodon", reason="the bot needs Mastodon.py (pip install 'vitrine[bot]')")


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_photo_is_answered_with_the_work_in_the_mentions_language(fake_collection: Collection) -> None:
    before = _files(fake_collection.root)
    with MastodonStandIn() as standin:
        standin.photos["p.jpg"] = photo_jpeg(7)
        standin.mention(1, "42", language="fr", text="@vitrine c'est quelle œuvre ?")
        standin.mention(2, "43", language=None, text="@vitrine which work is this one?")
        outcomes = bot_for(fake_collection, standin).poll_once()
    assert [(o.action, o.identifier) for o in outcomes] == [("answered", "r07"), ("answered", "r07")]
    fr, en = standin.statuses
    assert fr["status"].startswith("@user42@example.social On dirait « Flowers in a vase » de Anna Painter")
    assert "https://collection.example/records/r07" in fr["status"] and fr["in_reply_to_id"] == "1001"
    assert fr["language"] == "fr" and fr["visibility"] == "unlisted" and len(fr["media_ids"]) == 2
    assert en["status"].startswith(
        "@user43@example.social This looks like “Flowers in a vase” by Anna Painter")
    assert standin.media[0]["description"].startswith("Flowers in a vase de Anna Painter")
    assert all(m["size"] > 1000 for m in standin.media)
    # the visitor's photo is stored nowhere: only the bot's own state changed in the collection folder
    after = _files(fake_collection.root)
    assert set(after) - set(before) == {STATE}
    photo = photo_jpeg(7)
    assert not any(photo in data for data in after.values())


def test_own_posts_boosts_replies_and_mentions_without_a_photo_are_ignored(
        fake_collection: Collection) -> None:
    with MastodonStandIn() as standin:
        standin.photos["p.jpg"] = photo_jpeg(7)
        standin.mention(1, OWN_ID)
        standin.mention(2, "42", reblog=True)
        standin.mention(3, "42", reply_to="555")
        standin.mention(4, "42", photo=None)
        standin.mention(5, "42", kind="favourite")
        bot = bot_for(fake_collection, standin)
        outcomes = bot.poll_once()
        again = bot.poll_once()
    # the favourite is not served (the bot asks for mentions only); mention_of would skip it too
    assert [o.reason for o in outcomes] == ["its own post", "a boost", "a reply", "no photo"]
    assert standin.statuses == [] and again == []  # read once: the next poll starts after them
    assert mention_of(standin.notifications[4], OWN_ID) == (None, "not a mention")


def test_per_account_limits_and_unknown_works(fake_collection: Collection) -> None:
    fake_collection.set_match_threshold(0.97)  # the fake embedder has no calibrated cutoff of its own
    with MastodonStandIn() as standin:
        standin.photos["p.jpg"] = photo_jpeg(7)
        standin.photos["noise.jpg"] = photo_jpeg(9999)
        standin.mention(1, "42")
        standin.mention(2, "42")
        standin.mention(3, "44", photo="noise.jpg")
        standin.mention(4, "45", photo="missing.jpg")
        outcomes = bot_for(fake_collection, standin, per_account=1).poll_once()
    assert [o.action for o in outcomes] == ["answered", "skipped", "not found", "skipped"], outcomes
    assert outcomes[1].reason == "rate limited" and "photo unreadable" in outcomes[3].reason
    assert "could not find this work" in standin.statuses[1]["status"]
    assert "media_ids" not in standin.statuses[1] or not standin.statuses[1]["media_ids"]


def test_the_bot_needs_its_settings(fake_collection: Collection) -> None:
    with pytest.raises(BotError, match="VITRINE_BOT__INSTANCE"):
        create_bot(fake_collection, Settings())
    settings = Settings(bot=BotSettings(instance="https://x.example", access_token="t", public_url="ftp://x"))
    with pytest.raises(BotError, match="not an http"):
        create_bot(fake_collection, settings)


def test_mention_language_falls_back_to_the_text() -> None:
    status = {"id": "5", "content": "<p>@vitrine Quelle est cette œuvre ?</p>", "language": None,
              "account": {"id": "2", "acct": "a"}, "media_attachments": [{"type": "image", "url": "http://x/p"}]}
    mention, _ = mention_of({"type": "mention", "status": status}, OWN_ID)
    assert mention is not None and mention.language == "fr"
