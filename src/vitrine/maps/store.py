"""A collection's map on disk: <collection>/map/layout.npz (one atomic file) and atlas sheets.

layout.npz holds `coords` (n, 2) float32 in [0, 1], `ids` (n,) int64 image ids, `cells` (n,)
int32 atlas cells, `placed` (n,) bool (positioned by `update_map`, not by the layout) and `meta`,
a JSON string: embedder key, method, parameters, build time, atlas geometry.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.collection import Collection
from vitrine.errors import MapNotBuilt
from vitrine.fsutil import atomic_path

LAYOUT_FILE = "layout.npz"


@dataclass
class MapMeta:
    """What was built, how and when."""

    embedder: str
    method: str
    params: dict[str, Any] = field(default_factory=dict)
    built_at: float = 0.0
    updated_at: float = 0.0
    version: str = ""
    atlas: dict[str, Any] = field(default_factory=dict)


@dataclass
class MapData:
    """Every point of a map, in atlas-cell order at build time; points added later follow."""

    coords: NDArray[np.float32]
    ids: NDArray[np.int64]
    cells: NDArray[np.int32]
    placed: NDArray[np.bool_]
    meta: MapMeta

    def __len__(self) -> int:
        return int(self.ids.size)

    def positions_of(self, image_ids: NDArray[np.int64]) -> NDArray[np.int64]:
        """Row of each image id in this map, -1 where it is not on the map."""
        order = np.argsort(self.ids)
        sorted_ids = self.ids[order]
        pos = np.searchsorted(sorted_ids, image_ids)
        pos = np.minimum(pos, max(sorted_ids.size - 1, 0))
        found = sorted_ids.size > 0
        hit = (sorted_ids[pos] == image_ids) if found else np.zeros(len(image_ids), bool)
        return np.where(hit, order[pos] if found else -1, -1).astype(np.int64)


def map_dir(collection: Collection) -> Path:
    return collection.root / "map"


def save_map(collection: Collection, data: MapData) -> None:
    """Write layout.npz atomically (a crash leaves the previous map intact)."""
    folder = map_dir(collection)
    folder.mkdir(exist_ok=True)
    with atomic_path(folder / LAYOUT_FILE) as tmp, tmp.open("wb") as fh:
        np.savez(fh, coords=data.coords.astype(np.float32), ids=data.ids.astype(np.int64),
                 cells=data.cells.astype(np.int32), placed=data.placed.astype(bool),
                 meta=np.array(json.dumps(asdict(data.meta))))


def load_map(collection: Collection) -> MapData:
    """The collection's stored map; MapNotBuilt says how to build one."""
    path = map_dir(collection) / LAYOUT_FILE
    if not path.is_file():
        raise MapNotBuilt(
            f"collection {collection.name!r} has no similarity map yet; "
            f"build it with 'vitrine map build {collection.name}'")
    try:
        with np.load(path, allow_pickle=False) as npz:
            meta = MapMeta(**json.loads(str(npz["meta"])))
            return MapData(coords=npz["coords"], ids=npz["ids"], cells=npz["cells"],
                           placed=npz["placed"], meta=meta)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MapNotBuilt(f"{path} is unreadable ({exc}); rebuild it with "
                          f"'vitrine map build {collection.name}'") from exc


def has_map(collection: Collection) -> bool:
    return (map_dir(collection) / LAYOUT_FILE).is_file()
