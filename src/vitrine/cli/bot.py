"""`vitrine bot run NAME`: the Mastodon bot answering photos with works; `vitrine ask NAME QUESTION`."""

from __future__ import annotations

import time

import click

from vitrine.cli._common import App, collection_argument, echo_json, pass_app


@click.group("bot")
def bot() -> None:
    """The social bot: answers a mention carrying a photo with the best-matching work."""


@bot.command("run")
@collection_argument()
@click.option("--polls", type=click.IntRange(1), default=None,
              help="Stop after this many polls (default: run until interrupted).")
@pass_app
def run(app: App, /, name: str, polls: int | None) -> None:
    """Answer mentions of the bot's account (VITRINE_BOT__INSTANCE, VITRINE_BOT__ACCESS_TOKEN), polling
    every VITRINE_BOT__POLL_S seconds. Visitors' photos are never stored."""
    from vitrine.bot import create_bot
    from vitrine.errors import BotError

    with app.open(name) as coll:
        runner = create_bot(coll, app.settings)
        done = 0
        while polls is None or done < polls:
            try:
                outcomes = runner.poll_once()
            except BotError as exc:  # the instance unreachable for a while: say so, try again next poll
                click.echo(f"poll failed: {exc}", err=True)
                outcomes = []
            for outcome in outcomes:
                what = outcome.identifier or outcome.reason
                click.echo(f"{outcome.notification_id}\t{outcome.action}\t{what}")
            done += 1
            if polls is None or done < polls:
                time.sleep(app.settings.bot.poll_s)


@click.command("ask")
@collection_argument()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@pass_app
def ask(app: App, /, name: str, question: str, as_json: bool) -> None:
    """Ask the collection a QUESTION in French or English; the answer cites the records it comes from
    (offline, or through VITRINE_ASK__ENDPOINT's model when one is set)."""
    from vitrine.ask import Asker, answer_of
    from vitrine.ask import ask as ask_use_case

    with app.open(name) as coll:
        answer = answer_of(ask_use_case(coll, question, Asker.from_settings(app.settings)))
    if as_json:
        echo_json({"question": answer.question, "language": answer.language, "mode": answer.mode,
                   "refused": answer.refused, "notes": list(answer.notes), "cited": list(answer.cited()),
                   "statements": [{"text": s.text, "cites": list(s.cites)} for s in answer.statements]})
        return
    for statement in answer.statements:
        click.echo(statement.text + ("".join(f" [{c}]" for c in statement.cites) if statement.cites else ""))
    for note in answer.notes:
        click.echo(f"note: {note}", err=True)
