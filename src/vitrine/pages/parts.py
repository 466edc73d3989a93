"""Accepted illustrations as items of their own (GallicaPix's approach).

    vitrine pages promote NAME        # then indexes them, as an import does

Each accepted picture block (illustration, ornament, initial, map) of the illustrations agent
becomes a derived record: its image is the block cropped from the page (a JPEG under the
collection's `pages/parts/`, named by its checksum), its identifier the page's with the block's
Media Fragment (`PAGE#xywh=x,y,w,h`), and its `extra` holds `part_of` (the page's identifier),
`region` (the fragment), `page_image` and `assertion` (what it came from). Indexing then gives it its
own vector and local features, so visual search, region search, the map and near-duplicates find
illustrations, not only whole pages. A page's parts are the records whose `part_of` is its
identifier (`parts_of`, or the search filter `part_of=PAGE`); the page record itself is not
rewritten (that would make its open suggestions stale). A part whose acceptance was undone is
removed, with its vector, on the next promotion.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.fsutil import atomic_path
from vitrine.images import read_image, sha256_bytes
from vitrine.pages.agent import PART_SOURCE, IllustrationAgent
from vitrine.pages.blocks import PICTURE_CLASSES
from vitrine.records import Filters, ImageRef, Record
from vitrine.suggestions.values import bounding_box, fragment

if TYPE_CHECKING:
    from pathlib import Path

    from PIL import Image

    from vitrine.catalog import Catalog
    from vitrine.catalog.suggestions import Assertion
    from vitrine.collection import Collection


@dataclass
class PromoteReport:
    added: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # page image not readable here, with why


def accepted_blocks(catalog: Catalog, agent: str = IllustrationAgent.name) -> list[Assertion]:
    """The accepted picture blocks of `agent` (any version), with their regions."""
    agent_ids = tuple(a.id for a in catalog.suggestions.agents() if a.name == agent)
    if not agent_ids:
        return []
    query = SuggestionQuery(agent_ids=agent_ids, statuses=("accepted", "edited"), order="id", limit=1000)
    records = sorted({s.record_id for s in catalog.suggestions.iter_all(query)})
    ids = set(catalog.suggestions.ids(query, 10_000_000))
    return [a for r in records for a in catalog.suggestions.assertions(r)
            if a.suggestion_id in ids and a.region and a.image_id
            and a.value.get("label") in PICTURE_CLASSES]


def promote(collection: Collection, agents: tuple[str, ...] = (IllustrationAgent.name,)) -> PromoteReport:
    """Make (or update, or remove) the derived record of each picture block accepted from `agents` (the
    illustrations agent, and any plugin detector proposing the same classes)."""
    report = PromoteReport()
    blocks = [a for name in agents for a in accepted_blocks(collection.catalog, name)]
    wanted: set[str] = set()
    with collection.writing("pages promote"):
        for assertion in blocks:
            record = _part(collection, assertion, report)
            if record is None:
                continue
            wanted.add(record.identifier)
            result = collection.catalog.upsert(record)
            if result.status == "unchanged":
                report.unchanged += 1
            else:
                report.added.append(record.identifier)
        for identifier in _existing_parts(collection.catalog) - wanted:
            image_ids = collection.catalog.delete_record(identifier)
            if image_ids and collection.vectors_key is not None:
                collection.index.remove(np.asarray(image_ids, np.int64))
                collection.save_index()
            report.removed.append(identifier)
    return report


def _part(collection: Collection, assertion: Assertion, report: PromoteReport) -> Record | None:
    assert assertion.region is not None and assertion.image_id is not None
    image = collection.catalog.image(assertion.image_id)
    path = collection.image_path(image)
    where = fragment(assertion.region)
    if path is None or not path.exists():
        report.skipped.append(f"{image.identifier}#{where}: the page image is not stored here")
        return None
    page, _ = read_image(path)
    x, y, w, h = bounding_box(assertion.region)
    crop = page.crop((int(x), int(y), int(min(page.width, x + w)), int(min(page.height, y + h))))
    target = _save_crop(collection, crop)
    label = str(assertion.value["label"])
    page_record = collection.catalog.get(image.identifier)
    return Record(
        identifier=f"{image.identifier}#{where}",
        title=f"{label.capitalize()} in {page_record.title or image.identifier}",
        creators=list(page_record.creators), date_text=page_record.date_text, year_min=page_record.year_min,
        year_max=page_record.year_max, object_type=label, source=PART_SOURCE, rights=page_record.rights,
        extra={"part_of": image.identifier, "region": where, "page_image": image.id,
               "assertion": assertion.id},
        images=[ImageRef(str(target), width=crop.width, height=crop.height)])


def _save_crop(collection: Collection, crop: Image.Image) -> Path:
    buffer = io.BytesIO()
    crop.convert("RGB").save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    target = collection.root / "pages" / "parts" / f"{sha256_bytes(data)}.jpg"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
    return target


def _existing_parts(catalog: Catalog) -> set[str]:
    ids = catalog.filter_record_ids(Filters(source=PART_SOURCE))
    return {r.identifier for r in catalog.get_many(ids).values() if "part_of" in r.extra}


def parts_of(catalog: Catalog, identifier: str) -> list[Record]:
    """The derived records of a page's accepted illustrations, top to bottom."""
    ids = catalog.filter_record_ids(Filters(source=PART_SOURCE, fields={"part_of": identifier}))
    parts = list(catalog.get_many(ids).values())
    return sorted(parts, key=_top_left)


def _top_left(record: Record) -> tuple[float, float]:
    try:
        x, y, *_ = (float(v) for v in str(record.extra.get("region", ""))[len("xywh="):].split(","))
    except ValueError:
        return (0.0, 0.0)
    return (y, x)


def page_of(record: Record) -> tuple[str, str] | None:
    """(the page's identifier, the block's `xywh=` fragment) of a derived record; None for others."""
    if record.source != PART_SOURCE or "part_of" not in record.extra:
        return None
    return str(record.extra["part_of"]), str(record.extra.get("region", ""))
