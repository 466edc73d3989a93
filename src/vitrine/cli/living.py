"""`vitrine living make|allow|list`: living portraits (docs/living.md).

Making one is a staff action (whoever runs the CLI on the collection's machine is staff); it is audited
with the actor "cli:<login>", as is allowing a work's portrait to be shown publicly.
"""

from __future__ import annotations

from typing import Any

import click

from vitrine.cli._common import App, collection_argument, echo_json, pass_app
from vitrine.cli.users import actor


@click.group("living")
def living() -> None:
    """Living portraits: a short, watermarked animation of a portrait's face, beside its image."""


@living.command("make")
@collection_argument()
@click.argument("identifiers", nargs=-1)
@click.option("--allowed", is_flag=True, help="Make those of every work the collection allows.")
@click.option("--no-speech", is_flag=True, help="Do not read the label aloud (the mouth stays closed).")
@click.option("--voice", default="auto", show_default=True,
              help="espeak-ng voice (en, fr, de...); auto: French or English as the title reads.")
@click.option("--size", type=int, default=384, show_default=True, help="Long side of the clip in pixels.")
@click.option("--again", is_flag=True, help="Make it again even when this image and template have one.")
@click.option("--landmarks", "landmarker", default="dlib", show_default=True, help="dlib, or fake (demos).")
@pass_app
def make(app: App, /, name: str, identifiers: tuple[str, ...], allowed: bool, no_speech: bool, voice: str,
         size: int, again: bool, landmarker: str) -> None:
    """Bring the portraits of records IDENTIFIERS of NAME to life (MP4 and WebP under NAME/living/)."""
    from vitrine.living.make import make_allowed, make_living

    if bool(identifiers) == allowed:
        raise click.UsageError("name records, or give --allowed (not both)")
    options: dict[str, Any] = {"landmarker": landmarker, "speech": not no_speech, "voice": voice,
                               "size": size, "again": again}
    with app.open(name) as coll:
        if allowed:
            made, failed = make_allowed(coll, actor=actor(), **options)
        else:
            made = [make_living(coll, each, actor=actor(), **options) for each in identifiers]
            failed = {}
    for portrait in made:
        click.echo(f"{portrait.identifier}: {portrait.path('mp4')} and .webp ({portrait.meta['seconds']} s, "
                   f"made in {portrait.meta.get('render_s', '?')} s)")
    for identifier, why in failed.items():
        click.echo(f"{identifier}: not made: {why}", err=True)


@living.command("allow")
@collection_argument()
@click.argument("identifier", required=False)
@click.option("--all", "everything", is_flag=True, help="The whole collection rather than one record.")
@click.option("--off", is_flag=True, help="Stop allowing it.")
@pass_app
def allow(app: App, /, name: str, identifier: str | None, everything: bool, off: bool) -> None:
    """Allow the living portrait of record IDENTIFIER (or --all) to be shown publicly (audited)."""
    from vitrine.living.store import set_allowed

    if bool(identifier) == everything:
        raise click.UsageError("name one record, or give --all (not both)")
    with app.open(name) as coll:
        after = set_allowed(coll, identifier, not off, actor=actor())
    click.echo(f"allowed: {'every work' if after['all'] else ', '.join(after['records']) or 'none'}")


@living.command("list")
@collection_argument()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_(app: App, /, name: str, as_json: bool) -> None:
    """The living portraits made in NAME, newest first, with whether each is shown publicly."""
    from vitrine.living.store import allowed, portraits

    with app.open(name) as coll:
        found = [(p, allowed(coll, p.identifier)) for p in portraits(coll, public=False)]
    if as_json:
        echo_json([p.meta | {"public": public} for p, public in found])
        return
    for portrait, public in found:
        click.echo(f"{portrait.identifier}  {portrait.stem}  {'public' if public else 'staff only'}  "
                   f"by {portrait.meta['made_by']}")
