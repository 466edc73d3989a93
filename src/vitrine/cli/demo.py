"""vitrine demo: placeholder until the demo builder lands."""

from __future__ import annotations

import click


@click.command("demo")
def demo() -> None:
    """Build a demo collection."""
