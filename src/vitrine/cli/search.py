"""vitrine search image|text|record|refine: ranked records, as a table or as JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from vitrine.cli._common import (
    App,
    build_filters,
    collection_argument,
    echo_json,
    filter_options,
    pass_app,
    shorten,
)
from vitrine.search import core as use_cases
from vitrine.search.core import SearchPage
from vitrine.search.feedback import DEFAULT_METHOD, METHODS

if TYPE_CHECKING:
    from PIL import Image

F = Callable[..., Any]


def _output_options(func: F) -> F:
    func = click.option("--json", "as_json", is_flag=True,
                        help="Print only a JSON list of results (identifier, score, title...).")(func)
    func = click.option("--page", type=int, default=1, show_default=True)(func)
    return click.option("-k", "--per-page", type=int, default=10, show_default=True,
                        help="Results per page.")(func)


@click.group("search")
def search() -> None:
    """Search a collection by image, by text, or for records like a given one."""


@search.command("image")
@collection_argument()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@filter_options
@_output_options
@pass_app
def image(app: App, /, name: str, file: Path, per_page: int, page: int, as_json: bool,
          **filters: Any) -> None:
    """Records whose images look like the image FILE."""
    from vitrine.images import read_image

    picture, _ = read_image(file, max_pixels=app.settings.max_image_pixels)
    with app.open(name) as coll:
        result = use_cases.search_by_image(coll, picture, filters=build_filters(**filters),
                                           page=page, per_page=per_page)
    show(result, as_json)


@search.command("text")
@collection_argument()
@click.argument("query")
@click.option("--mode", type=click.Choice(["hybrid", "fulltext", "semantic"]), default="hybrid",
              show_default=True, help="Full text, the embedder's text tower, or both fused.")
@filter_options
@_output_options
@pass_app
def text(app: App, /, name: str, query: str, mode: str, per_page: int, page: int, as_json: bool,
         **filters: Any) -> None:
    """Records matching the words of QUERY."""
    with app.open(name) as coll:
        result = use_cases.search_by_text(coll, query, filters=build_filters(**filters), page=page,
                                          per_page=per_page, mode=mode)  # type: ignore[arg-type]
    show(result, as_json)


@search.command("record")
@collection_argument()
@click.argument("identifier")
@filter_options
@_output_options
@pass_app
def record(app: App, /, name: str, identifier: str, per_page: int, page: int, as_json: bool,
           **filters: Any) -> None:
    """More like this: records whose images look like those of record IDENTIFIER."""
    with app.open(name) as coll:
        result = use_cases.search_by_record(coll, identifier, filters=build_filters(**filters),
                                            page=page, per_page=per_page)
    show(result, as_json)


@search.command("refine")
@collection_argument()
@click.option("--pos", "positives", multiple=True, metavar="ID", help="A work marked relevant; repeatable.")
@click.option("--neg", "negatives", multiple=True, metavar="ID",
              help="A work marked not relevant; repeatable.")
@click.option("--query-record", metavar="ID", help="The record the search started from (more like this).")
@click.option("--text", "query_text", metavar="WORDS",
              help="The words the search started from (used by embedders with a text tower).")
@click.option("--image", "query_image", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The image the search started from.")
@click.option("--method", type=click.Choice(METHODS), default=DEFAULT_METHOD, show_default=True,
              help="Linear SVM over the vectors, or Rocchio's query move.")
@click.option("--include-marked", is_flag=True,
              help="Rank the relevant works among the results (they are left out by default).")
@click.option("--save", "save_as", metavar="SETNAME",
              help="Save the session as a named set: the relevant works, then the results shown.")
@click.option("--only-relevant", is_flag=True, help="With --save: keep only the works marked relevant.")
@click.option("--description", default="", help="With --save: a description of the set.")
@click.option("--replace", is_flag=True, help="With --save: replace a set of the same name.")
@filter_options
@_output_options
@pass_app
def refine(app: App, /, name: str, positives: tuple[str, ...], negatives: tuple[str, ...],
           query_record: str | None, query_text: str | None, query_image: Path | None, method: str,
           include_marked: bool, save_as: str | None, only_relevant: bool, description: str,
           replace: bool, per_page: int, page: int, as_json: bool, **filters: Any) -> None:
    """Re-rank with works marked relevant (--pos) and not relevant (--neg); repeat with more marks.

    The marked works and the query record are left out of the results, so each page holds works
    still to judge.
    """
    from vitrine.search import sets
    from vitrine.search.query import SearchQuery, run

    if sum(x is not None for x in (query_record, query_text, query_image)) > 1:
        raise click.UsageError("give at most one of --query-record, --text and --image")
    picture = _read_image(app, query_image) if query_image is not None else None
    query = SearchQuery(
        text=query_text or "", record=query_record or "", image=picture, positives=positives,
        negatives=negatives, refined=True, method=method,  # type: ignore[arg-type]
        filters=build_filters(**filters))
    with app.open(name) as coll:
        result = run(coll, query, page=page, per_page=per_page, include_positives=include_marked)
        if save_as:
            saved = sets.save_set(coll, sets.session_set(
                save_as, shown=[h.identifier for h in result.hits], positives=positives,
                negatives=negatives, query=query.remembered(), method=method, description=description,
                only_positives=only_relevant), replace_existing=replace)
    show(result, as_json)
    if save_as:
        click.echo(f"saved set {saved.name!r} ({len(saved.identifiers)} works)", err=as_json)


def _read_image(app: App, path: Path) -> Image.Image:
    from vitrine.images import read_image

    picture, _ = read_image(path, max_pixels=app.settings.max_image_pixels)
    return picture


def show(result: SearchPage, as_json: bool) -> None:
    """JSON: only the list of hits on stdout. Otherwise a table, and a clear word on weak matches."""
    if as_json:
        echo_json([hit.to_dict() for hit in result.hits])
        if result.no_good_match:
            click.echo("warning: nothing matched well", err=True)
        return
    if not result.hits:
        click.echo("No results." + (" Try fewer filters." if result.page == 1 else " (past the last page)"))
        return
    if result.no_good_match:
        click.echo("Nothing matched well: these are the closest records, but none is a good match.")
    first = (result.page - 1) * result.per_page
    click.echo(f"{'#':>4}  {'score':>6}  {'identifier':<20}  {'title':<40}  {'creators':<24}  date")
    for rank, hit in enumerate(result.hits, start=first + 1):
        click.echo(f"{rank:>4}  {hit.score:>6.3f}  {shorten(hit.identifier, 20):<20}  "
                   f"{shorten(hit.title, 40):<40}  {shorten(', '.join(hit.creators), 24):<24}  "
                   f"{hit.date_text or ''}")
    click.echo(f"page {result.page} of {result.pages} ({result.total} results)")
