"""vitrine: visual and text search, and machine suggestions, for heritage image collections."""

from vitrine.errors import (
    CatalogError,
    CollectionError,
    EmbedderError,
    EmbedderMismatch,
    ImageError,
    ImportError_,
    IndexError_,
    RecordNotFound,
    SearchError,
    VitrineError,
)
from vitrine.records import Filters, Hit, ImageRef, Record

__version__ = "0.1.0"

__all__ = [
    "CatalogError",
    "CollectionError",
    "EmbedderError",
    "EmbedderMismatch",
    "Filters",
    "Hit",
    "ImageError",
    "ImageRef",
    "ImportError_",
    "IndexError_",
    "Record",
    "RecordNotFound",
    "SearchError",
    "VitrineError",
    "__version__",
]
