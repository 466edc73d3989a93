"""Import sources, chosen by name: folder, bucket (s3://), csv, jsonl, iiif, aic, cma; plugins by entry point.

    source = create_importer("iiif", "https://example.org/manifest.json", fetch=FetchOptions(timeout=10))
    run_import(collection, source)

A third-party source is a `vitrine.importers.base.Source` registered under the entry point group
``vitrine.importers`` (or with `register`); it is then found by the same name.
"""

from __future__ import annotations

from vitrine.errors import ImportError_
from vitrine.importers.base import Source
from vitrine.plugins import Registry

__all__ = ["available", "create_importer", "register"]

# name -> "module:attribute"; imported only when chosen (httpx loads with the remote sources only).
_registry: Registry[Source] = Registry("import source", "vitrine.importers", {
    "folder": "vitrine.importers.folder:FolderSource",
    "bucket": "vitrine.importers.bucket:BucketSource",
    "csv": "vitrine.importers.tabular:csv_source",
    "jsonl": "vitrine.importers.tabular:jsonl_source",
    "iiif": "vitrine.importers.iiif:IIIFSource",
    "aic": "vitrine.importers.museums:ArtInstituteOfChicago",
    "cma": "vitrine.importers.museums:ClevelandMuseumOfArt",
}, error=ImportError_)


register = _registry.register
"""Make an import source available under a name ("module:Class" or a callable)."""
available = _registry.available
"""Every import source name, plugins included."""
create_importer = _registry.create
"""Build the source registered under a name; arguments go to its constructor."""
