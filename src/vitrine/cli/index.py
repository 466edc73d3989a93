"""vitrine index: embed every image without an up-to-date vector; switch embedder and re-embed."""

from __future__ import annotations

import click

from vitrine.cli._common import (
    App,
    collection_argument,
    exit_if_failed,
    parse_options,
    pass_app,
    progress_bar,
)
from vitrine.collection import Collection
from vitrine.settings import Settings


@click.command("index")
@collection_argument(required=False)
@click.option("--rebuild", is_flag=True, help="Forget every vector and embed every image again.")
@click.option("--embedder", help="Switch to this embedder (implies --rebuild).")
@click.option("--embedder-option", "embedder_options", multiple=True, metavar="KEY=VALUE",
              help="An option of the embedder (repeatable); changing them implies --rebuild.")
@click.option("--workers", type=int, help="Worker processes (default: one per core).")
@click.option("--retry-failed", is_flag=True, help="Try again the images that failed before.")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="Where the images are read and embedded: this machine's processes, or Ray "
                   "(the cluster RAY_ADDRESS names, else a local Ray; needs vitrine[ray]).")
@click.option("--gpus", "num_gpus", type=float, default=0.0,
              help="With --engine ray: GPUs each embed task asks for (places it on a GPU node).")
@pass_app
def index(app: App, name: str | None, rebuild: bool, embedder: str | None,
          embedder_options: tuple[str, ...], workers: int | None, retry_failed: bool,
          engine: str, num_gpus: float) -> None:
    """Index the images of collection NAME (only what changed, unless --rebuild)."""
    with app.open(name) as coll:
        if embedder or embedder_options:
            rebuild = switch_embedder(coll, embedder or coll.config.embedder,
                                      parse_options(embedder_options)) or rebuild
        failed = run_indexing(coll, app.settings, rebuild=rebuild,
                              workers=workers or app.settings.workers or None, retry_failed=retry_failed,
                              engine=engine, num_gpus=num_gpus)
    exit_if_failed(failed, "indexing")


def switch_embedder(coll: Collection, name: str, options: dict[str, object]) -> bool:
    """Point the collection at another embedder; True when its vectors must be rebuilt."""
    from vitrine import embedders

    if name == coll.config.embedder and options == coll.config.embedder_options:
        return False
    embedders.create(name, **options)  # refuse an unknown name before touching anything
    coll.set_embedder(name, options)
    click.echo(f"switched {coll.name!r} to embedder {name}; re-embedding every image")
    return True


def run_indexing(coll: Collection, settings: Settings, *, rebuild: bool = False,
                 workers: int | None = None, retry_failed: bool = False, engine: str = "local",
                 num_gpus: float = 0.0) -> int:
    """Index with a progress bar (pixel limit and downloads as `settings` say), then report."""
    from vitrine.indexing import index_collection

    with progress_bar(f"indexing {coll.name}", "image") as progress:
        report = index_collection(coll, rebuild=rebuild, workers=workers, progress=progress,
                                  retry_failed=retry_failed, max_image_pixels=settings.max_image_pixels,
                                  fetch=settings.fetch_options(), engine=engine, num_gpus=num_gpus,
                                  s3=settings.s3_options())
    rate = f" ({report.rate:.1f} images/s)" if report.embedded else ""
    click.echo(f"indexed {report.embedded} images{rate}, {report.failed} failed; "
               f"{len(coll.index)} vectors in the index")
    for location, reason in report.errors:
        click.echo(f"  failed: {location}: {reason}", err=True)
    return report.failed + _update_local(coll, settings, workers, engine)


def _update_local(coll: Collection, settings: Settings, workers: int | None, engine: str = "local") -> int:
    """Keep recognition and region search up to date: a collection that has a local-feature index
    gets the new images' features (and loses deleted ones') now, not at the next 'regions index'."""
    from vitrine.local.pipeline import ExtractOptions
    from vitrine.regions.search import has_local_index, index_regions

    if not has_local_index(coll):
        return 0
    options = ExtractOptions(fetch=settings.fetch_options(), s3=settings.s3_options())
    with progress_bar(f"local features of {coll.name}", "image") as progress:
        report = index_regions(coll, workers=workers, progress=progress, options=options, engine=engine)
    click.echo(f"local features: {report.added} images added, {report.removed} removed, "
               f"{report.failed} failed")
    for location, reason in report.errors:
        click.echo(f"  failed: {location}: {reason}", err=True)
    return report.failed
