"""Which details (woodcuts, motifs) appear in several images: groups of verified region matches.

Every picture block found on an image (`local.boxes.picture_boxes`) is searched for in the other
images; verified matches with at least `min_inliers` inliers link regions, and connected regions
spanning two or more images form a group. Contact sheets show each group's regions side by side.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from vitrine import images
from vitrine.collection import Collection
from vitrine.errors import ImageError, VitrineError
from vitrine.jobs.progress import ProgressCallback, Reporter
from vitrine.local.boxes import picture_boxes
from vitrine.local.features import Box
from vitrine.local.geometry import Verification
from vitrine.local.groups import Region, RegionGraph, contact_sheet
from vitrine.local.index import LocalIndex
from vitrine.records import StoredImage

log = logging.getLogger(__name__)

GROUP_MIN_INLIERS = 20
GROUP_MIN_COVERAGE = 0.5  # inliers in at least half the cells of a 4x4 grid over the box: the whole
# picture matched, not a line of the printer's imprint or a library stamp that fell inside the box


@dataclass(frozen=True)
class GroupMember:
    """One region of a group: the record, its image and the box in that image's pixels."""

    identifier: str
    image_id: int
    box: Box


def link_matches(
    graph: RegionGraph, image_id: int, box: Box, hits: Sequence[Verification], min_inliers: int,
) -> None:
    """Record that the region `box` of `image_id` was found, verified, in each hit's region."""
    node = graph.add(Region(image_id, box))
    for hit in hits:
        if hit.image_id != image_id and hit.inliers >= min_inliers and hit.coverage >= GROUP_MIN_COVERAGE:
            graph.link(node, graph.add(Region(hit.image_id, hit.region)))


def find_region_groups(
    collection: Collection, *, min_inliers: int = GROUP_MIN_INLIERS,
    progress: ProgressCallback | None = None,
) -> list[list[GroupMember]]:
    """Groups of picture regions found, verified, in at least two images of the collection."""
    index = collection.local_index()
    graph = RegionGraph()
    stored = collection.catalog.images_by_id(index.image_ids.tolist())
    reporter = Reporter(progress, "region groups", len(stored))
    for image_id, image in stored.items():
        for box in _boxes(collection, image):
            link_matches(graph, image_id, box, _search(index, image_id, box, min_inliers), min_inliers)
        reporter.advance()
    return to_members(collection, graph.groups())


def _search(index: LocalIndex, image_id: int, box: Box, min_inliers: int) -> list[Verification]:
    query = index.features_of(image_id)
    if len(query.crop(box)) == 0:
        return []
    return index.search(query, box=box, k=50, exclude=(image_id,), min_inliers=min_inliers).hits


def _boxes(collection: Collection, image: StoredImage) -> list[Box]:
    try:
        return picture_boxes(load_image(collection, image.id))
    except VitrineError as exc:
        log.warning("no picture boxes for image %s: %s", image, exc)
        return []


def load_image(collection: Collection, image_id: int) -> Image.Image:
    """The full pixels of a catalogued image that has a local file (source or fetched copy)."""
    stored = collection.catalog.image(image_id)
    path = collection.image_path(stored)
    if path is None:
        raise ImageError(stored.location, "no local copy; run 'vitrine index' to fetch it")
    picture, _ = images.read_image(path)
    return picture


def to_members(collection: Collection, groups: list[list[Region]]) -> list[list[GroupMember]]:
    stored = collection.catalog.images_by_id({r.image_id for g in groups for r in g})
    return [
        [GroupMember(stored[r.image_id].identifier, r.image_id, r.box) for r in g if r.image_id in stored]
        for g in groups]


def write_contact_sheets(
    collection: Collection, groups: list[list[GroupMember]], folder: Path,
) -> list[Path]:
    """One JPEG per group (group-001.jpg...): its regions cropped side by side, labelled."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for n, group in enumerate(groups, 1):
        crops = []
        for member in group:
            picture = load_image(collection, member.image_id)
            x0, y0, x1, y1 = (round(v) for v in member.box)
            crops.append((picture.crop((x0, y0, x1, y1)), member.identifier))
        path = folder / f"group-{n:03d}.jpg"
        contact_sheet(crops).save(path, quality=85)
        written.append(path)
    return written
