"""`vitrine map`: build, update, inspect and export the 2D similarity map of a collection."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vitrine.cli._common import App, collection_argument, echo_json, pass_app, progress_bar
from vitrine.fsutil import write_atomic


@click.group("map")
def maps() -> None:
    """The 2D similarity map of a collection."""


@maps.command("build")
@collection_argument()
@click.option("--method", type=click.Choice(["umap", "pca"]), default="umap", show_default=True,
              help="UMAP (PCA to 50 dimensions first) or PCA alone (instant, coarser).")
@click.option("--neighbors", type=int, help="UMAP neighbourhood size (default 15): larger keeps more "
              "global structure, smaller separates finer clusters.")
@click.option("--min-dist", type=float, help="UMAP minimum distance between points (default 0.1).")
@click.option("--seed", type=int, help="Fix UMAP's random state (reproducible, single-threaded).")
@click.option("--no-atlas", is_flag=True, help="Skip the thumbnail atlases (the page shows dots only).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@pass_app
def build(app: App, name: str, method: str, neighbors: int | None, min_dist: float | None,
          seed: int | None, no_atlas: bool, as_json: bool) -> None:
    """Lay out every indexed image of NAME in 2D and store the map with the collection."""
    from vitrine.maps import build_map

    if method == "umap" and not as_json:
        click.echo("UMAP: numba compiles its kernels first (about 40 s in a fresh process)", err=True)
    with app.open(name) as coll, progress_bar("thumbnail atlas", "image") as bar:
        report = build_map(coll, method, with_atlas=not no_atlas, progress=bar, neighbors=neighbors,
                           min_dist=min_dist, seed=seed)
    if as_json:
        echo_json({"points": report.count, "seconds": round(report.seconds, 3),
                   "stages": {k: round(v, 3) for k, v in report.timings.items()}})
        return
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items())
    click.echo(f"map of {name}: {report.count} images laid out in {report.seconds:.1f} s ({stages})")


@maps.command("update")
@collection_argument()
@click.option("-k", "--neighbours", "k", type=click.IntRange(1, 100), default=10, show_default=True,
              help="Place each new image among this many nearest mapped images.")
@pass_app
def update(app: App, name: str, k: int) -> None:
    """Place images indexed since the map was built, without moving the others."""
    from vitrine.maps import update_map

    with app.open(name) as coll, progress_bar("thumbnail atlas", "image") as bar:
        report = update_map(coll, k=k, progress=bar)
    click.echo(f"map of {name}: {report.added} images placed, {report.removed} removed, "
               f"{report.total} on the map")


@maps.command("status")
@collection_argument()
@click.option("--json", "as_json", is_flag=True)
@pass_app
def status(app: App, name: str, as_json: bool) -> None:
    """Whether NAME has a map, and how many indexed images it lacks."""
    from vitrine.maps import map_status

    with app.open(name) as coll:
        state = map_status(coll)
    info = {"built": state.built, "points": state.count, "placed": state.placed,
            "missing": state.missing, "stale": state.stale,
            "method": state.meta.method if state.meta else None,
            "built_at": state.meta.built_at if state.meta else None}
    if as_json:
        echo_json(info)
    elif not state.built:
        click.echo(f"no map yet: build it with 'vitrine map build {name}'")
    else:
        click.echo(f"{state.count} images on the map ({state.placed} placed after the build), "
                   f"{state.missing} indexed images missing"
                   + ("; built from another embedder's vectors: rebuild it" if state.stale else ""))


@maps.command("export")
@collection_argument()
@click.option("--ids", help="Image ids (as the map and its API give them), separated by commas.")
@click.option("--ids-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A file of image ids, one per line (or separated by commas).")
@click.option("--all", "everything", is_flag=True, help="Every image on the map.")
@click.option("--format", "fmt", type=click.Choice(["csv", "iiif"]), default="csv", show_default=True)
@click.option("--base-url", default="http://localhost:8000", show_default=True,
              help="The web app's address, which IIIF ids point to.")
@click.option("--label", default="Selection from the similarity map", show_default=True,
              help="The IIIF Collection's label.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to this file (default: standard output).")
@pass_app
def export(app: App, name: str, ids: str | None, ids_file: Path | None, everything: bool, fmt: str,
           base_url: str, label: str, output: Path | None) -> None:
    """Export the works of a selection of map points as CSV or as a IIIF Presentation 3 Collection."""
    from vitrine.maps import export_selection, load_map, parse_ids, selected_works

    if sum(x is not None and x is not False for x in (ids, ids_file, everything)) != 1:
        raise click.UsageError("give exactly one of --ids, --ids-file or --all")
    with app.open(name) as coll:
        data = load_map(coll)
        wanted = data.ids if everything else parse_ids(ids or ids_file.read_text())  # type: ignore[union-attr]
        works = selected_works(coll, data, wanted)
        text = export_selection(works, fmt, base_url, label)
    if output is None:
        sys.stdout.write(text)
        return
    write_atomic(output, text)
    click.echo(f"exported {len(works)} works to {output}", err=True)
