"""End to end with the real defaults (classic embedder, FAISS index), driven through the CLI:
generated images in a folder -> create -> import (indexes) -> search by image -> check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from imagegen import make_images
from vitrine.cli import cli


def _run(data_dir: Path, *args: str, expect: int = 0) -> str:
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], catch_exceptions=False)
    assert result.exit_code == expect, result.output
    return result.stdout


def test_folder_to_search_to_check(tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    make_images(folder, 30, seed=7)
    files = sorted(folder.iterdir())
    data = tmp_path / "data"

    _run(data, "collection", "create", "e2e")
    config = json.loads((data / "e2e" / "collection.json").read_text())
    assert (config["embedder"], config["index"]) == ("classic", "faiss")
    out = _run(data, "import", "folder", "e2e", str(folder))
    assert f"{len(files)} added" in out and f"indexed {len(files)} images" in out

    for query in (files[0], files[13], files[-1]):
        hits = json.loads(_run(data, "search", "image", "e2e", str(query), "--json", "-k", "5"))
        assert hits[0]["identifier"] == query.stem, f"{query.name} did not find itself first"
        assert hits[0]["score"] == pytest.approx(1.0, abs=1e-3) and hits[0]["score"] > hits[1]["score"]

    report = json.loads(_run(data, "check", "e2e", "--json"))
    assert report["ok"] and report["vectors"] == len(files) and report["pending"] == 0
    stats = json.loads(_run(data, "collection", "stats", "e2e", "--json"))
    assert stats["vectors_embedder"].startswith("classic/")
