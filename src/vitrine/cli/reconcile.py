"""`vitrine reconcile calibrate`: fit the candidates' score on hand-checked pairs.

The model is fit on the labels' tune split and measured on their report split; the figures and
the model (weights, intercept, decision window) are printed as JSON, to be reviewed and written
into `vitrine/reconcile/calibration.py` (DEFAULT). Links themselves are made by the `authority`
agent (`vitrine suggest run NAME authority --option authority=CSV`) and served at /reconcile.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from vitrine.reconcile.authority import load_authority
from vitrine.reconcile.calibration import DEFAULT
from vitrine.reconcile.measure import calibrate as fit_labels
from vitrine.reconcile.measure import evaluate, read_labels


@click.group("reconcile")
def reconcile() -> None:
    """Linking names to authorities: calibration of the candidates' score."""


@reconcile.command("calibrate")
@click.argument("labels", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--authority", "authority_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              required=True, help="The authority CSV the labels were made against (NGA constituents.csv).")
@click.option("--altnames", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Its alternative names (constituents_altnames.csv).")
@click.option("--target", type=click.FloatRange(0.5, 0.999), default=0.95, show_default=True,
              help="Precision the top candidates must reach to be marked match.")
def calibrate(labels: Path, authority_path: Path, altnames: Path | None, target: float) -> None:
    """Fit the score on LABELS' tune split; print the model and both splits' figures as JSON."""
    authority = load_authority(authority_path, altnames=altnames)
    rows = read_labels(labels)
    model = fit_labels(authority, rows, DEFAULT, target=target, source=f"{labels.name} tune split")
    figures = [evaluate(authority, rows, model, split).figures() for split in ("tune", "report")]
    click.echo(json.dumps({"model": model.to_dict(), "figures": figures}, indent=2))
