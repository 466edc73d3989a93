"""The similarity map as the web app serves it, read once per map file and kept on `app.state`.

Point data is `count` float32 (x, y) pairs, then `count` uint32 image ids, then `count` uint32 atlas
cells, little-endian; it and the colour codes are cached per map file, so repeated page loads of a
100k-point map cost one read.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np

from vitrine.collection import Collection
from vitrine.maps import Coloring, MapData, load_map, map_colors, point_records
from vitrine.maps.store import LAYOUT_FILE, map_dir
from vitrine.records import Record


@dataclass
class MapEntry:
    """One map file's data, its point bytes, and (filled on demand) its records and colourings."""

    stamp: tuple[str, int]
    data: MapData
    points: bytes
    records: list[Record | None] | None = None
    records_at: float = 0.0
    colors: dict[str, Coloring] | None = None

    @property
    def etag(self) -> str:
        """Changes whenever the map file does."""
        return f"{self.data.meta.version}-{self.stamp[1]:x}"


class MapCache:
    """The map, its point bytes and its records, reloaded when layout.npz changes."""

    RECORDS_TTL = 120.0  # catalogue edits show in colours after this long

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entry: MapEntry | None = None

    def get(self, collection: Collection) -> MapEntry:
        """The current map (MapNotBuilt, a 404, when there is none)."""
        path = map_dir(collection) / LAYOUT_FILE
        stamp = (str(path), path.stat().st_mtime_ns if path.is_file() else 0)
        with self._lock:
            if self._entry is None or self._entry.stamp != stamp:
                data = load_map(collection)
                self._entry = MapEntry(stamp, data, _point_bytes(data))
            return self._entry

    def colors(self, collection: Collection, name: str) -> Coloring:
        """Per-point colour codes for one metadata field, recomputed once the records are old."""
        entry = self.get(collection)
        with self._lock:
            if entry.records is None or time.monotonic() - entry.records_at > self.RECORDS_TTL:
                entry.records, entry.records_at, entry.colors = (
                    point_records(collection, entry.data), time.monotonic(), {})
            assert entry.colors is not None
            if name not in entry.colors:
                entry.colors[name] = map_colors(entry.records, name)
            return entry.colors[name]


def _point_bytes(data: MapData) -> bytes:
    coords = np.ascontiguousarray(data.coords, "<f4").tobytes()
    return coords + data.ids.astype("<u4").tobytes() + data.cells.astype("<u4").tobytes()
