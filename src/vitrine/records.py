"""Typed records passed around the library: catalogue records, their images, search hits.

Also the two rules every caller shares: how identifiers are cleaned and how scores are bounded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from vitrine.dates import parse_date
from vitrine.errors import SearchError


@dataclass(frozen=True)
class ImageRef:
    """One image of a record, as the source gave it: a local path or an http(s) URL."""

    location: str
    width: int | None = None
    height: int | None = None
    sha256: str | None = None
    label: str | None = None


@dataclass
class Record:
    """A catalogue record. `identifier` is the one the source used; `extra` keeps unmapped fields."""

    identifier: str
    title: str | None = None
    creators: list[str] = field(default_factory=list)
    date_text: str | None = None
    year_min: int | None = None
    year_max: int | None = None
    object_type: str | None = None
    medium: str | None = None
    dimensions: str | None = None
    credit_line: str | None = None
    rights: str | None = None
    source_url: str | None = None
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    images: list[ImageRef] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.identifier or not str(self.identifier).strip():
            raise ValueError("a record needs a non-empty identifier")
        self.identifier = str(self.identifier).strip()
        if self.year_min is None and self.year_max is None and self.date_text:
            self.year_min, self.year_max = parse_date(self.date_text)

    def content_hash(self) -> str:
        """A digest of every field, used to tell whether a re-import changed anything."""
        payload = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the record, images included."""
        return asdict(self)


@dataclass(frozen=True)
class StoredImage:
    """An image row of the catalogue; `id` is also its key in the vector index."""

    id: int
    record_id: int
    identifier: str
    location: str
    local_path: str | None
    width: int | None
    height: int | None
    sha256: str | None


@dataclass(frozen=True)
class Hit:
    """One search result: a record, its score in [0, 1] (higher is better), and what matched."""

    identifier: str
    score: float
    title: str | None = None
    creators: tuple[str, ...] = ()
    date_text: str | None = None
    image_id: int | None = None
    matched_by: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "identifier": self.identifier,
            "score": round(float(self.score), 6),
            "title": self.title,
            "creators": list(self.creators),
            "date": self.date_text,
            "image_id": self.image_id,
            "matched_by": list(self.matched_by),
        }


#: the furthest year a filter may name, either way (a larger one names nothing, and would not fit the
#: catalogue's integers)
YEAR_LIMIT = 100_000


@dataclass(frozen=True)
class Filters:
    """Metadata filters shared by every kind of search. Unset fields do not filter."""

    year_from: int | None = None
    year_to: int | None = None
    object_type: str | None = None
    creator: str | None = None
    source: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    #: accepted suggestions by kind and label ({"tag": "ship"}): what cataloguers confirmed
    curated: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("year_from", "year_to"):
            year = getattr(self, name)
            if year is not None and not -YEAR_LIMIT <= year <= YEAR_LIMIT:
                raise SearchError(f"{name} must be a year between {-YEAR_LIMIT} and {YEAR_LIMIT}, got {year}")

    def is_empty(self) -> bool:
        return (
            self.year_from is None
            and self.year_to is None
            and not self.object_type
            and not self.creator
            and not self.source
            and not self.fields
            and not self.curated
        )


def unique_identifiers(identifiers: Iterable[str | None]) -> tuple[str, ...]:
    """Identifiers stripped, blanks dropped, each kept once in the order first given."""
    return tuple(dict.fromkeys(i.strip() for i in identifiers if i and i.strip()))


def unit_score(score: float) -> float:
    """A score clipped to [0, 1]."""
    return float(min(1.0, max(0.0, score)))
