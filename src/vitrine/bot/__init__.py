"""A Mastodon bot that answers a mention carrying a photo with the best-matching work (docs/bot.md)."""

from vitrine.bot.client import MastodonClient, SocialClient
from vitrine.bot.mentions import Mention, mention_of, reply_text
from vitrine.bot.run import Bot, Outcome, create_bot

__all__ = ["Bot", "MastodonClient", "Mention", "Outcome", "SocialClient", "create_bot", "mention_of",
           "reply_text"]
