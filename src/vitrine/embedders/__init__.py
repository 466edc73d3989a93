"""Embedders, chosen by name. Built-ins register the same way a plugin would."""

from __future__ import annotations

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


register = _registry.register
"""Make an embedder available under a name ("module:Class" or a callable)."""
available = _registry.available
"""Every embedder name, plugins included."""
create = _registry.create
"""Build the embedder registered under a name; options go to its constructor."""
