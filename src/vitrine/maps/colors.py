"""Colour a map by a metadata field: per-point category codes (or a year gradient) and a legend."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from vitrine.collection import Collection
from vitrine.errors import MapQueryError
from vitrine.maps.store import MapData
from vitrine.records import Record

MAX_CATEGORIES = 20  # the 19 most frequent values, then "other"
GRADIENT_STEPS = 256
CORE_FIELDS: dict[str, str] = {
    "creator": "Creator", "object_type": "Object type", "source": "Source", "year": "Year",
    "medium": "Medium", "rights": "Rights",
}
_SAMPLE = 2000


@dataclass(frozen=True)
class FieldInfo:
    name: str
    label: str
    kind: Literal["category", "gradient"]


@dataclass
class Coloring:
    """codes[i] colours point i: a category index into `legend` (or a gradient step), -1 unknown."""

    name: str
    kind: Literal["category", "gradient"]
    codes: NDArray[np.int16]
    legend: list[tuple[str, int]] = field(default_factory=list)
    low: int | None = None
    high: int | None = None
    unknown: int = 0


def map_fields(collection: Collection, extra: tuple[str, ...] = ()) -> list[FieldInfo]:
    """Fields a map can be coloured by: the core ones, then `extra` and extra fields seen in records."""
    seen: dict[str, None] = dict.fromkeys(extra)
    for record in islice(collection.catalog.iter_records(), _SAMPLE):
        seen.update(dict.fromkeys(k for k, v in record.extra.items() if _scalar(v) is not None))
    out = [FieldInfo(n, label, "gradient" if n == "year" else "category") for n, label in CORE_FIELDS.items()]
    out += [FieldInfo(n, n.replace("_", " ").capitalize(), "category") for n in seen if n not in CORE_FIELDS]
    return out


def point_records(collection: Collection, data: MapData) -> list[Record | None]:
    """The record of each map point, in point order (None for an image deleted since)."""
    images = collection.catalog.images_by_id(int(i) for i in data.ids)
    records = collection.catalog.get_many({im.record_id for im in images.values()})
    out: list[Record | None] = []
    for image_id in data.ids:
        image = images.get(int(image_id))
        out.append(records.get(image.record_id) if image else None)
    return out


def map_colors(records: list[Record | None], name: str) -> Coloring:
    """Codes and legend for field `name` over the points whose records are `records`."""
    if name == "year":
        return _gradient(records)
    values = [value_of(r, name) if r else None for r in records]
    if name not in CORE_FIELDS and all(v is None for v in values):
        raise MapQueryError(
            f"no work on the map has a field {name!r}; colour by one of: "
            f"{', '.join(CORE_FIELDS)} or an extra field the records hold")
    counts = Counter(v for v in values if v is not None)
    top = [v for v, _ in counts.most_common(MAX_CATEGORIES - 1)]
    index = {v: i for i, v in enumerate(top)}
    other = len(top) if len(counts) > len(top) else -1
    codes = np.array([-1 if v is None else index.get(v, other) for v in values], np.int16)
    legend = [(v, counts[v]) for v in top]
    if other >= 0:
        legend.append(("other", sum(counts.values()) - sum(n for _, n in legend)))
    return Coloring(name, "category", codes, legend, unknown=int((codes < 0).sum()))


def _gradient(records: list[Record | None]) -> Coloring:
    years = np.array([_year(r) for r in records], np.float64)
    known = ~np.isnan(years)
    codes = np.full(len(records), -1, np.int16)
    if not known.any():
        return Coloring("year", "gradient", codes, unknown=len(records))
    low, high = int(np.nanmin(years)), int(np.nanmax(years))
    span = max(high - low, 1)
    codes[known] = np.round((years[known] - low) / span * (GRADIENT_STEPS - 1)).astype(np.int16)
    return Coloring("year", "gradient", codes, low=low, high=high, unknown=int((~known).sum()))


def value_of(record: Record, name: str) -> str | None:
    """A record's value for a colouring field, as text (the first creator for `creator`)."""
    if name == "creator":
        return record.creators[0] if record.creators else None
    if name in CORE_FIELDS:
        return _scalar(getattr(record, name, None))
    return _scalar(record.extra.get(name))


def _scalar(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if value is None or isinstance(value, dict):
        return None
    text = str(value).strip()
    return text[:200] or None


def _year(record: Record | None) -> float:
    if record is None:
        return float("nan")
    year = record.year_min if record.year_min is not None else record.year_max
    return float(year) if year is not None else float("nan")
