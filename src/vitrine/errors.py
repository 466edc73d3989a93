"""Every error vitrine raises on purpose.

VitrineError
├── CollectionError            a collection folder is missing, exists already, or is malformed
├── CatalogError               the catalogue refused an operation (unknown record, bad filter...)
│   └── RecordNotFound
├── ImageError                 an image could not be decoded safely; names the file and the reason
├── ImportError_               an import source is unreadable or a mapping is wrong
│   └── FetchError             a remote resource could not be downloaded; names the URL and the reason
├── EmbedderError              unknown embedder, missing weights, missing optional dependency
│   └── EmbedderMismatch       a query embedder differs from the one that built the vectors
├── IndexError_                the vector index is unusable (wrong dimension, corrupt file, server down)
└── SearchError                a query is malformed (empty text, bad page...)

Library code raises these; the CLI turns them into exit codes and the web layer into HTTP statuses.
Names that would shadow builtins carry a trailing underscore.
"""

from __future__ import annotations


class VitrineError(Exception):
    """Base class of every error vitrine raises on purpose."""


class CollectionError(VitrineError):
    """A collection folder is missing, already exists, or is malformed."""


class CatalogError(VitrineError):
    """The catalogue refused an operation."""


class RecordNotFound(CatalogError):
    """No record has the given identifier."""


class ImageError(VitrineError):
    """An image could not be decoded safely."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ImportError_(VitrineError):
    """An import source is unreadable, or a column mapping does not fit it."""


class FetchError(ImportError_):
    """A remote resource could not be downloaded (refused scheme, HTTP error, too large, timeout)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason


class EmbedderError(VitrineError):
    """An embedder is unknown, or cannot load its weights or dependencies."""


class EmbedderMismatch(EmbedderError):
    """The query embedder is not the one that built the collection's vectors."""


class IndexError_(VitrineError):
    """The vector index is unusable."""


class SearchError(VitrineError):
    """A query is malformed."""
