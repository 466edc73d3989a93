"""The ocr agent on real chapbook pages (../shared): read, stored, found, outlined where the word is."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ocr.pages import needs_tesseract
from vitrine.collection import create_collection
from vitrine.importers.base import run_import
from vitrine.importers.folder import FolderSource
from vitrine.indexing import index_collection
from vitrine.ocr.quality import errors
from vitrine.ocr.search import page_text, search_text
from vitrine.suggestions.run import run_agent

pytestmark = [needs_tesseract, pytest.mark.shared]
PAGE = "108622557.3"  # a tuning page of data/labels/ocr (a page of text above a woodcut)
TRUTH = Path(__file__).resolve().parents[2] / "data" / "labels" / "ocr" / "tuning" / f"{PAGE}.txt"


def test_a_chapbook_page_is_read_found_and_its_hits_outlined(shared_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    shutil.copy(shared_dir / "data" / "chapbooks" / "pages" / f"{PAGE}.jpg", folder / "page.jpg")
    collection = create_collection(tmp_path / "coll", embedder="fake", index="memory")
    try:
        run_import(collection, FolderSource(folder))
        index_collection(collection, workers=1)  # image agents read indexed images (their SHA-256)
        job = run_agent(collection, "ocr")
        assert job.made == 1 and job.failed == 0
        [hit] = search_text(collection, "almoner", proposed=True)
        page = page_text(collection, hit.identifier, hit.image_id, "almoner", proposed=True)
        assert errors(TRUTH.read_text(encoding="utf-8"), page.text).cer < 0.02
        [word] = page.hits
        # "almoner" is the third word of the line just above the woodcut (the page is 600 x 1002)
        assert 80 < word.x < 120 and 530 < word.y < 560 and 50 < word.w < 80 and word.confidence > 0.8
    finally:
        collection.close()
