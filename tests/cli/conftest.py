"""Run the `vitrine` CLI in-process against a temporary data folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from vitrine.cli import cli

Run = Callable[..., Result]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def run(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """run("search", "text", ...) -> click Result; `expect` is the exit code it must end with."""
    monkeypatch.delenv("VITRINE_COLLECTION", raising=False)

    def invoke(*args: str, expect: int = 0) -> Result:
        result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], catch_exceptions=False)
        assert result.exit_code == expect, result.output
        return result

    return invoke


@pytest.fixture
def demo_coll(run: Run, tmp_path: Path) -> str:
    """Collection "art" (fake embedder, memory index) with 8 images imported from a folder, indexed."""
    from conftest import draw_image

    folder = tmp_path / "pictures"
    folder.mkdir()
    for i in range(8):
        draw_image(i).save(folder / f"img{i:03d}.png")
    run("collection", "create", "art", "--embedder", "fake", "--index", "memory", "--title", "Art")
    run("import", "folder", "art", str(folder))
    return "art"
