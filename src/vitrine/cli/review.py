"""`vitrine review list|accept|reject|edit|undo|window|assign|progress|report|export`: people deciding.

A machine proposes and a person decides: accepting writes the value into the record's curated
data with its provenance; rejecting keeps the suggestion, so the agent is not asked again. Every
decision is audited with the actor "cli:<login>". A suggestion someone else decided first, or one
whose record or image changed since it was made (stale), is refused with a message and exit
status 1; the other suggestions named on the same line are still decided.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from vitrine.catalog import Catalog
from vitrine.catalog.suggestions import ORDERS, Order, StoredAgent, Suggestion, SuggestionQuery
from vitrine.cli._common import App, collection_argument, echo_json, pass_app, progress_bar, shorten
from vitrine.cli.users import actor
from vitrine.errors import DecisionConflict, StaleSuggestion, SuggestionNotFound
from vitrine.fsutil import atomic_path
from vitrine.suggestions import review as use
from vitrine.suggestions.lookup import find_agents, one_agent
from vitrine.suggestions.run import Scope
from vitrine.suggestions.values import KINDS, STATUSES

F = TypeVar("F", bound=Callable[..., Any])
#: what `review list` shows as the agent of a suggestion
AgentNames = dict[int, str]


@click.group("review")
def review() -> None:
    """The review queue: list suggestions, accept, edit or reject them, decision windows, batches."""


def _filters(*, status: bool, default_status: tuple[str, ...] = ("proposed",)) -> Callable[[F], F]:
    """The options that choose suggestions (kind, agent, status, score, set, assignee)."""
    shown = ", ".join(default_status) if default_status else "all"
    options = [
        click.option("--kind", "kinds", multiple=True, type=click.Choice(KINDS),
                     help="Only this kind (repeatable)."),
        click.option("--agent", "agents", multiple=True, metavar="AGENT",
                     help="Only this agent: a name (every version) or a version's id (repeatable)."),
        click.option("--min-score", type=float, help="Only scores at or above this."),
        click.option("--max-score", type=float, help="Only scores below this."),
        click.option("--set", "set_name", metavar="SETNAME", help="Only the works of this saved set."),
        click.option("--record", "record", metavar="ID", help="Only the suggestions about this record."),
        click.option("--assignee", metavar="ACCOUNT",
                     help="Only those given to this account ('-': to nobody)."),
    ]
    if status:
        options.insert(2, click.option(
            "--status", "statuses", multiple=True, type=click.Choice([*STATUSES, "all"]),
            default=default_status,
            help=f"Only this status (repeatable; 'all': any) [default: {shown}]."))

    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def build_query(catalog: Catalog, *, kinds: tuple[str, ...] = (), agents: tuple[str, ...] = (),
                statuses: tuple[str, ...] = ("proposed",), min_score: float | None = None,
                max_score: float | None = None, set_name: str | None = None, assignee: str | None = None,
                record: str | None = None, order: str = "score", limit: int = 50,
                offset: int = 0) -> SuggestionQuery:
    """The filters of the command line as a `SuggestionQuery` (agent names, set and record resolved)."""
    agent_ids = tuple(a.id for text in agents for a in find_agents(catalog, text))
    record_ids = Scope(set_name=set_name).record_ids(catalog) if set_name else None
    if record:
        one = catalog.record_id(record)
        record_ids = [one] if record_ids is None or one in record_ids else []
    return SuggestionQuery(
        kinds=kinds, agent_ids=agent_ids, statuses=() if "all" in statuses else statuses,
        score_min=min_score, score_max=max_score,
        record_ids=tuple(record_ids) if record_ids is not None else None,
        assignee=None if assignee is None else "" if assignee == "-" else assignee,
        order=cast(Order, order), limit=limit, offset=offset)  # click.Choice checked the order


@review.command("list")
@collection_argument()
@_filters(status=True)
@click.option("--order", type=click.Choice(ORDERS), default="score", show_default=True,
              help="score: highest first; uncertainty: closest to a coin toss first; newest; id.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many first.")
@click.option("--json", "as_json", is_flag=True, help="Print the suggestions as JSON.")
@pass_app
def list_(app: App, /, name: str, order: str, limit: int, offset: int, as_json: bool,
          **filters: Any) -> None:
    """Suggestions of collection NAME waiting for review (or those passing the filters)."""
    with app.open(name) as coll:
        query = build_query(coll.catalog, order=order, limit=limit, offset=offset, **filters)
        found = coll.catalog.suggestions.find(query)
        total = coll.catalog.suggestions.count(query)
        names = {a.id: a.name for a in coll.catalog.suggestions.agents()}
    if as_json:
        echo_json([{**s.to_dict(), "agent": names.get(s.agent_id)} for s in found])
        return
    if not found:
        click.echo("No suggestions match." if total == 0 else f"No suggestions past {offset} (of {total}).")
        return
    click.echo(f"{'id':>7}  {'record':<14}  {'kind':<11}  {'label':<30}  {'score':>6}  {'agent':<16}  status")
    for s in found:
        click.echo(_line(s, names))
    click.echo(f"{offset + 1}-{offset + len(found)} of {total}" + (" (! stale: its record or image changed"
                                                                   "; it can only be rejected)"
                                                                   if any(s.stale for s in found) else ""))


def _line(s: Suggestion, names: AgentNames) -> str:
    score = f"{s.score:.3f}" if s.score is not None else "-"
    agent = f"{names.get(s.agent_id, '?')} ({s.agent_id})"
    status = s.status + (" !stale" if s.stale else "") + (f" @{s.assignee}" if s.assignee else "")
    return (f"{s.id:>7}  {shorten(s.identifier or '(deleted)', 14):<14}  {s.kind:<11}  "
            f"{shorten(s.label, 30):<30}  {score:>6}  {shorten(agent, 16):<16}  {status}")


# -- decisions ------------------------------------------------------------------------------------

def _decide_each(app: App, name: str, ids: tuple[int, ...], action: str, *, note: str = "",
                 value: Any = None) -> None:
    """Decide every suggestion named; report the refused ones and exit 1 if any was."""
    done, refused = 0, 0
    with app.open(name) as coll:
        for suggestion_id in ids:
            try:
                use.decide(coll.catalog, suggestion_id, action, actor=actor(), value=value, note=note)
            except (DecisionConflict, StaleSuggestion, SuggestionNotFound) as exc:
                click.echo(f"Error: {exc}", err=True)
                refused += 1
                continue
            done += 1
    past = {"accept": "accepted", "reject": "rejected", "edit": "edited and accepted"}[action]
    if done or not refused:
        click.echo(f"{past} {done} suggestion{'s' if done != 1 else ''}")
    if refused:
        click.echo(f"{refused} not {past.split()[0]} (see above)", err=True)
        sys.exit(1)


_ids = click.argument("ids", nargs=-1, required=True, type=int, metavar="ID...")
_note = click.option("--note", default="", help="Why (kept with the decision and in the audit trail).")


@review.command("accept")
@collection_argument()
@_ids
@_note
@pass_app
def accept(app: App, /, name: str, ids: tuple[int, ...], note: str) -> None:
    """Accept suggestions ID... of collection NAME: their values enter the records, with provenance."""
    _decide_each(app, name, ids, "accept", note=note)


@review.command("reject")
@collection_argument()
@_ids
@_note
@pass_app
def reject(app: App, /, name: str, ids: tuple[int, ...], note: str) -> None:
    """Reject suggestions ID... of collection NAME (kept, so the agent is not asked again)."""
    _decide_each(app, name, ids, "reject", note=note)


@review.command("edit")
@collection_argument()
@click.argument("suggestion_id", type=int, metavar="ID")
@click.option("--value", "text", required=True, metavar="JSON",
              help='The corrected value, e.g. \'{"label": "harbour"}\' for a tag.')
@_note
@pass_app
def edit(app: App, /, name: str, suggestion_id: int, text: str, note: str) -> None:
    """Accept suggestion ID of collection NAME with a corrected value."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise click.BadParameter(f"not JSON ({exc.msg} at character {exc.pos})",
                                 param_hint="--value") from None
    _decide_each(app, name, (suggestion_id,), "edit", note=note, value=value)


@review.command("undo")
@collection_argument()
@click.argument("suggestion_id", type=int, metavar="ID")
@pass_app
def undo(app: App, /, name: str, suggestion_id: int) -> None:
    """Put decided suggestion ID of collection NAME back to proposed (its value leaves the record)."""
    with app.open(name) as coll:
        before = coll.catalog.suggestions.get(suggestion_id)
        use.undo(coll.catalog, suggestion_id, actor=actor())
    click.echo(f"suggestion {suggestion_id} was {before.status}; it is proposed again")


# -- windows, batches, progress -------------------------------------------------------------------

@review.command("window")
@collection_argument()
@click.argument("agent", metavar="AGENT")
@click.option("--accept-from", type=float, help="Accept every proposed suggestion scoring at least this.")
@click.option("--reject-below", type=float, help="Reject every proposed suggestion scoring below this.")
@click.option("--sample", type=click.IntRange(0, 100), default=8, show_default=True,
              help="How many of each to show before asking.")
@click.option("--yes", is_flag=True, help="Apply without asking (the counts are still checked).")
@pass_app
def window(app: App, /, name: str, agent: str, accept_from: float | None, reject_below: float | None,
           sample: int, yes: bool) -> None:
    """Accept above a score and reject below another, for one agent version (a name or id)."""
    with app.open(name) as coll:
        stored = one_agent(coll.catalog, agent)
        chosen = use.Window(stored.id, accept_from, reject_below)
        preview = use.preview_window(coll.catalog, chosen, sample)
        names = {stored.id: stored.name}
        for action, count in preview.counts.items():
            bound = (f"scoring {accept_from} or more" if action == "accept"
                     else f"scoring below {reject_below}")
            click.echo(f"{action} {count} suggestions of {stored.name} ({stored.id}) {bound}"
                       + (", for example:" if preview.samples[action] else ""))
            for s in preview.samples[action]:
                click.echo(_line(s, names))
        if not any(preview.counts.values()):
            click.echo("nothing to decide")
            return
        if not yes:
            click.confirm("apply these decisions?", abort=True)
        done = use.apply_window(coll.catalog, chosen, actor=actor(), expected=preview.counts)
    click.echo(", ".join(f"{'accepted' if a == 'accept' else 'rejected'} {n}" for a, n in done.items()))


@review.command("assign")
@collection_argument()
@click.argument("account", metavar="ACCOUNT")
@_filters(status=False)
@click.option("--order", type=click.Choice(ORDERS), default="id", show_default=True)
@click.option("--limit", type=click.IntRange(1, 1_000_000), default=100, show_default=True,
              help="At most this many.")
@pass_app
def assign(app: App, /, name: str, account: str, order: str, limit: int, **filters: Any) -> None:
    """Give proposed suggestions of collection NAME to ACCOUNT to review ('-': take them back)."""
    with app.open(name) as coll:
        query = build_query(coll.catalog, order=order, **filters)
        count = use.assign(coll.catalog, query, None if account == "-" else account, limit=limit,
                           actor=actor())
    click.echo(f"took back {count} suggestions" if account == "-"
               else f"gave {count} suggestions to {account}")


@review.command("progress")
@collection_argument()
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@pass_app
def progress(app: App, /, name: str, as_json: bool) -> None:
    """Each cataloguer's batch in collection NAME: assigned, reviewed, remaining, agreement."""
    with app.open(name) as coll:
        rows = use.progress(coll.catalog)
    if as_json:
        echo_json([row.to_dict() for row in rows])
        return
    if not rows:
        click.echo(f"Nothing is assigned. Give batches with 'vitrine review assign {name} ACCOUNT'.")
        return
    click.echo(f"{'assignee':<24}  {'assigned':>8}  {'reviewed':>8}  {'remaining':>9}  {'accepted':>8}  "
               f"{'edited':>6}  {'rejected':>8}  agreement")
    for row in rows:
        agreement = f"{row.agreement:.0%}" if row.agreement is not None else "-"
        click.echo(f"{shorten(row.assignee, 24):<24}  {row.assigned:>8}  {row.reviewed:>8}  "
                   f"{row.remaining:>9}  {row.accepted:>8}  {row.edited:>6}  {row.rejected:>8}  {agreement}")


# -- what reviewing says about an agent; exports --------------------------------------------------

@review.command("report")
@collection_argument()
@click.argument("agent", metavar="AGENT")
@click.option("--target", type=click.FloatRange(0.5, 1.0), default=0.95, show_default=True,
              help="The precision a suggested window must reach.")
@click.option("--min-decided", type=click.IntRange(1), default=20, show_default=True,
              help="Decisions a suggested bound needs behind it.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_app
def report(app: App, /, name: str, agent: str, target: float, min_decided: int, as_json: bool) -> None:
    """An agent version's precision as reviewed in collection NAME, by score band and week, and the
    decision window those figures support."""
    from vitrine.suggestions.report import agent_report

    with app.open(name) as coll:
        stored = one_agent(coll.catalog, agent)
        found = agent_report(coll.catalog, stored.id, target=target, min_decided=min_decided)
    if as_json:
        echo_json(found.to_dict())
        return
    click.echo(f"{_who(stored)}\n")
    click.echo(f"{'score band':<15}  {'proposed':>8}  {'accepted':>8}  {'edited':>6}  {'rejected':>8}  "
               "precision")
    for band in found.bands:
        click.echo(f"{f'{band.low:.3g}-{band.high:.3g}':<15}  {band.proposed:>8}  {band.accepted:>8}  "
                   f"{band.edited:>6}  {band.rejected:>8}  {_share(band.precision)}")
    for week in found.weeks:
        click.echo(f"week of {week.start}: {week.decided} decided, {week.kept} kept "
                   f"({_share(week.precision)})")
    bounds = [f"--accept-from {found.accept_from}" if found.accept_from is not None else "",
              f"--reject-below {found.reject_below}" if found.reject_below is not None else ""]
    if any(bounds):
        click.echo(f"\nsuggested window (precision {target:.0%}, {min_decided}+ decisions behind each "
                   "bound):\n"
                   f"  vitrine review window {name} {stored.id} {' '.join(b for b in bounds if b)}")
    else:
        click.echo(f"\nno window suggested: too few decisions, or none reaching {target:.0%} precision")


def _who(agent: StoredAgent) -> str:
    model = f"{agent.model} {agent.model_version}".strip()
    state = f", state {agent.state_sha256[:12]}" if agent.state_sha256 else ""
    return (f"agent {agent.name} (id {agent.id}): {agent.software} {agent.software_version}"
            + (f", model {model}" if model else "") + state)


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


@review.command("export")
@collection_argument()
@click.argument("out", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path), metavar="OUT")
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]),
              help="The file's format [default: csv for a name ending .csv, else jsonl].")
@_filters(status=True, default_status=())
@pass_app
def export(app: App, /, name: str, out: Path, fmt: str | None, **filters: Any) -> None:
    """Write the suggestions of collection NAME with their provenance and decisions to OUT ('-':
    standard output), in id order."""
    from vitrine.exports.suggestions import export_suggestions

    fmt = fmt or ("csv" if out.suffix.lower() == ".csv" else "jsonl")
    with app.open(name) as coll:
        query = build_query(coll.catalog, **{**filters, "statuses": filters["statuses"] or ("all",)})
        with progress_bar(f"exporting suggestions of {coll.name}", "row") as bar:
            if str(out) == "-":
                export_suggestions(coll.catalog, fmt, sys.stdout, query, bar)
                return
            with atomic_path(out) as tmp, tmp.open("w", encoding="utf-8", newline="") as handle:
                count = export_suggestions(coll.catalog, fmt, handle, query, bar)  # a failure leaves no file
    click.echo(f"exported {count} suggestions to {out}", err=True)
