"""vitrine export: every record as CSV or JSON Lines."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vitrine.cli._common import App, collection_argument, pass_app, progress_bar
from vitrine.fsutil import atomic_path


@click.command("export")
@collection_argument(required=False)
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl"]), default="jsonl", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@pass_app
def export(app: App, name: str | None, fmt: str, output: Path | None) -> None:
    """Write every record of a collection, with its images' locations."""
    from vitrine.exports.records import export_records

    with app.open(name) as coll, progress_bar(f"exporting {coll.name}", "record") as progress:
        if output is None:
            count = export_records(coll, fmt, sys.stdout, progress)
            return
        with atomic_path(output) as tmp, tmp.open("w", encoding="utf-8", newline="") as out:
            count = export_records(coll, fmt, out, progress)
    click.echo(f"exported {count} records to {output}", err=True)
