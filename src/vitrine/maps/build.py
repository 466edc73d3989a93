"""Use-cases: build a collection's map, place images indexed since, and say how complete it is."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.collection import Collection
from vitrine.errors import MapNotBuilt, MapStale
from vitrine.jobs.progress import ProgressCallback
from vitrine.locking import writes
from vitrine.maps import atlas
from vitrine.maps.layout import Layout, Timings, create_layout, normalise
from vitrine.maps.store import MapData, MapMeta, load_map, map_dir, save_map

log = logging.getLogger(__name__)

NEIGHBOURS = 10
SHARPNESS = 0.05  # similarity gap at which a neighbour's weight falls by e
_QUERY_BATCH = 1024


@dataclass
class BuildReport:
    count: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class UpdateReport:
    added: int
    removed: int
    total: int


@dataclass
class MapStatus:
    """How the stored map compares with the index now."""

    built: bool
    count: int = 0
    placed: int = 0
    missing: int = 0
    stale: bool = False
    meta: MapMeta | None = None

    @property
    def complete(self) -> bool:
        return self.built and not self.missing and not self.stale


@writes("map build")
def build_map(
    collection: Collection, /, method: str = "umap", *, layout: Layout | None = None,
    with_atlas: bool = True, cell_source: atlas.CellSource | None = None,
    progress: ProgressCallback | None = None, **params: Any,
) -> BuildReport:
    """Lay out every indexed image in 2D and store it (with thumbnail atlases) under map/."""
    started = time.perf_counter()
    layout = layout or create_layout(method, **params)
    key = _vectors_key(collection)
    ids = collection.index.ids()
    timings = Timings()
    t = time.perf_counter()
    vectors = collection.index.get(ids)
    timings.add("load", time.perf_counter() - t)
    coords = normalise(layout.fit(vectors, timings))
    order = np.argsort(z_order(coords), kind="stable")
    now = time.time()
    version = f"{int(now * 1000):x}"
    data = MapData(coords=coords[order], ids=ids[order], cells=np.arange(ids.size, dtype=np.int32),
                   placed=np.zeros(ids.size, bool),
                   meta=MapMeta(embedder=key, method=layout.name, params=layout.params, built_at=now,
                                updated_at=now, version=version, atlas=atlas.geometry(0)))
    if with_atlas:
        t = time.perf_counter()
        atlas.write_sheets(atlas.atlas_dir(map_dir(collection), version), data.ids,
                           cell_source or atlas.thumbnails(collection), progress=progress)
        data.meta.atlas = atlas.geometry(int(ids.size))
        timings.add("atlas", time.perf_counter() - t)
    save_map(collection, data)
    atlas.remove_other_atlases(map_dir(collection), keep=version)
    log.info("map of %s: %d points in %.1f s", collection.name, ids.size, time.perf_counter() - started)
    return BuildReport(int(ids.size), time.perf_counter() - started, dict(timings.stages))


@writes("map update")
def update_map(
    collection: Collection, *, k: int = NEIGHBOURS, cell_source: atlas.CellSource | None = None,
    progress: ProgressCallback | None = None,
) -> UpdateReport:
    """Place images indexed since the build at the weighted mean of their k nearest mapped
    neighbours, and drop images no longer indexed; the layout of the others does not move."""
    data = load_map(collection)
    _check_fresh(collection, data)
    indexed = collection.index.ids()
    keep = np.isin(data.ids, indexed)
    new = np.setdiff1d(indexed, data.ids)
    removed = int((~keep).sum())
    data = MapData(data.coords[keep], data.ids[keep], data.cells[keep], data.placed[keep], data.meta)
    if new.size:
        coords = place(collection, data, new, k)
        first_cell = int(data.meta.atlas.get("count", 0))
        cells = np.arange(first_cell, first_cell + new.size, dtype=np.int32)
        data = MapData(np.concatenate([data.coords, coords]), np.concatenate([data.ids, new]),
                       np.concatenate([data.cells, cells]),
                       np.concatenate([data.placed, np.ones(new.size, bool)]), data.meta)
        if data.meta.atlas.get("count"):
            _extend_atlas(collection, data, first_cell, cell_source, progress)
    data.meta.updated_at = time.time()
    save_map(collection, data)
    return UpdateReport(added=int(new.size), removed=removed, total=len(data))


def place(collection: Collection, data: MapData, new: NDArray[np.int64], k: int) -> NDArray[np.float32]:
    """Positions of `new` images: similarity-weighted mean of their k nearest mapped images."""
    if not len(data):
        return np.zeros((new.size, 2), np.float32)
    out = np.zeros((new.size, 2), np.float32)
    for start in range(0, new.size, _QUERY_BATCH):
        batch = new[start: start + _QUERY_BATCH]
        scores, hits = collection.index.search(collection.index.get(batch), k, allowed=data.ids)
        rows = data.positions_of(hits.reshape(-1)).reshape(hits.shape)
        # Softmax over similarities: the closest neighbours dominate, so a near-copy lands on its
        # original instead of at the centre of k looser neighbours.
        best = np.max(np.where(rows >= 0, scores, -np.inf), axis=1, keepdims=True)
        weights = np.where(rows >= 0, np.exp((scores - best) / SHARPNESS), 0.0)
        xy = data.coords[np.maximum(rows, 0)]  # (batch, k, 2)
        total = np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)
        out[start: start + batch.size] = (xy * weights[:, :, None]).sum(axis=1) / total
    placed: NDArray[np.float32] = np.clip(out + _jitter(new), 0.0, 1.0).astype(np.float32)
    return placed


def _jitter(ids: NDArray[np.int64], radius: float = 0.002) -> NDArray[np.float32]:
    """A tiny offset, the same for an id on every run, so images placed alike do not stack."""
    angles = (ids.astype(np.float64) * 2.399963) % (2 * np.pi)
    return (radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)).astype(np.float32)


def _extend_atlas(collection: Collection, data: MapData, first_cell: int,
                  cell_source: atlas.CellSource | None, progress: ProgressCallback | None) -> None:
    count = int(data.cells.max()) + 1
    cell_ids = np.full(count, -1, np.int64)  # cells of removed images stay blank
    cell_ids[data.cells] = data.ids
    atlas.write_sheets(atlas.atlas_dir(map_dir(collection), data.meta.version), cell_ids,
                       cell_source or atlas.thumbnails(collection), from_cell=first_cell,
                       progress=progress)
    data.meta.atlas = atlas.geometry(count)


def map_status(collection: Collection) -> MapStatus:
    """Whether a map exists, how many indexed images it lacks, and whether its embedder changed."""
    try:
        data = load_map(collection)
    except MapNotBuilt:
        return MapStatus(built=False)
    indexed = collection.index.ids()
    return MapStatus(built=True, count=len(data), placed=int(data.placed.sum()),
                     missing=int(np.setdiff1d(indexed, data.ids).size),
                     stale=data.meta.embedder != collection.vectors_key, meta=data.meta)


def z_order(coords: NDArray[np.float32]) -> NDArray[np.uint64]:
    """Morton code of each position (16 bits per axis): nearby points get nearby codes."""
    q = np.clip(coords * 65535.0, 0, 65535).astype(np.uint64)
    return _spread(q[:, 0]) | (_spread(q[:, 1]) << np.uint64(1))


def _spread(v: NDArray[np.uint64]) -> NDArray[np.uint64]:
    v = (v | (v << np.uint64(8))) & np.uint64(0x00FF00FF)
    v = (v | (v << np.uint64(4))) & np.uint64(0x0F0F0F0F)
    v = (v | (v << np.uint64(2))) & np.uint64(0x33333333)
    return (v | (v << np.uint64(1))) & np.uint64(0x55555555)


def _vectors_key(collection: Collection) -> str:
    key = collection.vectors_key
    if key is None or len(collection.index) == 0:
        raise MapNotBuilt(f"collection {collection.name!r} has no indexed images to lay out; "
                          f"index it first with 'vitrine index {collection.name}'")
    return key


def _check_fresh(collection: Collection, data: MapData) -> None:
    if data.meta.embedder != collection.vectors_key:
        raise MapStale(
            f"the map of {collection.name!r} was built from {data.meta.embedder!r} vectors but the "
            f"collection now holds {collection.vectors_key!r} vectors; rebuild it with "
            f"'vitrine map build {collection.name}'")
