"""`vitrine map`: The 2D similarity map of a collection."""

from __future__ import annotations

import click


@click.group("map")
def maps() -> None:
    """The 2D similarity map of a collection."""
