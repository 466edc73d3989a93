"""Import sources, chosen by name: folder, csv, jsonl, iiif, aic, cma; plugins by entry point.

    source = create_importer("iiif", "https://example.org/manifest.json", timeout=10)
    run_import(collection, source)

A third-party source is a `vitrine.importers.base.Source` registered under the entry point group
``vitrine.importers`` (or with `register`); it is then found by the same name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from vitrine.errors import ImportError_
from vitrine.importers.base import Source
from vitrine.plugins import Registry

__all__ = ["available", "create_importer", "register"]

# name -> "module:attribute"; imported only when chosen (httpx loads with the remote sources only).
_registry: Registry[Source] = Registry("import source", "vitrine.importers", {
    "folder": "vitrine.importers.folder:FolderSource",
    "csv": "vitrine.importers.tabular:csv_source",
    "jsonl": "vitrine.importers.tabular:jsonl_source",
    "iiif": "vitrine.importers.iiif:IIIFSource",
    "aic": "vitrine.importers.museums:ArtInstituteOfChicago",
    "cma": "vitrine.importers.museums:ClevelandMuseumOfArt",
}, error=ImportError_)


def register(name: str, factory: str | Callable[..., Source]) -> None:
    """Make an import source available under `name` ("module:Class" or a callable)."""
    _registry.register(name, factory)


def available() -> list[str]:
    """Every import source name, plugins included."""
    return _registry.available()


def create_importer(name: str, /, *args: Any, **options: Any) -> Source:
    """Build the source registered as `name`; arguments go to its constructor."""
    return _registry.create(name, *args, **options)
