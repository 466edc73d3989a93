"""vitrine export: every record as CSV or JSON Lines, or as Linked Art JSON-LD files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vitrine.cli._common import App, collection_argument, pass_app, progress_bar
from vitrine.fsutil import atomic_path


class _RecordsByDefault(click.Group):
    """`vitrine export [NAME] ...` is `vitrine export records [NAME] ...`: the command as it always was;
    `vitrine export linked-art NAME DIR` names its format first."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["records", *args]
        return super().parse_args(ctx, args)


@click.group("export", cls=_RecordsByDefault)
def export() -> None:
    """Write a collection's records: `export [NAME]` as CSV or JSON Lines, `export linked-art NAME DIR`
    as Linked Art JSON-LD, one file per record."""


@export.command("records")
@collection_argument(required=False)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@pass_app
def records(app: App, name: str | None, fmt: str, output: Path | None) -> None:
    """Write every record of a collection, with its images' locations (the default of `export`)."""
    from vitrine.exports.records import export_records

    with app.open(name) as coll, progress_bar(f"exporting {coll.name}", "record") as progress:
        if output is None:
            count = export_records(coll, fmt, sys.stdout, progress)
            return
        with atomic_path(output) as tmp, tmp.open("w", encoding="utf-8", newline="") as out:
            count = export_records(coll, fmt, out, progress)
    click.echo(f"exported {count} records to {output}", err=True)


@export.command("linked-art")
@collection_argument()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--base-url", default="http://localhost:8000", show_default=True,
              help="The web app's address: the documents' ids are its record pages.")
@pass_app
def linked_art(app: App, name: str, directory: Path, base_url: str) -> None:
    """Write each record as Linked Art JSON-LD, DIRECTORY/<identifier>.json, with its accepted suggestions
    and their provenance (what a record's image shows goes to DIRECTORY/visual/)."""
    from vitrine.exports.linked_art import export_linked_art

    with app.open(name) as coll, progress_bar(f"exporting {coll.name}", "record") as progress:
        count = export_linked_art(coll, directory, base_url, progress)
    click.echo(f"exported {count} records as Linked Art to {directory}", err=True)
