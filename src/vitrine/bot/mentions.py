"""Which notifications the bot answers, and what it says, in the mention's language.

It answers a mention that carries a photo, and nothing else: not its own posts, not boosts, not
replies (a thread under one of its answers would otherwise make two bots talk forever), not a
mention without an image. The reply names the work (title, maker, date) and links its record page.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from vitrine.ask.language import Language, detect
from vitrine.records import Record

_TAG = re.compile(r"<[^>]+>")
MAX_REPLY = 480  # characters; Mastodon's default limit is 500 (a link counts 23, but not everywhere)


@dataclass(frozen=True)
class Mention:
    """A mention worth answering: who, which status, its photo's address, its language."""

    status_id: str
    account_id: str
    acct: str
    photo_url: str
    photo_description: str
    language: Language
    visibility: str


def plain_text(content: str) -> str:
    """A status's HTML content as plain text."""
    return html.unescape(_TAG.sub(" ", content.replace("<br>", "\n").replace("</p>", "\n"))).strip()


def mention_of(notification: dict[str, Any], own_id: str) -> tuple[Mention | None, str]:
    """The mention to answer in a notification, or None and why it is skipped."""
    if notification.get("type") != "mention":
        return None, "not a mention"
    status = notification.get("status") or {}
    account = status.get("account") or {}
    if str(account.get("id")) == str(own_id):
        return None, "its own post"
    if status.get("reblog"):
        return None, "a boost"
    if status.get("in_reply_to_id"):
        return None, "a reply"
    photos = [m for m in status.get("media_attachments") or [] if m.get("type") == "image" and m.get("url")]
    if not photos:
        return None, "no photo"
    text = plain_text(str(status.get("content") or ""))
    declared = str(status.get("language") or "")[:2].lower()
    language: Language = "fr" if declared == "fr" else "en" if declared == "en" else detect(text)
    visibility = str(status.get("visibility") or "public")
    return Mention(
        status_id=str(status["id"]), account_id=str(account.get("id")), acct=str(account.get("acct") or ""),
        photo_url=str(photos[0]["url"]), photo_description=str(photos[0].get("description") or ""),
        language=language, visibility="unlisted" if visibility == "public" else visibility), ""


_TEXT = {
    "en": {"found": "@{acct} This looks like “{title}”{by}{date}. {link}",
           "none": ("@{acct} I could not find this work in the collection, sorry. Try a straighter, "
                    "closer photo."),
           "by": " by {}", "alt_art": "{title}{by}{date}: the work in the collection",
           "alt_pair": "Your photo beside “{title}”, with its label"},
    "fr": {"found": "@{acct} On dirait « {title} »{by}{date}. {link}",
           "none": ("@{acct} Je n'ai pas trouvé cette œuvre dans la collection, désolé. Essayez une "
                    "photo plus droite et plus proche."),
           "by": " de {}", "alt_art": "{title}{by}{date} : l'œuvre de la collection",
           "alt_pair": "Votre photo à côté de « {title} », avec son cartel"},
}


def reply_text(mention: Mention, record: Record | None, link: str) -> str:
    """The reply: the work and its link, or that none was found; in the mention's language."""
    words = _TEXT[mention.language]
    if record is None:
        return words["none"].format(acct=mention.acct)
    label = _label(record, mention.language)
    text = words["found"].format(acct=mention.acct, link=link, **label)
    # a long list of makers, then a long title, is shortened, never the link: each keeps a fair share
    # first (makers 120 characters, the title 60), then gives up more if it must
    for part, keep in (("by", 120), ("title", 60), ("by", 0), ("title", 0)):
        over = len(text.strip()) - MAX_REPLY
        if over <= 0:
            break
        label[part] = _shorten(label[part], max(len(label[part]) - over, min(keep, len(label[part]))))
        text = words["found"].format(acct=mention.acct, link=link, **label)
    return text.strip()


def _shorten(text: str, size: int) -> str:
    """`text` cut to `size` characters at most, an ellipsis marking the cut (at least the ellipsis)."""
    if len(text) <= size:
        return text
    return text[:max(size - 1, 0)].rstrip() + "…"


def descriptions(mention: Mention, record: Record) -> tuple[str, str]:
    """Alt text of the two images posted: the artwork, and the composite."""
    words = _TEXT[mention.language]
    label = _label(record, mention.language)
    return words["alt_art"].format(**label), words["alt_pair"].format(title=label["title"])


def _label(record: Record, language: Language) -> dict[str, str]:
    words = _TEXT[language]
    untitled = "Sans titre" if language == "fr" else "Untitled"
    return {"title": record.title or untitled,
            "by": words["by"].format(", ".join(record.creators)) if record.creators else "",
            "date": f" ({record.date_text})" if record.date_text else ""}
