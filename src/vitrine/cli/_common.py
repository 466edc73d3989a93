"""What every command shares: the app context, collection lookup, options, progress bars."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click
from tqdm import tqdm

from vitrine.collection import Collection, open_collection, resolve
from vitrine.jobs.progress import Progress, ProgressCallback
from vitrine.records import Filters
from vitrine.settings import Settings

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class App:
    """The CLI's context object: settings and where collections live."""

    settings: Settings
    data_dir: Path

    def path(self, name: str | None) -> Path:
        return resolve(name or self.settings.collection, self.data_dir)

    def open(self, name: str | None) -> Collection:
        """Open a collection given by name (under the data folder) or path; default from settings."""
        collection = open_collection(self.path(name), self.settings.index_options())
        collection.lock_wait_s = self.settings.lock_wait_s
        return collection


pass_app = click.make_pass_decorator(App)

# Exit statuses (also in the README): 0 done; 1 an error stopped the command; 2 a usage error;
# 3 done, but some items or images failed (listed on stderr); 75 another process is changing the
# collection (EX_TEMPFAIL: try again later); 130 interrupted (run it again to resume).
EXIT_FAILURES = 3
EXIT_BUSY = 75


def exit_if_failed(failed: int, what: str) -> None:
    """End the command with EXIT_FAILURES, saying so on stderr, when anything failed."""
    if failed:
        click.echo(f"{what}: {failed} failed (listed above); exit status {EXIT_FAILURES}", err=True)
        sys.exit(EXIT_FAILURES)


def collection_argument(required: bool = True) -> Callable[[F], F]:
    """NAME: a collection name under --data-dir, or a path; optional ones default to VITRINE_COLLECTION."""
    return click.argument("name", required=required, metavar="NAME" if required else "[NAME]")


def parse_options(pairs: tuple[str, ...]) -> dict[str, Any]:
    """k=v pairs to a dict; values are read as JSON when they parse (numbers, true, lists), else text."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} should read key=value")
        try:
            options[key.strip()] = json.loads(value)
        except ValueError:
            options[key.strip()] = value
    return options


def filter_options(func: F) -> F:
    """The metadata filters every search accepts."""
    for option in reversed([
        click.option("--year-from", type=int, help="Made in or after this year."),
        click.option("--year-to", type=int, help="Made in or before this year."),
        click.option("--type", "object_type", help="Object type, e.g. painting."),
        click.option("--creator", help="Part of a creator's name."),
        click.option("--source", help="Records of this import source only."),
        click.option("--where", multiple=True, metavar="FIELD=VALUE",
                     help="Any field (or extra field) equal to a value; repeatable."),
    ]):
        func = option(func)
    return func


def build_filters(
    year_from: int | None, year_to: int | None, object_type: str | None, creator: str | None,
    source: str | None, where: tuple[str, ...],
) -> Filters:
    fields = {k: str(v) for k, v in parse_where(where).items()}
    return Filters(year_from=year_from, year_to=year_to, object_type=object_type, creator=creator,
                   source=source, fields=fields)


def parse_where(pairs: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"{pair!r} should read field=value", param_hint="--where")
        out[key.strip()] = value.strip()
    return out


@contextmanager
def progress_bar(
    desc: str, unit: str = "item", stages: Mapping[str, str] | None = None,
) -> Iterator[ProgressCallback]:
    """tqdm bars on stderr (count, rate, ETA), one per stage, labelled from `stages` or `desc`."""
    bars: dict[str, tqdm[Any]] = {}

    def update(progress: Progress) -> None:
        bar = bars.get(progress.stage)
        if bar is None:
            label = (stages or {}).get(progress.stage, desc)
            bar = bars[progress.stage] = tqdm(total=progress.total, desc=label, unit=unit, file=sys.stderr,
                                              dynamic_ncols=True, disable=None, leave=False)
        if progress.total != bar.total:
            bar.total = progress.total
            bar.refresh()
        bar.update(progress.done - bar.n)

    try:
        yield update
    finally:
        for bar in bars.values():
            bar.close()


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def shorten(text: str | None, width: int) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
