"""vitrine: visual and text search, and machine suggestions, for heritage image collections.

The public API: open or create a collection, import records, index their images, search, refine,
recognise a photo, run a suggestion agent and decide on what it proposes. Everything below is
importable from `vitrine`; the use-case functions load their module on first use, so
`import vitrine` stays light (no numpy, Pillow or models).

    >>> import vitrine
    >>> coll = vitrine.open_collection(Path("~/.local/share/vitrine/art").expanduser())
    >>> page = vitrine.run_search(coll, vitrine.SearchQuery(text="portrait of a woman"))
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from vitrine.errors import (
    CatalogError,
    CollectionError,
    Conflict,
    EmbedderError,
    EmbedderMismatch,
    FetchError,
    ImageError,
    ImportError_,
    IndexError_,
    NotFound,
    RecordNotFound,
    SearchError,
    VitrineError,
)
from vitrine.records import Filters, Hit, ImageRef, Record
from vitrine.version import __version__

if TYPE_CHECKING:
    from vitrine.collection import Collection, create_collection, open_collection
    from vitrine.importers.base import run_import
    from vitrine.indexing import embed_query_image, index_collection
    from vitrine.search.core import SearchPage, browse, search_by_image, search_by_record, search_by_text
    from vitrine.search.feedback import refine
    from vitrine.search.query import SearchQuery
    from vitrine.search.query import run as run_search
    from vitrine.settings import Settings, load_settings
    from vitrine.suggestions.agents import Agent, AgentInfo, Item, Proposal
    from vitrine.suggestions.review import decide, undo
    from vitrine.suggestions.run import Scope, run_agent
    from vitrine.visitor.recognize import recognize_photo


# name -> "module:attribute", imported on first access (PEP 562)
_LAZY = {
    "Collection": "vitrine.collection:Collection",
    "create_collection": "vitrine.collection:create_collection",
    "open_collection": "vitrine.collection:open_collection",
    "Settings": "vitrine.settings:Settings",
    "load_settings": "vitrine.settings:load_settings",
    "run_import": "vitrine.importers.base:run_import",
    "index_collection": "vitrine.indexing:index_collection",
    "embed_query_image": "vitrine.indexing:embed_query_image",
    "SearchQuery": "vitrine.search.query:SearchQuery",
    "run_search": "vitrine.search.query:run",
    "SearchPage": "vitrine.search.core:SearchPage",
    "browse": "vitrine.search.core:browse",
    "search_by_image": "vitrine.search.core:search_by_image",
    "search_by_record": "vitrine.search.core:search_by_record",
    "search_by_text": "vitrine.search.core:search_by_text",
    "refine": "vitrine.search.feedback:refine",
    "recognize_photo": "vitrine.visitor.recognize:recognize_photo",
    "Agent": "vitrine.suggestions.agents:Agent",
    "AgentInfo": "vitrine.suggestions.agents:AgentInfo",
    "Item": "vitrine.suggestions.agents:Item",
    "Proposal": "vitrine.suggestions.agents:Proposal",
    "Scope": "vitrine.suggestions.run:Scope",
    "run_agent": "vitrine.suggestions.run:run_agent",
    "decide": "vitrine.suggestions.review:decide",
    "undo": "vitrine.suggestions.review:undo",
}


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'vitrine' has no attribute {name!r}")
    module, _, attr = target.partition(":")
    value = getattr(importlib.import_module(module), attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Agent",
    "AgentInfo",
    "CatalogError",
    "Collection",
    "CollectionError",
    "Conflict",
    "EmbedderError",
    "EmbedderMismatch",
    "FetchError",
    "Filters",
    "Hit",
    "ImageError",
    "ImageRef",
    "ImportError_",
    "IndexError_",
    "Item",
    "NotFound",
    "Proposal",
    "Record",
    "RecordNotFound",
    "Scope",
    "SearchError",
    "SearchPage",
    "SearchQuery",
    "Settings",
    "VitrineError",
    "__version__",
    "browse",
    "create_collection",
    "decide",
    "embed_query_image",
    "index_collection",
    "load_settings",
    "open_collection",
    "recognize_photo",
    "refine",
    "run_agent",
    "run_import",
    "run_search",
    "search_by_image",
    "search_by_record",
    "search_by_text",
    "undo",
]
