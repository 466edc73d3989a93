"""vitrine demo on generated pictures (no ../shared needed)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

Run = Callable[..., Result]


def test_demo_builds_indexes_and_searches(run: Run) -> None:
    args = ("demo", "--synthetic", "--limit", "12", "--embedder", "fake", "--index", "memory",
            "--no-research", "--no-serve")
    out = run(*args).output
    assert "12 added" in out and "indexed 12 images" in out
    assert "image search with the picture of 'synthetic-00000'" in out
    assert out.split("image search")[1].splitlines()[2].split()[2] == "synthetic-00000"
    # the near-copy of picture 0 is record 1: it comes second
    assert out.split("image search")[1].splitlines()[3].split()[2] == "synthetic-00001"
    assert "text search for" in out
    again = run(*args).output  # re-running reuses the collection: nothing new
    assert "12 unchanged" in again and "indexed 0 images" in again
    assert json.loads(run("collection", "stats", "demo", "--json").stdout)["records"] == 12


def test_demo_builds_the_research_views(run: Run, tmp_path: Path) -> None:
    run("demo", "--synthetic", "--limit", "30", "--map-method", "pca", "--no-serve")
    regions = json.loads(run("regions", "search", "demo", "--record", "synthetic-00000",
                             "--box", "0,0,256,256", "--json").stdout)
    assert [hit["identifier"] for hit in regions][:1] == ["synthetic-00001"]
    assert "30 images" in run("map", "status", "demo").output
    assert "group 1" in run("duplicates", "show", "demo").output


def test_bench_forwards_arguments(run: Run) -> None:
    assert "usage" in run("bench", "vectors", "--help").output.lower()
