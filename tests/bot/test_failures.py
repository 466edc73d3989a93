"""The bot goes on past a mention it cannot answer, tries passing failures again, reads bursts whole."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import draw_image
from vitrine.ask.limits import Limits
from vitrine.bot import Bot, Mention, reply_text
from vitrine.bot import run as botrun
from vitrine.bot.run import MAX_ATTEMPTS, STATE
from vitrine.collection import Collection
from vitrine.errors import BotError, RecognitionError
from vitrine.fetch import FetchOptions
from vitrine.records import Record

from .standin import MastodonStandIn, bot_for, page, photo_jpeg

pytest.importorskip("mastodon", reason="the bot needs Mastodon.py (pip install 'vitrine[bot]')")


def _state(collection: Collection) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((collection.root / STATE).read_text(encoding="utf-8"))
    return data


def test_a_reply_refused_for_good_is_passed_and_the_next_mentions_answered(
        fake_collection: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    real = botrun.recognize_photo

    def recognize(collection: Collection, photo: Any) -> Any:
        if photo.size == (255, 255):
            raise RecognitionError("the index is unusable")
        return real(collection, photo)

    monkeypatch.setattr(botrun, "recognize_photo", recognize)
    with MastodonStandIn() as standin:
        standin.photos["p.jpg"] = photo_jpeg(7)
        standin.photos["odd.jpg"] = draw_image(7, 255).tobytes("jpeg", "RGB")
        standin.failures["1001"] = [404]  # the mention was deleted before the answer
        standin.mention(1, "42")
        standin.mention(2, "43", photo="odd.jpg")
        standin.mention(3, "44")
        bot = bot_for(fake_collection, standin)
        outcomes = bot.poll_once()
        again = bot.poll_once()
    assert [o.action for o in outcomes] == ["failed", "failed", "answered"], outcomes
    assert "404" in outcomes[0].reason and "index is unusable" in outcomes[1].reason
    assert [s["in_reply_to_id"] for s in standin.statuses] == ["1003"] and again == []
    assert _state(fake_collection) == {"since_id": "3", "retries": {}}


def test_a_passing_failure_is_tried_again_at_the_next_polls_a_bounded_number_of_times(
        fake_collection: Collection) -> None:
    with MastodonStandIn() as standin:
        standin.photos["p.jpg"] = photo_jpeg(7)
        standin.failures["1001"] = [429]
        standin.failures["1002"] = [503] * MAX_ATTEMPTS
        standin.mention(1, "42")
        standin.mention(2, "43")
        standin.mention(3, "44")
        bot = bot_for(fake_collection, standin, per_account=1)
        polls = []
        for _ in range(5):
            polls.append([(o.notification_id, o.action) for o in bot.poll_once()])
            if len(polls) == 3:
                assert _state(fake_collection) == {"since_id": "1", "retries": {"2": 2}}
    assert polls == [[("1", "deferred")],  # the poll stops there: the rest waits, in order
                     [("1", "answered"), ("2", "deferred")],  # a retry is not counted against the limit
                     [("2", "deferred")],
                     [("2", "failed"), ("3", "answered")],
                     []]
    assert [s["in_reply_to_id"] for s in standin.statuses] == ["1001", "1003"]
    assert standin.idempotency_keys == ["vitrine-reply-1001", "vitrine-reply-1003"]
    assert _state(fake_collection) == {"since_id": "3", "retries": {}}


def test_a_burst_larger_than_a_page_is_answered_whole_and_in_order(fake_collection: Collection) -> None:
    with MastodonStandIn() as standin:
        standin.photos["p.jpg"] = photo_jpeg(7)
        standin.mention(1, "42", photo=None)
        bot = bot_for(fake_collection, standin, per_account=100)
        assert [o.reason for o in bot.poll_once()] == ["no photo"]
        for nid in range(2, 47):  # 45 mentions between two polls; the bot asks 40 at a time
            standin.mention(nid, str(100 + nid), photo="p.jpg" if nid in (2, 46) else None)
        outcomes = bot.poll_once()
        again = bot.poll_once()
    assert [o.notification_id for o in outcomes] == [str(n) for n in range(2, 47)]
    assert [s["in_reply_to_id"] for s in standin.statuses] == ["1002", "1046"] and again == []
    asked = [p for p in standin.paths if p.startswith("/api/v1/notifications")]
    assert ["min_id=1&" in p and "limit=40" in p for p in asked[1:3]] == [True, False]
    assert "min_id=41&" in asked[2] and "min_id=46&" in asked[3]


def _notes(*ids: int, kind: str = "mention") -> list[dict[str, Any]]:
    return [{"id": str(i), "type": kind} for i in ids]


def test_the_standin_pages_as_mastodon_does() -> None:
    notes = _notes(*range(1, 11)) + _notes(11, kind="favourite")

    def ids(**query: str) -> list[int]:
        return [int(n["id"]) for n in page(notes, {k: [v] for k, v in query.items()})]

    assert ids(since_id="2", limit="3") == [11, 10, 9]  # the newest after the id: 3..8 would be lost
    assert ids(min_id="2", limit="3") == [5, 4, 3]  # those immediately after it, newest first
    assert ids(min_id="2", since_id="8", limit="3") == [5, 4, 3]
    assert ids(max_id="4") == [3, 2, 1]
    assert [int(n["id"]) for n in page(notes, {"types[]": ["mention"], "limit": ["2"]})] == [10, 9]
    assert len(page(_notes(*range(1, 200)), {"limit": ["500"]})) == 80


def test_a_long_title_is_shortened_and_the_link_kept() -> None:
    mention = Mention("5", "42", "someone@example.social", "http://x/p.jpg", "", "en", "unlisted")
    link = "https://collection.example/records/r07"
    long = Record(identifier="r07", title="A very long title " * 34, creators=["Anna Painter"] * 40,
                  date_text="1780")
    assert len(long.title or "") > 600
    for language in ("en", "fr"):
        text = reply_text(Mention(**{**mention.__dict__, "language": language}), long, link)
        assert len(text) <= 480 and text.endswith(link) and "…" in text
        assert text.startswith("@someone@example.social " + ("This looks like “A very long title"
                                                             if language == "en" else "On dirait « A very"))
    plain = reply_text(mention, Record(identifier="r07", title="T" * 600), link)
    assert len(plain) == 480 and plain.endswith(f"T…”. {link}")
    short = reply_text(mention, Record(identifier="r07", title="Flowers", creators=["Anna Painter"]), link)
    assert short == f"@someone@example.social This looks like “Flowers” by Anna Painter. {link}"


class _FlakyClient:
    """One page of one mention without a photo, then an instance that does not answer."""

    def __init__(self) -> None:
        self.calls = 0

    def own_id(self) -> str:
        return "1"

    def mentions(self, min_id: str | None, limit: int) -> list[dict[str, Any]]:
        self.calls += 1
        if self.calls > 1:
            raise BotError("the Mastodon instance did not answer notifications", transient=True)
        return [{"id": "7", "type": "mention", "status": {"id": "1007", "account": {"id": "42"}}}]


def test_a_page_that_cannot_be_read_after_the_first_ends_the_poll_with_what_was_done(
        fake_collection: Collection) -> None:
    client = _FlakyClient()
    bot = Bot(fake_collection, client, public_url="", limits=Limits(5, 100, 3600), fetch=FetchOptions(),
              page_size=1)
    assert [(o.notification_id, o.reason) for o in bot.poll_once()] == [("7", "no photo")]
    with pytest.raises(BotError, match="did not answer"):  # the first page: the command says so
        bot.poll_once()
    assert _state(fake_collection)["since_id"] == "7"
