"""The `vitrine` command line: noun-verb groups, each command a thin layer over the library.

Library errors (VitrineError) become a one-line message and exit status 1; usage errors exit 2;
a command that finished with failed items exits 3; a collection another process is changing
exits 75 (try again later); Ctrl-C exits 130 (imports and indexing resume when run again).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError
from pydantic_settings import SettingsError as UnreadableSetting

from vitrine.cli._common import EXIT_BUSY, App
from vitrine.cli.audit import audit
from vitrine.cli.bench import bench
from vitrine.cli.bot import ask, bot
from vitrine.cli.check import check
from vitrine.cli.collection import collection
from vitrine.cli.concepts import concepts
from vitrine.cli.demo import demo
from vitrine.cli.duplicates import duplicates
from vitrine.cli.entities import entities
from vitrine.cli.export import export
from vitrine.cli.faces import faces
from vitrine.cli.imports import import_
from vitrine.cli.index import index
from vitrine.cli.living import living
from vitrine.cli.maps import maps
from vitrine.cli.ocr import ocr
from vitrine.cli.pages import pages
from vitrine.cli.recognize import recognize
from vitrine.cli.reconcile import reconcile
from vitrine.cli.records import record
from vitrine.cli.regions import regions
from vitrine.cli.review import review
from vitrine.cli.search import search
from vitrine.cli.sets import sets
from vitrine.cli.suggest import suggest
from vitrine.cli.users import users
from vitrine.errors import CollectionBusy, VitrineError
from vitrine.settings import explain, load_settings
from vitrine.version import __version__

__all__ = ["cli", "main"]


class _Group(click.Group):
    """Turns library errors into clean messages, whichever subcommand raised them."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CollectionBusy as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(EXIT_BUSY)
        except VitrineError as exc:
            raise click.ClickException(str(exc)) from exc
        except KeyboardInterrupt:
            click.echo("\ninterrupted; run the same command again to resume", err=True)
            sys.exit(130)


@click.group(cls=_Group)
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where collections live [env VITRINE_DATA_DIR].")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(__version__, prog_name="vitrine")
@click.pass_context
def cli(ctx: click.Context, data_dir: Path | None, verbose: int) -> None:
    """vitrine: import, index and search image collections of museums, libraries and archives."""
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings() if data_dir is None else load_settings(data_dir=data_dir)
    except (ValidationError, UnreadableSetting) as exc:  # a wrong VITRINE_ variable: say which
        raise click.ClickException(explain(exc)) from None
    ctx.obj = App(settings=settings, data_dir=settings.data_dir.expanduser())


for _command in (collection, import_, index, search, record, check, export, bench, demo,
                 regions, recognize, sets, duplicates, maps, users, audit, suggest, review, concepts,
                 faces, reconcile, ask, bot, ocr, entities, living, pages):
    cli.add_command(_command)


def _add_serve() -> None:
    """`vitrine serve` comes with the web extra; the rest of the CLI works without it."""
    try:
        from vitrine.cli.serve import serve
    except ImportError as exc:
        missing = str(exc)

        @cli.command("serve", context_settings={"ignore_unknown_options": True})
        @click.argument("args", nargs=-1, type=click.UNPROCESSED)
        def serve_missing(args: tuple[str, ...]) -> None:
            """Run the web app (needs: pip install 'vitrine[web]')."""
            raise click.ClickException(
                f"the web app needs the web extra: pip install 'vitrine[web]' ({missing})")

        return
    cli.add_command(serve)


_add_serve()


def main() -> None:
    """Entry point of the `vitrine` script."""
    cli(prog_name="vitrine")
