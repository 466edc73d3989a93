"""`vitrine recognize NAME PHOTO`: which work of the collection is in a visitor's photo."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from vitrine.cli._common import App, collection_argument, echo_json, pass_app
from vitrine.visitor import recognize as use_case
from vitrine.visitor.recognize import Recognition


@click.command("recognize")
@collection_argument()
@click.argument("photo", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--candidates", type=click.IntRange(1, 500), default=use_case.DEFAULT_CANDIDATES,
              show_default=True, help="Images the global search shortlists (with --global-only).")
@click.option("--max-works", type=click.IntRange(1, 20), default=use_case.DEFAULT_MAX_WORKS,
              show_default=True,
              help="The most works reported in one photo (a whole wall).")
@click.option("--min-inliers", type=click.IntRange(4, 10_000), default=use_case.DEFAULT_MIN_INLIERS,
              show_default=True, help="Verified matches needed to call it a match (calibrated default).")
@click.option("--global-only", is_flag=True, help="Skip local-feature verification.")
@click.option("--json", "as_json", is_flag=True, help="Print the recognition as JSON.")
@pass_app
def recognize(app: App, /, name: str, photo: Path, candidates: int, max_works: int, min_inliers: int,
              global_only: bool, as_json: bool) -> None:
    """Recognise every artwork of the collection in the photo PHOTO (the one aimed at first), or
    say that none of the collection is in it."""
    from vitrine.images import read_image

    picture, _ = read_image(photo, max_pixels=app.settings.max_image_pixels)
    with app.open(name) as coll:
        result = use_case.recognize_photo(
            coll, picture, candidates=candidates, min_inliers=min_inliers,
            method="global" if global_only else None, pipeline=use_case.Pipeline(max_works=max_works))
    if as_json:
        echo_json(to_json(result))
    else:
        show(result)
    if result.note:
        click.echo(f"note: {result.note}", err=True)


def to_json(result: Recognition) -> dict[str, Any]:
    """The recognition as plain JSON data (the API's shape, without URLs)."""
    record = result.record
    return {
        "matched": result.matched,
        "identifier": record.identifier if record else None,
        "title": record.title if record else None,
        "creators": list(record.creators) if record else [],
        "date": record.date_text if record else None,
        "image_id": result.image_id, "method": result.method, "inliers": result.inliers,
        "similarity": round(result.similarity, 4), "threshold": result.threshold,
        "quad": [list(p) for p in result.quad] if result.quad else None,
        "photo_size": list(result.photo_size),
        "timings_ms": {"global": round(result.timings.global_ms, 1),
                       "local": round(result.timings.local_ms, 1)},
        "note": result.note,
        "works": [{"identifier": f.record.identifier, "title": f.record.title,
                   "creators": list(f.record.creators), "image_id": f.image_id, "inliers": f.inliers,
                   "quad": [list(p) for p in f.quad], "aim": f.aim, "coverage": f.coverage,
                   "agreement": f.agreement}
                  for f in result.works],
    }


def show(result: Recognition) -> None:
    timing = f"global {result.timings.global_ms:.0f} ms, local {result.timings.local_ms:.0f} ms"
    record = result.record
    if record is None:
        evidence = (f"best candidate: {result.inliers} verified matches, {result.threshold:g} needed"
                    if result.method == "local" else
                    f"best similarity {result.similarity:.3f}, {result.threshold:.2f} needed")
        click.echo(f"No match: no work of the collection was recognised ({evidence}; {timing}).")
        return
    who = ", ".join(record.creators) or "unknown maker"
    click.echo(f"This is {record.title or 'an untitled work'} by {who} ({record.identifier}).")
    if result.method == "local":
        click.echo(f"  {result.inliers} verified matches (threshold {result.threshold:g}); {timing}")
    else:
        click.echo(f"  similarity {result.similarity:.3f} (threshold {result.threshold:.2f}); {timing}")
    if result.quad:
        corners = "  ".join(f"({x:.0f}, {y:.0f})" for x, y in result.quad)
        click.echo(f"  where in the photo: {corners}")
    for other in result.works[1:]:
        corners = "  ".join(f"({x:.0f}, {y:.0f})" for x, y in other.quad)
        title = other.record.title or "an untitled work"
        click.echo(f"Also in the photo: {title} ({other.record.identifier}), "
                   f"{other.inliers} verified matches, at {corners}")
