"""`vitrine set`: Saved sets of works (named results of refined searches)."""

from __future__ import annotations

import click


@click.group("set")
def sets() -> None:
    """Saved sets of works (named results of refined searches)."""
