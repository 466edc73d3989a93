"""vitrine check: compare the catalogue with the vector index, and repair."""

from __future__ import annotations

import sys

import click

from vitrine.cli._common import App, collection_argument, echo_json, pass_app, progress_bar


@click.command("check")
@collection_argument(required=False)
@click.option("--repair", is_flag=True, help="Remove orphaned and stale vectors, embed missing ones.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_app
def check(app: App, name: str | None, repair: bool, as_json: bool) -> None:
    """Report vectors missing from the index, orphaned, or stale; exit 1 when any remain."""
    from vitrine.indexing.check import check_collection, repair_collection

    with app.open(name) as coll:
        if repair:
            with progress_bar(f"repairing {coll.name}", "image") as progress:
                report = repair_collection(coll, progress, max_image_pixels=app.settings.max_image_pixels,
                                           fetch=app.settings.fetch_options(), s3=app.settings.s3_options())
        else:
            report = check_collection(coll)
    if as_json:
        echo_json(report.to_dict())
    else:
        if report.repaired is not None:
            click.echo(f"repaired {report.repaired.problems} problems; after repair:")
        for line in report.summary():
            click.echo(line)
        for location, reason in report.errors:
            click.echo(f"  failed: {location}: {reason}")
        click.echo("ok" if report.ok else "problems found: run 'vitrine check --repair'")
    if not report.ok:
        sys.exit(1)
