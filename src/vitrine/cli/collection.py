"""vitrine collection create|list|stats|set|delete."""

from __future__ import annotations

import shutil

import click

from vitrine.cli._common import App, collection_argument, echo_json, parse_options, pass_app
from vitrine.collection import CONFIG_FILE, create_collection, list_collections, open_collection
from vitrine.errors import CollectionError


@click.group("collection")
def collection() -> None:
    """Create, list, describe and delete collections."""


@collection.command("create")
@collection_argument()
@click.option("--embedder", default="classic", show_default=True,
              help="Image embedder: classic, clip, fake, or a plugin's name.")
@click.option("--embedder-option", "embedder_options", multiple=True, metavar="KEY=VALUE",
              help="An option of the embedder (repeatable), e.g. model=ViT-B-32.")
@click.option("--index", default="faiss", show_default=True,
              help="Vector index: faiss (HNSW), ivfpq (compressed, for millions of images), memory, "
                   "milvus-lite or milvus://host:port.")
@click.option("--index-param", "index_params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the index (repeatable), e.g. nprobe=48 for ivfpq, "
                   "index_type=HNSW for milvus; docs/scale.md lists them.")
@click.option("--title", help="A human title for the collection.")
@pass_app
def create(app: App, name: str, embedder: str, embedder_options: tuple[str, ...], index: str,
           index_params: tuple[str, ...], title: str | None) -> None:
    """Create an empty collection NAME."""
    options = parse_options(embedder_options)
    created = create_collection(app.path(name), embedder=embedder, index=index, title=title,
                                embedder_options=options, index_params=parse_options(index_params))
    click.echo(f"created collection {created.name!r} at {created.root} "
               f"(embedder {embedder}, index {index})")
    missing = created.embedder.missing()
    if missing:
        click.echo(f"warning: the {embedder} embedder will not load on this machine as it is:\n{missing}",
                   err=True)
    created.close()


@collection.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def list_(app: App, as_json: bool) -> None:
    """List the collections under the data folder."""
    rows = []
    for root in list_collections(app.data_dir):
        with open_collection(root) as coll:
            rows.append({"name": coll.name, "title": coll.title, "records": coll.catalog.count(),
                         "embedder": coll.config.embedder, "index": coll.config.index})
    if as_json:
        echo_json(rows)
    elif not rows:
        click.echo(f"no collections under {app.data_dir}; create one with 'vitrine collection create NAME'")
    for row in [] if as_json else rows:
        click.echo(f"{row['name']:<24} {row['records']:>8} records  {row['embedder']:<10} {row['index']}")


@collection.command("stats")
@collection_argument(required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def stats(app: App, name: str | None, as_json: bool) -> None:
    """Counts of records, images and vectors of a collection."""
    with app.open(name) as coll:
        data: dict[str, object] = {"name": coll.name, "title": coll.title, "root": str(coll.root),
                                   "embedder": coll.config.embedder, "index": coll.config.index}
        data.update(coll.catalog.stats())
        data["images_pending"] = coll.catalog.count_needing_vectors(coll.embedder.key)
        data["vectors"] = len(coll.index)
        data["vectors_embedder"] = coll.vectors_key
    if as_json:
        echo_json(data)
        return
    for key, value in data.items():
        click.echo(f"{key:<18} {value}")


@collection.command("set")
@collection_argument()
@click.argument("key", type=click.Choice(["match_threshold", "proposed_public", "index_param"]))
@click.argument("value")
@pass_app
def set_(app: App, name: str, key: str, value: str) -> None:
    """Set a collection setting: match_threshold VALUE (a cosine; "none": the embedder's calibration),
    proposed_public on|off (show unreviewed machine suggestions publicly, marked as such), or
    index_param KEY=VALUE (an index parameter, e.g. nprobe=64; KEY=none removes it)."""
    if key == "index_param":
        param = parse_options((value,))
        with app.open(name) as coll:
            coll.set_index_params({k: None if str(v).lower() == "none" else v for k, v in param.items()})
            click.echo(f"index parameters of {name!r}: {coll.config.index_params or 'the defaults'}")
        return
    if key == "proposed_public":
        if value.lower() not in ("on", "off", "true", "false", "yes", "no"):
            raise click.BadParameter(f"{value!r} is not on or off", param_hint="VALUE")
        with app.open(name) as coll:
            coll.set_proposed_public(value.lower() in ("on", "true", "yes"))
        click.echo(f"{key} of {name!r} is now {'on' if coll.config.proposed_public else 'off'}")
        return
    cutoff = None if value.lower() == "none" else _number(value)
    with app.open(name) as coll:
        coll.set_match_threshold(cutoff)
    click.echo(f"{key} of {name!r} is now {value.lower() if cutoff is None else cutoff}")


def _number(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a number (or 'none')", param_hint="VALUE") from None


@collection.command("delete")
@collection_argument()
@click.option("--yes", is_flag=True, help="Confirm: the folder and everything in it is deleted.")
@pass_app
def delete(app: App, name: str, yes: bool) -> None:
    """Delete collection NAME (catalogue, index, thumbnails, cached images; never the source files)."""
    root = app.path(name)
    if not (root / CONFIG_FILE).is_file():
        raise CollectionError(f"no collection at {root}")
    if not yes:
        raise click.UsageError(f"this deletes {root} and everything in it; add --yes to confirm")
    shutil.rmtree(root)
    click.echo(f"deleted collection {name!r} ({root})")
