"""`vitrine pages find|train|promote|parts`: illustrations and text blocks in printed pages."""

from __future__ import annotations

from pathlib import Path

import click

from vitrine.cli._common import App, collection_argument, echo_json, pass_app, progress_bar


@click.group("pages")
def pages() -> None:
    """Illustrations, ornaments, initials, maps and text blocks on page images (docs/pages.md)."""


@pages.command("find")
@click.argument("image", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def find(image: Path, as_json: bool) -> None:
    """The blocks the weight-free finder sees on IMAGE, with their class and box (x, y, w, h)."""
    from vitrine.images import read_image
    from vitrine.pages.blocks import find_blocks

    picture, _ = read_image(image)
    blocks = find_blocks(picture)
    if as_json:
        echo_json([{"class": b.label, "box": [round(v, 1) for v in b.box], "score": b.score} for b in blocks])
        return
    for b in blocks:
        click.echo(f"{b.label:<13} {' '.join(f'{v:7.1f}' for v in b.box)}")


_AGENT = click.option("--agent", "agent", default="illustrations", show_default=True,
                       help="The agent whose reviewed suggestions are used (a plugin detector's name).")


@pages.command("train")
@collection_argument()
@_AGENT
@pass_app
def train(app: App, /, name: str, agent: str) -> None:
    """Train NAME's page model from its editors' decisions on the illustrations agent's suggestions."""
    from vitrine.pages.train import train_collection

    with app.open(name) as coll, progress_bar("pages", unit="page") as progress:
        report = train_collection(coll, agent=agent, progress=progress)
    boxes = ", ".join(f"{n} {k}" for k, n in sorted(report.boxes.items())) or "no box"
    click.echo(f"page model v{report.version} saved in {report.folder}: {report.pages} reviewed pages"
               f" ({boxes}); the illustrations agent uses it from its next run")


@pages.command("promote")
@collection_argument()
@click.option("--agent", "agents", multiple=True, default=("illustrations",), show_default=True,
              help="Agents whose accepted picture blocks become records; repeatable.")
@click.option("--no-index", is_flag=True, help="Leave the new records unindexed (index them later).")
@pass_app
def promote(app: App, /, name: str, agents: tuple[str, ...], no_index: bool) -> None:
    """Make each accepted illustration of NAME a record of its own, linked to its page, and index it
    (its vector, and its local features where the collection has a region index), as an import does."""
    from vitrine.cli.index import run_indexing
    from vitrine.pages.parts import promote as promote_parts

    with app.open(name) as coll:
        report = promote_parts(coll, agents)
        click.echo(f"{len(report.added)} illustrations added or updated, {report.unchanged} unchanged,"
                   f" {len(report.removed)} removed (no longer accepted)")
        for line in report.skipped:
            click.echo(f"skipped: {line}", err=True)
        if (report.added or report.removed) and not no_index:
            run_indexing(coll, app.settings)
        elif report.added:
            click.echo(f"index them: vitrine index {name}")


@pages.command("parts")
@collection_argument()
@click.argument("identifier")
@pass_app
def parts(app: App, /, name: str, identifier: str) -> None:
    """The illustrations taken from page record IDENTIFIER, or the page a derived record comes from."""
    from vitrine.pages.parts import page_of, parts_of

    with app.open(name) as coll:
        record = coll.catalog.get(identifier)
        page = page_of(record)
        found = parts_of(coll.catalog, identifier)
    if page is not None:
        click.echo(f"{identifier} is part of {page[0]} at {page[1]}")
    for part in found:
        click.echo(f"{part.identifier}  {part.object_type}  {part.title}")
