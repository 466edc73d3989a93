"""`vitrine set list|show|update|delete|export`: saved sets of works (named results of refined searches).

Sets are made by `vitrine search refine NAME ... --save SETNAME` or by the web page's "Save as set".
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from vitrine.cli._common import App, collection_argument, echo_json, pass_app, shorten
from vitrine.fsutil import atomic_path
from vitrine.search import sets as use_cases


@click.group("set")
def sets() -> None:
    """Saved sets of works (named results of refined searches)."""


@sets.command("list")
@collection_argument()
@click.option("--json", "as_json", is_flag=True, help="Print the sets as JSON.")
@pass_app
def list_(app: App, /, name: str, as_json: bool) -> None:
    """The saved sets of collection NAME, most recently updated first."""
    with app.open(name) as coll:
        found = use_cases.list_sets(coll)
    if as_json:
        echo_json([s.to_dict() for s in found])
        return
    if not found:
        click.echo("No saved sets. Save one with 'vitrine search refine ... --save SETNAME'.")
        return
    click.echo(f"{'set':<30}  {'works':>5}  {'updated':<16}  description")
    for saved in found:
        click.echo(f"{shorten(saved.name, 30):<30}  {len(saved.identifiers):>5}  "
                   f"{_when(saved.updated_at):<16}  {shorten(saved.description, 50)}")


@sets.command("show")
@collection_argument()
@click.argument("set_name", metavar="SETNAME")
@click.option("--json", "as_json", is_flag=True, help="Print the set (and its records) as JSON.")
@pass_app
def show(app: App, /, name: str, set_name: str, as_json: bool) -> None:
    """The set SETNAME: its session and its works."""
    with app.open(name) as coll:
        saved = use_cases.get_set(coll, set_name)
        records = use_cases.set_records(coll, saved)
    if as_json:
        echo_json({**saved.to_dict(), "records": [r.to_dict() for r in records]})
        return
    click.echo(f"{saved.name}: {len(saved.identifiers)} works, updated {_when(saved.updated_at)}")
    if saved.description:
        click.echo(saved.description)
    if saved.query:
        click.echo(f"query: {saved.query.kind} {saved.query.value}".rstrip())
    click.echo(f"marked relevant: {len(saved.positives)}, not relevant: {len(saved.negatives)}"
               f"{', method ' + saved.method if saved.method else ''}")
    for rank, record in enumerate(records, start=1):
        click.echo(f"{rank:>4}  {shorten(record.identifier, 20):<20}  {shorten(record.title, 40):<40}  "
                   f"{shorten(', '.join(record.creators), 24)}")
    missing = len(saved.identifiers) - len(records)
    if missing:
        click.echo(f"({missing} works of the set are no longer in the catalogue)")


@sets.command("update")
@collection_argument()
@click.argument("set_name", metavar="SETNAME")
@click.option("--description", help="A new description.")
@click.option("--rename", "new_name", metavar="NEWNAME", help="A new name.")
@click.option("--add", multiple=True, metavar="ID", help="Add a work (at the end); repeatable.")
@click.option("--remove", multiple=True, metavar="ID", help="Remove a work; repeatable.")
@pass_app
def update(app: App, /, name: str, set_name: str, description: str | None, new_name: str | None,
           add: tuple[str, ...], remove: tuple[str, ...]) -> None:
    """Change the set SETNAME's description or name, or add and remove works."""
    with app.open(name) as coll:
        saved = use_cases.update_set(coll, set_name, description=description, new_name=new_name,
                                     add=add, remove=remove)
    click.echo(f"updated set {saved.name!r} ({len(saved.identifiers)} works)")


@sets.command("delete")
@collection_argument()
@click.argument("set_name", metavar="SETNAME")
@pass_app
def delete(app: App, /, name: str, set_name: str) -> None:
    """Delete the set SETNAME (its works stay in the catalogue)."""
    with app.open(name) as coll:
        use_cases.delete_set(coll, set_name)
    click.echo(f"deleted set {set_name!r}")


@sets.command("export")
@collection_argument()
@click.argument("set_name", metavar="SETNAME")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@pass_app
def export(app: App, /, name: str, set_name: str, output: Path | None) -> None:
    """The records of set SETNAME as CSV, in the set's order."""
    with app.open(name) as coll:
        if output is None:
            use_cases.export_set(coll, set_name, sys.stdout)
            return
        use_cases.get_set(coll, set_name)  # an unknown set leaves no file behind
        with atomic_path(output) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
            count = use_cases.export_set(coll, set_name, fh)  # a failed export leaves no file
    click.echo(f"wrote {count} records to {output}", err=True)


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%Y-%m-%d %H:%M")
