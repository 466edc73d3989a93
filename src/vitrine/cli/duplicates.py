"""`vitrine duplicates find|show`: groups of near-identical images across a collection."""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path
from typing import Any

import click

from vitrine.cli._common import App, collection_argument, echo_json, pass_app, progress_bar, shorten
from vitrine.fsutil import atomic_path

_STAGES = {"neighbours": "neighbours", "visual words": "visual words", "check": "checking pairs"}


@click.group("duplicates")
def duplicates() -> None:
    """Near-duplicate images across a collection (copies, rescans, crops, reproductions)."""


@duplicates.command("find")
@collection_argument()
@click.option("--threshold", type=float,
              help="Cosine from which neighbours are candidates [default: calibrated per embedder].")
@click.option("--sure", type=float,
              help="Cosine from which a pair is kept even when the second check cannot confirm it.")
@click.option("-k", "--neighbours", "k", type=int, default=10, show_default=True,
              help="Nearest neighbours looked at per image.")
@click.option("--no-check", is_flag=True, help="Skip the local-feature check of candidate pairs.")
@click.option("--no-local", is_flag=True,
              help="k-NN candidates only, even where a local-feature index ('regions index') exists.")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the groups as CSV to this file ('-' for stdout).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
@pass_app
def find(app: App, /, name: str, threshold: float | None, sure: float | None, k: int, no_check: bool,
         no_local: bool, csv_file: Path | None, as_json: bool) -> None:
    """Find every group of duplicate images in collection NAME and save the report with it."""
    from vitrine.duplicates.find import find_duplicates

    with app.open(name) as coll, progress_bar("duplicates", stages=_STAGES) as progress:
        report = find_duplicates(coll, threshold=threshold, sure=sure, k=k, verify=not no_check,
                                 local=not no_local, progress=progress)
    if csv_file is not None:
        _write_csv(report, csv_file)
    if as_json:
        echo_json(report.to_dict())
    elif csv_file is None or str(csv_file) != "-":
        click.echo(f"{len(report.groups)} groups ({report.pairs} pairs) among {report.images} images, "
                   f"threshold {report.threshold:.2f}, in {report.seconds:.1f}s; "
                   f"{report.rejected} of {report.candidates} candidate pairs rejected by the check")
        click.echo(_local_line(report, name))
        _show_groups(report.groups[:20])
        if len(report.groups) > 20:
            click.echo(f"... and {len(report.groups) - 20} more: 'vitrine duplicates show {name}'")


def _local_line(report: Any, name: str) -> str:
    if report.local_candidates is None:
        return (f"candidates: k-NN only (no local-feature index; 'vitrine regions index {name}' builds one "
                "and finds crops and bordered copies)")
    return f"candidates: k-NN + {report.local_candidates} more from the local-feature index (visual words)"


@duplicates.command("show")
@collection_argument()
@click.option("--record", "identifier", help="Only this record's duplicates (searched now, no report).")
@click.option("--limit", type=int, default=50, show_default=True, help="Groups shown.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def show(app: App, /, name: str, identifier: str | None, limit: int, as_json: bool) -> None:
    """Show the saved report of collection NAME, or one record's duplicates."""
    from vitrine.duplicates.find import duplicates_of, load_report, stale_reason

    with app.open(name) as coll:
        if identifier is not None:
            _show_matches(duplicates_of(coll, identifier), identifier, as_json)
            return
        report = load_report(coll)
        if report is None:
            raise click.ClickException(
                f"no duplicate report yet; make one with 'vitrine duplicates find {name}'")
        stale = stale_reason(coll, report)
    if as_json:
        echo_json({**report.to_dict(), "stale": stale})
        return
    made = time.strftime("%Y-%m-%d %H:%M", time.localtime(report.created_at))
    click.echo(f"{len(report.groups)} groups ({report.pairs} pairs) among {report.images} images, "
               f"made {made}")
    if stale:
        click.echo(f"warning: the report is out of date: {stale}; run 'vitrine duplicates find {name}'",
                   err=True)
    _show_groups(report.groups[:limit])


def _show_matches(matches: list[Any], identifier: str, as_json: bool) -> None:
    if as_json:
        echo_json([vars(m) for m in matches])
        return
    if not matches:
        click.echo(f"No duplicates of {identifier}.")
    for m in matches:
        click.echo(f"{m.score:>6.3f}  {m.kind:<6}  {shorten(m.identifier, 24):<24}  "
                   f"{shorten(m.title, 50)}{'  (local features)' if m.by_words else ''}")


def _show_groups(groups: list[Any]) -> None:
    for g in groups:
        click.echo(f"group {g.number}: {g.kind}, {len(g.members)} images, best {g.score:.3f}")
        for m in g.members:
            click.echo(f"    {shorten(m.identifier, 28):<28}  {shorten(m.title, 60)}")


def _write_csv(report: Any, target: Path) -> None:
    from vitrine.duplicates.report import CSV_HEADER, csv_rows

    if str(target) == "-":
        writer = csv.writer(sys.stdout)
        writer.writerow(CSV_HEADER)
        writer.writerows(csv_rows(report))
        return
    with atomic_path(target) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_HEADER)
        writer.writerows(csv_rows(report))
    click.echo(f"wrote {target}", err=True)
