"""`vitrine pages`: find blocks on an image, train from reviewed boxes, promote accepted illustrations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pagedraw import WOODCUT, page_collection, printed_page
from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.pages.blocks import iou
from vitrine.suggestions.review import decide
from vitrine.suggestions.run import run_agent

from .conftest import Run

__all__ = ["page_collection"]  # the fixture


def test_find_prints_the_blocks_of_an_image(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "page.png"
    printed_page().save(path)
    blocks = json.loads(run("pages", "find", str(path), "--json").output)
    (picture,) = [b for b in blocks if b["class"] == "illustration"]
    assert iou(tuple(picture["box"]), WOODCUT) > 0.8
    assert {b["class"] for b in blocks} == {"illustration", "text"}
    assert "illustration" in run("pages", "find", str(path)).output


def test_train_promote_and_parts(run: Run, page_collection: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    name = str(page_collection.root)
    assert "no page of" in run("pages", "train", name, expect=1).output
    run_agent(page_collection, "illustrations")
    for s in page_collection.catalog.suggestions.find(SuggestionQuery(kinds=("class",), limit=100)):
        if s.label == "illustration":
            decide(page_collection.catalog, s.id, "accept", actor="ed")
    assert "page model v1 saved" in run("pages", "train", name).output
    out = run("pages", "promote", name).output
    assert "4 illustrations added" in out and "indexed 4 images" in out  # indexed as an import is
    parts = run("pages", "parts", name, "p2").output
    assert parts.startswith("p2#xywh=") and "Illustration in Chapbook page 2" in parts
    part = parts.split()[0]
    assert f"{part} is part of p2 at xywh=" in run("pages", "parts", name, part).output
