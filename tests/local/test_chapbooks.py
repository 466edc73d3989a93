"""A small version of `vitrine bench regions` on real chapbook pages (../shared)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitrine.collection import create_collection
from vitrine.importers.base import run_import
from vitrine.importers.folder import FolderSource
from vitrine.local.boxes import picture_boxes
from vitrine.local.index import open_local_index
from vitrine.regions.groups import load_image
from vitrine.regions.search import index_regions

pytestmark = [pytest.mark.shared, pytest.mark.slow]
# two woodcut blocks seen reused: a girl at a gate (3 pages), a highlander (2 pages), 7 other pages
SAME = [{"108526509.3", "108535821.3", "108538029.3"}, {"108536685.3", "108536877.3"}]
OTHERS = ["104821410.3", "107119379.3", "108526701.3", "108534957.3", "108535629.3", "108648981.3",
          "108654669.3"]


def test_woodcut_boxes_find_their_page_first_and_the_reprints(shared_dir: Path, tmp_path: Path) -> None:
    pages = shared_dir / "data" / "chapbooks" / "pages"
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in sorted(set().union(*SAME)) + OTHERS:
        (folder / f"{name}.jpg").symlink_to(pages / f"{name}.jpg")
    with create_collection(tmp_path / "coll", embedder="fake", index="memory") as coll:
        run_import(coll, FolderSource(folder))
        assert index_regions(coll, workers=2).added == 12
        index = open_local_index(coll.root)
        ids = {i.identifier: i.id for i in coll.catalog.images_by_id(index.image_ids.tolist()).values()}
        for group in SAME:
            for name in sorted(group):
                boxes = picture_boxes(load_image(coll, ids[name]))
                assert boxes, name
                result = index.search(index.features_of(ids[name]), box=boxes[0], k=10)
                found = [h.image_id for h in result.hits if h.inliers >= 20]
                assert found[0] == ids[name]  # its own page first
                assert set(found) == {ids[n] for n in group}  # and every reprint of the block, only them
