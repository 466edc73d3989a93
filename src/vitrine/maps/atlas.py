"""Thumbnail atlases: JPEG sheets of small square cells (32 and 64 px) the map page draws from.

Cell c of a sheet of `per_sheet` cells lies in sheet c // per_sheet, at row-major slot
c % per_sheet. Cells follow the map's point order at build time, which is sorted along a
Z-order curve of the layout, so a zoomed-in view needs only a few sheets.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image, UnidentifiedImageError

from vitrine.collection import Collection
from vitrine.fsutil import atomic_path
from vitrine.jobs.progress import ProgressCallback, Reporter

log = logging.getLogger(__name__)

CELL_SIZES = (32, 64)
SHEET_PX = 2048
BACKGROUND = (34, 34, 38)
QUALITY = 80
CellSource = Callable[[NDArray[np.int64]], Iterator["Image.Image | None"]]


def per_sheet(cell: int) -> int:
    return (SHEET_PX // cell) ** 2


def geometry(count: int) -> dict[str, Any]:
    """What the page needs to find a cell: sizes, sheet size, cells per sheet, sheet counts."""
    return {"cells": list(CELL_SIZES), "sheet": SHEET_PX, "count": count,
            "sheets": {str(c): -(-count // per_sheet(c)) for c in CELL_SIZES}}


def atlas_dir(root: Path, version: str) -> Path:
    """Sheets of one map version live apart, so a rebuild never mixes old and new cells."""
    return root / f"atlas-{version}"


def sheet_path(folder: Path, cell: int, sheet: int) -> Path:
    return folder / f"{cell}-{sheet}.jpg"


def thumbnails(collection: Collection) -> CellSource:
    """Cell pictures from the collection's stored thumbnails (None where an image has none)."""

    def source(image_ids: NDArray[np.int64]) -> Iterator[Image.Image | None]:
        stored = collection.catalog.images_by_id(int(i) for i in image_ids)
        for image_id in image_ids:
            image = stored.get(int(image_id))
            path = collection.thumbnail_path(image.sha256) if image and image.sha256 else None
            yield open_cell(path) if path is not None else None

    return source


def open_cell(path: Path) -> Image.Image | None:
    """A picture decoded at (about) cell size, or None when it cannot be read."""
    try:
        with Image.open(path) as image:
            image.draft("RGB", (CELL_SIZES[-1], CELL_SIZES[-1]))  # JPEG decodes at 1/2..1/8 scale
            return image.convert("RGB")
    except (OSError, UnidentifiedImageError, ValueError):
        return None


def write_sheets(
    folder: Path, cell_ids: NDArray[np.int64], source: CellSource, from_cell: int = 0,
    progress: ProgressCallback | None = None, batch: int = 512,
) -> None:
    """(Re)write every sheet holding a cell from `from_cell` on; cell c shows image cell_ids[c]."""
    folder.mkdir(parents=True, exist_ok=True)
    first = {cell: from_cell // per_sheet(cell) for cell in CELL_SIZES}
    start = min(first[cell] * per_sheet(cell) for cell in CELL_SIZES)
    sheets: dict[int, tuple[int, Image.Image]] = {}  # cell size -> (sheet number, canvas)
    reporter = Reporter(progress, "atlas", max(0, cell_ids.size - start))
    for offset in range(start, cell_ids.size, batch):
        pictures = list(source(cell_ids[offset: offset + batch]))
        for i, picture in enumerate(pictures):
            for cell in CELL_SIZES:
                number, slot = divmod(offset + i, per_sheet(cell))
                if number >= first[cell]:
                    _paste(folder, sheets, cell, number, slot, picture)
        reporter.advance(len(pictures))
    for cell, (number, canvas) in sheets.items():
        _save(sheet_path(folder, cell, number), canvas)


def _paste(folder: Path, sheets: dict[int, tuple[int, Image.Image]], cell: int, number: int,
           slot: int, picture: Image.Image | None) -> None:
    current = sheets.get(cell)
    if current is None or current[0] != number:
        if current is not None:
            _save(sheet_path(folder, cell, current[0]), current[1])
        current = (number, Image.new("RGB", (SHEET_PX, SHEET_PX), BACKGROUND))
        sheets[cell] = current
    if picture is not None:
        row, col = divmod(slot, SHEET_PX // cell)
        current[1].paste(fit(picture, cell), (col * cell, row * cell))


def fit(picture: Image.Image, cell: int) -> Image.Image:
    """The picture scaled to fit a square cell, centred on the background colour."""
    image = picture.copy()
    image.thumbnail((cell, cell), Image.Resampling.BILINEAR, reducing_gap=2.0)
    out = Image.new("RGB", (cell, cell), BACKGROUND)
    out.paste(image, ((cell - image.width) // 2, (cell - image.height) // 2))
    return out


def _save(path: Path, canvas: Image.Image) -> None:
    with atomic_path(path) as tmp:
        canvas.save(tmp, "JPEG", quality=QUALITY, optimize=False)


def remove_other_atlases(root: Path, keep: str) -> None:
    """Delete the sheets of every map version but `keep` (after a rebuild replaced them)."""
    for folder in root.glob("atlas-*"):
        if folder.is_dir() and folder.name != f"atlas-{keep}":
            shutil.rmtree(folder, ignore_errors=True)
