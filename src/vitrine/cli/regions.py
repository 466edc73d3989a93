"""`vitrine regions`: Region and instance search: find other instances of a detail (woodcut, motif)."""

from __future__ import annotations

import click


@click.group("regions")
def regions() -> None:
    """Region and instance search: find other instances of a detail (woodcut, motif)."""
