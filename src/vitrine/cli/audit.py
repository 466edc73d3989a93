"""`vitrine audit list|export`: the audit trail of staff actions (who, when, what, before and after).

Times on the command line are ISO 8601 dates or date-times, in local time unless they name a zone;
`--since` is inclusive and `--until` exclusive, except that a bare date given to `--until` means
the end of that day (`--since 2024-05-01 --until 2024-05-01` is that whole day).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import click

from vitrine.cli._common import App, collection_argument, echo_json, pass_app, shorten
from vitrine.exports.audit import AuditFilter
from vitrine.fsutil import atomic_path

F = TypeVar("F", bound=Callable[..., Any])


@click.group("audit")
def audit() -> None:
    """The audit trail: every staff action and login, append-only."""


def _filter_options(func: F) -> F:
    for option in reversed([
        click.option("--actor", help="Only this actor (an account name, or cli:LOGIN)."),
        click.option("--action", "action", metavar="PREFIX",
                     help="Only actions starting with PREFIX, e.g. 'user.' or 'login'."),
        click.option("--since", metavar="ISO-DATE", help="From this date or date-time on."),
        click.option("--until", metavar="ISO-DATE", help="Before this date-time (a bare date: to its end)."),
    ]):
        func = option(func)
    return func


def parse_when(text: str | None, option: str, *, end_of_day: bool = False) -> float | None:
    """An ISO 8601 date or date-time as seconds since the epoch (local time unless zoned)."""
    if text is None:
        return None
    try:
        if len(text.strip()) == 10:  # a bare date: its midnight (or the next one, for --until)
            day = date.fromisoformat(text.strip())
            start = datetime(day.year, day.month, day.day) + timedelta(days=1 if end_of_day else 0)
            return start.timestamp()
        return datetime.fromisoformat(text.strip()).timestamp()
    except ValueError:
        raise click.BadParameter(f"{text!r} is not an ISO date (2024-05-01) or date-time "
                                 f"(2024-05-01T14:30)", param_hint=option) from None


def _where(actor: str | None, action: str | None, since: str | None, until: str | None) -> AuditFilter:
    return AuditFilter(actor=actor, action=action, since=parse_when(since, "--since"),
                       until=parse_when(until, "--until", end_of_day=True))


@audit.command("list")
@collection_argument()
@_filter_options
@click.option("--limit", type=click.IntRange(1, 100_000), default=50, show_default=True,
              help="At most this many rows, newest first.")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@pass_app
def list_(app: App, /, name: str, actor: str | None, action: str | None, since: str | None,
          until: str | None, limit: int, as_json: bool) -> None:
    """The latest audit rows of collection NAME, newest first."""
    where = _where(actor, action, since, until)
    with app.open(name) as coll:
        rows = coll.catalog.audit.entries(**where.as_kwargs(), limit=limit)
    if as_json:
        echo_json([row.to_dict() for row in rows])
        return
    if not rows:
        click.echo("No audit rows match.")
        return
    click.echo(f"{'when':<19}  {'actor':<20}  {'action':<18}  {'object':<20}  change")
    for row in rows:
        stamp = datetime.fromtimestamp(row.at).strftime("%Y-%m-%d %H:%M:%S")
        click.echo(f"{stamp:<19}  {shorten(row.actor, 20):<20}  {shorten(row.action, 18):<18}  "
                   f"{shorten(row.object, 20):<20}  {_change(row.before, row.after)}")


@audit.command("export")
@collection_argument()
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl", show_default=True)
@click.option("-o", "--out", "--output", "output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@_filter_options
@pass_app
def export(app: App, /, name: str, fmt: str, output: Path | None, actor: str | None, action: str | None,
           since: str | None, until: str | None) -> None:
    """Every audit row of collection NAME (or those passing the filters), oldest first."""
    from vitrine.exports.audit import export_audit

    where = _where(actor, action, since, until)
    with app.open(name) as coll:
        if output is None:
            export_audit(coll, fmt, sys.stdout, where)
            return
        with atomic_path(output) as tmp, tmp.open("w", encoding="utf-8", newline="") as out:
            count = export_audit(coll, fmt, out, where)  # a failed export leaves no file
    click.echo(f"exported {count} audit rows to {output}", err=True)


def _change(before: Any, after: Any) -> str:
    def text(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    if before is None and after is None:
        return ""
    if before is None:
        return shorten(text(after), 60)
    return shorten(f"{text(before)} -> {text(after)}", 60)
