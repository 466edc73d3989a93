"""vitrine import folder|csv|jsonl|iiif|aic|cma: read records into a collection, then index them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from vitrine.cli._common import App, collection_argument, exit_if_failed, pass_app, progress_bar
from vitrine.cli.index import run_indexing
from vitrine.importers.base import ImportReport, Source, run_import

F = Callable[..., Any]


def _no_index(func: F) -> F:
    return click.option("--no-index", is_flag=True, help="Only read the records; index later.")(func)


@click.group("import")
def import_() -> None:
    """Import records and images into a collection (re-running resumes or updates)."""


@import_.command("folder")
@collection_argument()
@click.argument("path")
@click.option("--recursive/--flat", default=True, show_default=True, help="Look into sub-folders.")
@_no_index
@pass_app
def folder(app: App, name: str, path: str, recursive: bool, no_index: bool) -> None:
    """Every image file under PATH becomes a record (sidecar JSON files add metadata).

    PATH is a folder, or a prefix of object storage: s3://bucket/prefix (needs vitrine[s3]; the
    endpoint and credentials as docs/scale.md says).
    """
    from vitrine.importers.bucket import folder_source

    _import(app, name, folder_source(path, recursive=recursive, s3=app.settings.s3_options()), no_index)


def _tabular(fmt: str) -> Callable[..., None]:
    @collection_argument()
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--map", "mapping", metavar="FIELD=COLUMN,...",
                  help='Column mapping, e.g. "identifier=id,title=title,creators=artist,image=file".')
    @click.option("--mapping-file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="A TOML mapping file ([columns] plus options); --map entries override it.")
    @_no_index
    @pass_app
    def command(app: App, name: str, file: Path, mapping: str | None, mapping_file: Path | None,
                no_index: bool) -> None:
        from vitrine.importers.mapping import ColumnMapping
        from vitrine.importers.tabular import TabularSource

        columns = ColumnMapping.load(mapping_file) if mapping_file else ColumnMapping()
        if mapping:
            columns = replace(columns, columns={**columns.columns, **ColumnMapping.parse(mapping).columns})
        _import(app, name, TabularSource(file, columns, kind=fmt), no_index)

    command.__doc__ = f"Rows of a {fmt.upper()} file become records; columns are mapped to fields."
    return command


import_.command("csv")(_tabular("csv"))
import_.command("jsonl")(_tabular("jsonl"))


@import_.command("iiif")
@collection_argument()
@click.argument("location")
@click.option("--size", type=int, default=1024, show_default=True,
              help="Fetch images this many pixels on the long side (0: full size).")
@_no_index
@pass_app
def iiif(app: App, name: str, location: str, size: int, no_index: bool) -> None:
    """IIIF manifests or collections: a URL, a .json file, or a folder of them."""
    from vitrine.importers.iiif import IIIFSource

    _import(app, name, IIIFSource(location, size=size or None, fetch=app.settings.fetch_options()), no_index)


def _museum(key: str) -> Callable[..., None]:
    @collection_argument()
    @click.option("--limit", type=int, help="Import at most this many records.")
    @click.option("--query", help="Search terms the museum's API filters on.")
    @click.option("--base-url", help="The API's base URL (for a mirror or a test server).")
    @_no_index
    @pass_app
    def command(app: App, name: str, limit: int | None, query: str | None, base_url: str | None,
                no_index: bool) -> None:
        from vitrine.importers.museums import MUSEUMS

        options: dict[str, Any] = {"limit": limit, "query": query, "fetch": app.settings.fetch_options()}
        if base_url:
            options["base_url"] = base_url
        _import(app, name, MUSEUMS[key](**options), no_index)

    return command


import_.command("aic", help="Public-domain works from the Art Institute of Chicago's API.")(_museum("aic"))
import_.command("cma", help="Open-access works from the Cleveland Museum of Art's API.")(_museum("cma"))


def _import(app: App, name: str, source: Source, no_index: bool) -> None:
    with app.open(name) as coll:
        with progress_bar(f"importing into {coll.name}", "record") as progress:
            report = run_import(coll, source, progress)
        print_import_report(report)
        failed = 0 if no_index else run_indexing(coll, app.settings)
        if not no_index and coll.config.follow:  # agents that follow imports look at the new works
            from vitrine.cli.suggest import run_followed

            failed += run_followed(coll)
    exit_if_failed(report.failed + failed, "import")


def print_import_report(report: ImportReport) -> None:
    resumed = " (resumed an interrupted import)" if report.resumed else ""
    click.echo(f"imported {report.source}{resumed}: {report.added} added, {report.updated} updated, "
               f"{report.unchanged} unchanged, {report.failed} failed")
    for item, reason in report.errors:
        click.echo(f"  failed: {item}: {reason}", err=True)
