"""The JSON API's request and response models, one module per noun (the *Public family).

Routes import from the noun modules (`schemas.search`, `schemas.records`, `schemas.maps`...). The
names the former single schemas module held are re-exported here, so older imports keep working.
"""

from __future__ import annotations

from vitrine.web.schemas.errors import ErrorBody, ErrorPublic
from vitrine.web.schemas.gallery import GalleryEntryPublic, GalleryPagePublic
from vitrine.web.schemas.records import ImagePublic, RecordPublic
from vitrine.web.schemas.search import FacetsPublic, FacetValue, HitPublic, SearchPagePublic

__all__ = [
    "ErrorBody",
    "ErrorPublic",
    "FacetValue",
    "FacetsPublic",
    "GalleryEntryPublic",
    "GalleryPagePublic",
    "HitPublic",
    "ImagePublic",
    "RecordPublic",
    "SearchPagePublic",
]
