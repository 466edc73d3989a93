"""`vitrine duplicates`: Near-duplicate images across a collection."""

from __future__ import annotations

import click


@click.group("duplicates")
def duplicates() -> None:
    """Near-duplicate images across a collection."""
