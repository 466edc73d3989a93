"""A selection of map points: its works, and its export as CSV or as a IIIF Presentation 3 Collection."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.collection import Collection
from vitrine.errors import MapQueryError
from vitrine.exports.iiif import iiif_collection
from vitrine.exports.records import CORE_COLUMNS, csv_row
from vitrine.maps.store import MapData
from vitrine.records import Record

FORMATS = ("csv", "iiif")
MAX_IDS = 1_000_000


@dataclass(frozen=True)
class SelectedWork:
    """One work of a selection: its record and the map image that selected it."""

    image_id: int
    record: Record


def parse_ids(values: list[Any] | str) -> NDArray[np.int64]:
    """Image ids from a list or a comma/space separated text; refuses anything not a whole number."""
    items = values.replace(",", " ").split() if isinstance(values, str) else list(values)
    if len(items) > MAX_IDS:
        raise MapQueryError(f"at most {MAX_IDS} ids at a time, got {len(items)}")
    bad = [str(v) for v in items if not _is_int(v)]
    if bad:
        raise MapQueryError(f"ids must be whole numbers (image ids from the map); got {', '.join(bad[:5])}")
    return np.array([int(v) for v in items], np.int64)


def _is_int(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return value >= 0
    return isinstance(value, str) and value.strip().isdigit()


def selected_works(collection: Collection, data: MapData, ids: NDArray[np.int64]) -> list[SelectedWork]:
    """The works of the selected images, once each, in selection order; refuses ids not on the map."""
    missing = ids[data.positions_of(ids) < 0]
    if missing.size:
        raise MapQueryError(
            f"{missing.size} id(s) are not on the map, e.g. {', '.join(map(str, missing[:5].tolist()))}")
    images = collection.catalog.images_by_id(int(i) for i in ids)
    records = collection.catalog.get_many({im.record_id for im in images.values()})
    out: list[SelectedWork] = []
    seen: set[int] = set()
    for image_id in ids.tolist():
        image = images.get(image_id)
        if image is None or image.record_id in seen or image.record_id not in records:
            continue
        seen.add(image.record_id)
        out.append(SelectedWork(image_id, records[image.record_id]))
    return out


def export_selection(works: list[SelectedWork], fmt: str, base_url: str, label: str) -> str:
    """The selection as CSV text or as IIIF Collection JSON text."""
    if fmt == "csv":
        return selection_csv(works)
    if fmt == "iiif":
        return json.dumps(iiif_collection(works, base_url, label), ensure_ascii=False, indent=1)
    raise MapQueryError(f"unknown export format {fmt!r}: use {' or '.join(FORMATS)}")


def selection_csv(works: list[SelectedWork]) -> str:
    """One row per work: the export module's columns plus image_id (the map point)."""
    extra = sorted({k for w in works for k in w.record.extra} - set(CORE_COLUMNS))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["image_id", *CORE_COLUMNS, *extra], extrasaction="ignore")
    writer.writeheader()
    for work in works:
        writer.writerow({"image_id": work.image_id, **csv_row(work.record)})
    return out.getvalue()
