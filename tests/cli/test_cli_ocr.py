"""`vitrine ocr` and `vitrine suggest run NAME ocr` end to end on drawn pages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from ocr.pages import needs_tesseract, text_page

Run = Callable[..., Result]
pytestmark = needs_tesseract


def test_read_a_page_then_run_the_agent_search_and_export(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    text_page().save(folder / "jack.png")
    out = run("ocr", "read", str(folder / "jack.png")).output
    assert out.splitlines()[0] == "The history of Jack and the Giants"
    words = json.loads(run("ocr", "read", "--json", str(folder / "jack.png")).output)["words"]
    assert words[0][0] == "The" and len(words[0]) == 7
    run("collection", "create", "books", "--embedder", "fake", "--index", "memory")
    run("import", "folder", "books", str(folder))
    run("suggest", "run", "books", "ocr", "--option", "languages=eng")
    found = run("ocr", "search", "books", "giants").output
    assert "jack" in found and "machine-read, not reviewed" in found and "[Giants]" in found
    assert run("ocr", "search", "books", "giants", "--decided-only").output.strip() == "no page matches"
    alto = tmp_path / "jack.xml"
    run("ocr", "export", "books", "jack", "--format", "alto", "-o", str(alto))
    assert 'CONTENT="Giants"' in alto.read_text(encoding="utf-8")
    assert "supplementing" in run("ocr", "export", "books", "jack", "--format", "iiif").output


def test_bad_options_and_missing_language_data_are_one_line_errors(run: Run, tmp_path: Path) -> None:
    page = tmp_path / "p.png"
    text_page().save(page)
    out = run("ocr", "read", "--languages", "eng+qqq", str(page), expect=1).output
    assert "apt-get install tesseract-ocr-qqq" in out
    assert "psm" in run("ocr", "read", "--psm", "42", str(page), expect=1).output
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    assert "broken.png" in run("ocr", "read", str(broken), expect=1).output
