"""Region and instance search use-cases shared by the CLI and the web app.

`index_regions` extracts local features of the images that lack them (or whose file changed) and
appends them to the collection's local index in `<collection>/local/`; the first run trains the
visual vocabulary, later runs only add. `search_regions_by_image` and `search_regions_by_box`
rank images by visual words and verify them geometrically; every hit carries the matched region
in its own image's pixels and the query box mapped into it (a quadrilateral).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from vitrine.collection import Collection
from vitrine.errors import NoLocalIndex, RegionSearchError
from vitrine.fsutil import file_stamp
from vitrine.indexing.onray import check_engine
from vitrine.indexing.reader import Failed, Job
from vitrine.jobs.progress import ProgressCallback, Reporter
from vitrine.local.builder import IndexWriter, WriterOptions
from vitrine.local.features import Box, LocalFeatures, extract, rescale
from vitrine.local.geometry import Verification
from vitrine.local.index import LocalIndex, SearchResult, open_store
from vitrine.local.pipeline import Extracted, ExtractOptions, extract_many
from vitrine.local.segments import ImageEntry, Quantised, live_entries
from vitrine.locking import writes
from vitrine.records import Filters, StoredImage

log = logging.getLogger(__name__)

MAX_K = 200
_MIN_BOX_SIDE = 8.0


@dataclass
class RegionIndexReport:
    """What `index_regions` did; `errors` lists (location, reason)."""

    added: int = 0
    removed: int = 0
    failed: int = 0
    seconds: float = 0.0
    images: int = 0
    features: int = 0
    bytes: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.added / self.seconds if self.seconds else 0.0


@dataclass(frozen=True)
class RegionHit:
    """A verified match: the record, which of its images, and where in that image."""

    identifier: str
    title: str | None
    image_id: int
    image_index: int
    image_size: tuple[int, int]
    inliers: int
    score: float
    region: tuple[float, float, float, float]
    quad: tuple[tuple[float, float], ...]
    is_query_image: bool = False

    def to_dict(self) -> dict[str, object]:
        """Plain JSON types, coordinates rounded to a tenth of a pixel."""
        return {
            "identifier": self.identifier, "title": self.title, "image_id": self.image_id,
            "image_index": self.image_index, "image_size": list(self.image_size),
            "inliers": self.inliers, "score": round(self.score, 6),
            "region": [round(v, 1) for v in self.region],
            "quad": [[round(x, 1), round(y, 1)] for x, y in self.quad],
            "is_query_image": self.is_query_image,
        }


@dataclass(frozen=True)
class RegionResults:
    """Verified hits, best first, and what the query was made of."""

    hits: list[RegionHit]
    query_features: int
    candidates: int
    seconds: float
    box: Box | None = None


# -- indexing -------------------------------------------------------------------------------


def pending_count(collection: Collection) -> int:
    """How many images `index_regions` would (re)extract now."""
    _, segments = open_store(collection.root).load()
    known = live_entries(segments)
    catalog = collection.catalog
    stored = catalog.images_by_id(catalog.all_image_ids().tolist())
    return sum(_needs_features(image, known.get(image.id)) for image in stored.values())


@writes("region indexing")
def index_regions(
    collection: Collection, *, workers: int | None = None, progress: ProgressCallback | None = None,
    options: ExtractOptions | None = None, writer_options: WriterOptions | None = None, engine: str = "local",
    again: bool = False,
) -> RegionIndexReport:
    """Extract and index local features of new or changed images; tombstone deleted ones.

    `engine` "ray" extracts on Ray (as `index_collection` does); the index is written here.
    `again`: extract every image's features again (after an upgrade that extracts them differently,
    such as `extract_enough`), keeping the vocabulary; the old entries are replaced.
    """
    check_engine(engine)
    started = time.perf_counter()
    store = open_store(collection.root)
    _, segments = store.load()
    known = live_entries(segments)
    catalog = collection.catalog
    stored = catalog.images_by_id(catalog.all_image_ids().tolist())
    todo = [image for image in stored.values() if again or _needs_features(image, known.get(image.id))]
    gone = [image_id for image_id in known if image_id not in stored]
    report = RegionIndexReport(removed=len(gone))
    writer = IndexWriter(store, writer_options)
    writer.remove(gone)
    jobs = [Job(i.id, i.location, i.local_path) for i in sorted(todo, key=lambda i: i.id)]
    reporter = Reporter(progress, "regions", len(jobs))
    for done in extract_many(jobs, options or ExtractOptions(), workers, engine):
        if isinstance(done, Failed):
            report.failed += 1
            report.errors.append((done.location, done.reason))
        else:
            writer.add(_entry(done), done.features)
            report.added += 1
        reporter.advance()
    writer.flush()
    writer.compact(force=again)  # replaced entries' old features dropped (a failed image keeps its own)
    _summarise(collection, report)
    report.seconds = time.perf_counter() - started
    log.info("local features: %d added, %d removed, %d failed in %.1fs",
             report.added, report.removed, report.failed, report.seconds)
    return report


def _needs_features(image: StoredImage, entry: ImageEntry | None) -> bool:
    if entry is None:
        return True
    if "://" not in image.location:
        return file_stamp(image.location) != entry.stamp
    return image.sha256 is not None and image.sha256 != entry.sha256


def _entry(done: Extracted) -> ImageEntry:
    return ImageEntry(done.image_id, done.sha256, done.stamp)


def _summarise(collection: Collection, report: RegionIndexReport) -> None:
    store = open_store(collection.root)
    try:
        index = collection.local_index()
    except NoLocalIndex:
        return
    report.images, report.features, report.bytes = len(index), index.feature_count, store.nbytes()


def has_local_index(collection: Collection) -> bool:
    """Whether `index_regions` has run on this collection."""
    return (collection.root / "local" / "manifest.json").exists()


# -- search ---------------------------------------------------------------------------------


def search_regions_by_image(
    collection: Collection, image: Image.Image, *, box: Box | None = None,
    filters: Filters | None = None, k: int = 20, size: tuple[int, int] | None = None,
) -> RegionResults:
    """Images of the collection showing `image` (or the part of it inside `box`).

    Args:
        size: the original's size when `image` is a reduced copy of it; `box` and the features
            are then in the original's pixels.
    """
    started = time.perf_counter()
    index = collection.local_index()
    size = size or image.size
    if box is not None:
        box = check_box(box, size)
    features = rescale(extract(image), size)
    if len(features if box is None else features.crop(box)) == 0:
        raise RegionSearchError("the query image has no distinctive detail to match (no local features)")
    return _search(collection, index, features, box, filters, k, None, started)


def search_regions_by_box(
    collection: Collection, identifier: str, box: Box, *, image_index: int = 0,
    filters: Filters | None = None, k: int = 20, include_self: bool = False,
) -> RegionResults:
    """Images showing what lies inside `box` (source pixels) on a record's image; stored features."""
    started = time.perf_counter()
    collection.catalog.record_id(identifier)  # raises RecordNotFound
    images = collection.catalog.images_of(identifier)
    if not 0 <= image_index < len(images):
        raise RegionSearchError(
            f"record {identifier!r} has {len(images)} image(s); image index {image_index} does not exist")
    index = collection.local_index()
    image_id = images[image_index].id
    if image_id not in index:
        raise RegionSearchError(
            f"image {image_index} of record {identifier!r} has no local features yet; "
            f"run 'vitrine regions index {collection.name}'")
    stored = index.features_of(image_id)
    box = check_box(box, stored.image_size)
    if len(stored.crop(box)) == 0:
        raise RegionSearchError("the box holds no distinctive detail (no local features); draw a larger box")
    return _search(collection, index, stored, box, filters, k, image_id if not include_self else None,
                   started, query_image=image_id)


def check_box(box: Box, size: tuple[int, int]) -> Box:
    """The box clipped to the image; refuses empty, inverted or outside boxes."""
    x0, y0, x1, y1 = (float(v) for v in box)
    if not all(np.isfinite([x0, y0, x1, y1])):
        raise RegionSearchError("the box coordinates must be finite numbers")
    if x1 <= x0 or y1 <= y0:
        raise RegionSearchError(f"the box {box} is empty: x1 must exceed x0 and y1 exceed y0")
    w, h = size
    cx0, cy0, cx1, cy1 = max(0.0, x0), max(0.0, y0), min(float(w), x1), min(float(h), y1)
    if cx1 - cx0 < _MIN_BOX_SIDE or cy1 - cy0 < _MIN_BOX_SIDE:
        raise RegionSearchError(
            f"the box {box} lies outside the {w}x{h} image or is smaller than {_MIN_BOX_SIDE:.0f} px")
    return cx0, cy0, cx1, cy1


def _search(
    collection: Collection, index: LocalIndex, query: LocalFeatures | Quantised, box: Box | None,
    filters: Filters | None, k: int, exclude: int | None, started: float,
    query_image: int | None = None,
) -> RegionResults:
    if not 1 <= k <= MAX_K:
        raise RegionSearchError(f"k must be between 1 and {MAX_K}")
    allowed = None
    if filters is not None and not filters.is_empty():
        allowed = collection.catalog.filter_image_ids(filters)
    result: SearchResult = index.search(
        query, box=box, k=k, allowed=allowed, exclude=() if exclude is None else (exclude,))
    hits = _to_hits(collection, index, result.hits, query_image)
    n_query = len(query.crop(box) if box is not None else query)
    return RegionResults(hits, n_query, len(result.candidates), time.perf_counter() - started, box)


def _to_hits(
    collection: Collection, index: LocalIndex, verified: list[Verification], query_image: int | None,
) -> list[RegionHit]:
    catalog = collection.catalog
    images = catalog.images_by_id([v.image_id for v in verified])
    records = catalog.get_many({i.record_id for i in images.values()})
    hits = []
    for v in verified:
        image = images.get(v.image_id)
        record = records.get(image.record_id) if image else None
        if image is None or record is None:
            continue  # deleted from the catalogue since the local index was built
        position = [i.id for i in catalog.images_of(record.identifier)].index(image.id)
        size = index.image_size(image.id)
        hits.append(RegionHit(
            record.identifier, record.title, image.id, position, size, v.inliers, v.score, v.region,
            v.quad, is_query_image=image.id == query_image))
    return hits

