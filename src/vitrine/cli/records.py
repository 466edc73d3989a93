"""vitrine record show."""

from __future__ import annotations

import click

from vitrine.cli._common import App, collection_argument, echo_json, pass_app


@click.group("record")
def record() -> None:
    """Look at single records."""


@record.command("show")
@collection_argument()
@click.argument("identifier")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@pass_app
def show(app: App, name: str, identifier: str, as_json: bool) -> None:
    """Every field of record IDENTIFIER, with its images."""
    with app.open(name) as coll:
        found = coll.catalog.get(identifier)
    if as_json:
        echo_json(found.to_dict())
        return
    for key, value in found.to_dict().items():
        if key in ("images", "extra", "creators") or value in (None, "", []):
            continue
        click.echo(f"{key:<14} {value}")
    if found.creators:
        click.echo(f"{'creators':<14} {'; '.join(found.creators)}")
    for key, value in found.extra.items():
        click.echo(f"{key:<14} {value}")
    for number, img in enumerate(found.images, start=1):
        size = f" {img.width}x{img.height}" if img.width and img.height else ""
        click.echo(f"image {number:<8} {img.location}{size}")
