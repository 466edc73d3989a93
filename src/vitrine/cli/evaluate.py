"""`vitrine suggest evaluate NAME AGENT --truth FILE`: an agent's precision, recall and F1 at each score.

The `suggest` group attaches this command; it is kept in its own file.
"""

from __future__ import annotations

from pathlib import Path

import click

from vitrine.cli._common import App, collection_argument, echo_json, pass_app


@click.command("evaluate")
@collection_argument()
@click.argument("agent")
@click.option("--truth", "truth", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Known answers, CSV or JSON Lines: identifier, kind, label or earliest/latest.")
@click.option("--plot", "plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the precision-recall curve into this PNG.")
@click.option("--rows", type=click.IntRange(2, 10_000), default=20, show_default=True,
              help="Thresholds shown in the table (the JSON holds every one).")
@click.option("--json", "as_json", is_flag=True, help="Print the evaluation as JSON.")
@pass_app
def evaluate(app: App, name: str, agent: str, truth: Path, plot: Path | None, rows: int,
             as_json: bool) -> None:
    """Judge AGENT's suggestions in NAME (its newest version, or a stored agent id) against a truth file."""
    from vitrine.suggestions.evaluate import evaluate as run_evaluation
    from vitrine.suggestions.prcurve import plot_curve

    with app.open(name) as coll:
        result = run_evaluation(coll.catalog, agent, truth)
    if plot is not None:
        plot_curve(result, plot)
    if as_json:
        echo_json({**result.to_dict(), "plot": str(plot) if plot else None})
        return
    stored = result.agent
    ap = result.average_precision
    click.echo(f"{stored.name} (agent {stored.id}: {stored.model} {stored.model_version}) against {truth}:"
               f" {result.positives} right answers in {result.rows} rows; {result.judged} answers judged,"
               f" {result.unjudged} about records or kinds the truth file does not cover")
    if result.other_kinds:
        click.echo(f"{result.other_kinds} answers of the truth file are of kinds this agent does not make:"
                   " left out", err=True)
    if result.unknown:
        shown = ", ".join(result.unknown[:5]) + (" ..." if len(result.unknown) > 5 else "")
        click.echo(f"{len(result.unknown)} identifiers of the truth file are not in {name}: {shown}",
                   err=True)
    if not result.points:
        click.echo("no suggestion of this agent is about a record of the truth file")
    else:
        click.echo(result.table(rows))
        click.echo(f"average precision {'-' if ap is None else f'{ap:.3f}'}")
    if plot is not None:
        click.echo(f"precision-recall curve: {plot}")
