"""Embedders, chosen by name. Built-ins register the same way a plugin would."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any

from vitrine.embedders.base import Embedder, l2_normalise
from vitrine.errors import EmbedderError

__all__ = ["Embedder", "available", "create", "l2_normalise", "register"]

# name -> "module:attribute"; imported only when chosen, so nothing heavy loads at import time.
_BUILTINS = {
    "classic": "vitrine.embedders.classic:ClassicEmbedder",
    "clip": "vitrine.embedders.clip:ClipEmbedder",
    "fake": "vitrine.embedders.fake:FakeEmbedder",
}
_registry: dict[str, str | Callable[..., Embedder]] = dict(_BUILTINS)


def register(name: str, factory: str | Callable[..., Embedder]) -> None:
    """Make an embedder available under `name` ("module:Class" or a callable)."""
    _registry[name] = factory


def available() -> list[str]:
    _load_plugins()
    return sorted(_registry)


def create(name: str, **options: Any) -> Embedder:
    """Build the embedder registered as `name`; options go to its constructor."""
    _load_plugins()
    try:
        factory = _registry[name]
    except KeyError:
        raise EmbedderError(
            f"unknown embedder {name!r}; available: {', '.join(sorted(_registry))}") from None
    if isinstance(factory, str):
        module, _, attr = factory.partition(":")
        factory = getattr(importlib.import_module(module), attr)
    try:
        return factory(**options)
    except TypeError as exc:  # an option the embedder does not take: say which, not a traceback
        raise EmbedderError(
            f"embedder {name!r} does not accept the options {sorted(options)}: {exc}") from None


_plugins_loaded = False


def _load_plugins() -> None:
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for ep in entry_points(group="vitrine.embedders"):
        _registry.setdefault(ep.name, ep.value)
