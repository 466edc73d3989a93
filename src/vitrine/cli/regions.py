"""`vitrine regions`: Region and instance search: find other instances of a detail (woodcut, motif)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from vitrine.cli._common import (
    App,
    build_filters,
    collection_argument,
    echo_json,
    filter_options,
    pass_app,
    progress_bar,
    shorten,
)


@click.group("regions")
def regions() -> None:
    """Region and instance search: find other instances of a detail (woodcut, motif)."""


@regions.command("index")
@collection_argument()
@click.option("--workers", type=int, help="Worker processes (default: one per core).")
@click.option("--max-features", type=int, default=1500, show_default=True,
              help="Strongest local features kept per image.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Extract on this machine's processes, or on Ray (RAY_ADDRESS, else a local Ray).")
@click.option("--again", is_flag=True,
              help="Extract every image's features again (after an upgrade that extracts differently).")
@pass_app
def index(app: App, name: str, workers: int | None, max_features: int, engine: str, again: bool) -> None:
    """Extract local features of new or changed images of NAME (no rebuild of the rest)."""
    from vitrine.local.pipeline import ExtractOptions
    from vitrine.regions import search as use_cases

    with app.open(name) as coll, progress_bar(f"local features of {coll.name}", "image") as progress:
        report = use_cases.index_regions(
            coll, workers=workers or app.settings.workers or None, progress=progress,
            options=ExtractOptions(max_features=max_features, fetch=app.settings.fetch_options(),
                                   s3=app.settings.s3_options()), engine=engine, again=again)
    click.echo(f"added {report.added} images ({report.rate:.1f} images/s), removed {report.removed}, "
               f"{report.failed} failed; {report.images} images, {report.features} features, "
               f"{report.bytes / max(report.images, 1) / 1024:.1f} KiB per image")
    for location, reason in report.errors:
        click.echo(f"  failed: {location}: {reason}")


def parse_box(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    try:
        x0, y0, x1, y1 = (float(p) for p in parts)
    except ValueError:
        raise click.BadParameter(f"{text!r} should read x0,y0,x1,y1 (numbers, source pixels)",
                                 param_hint="--box") from None
    return x0, y0, x1, y1


@regions.command("search")
@collection_argument()
@click.option("--image", "image_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Find this image (or the --box part of it) in the collection.")
@click.option("--record", "identifier", metavar="ID", help="Query a box drawn on this record's image.")
@click.option("--image-index", type=int, default=0, show_default=True, help="Which image of --record.")
@click.option("--box", metavar="x0,y0,x1,y1", help="The detail, in the image's source pixels.")
@click.option("-k", "--limit", "k", type=int, default=20, show_default=True, help="Most results.")
@click.option("--include-self", is_flag=True, help="Keep the query image itself among the results.")
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@filter_options
@pass_app
def search(app: App, /, name: str, image_file: Path | None, identifier: str | None, image_index: int,
           box: str | None, k: int, include_self: bool, as_json: bool, **filters: Any) -> None:
    """Images of NAME showing a detail: --image FILE, or --record ID --box x0,y0,x1,y1."""
    from vitrine.images import read_image
    from vitrine.regions import search as use_cases

    if (image_file is None) == (identifier is None):
        raise click.UsageError("give either --image FILE or --record ID --box x0,y0,x1,y1")
    if identifier is not None and box is None:
        raise click.UsageError("--record needs --box x0,y0,x1,y1")
    parsed = parse_box(box) if box else None
    with app.open(name) as coll:
        if image_file is not None:
            picture, _ = read_image(image_file, max_pixels=app.settings.max_image_pixels)
            result = use_cases.search_regions_by_image(
                coll, picture, box=parsed, filters=build_filters(**filters), k=k)
        else:
            assert identifier is not None and parsed is not None
            result = use_cases.search_regions_by_box(
                coll, identifier, parsed, image_index=image_index, filters=build_filters(**filters), k=k,
                include_self=include_self)
    show(result, as_json)


def show(result: Any, as_json: bool) -> None:
    if as_json:
        echo_json([h.to_dict() for h in result.hits])
        return
    click.echo(f"{len(result.hits)} verified of {result.candidates} candidates "
               f"({result.query_features} query features, {result.seconds * 1000:.0f} ms)")
    for hit in result.hits:
        x0, y0, x1, y1 = (round(v) for v in hit.region)
        mark = " (query image)" if hit.is_query_image else ""
        click.echo(f"{hit.inliers:>5} inliers  {hit.identifier:<24} image {hit.image_index} "
                   f"[{x0},{y0},{x1},{y1}]  {shorten(hit.title, 40)}{mark}")


@regions.command("groups")
@collection_argument()
@click.option("--min-inliers", type=int, default=20, show_default=True,
              help="Verified inliers needed to link two regions.")
@click.option("--contact-sheets", "sheets", type=click.Path(file_okay=False, path_type=Path),
              help="Write one JPEG per group here (its regions side by side).")
@click.option("--json", "as_json", is_flag=True, help="Print the groups as JSON.")
@pass_app
def groups(app: App, name: str, min_inliers: int, sheets: Path | None, as_json: bool) -> None:
    """Details (woodcuts) found in several images of NAME: picture blocks matched across images."""
    from vitrine.regions import groups as region_groups

    with app.open(name) as coll:
        with progress_bar(f"picture blocks of {coll.name}", "image") as progress:
            found = region_groups.find_region_groups(coll, min_inliers=min_inliers, progress=progress)
        written = region_groups.write_contact_sheets(coll, found, sheets) if sheets else []
    if as_json:
        echo_json([[{"identifier": m.identifier, "image_id": m.image_id, "box": [round(v, 1) for v in m.box]}
                    for m in g] for g in found])
        return
    click.echo(f"{len(found)} groups found in two or more images")
    for n, group in enumerate(found, 1):
        click.echo(f"group {n}: " + ", ".join(sorted({m.identifier for m in group})))
    if written:
        click.echo(f"contact sheets: {len(written)} in {sheets}")
