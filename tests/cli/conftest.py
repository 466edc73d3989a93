"""Run the `vitrine` CLI in-process against a temporary data folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from vitrine.catalog import Catalog
from vitrine.cli import cli
from vitrine.collection import open_collection

Run = Callable[..., Result]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def run(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Run:
    """run("search", "text", ...) -> click Result; `expect` is the exit code it must end with,
    `input` what the command reads on standard input."""
    monkeypatch.delenv("VITRINE_COLLECTION", raising=False)

    def invoke(*args: str, expect: int = 0, input: str | None = None) -> Result:
        result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), *args], input=input,
                                    catch_exceptions=False)
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


PASSWORD = "correct horse battery"


@pytest.fixture
def art(run: Run, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty collection "art" for account commands, run by the operator "curator"."""
    monkeypatch.setenv("LOGNAME", "curator")  # getpass.getuser() reads it first: the audit's actor
    run("collection", "create", "art", "--embedder", "fake", "--index", "memory")
    return "art"


@pytest.fixture
def catalog(data_dir: Path, art: str) -> Iterator[Catalog]:
    """The catalogue of "art", open beside the commands (SQLite shows it what they commit)."""
    with open_collection(data_dir / art) as collection:
        yield collection.catalog


def audit_rows(catalog: Catalog) -> list[tuple[str, str, str, Any, Any]]:
    """(actor, action, object, before, after) of every audit row, oldest first."""
    return [(e.actor, e.action, e.object, e.before, e.after) for e in catalog.audit.iter_all()]
