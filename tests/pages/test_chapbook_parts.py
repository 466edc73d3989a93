"""Real chapbook pages (../shared): accepted woodcuts become items, and region search finds a woodcut
block reused in other chapbooks as the same illustration (GallicaPix's use)."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.collection import create_collection
from vitrine.importers.base import run_import
from vitrine.importers.folder import FolderSource
from vitrine.indexing import index_collection
from vitrine.local.index import open_local_index
from vitrine.pages.parts import page_of, parts_of, promote
from vitrine.regions.search import index_regions
from vitrine.suggestions.review import decide
from vitrine.suggestions.run import run_agent

pytestmark = [pytest.mark.shared, pytest.mark.slow]
# a woodcut of a girl at a gate printed in three chapbooks (tests/local/test_chapbooks.py), and other pages
GATE = ["108526509.3", "108535821.3", "108538029.3"]
OTHERS = ["104821410.3", "108526701.3", "108534957.3", "108648981.3"]


def test_a_reused_woodcut_is_found_as_an_illustration_in_the_other_chapbooks(shared_dir: Path,
                                                                            tmp_path: Path) -> None:
    pages = shared_dir / "data" / "chapbooks" / "pages"
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in GATE + OTHERS:
        (folder / f"{name}.jpg").symlink_to(pages / f"{name}.jpg")
    with create_collection(tmp_path / "coll", embedder="fake", index="memory") as coll:
        run_import(coll, FolderSource(folder))
        index_collection(coll, workers=1)
        assert run_agent(coll, "illustrations", options={"text": False}).failed == 0
        for s in coll.catalog.suggestions.find(SuggestionQuery(kinds=("class",), limit=500, order="id")):
            if s.label == "illustration":
                decide(coll.catalog, s.id, "accept", actor="ed")
        assert promote(coll).added
        index_regions(coll, workers=1)
        index = open_local_index(coll.root)
        parts = {name: parts_of(coll.catalog, name) for name in GATE}
        assert all(len(found) == 1 for found in parts.values()), parts
        ids = {name: coll.catalog.images_of(found[0].identifier)[0].id for name, found in parts.items()}
        result = index.search(index.features_of(ids[GATE[0]]), k=10)
        hits = [h.image_id for h in result.hits if h.inliers >= 20]
        assert hits[0] == ids[GATE[0]] and set(ids.values()) <= set(hits)
        images = coll.catalog.images_by_id(hits)
        pages_found = {page_of(coll.catalog.get(images[i].identifier)) for i in set(ids.values())}
        assert {p[0] for p in pages_found if p} == set(GATE)  # each links back to its page
