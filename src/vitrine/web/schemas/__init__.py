"""The JSON API's request and response models, one module per noun (the *Public family).

Routes import from the noun modules; the names are gathered here for convenience.
"""

from __future__ import annotations

from vitrine.web.schemas.duplicates import (
    DuplicateGroupPublic,
    DuplicateMatchPublic,
    DuplicateMemberPublic,
    DuplicatePairPublic,
    DuplicateReportPublic,
    RecordDuplicatesPublic,
)
from vitrine.web.schemas.errors import API_ERRORS, ErrorBody, ErrorPublic, error_responses
from vitrine.web.schemas.gallery import GalleryEntryPublic, GalleryPagePublic
from vitrine.web.schemas.maps import (
    AtlasPublic,
    ExportIn,
    FieldPublic,
    IdsIn,
    LegendEntry,
    MapColorsPublic,
    MapInfoPublic,
    WorkPublic,
    WorksPublic,
)
from vitrine.web.schemas.recognition import RecognitionPublic, TimingsPublic
from vitrine.web.schemas.records import ImagePublic, RecordPublic
from vitrine.web.schemas.regions import RegionHitPublic, RegionQuery, RegionSearchPublic
from vitrine.web.schemas.search import FacetsPublic, FacetValue, HitPublic, SearchPagePublic
from vitrine.web.schemas.sets import (
    RefineRequest,
    SetCreate,
    SetPublic,
    SetQueryPublic,
    SetSummaryPublic,
    SetUpdate,
    SetWorkPublic,
)

__all__ = [
    "API_ERRORS",
    "AtlasPublic",
    "DuplicateGroupPublic",
    "DuplicateMatchPublic",
    "DuplicateMemberPublic",
    "DuplicatePairPublic",
    "DuplicateReportPublic",
    "ErrorBody",
    "ErrorPublic",
    "ExportIn",
    "FacetValue",
    "FacetsPublic",
    "FieldPublic",
    "GalleryEntryPublic",
    "GalleryPagePublic",
    "HitPublic",
    "IdsIn",
    "ImagePublic",
    "LegendEntry",
    "MapColorsPublic",
    "MapInfoPublic",
    "RecognitionPublic",
    "RecordDuplicatesPublic",
    "RecordPublic",
    "RefineRequest",
    "RegionHitPublic",
    "RegionQuery",
    "RegionSearchPublic",
    "SearchPagePublic",
    "SetCreate",
    "SetPublic",
    "SetQueryPublic",
    "SetSummaryPublic",
    "SetUpdate",
    "SetWorkPublic",
    "TimingsPublic",
    "WorkPublic",
    "WorksPublic",
    "error_responses",
]
