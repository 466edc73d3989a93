"""`vitrine recognize`: Recognise the artwork in a visitor's photo."""

from __future__ import annotations

import click


@click.group("recognize")
def recognize() -> None:
    """Recognise the artwork in a visitor's photo."""
