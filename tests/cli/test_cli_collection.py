"""vitrine collection create|list|stats|delete, and the CLI's error handling."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

Run = Callable[..., Result]


def test_create_list_stats_delete(run: Run, data_dir: Path) -> None:
    out = run("collection", "create", "books", "--embedder", "fake", "--index", "memory").output
    assert "created collection 'books'" in out
    assert (data_dir / "books" / "collection.json").is_file()
    listed = json.loads(run("collection", "list", "--json").stdout)
    assert listed == [
        {"name": "books", "title": "books", "records": 0, "embedder": "fake", "index": "memory"}]
    assert "books" in run("collection", "list").output
    stats = json.loads(run("collection", "stats", "books", "--json").stdout)
    assert stats["records"] == 0 and stats["vectors"] == 0 and stats["embedder"] == "fake"
    assert "--yes" in run("collection", "delete", "books", expect=2).output
    run("collection", "delete", "books", "--yes")
    assert not (data_dir / "books").exists()


def test_create_twice_or_with_a_bad_name_gives_a_clean_error(run: Run) -> None:
    run("collection", "create", "books", "--embedder", "fake", "--index", "memory")
    assert "already exists" in run("collection", "create", "books", "--embedder", "fake", expect=1).output
    assert "may hold letters" in run("collection", "create", "bad name!", expect=1).output
    assert "unknown embedder" in run("collection", "create", "x", "--embedder", "nope", expect=1).output


def test_embedder_options_are_parsed(run: Run, data_dir: Path) -> None:
    run("collection", "create", "c", "--embedder", "fake", "--index", "memory", "--embedder-option", "x=1",
        expect=1)  # the fake embedder takes no options: the library says so cleanly
    assert not (data_dir / "c" / "collection.json").exists()


def test_unknown_collection(run: Run) -> None:
    out = run("collection", "stats", "ghost", expect=1).output
    assert "no collection at" in out and "vitrine collection create" in out


def test_default_collection_from_the_environment(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    run("collection", "create", "main", "--embedder", "fake", "--index", "memory")
    monkeypatch.setenv("VITRINE_COLLECTION", "main")
    assert json.loads(run("collection", "stats", "--json").stdout)["name"] == "main"


def test_set_match_threshold(run: Run, data_dir: Path, demo_coll: str) -> None:
    config = data_dir / demo_coll / "collection.json"
    out = run("collection", "set", demo_coll, "match_threshold", "0.7").output
    assert "match_threshold of 'art' is now 0.7" in out
    assert json.loads(config.read_text())["match_threshold"] == 0.7
    run("collection", "set", demo_coll, "match_threshold", "none")
    assert json.loads(config.read_text())["match_threshold"] is None
    assert "between -1 and 1" in run("collection", "set", demo_coll, "match_threshold", "2", expect=1).output
    assert "not a number" in run("collection", "set", demo_coll, "match_threshold", "high", expect=2).output
    assert "title" in run("collection", "set", demo_coll, "title", "x", expect=2).output  # only known keys
