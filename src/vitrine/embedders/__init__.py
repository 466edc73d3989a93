"""Embedders, chosen by name. Built-ins register the same way a plugin would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vitrine.embedders.base import Embedder, l2_normalise
from vitrine.embedders.calibration import Calibration
from vitrine.errors import EmbedderError
from vitrine.plugins import Registry

__all__ = ["Calibration", "Embedder", "available", "create", "l2_normalise", "register"]

# name -> "module:attribute"; imported only when chosen, so nothing heavy loads at import time.
_registry: Registry[Embedder] = Registry("embedder", "vitrine.embedders", {
    "classic": "vitrine.embedders.classic:ClassicEmbedder",
    "clip": "vitrine.embedders.clip:ClipEmbedder",
    "fake": "vitrine.embedders.fake:FakeEmbedder",
}, error=EmbedderError)


def register(name: str, factory: str | Callable[..., Embedder]) -> None:
    """Make an embedder available under `name` ("module:Class" or a callable)."""
    _registry.register(name, factory)


def available() -> list[str]:
    """Every embedder name, plugins included."""
    return _registry.available()


def create(name: str, **options: Any) -> Embedder:
    """Build the embedder registered as `name`; options go to its constructor."""
    return _registry.create(name, **options)
