"""vitrine map build|update|status|export through the CLI (PCA layout: UMAP stays in the benchmark)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

Run = Callable[..., Result]


def test_build_status_and_export(run: Run, demo_coll: str, data_dir: Path, tmp_path: Path) -> None:
    out = run("map", "status", demo_coll).output
    assert "vitrine map build art" in out
    report = json.loads(run("map", "build", demo_coll, "--method", "pca", "--json").stdout)
    assert report["points"] == 8 and "pca" in report["stages"]
    assert (data_dir / "art" / "map" / "layout.npz").is_file()
    status = json.loads(run("map", "status", demo_coll, "--json").stdout)
    assert status == {**status, "built": True, "points": 8, "missing": 0, "method": "pca"}

    rows = list(csv.DictReader(io.StringIO(run("map", "export", demo_coll, "--all").stdout)))
    assert len(rows) == 8 and {r["image_id"] for r in rows} == {str(i) for i in range(1, 9)}
    target = tmp_path / "sel.json"
    run("map", "export", demo_coll, "--ids", "2,3", "--format", "iiif", "--base-url",
        "https://m.example", "-o", str(target))
    doc = json.loads(target.read_text())
    assert doc["type"] == "Collection" and len(doc["items"]) == 2
    assert all(item["id"].startswith("https://m.example/iiif/") for item in doc["items"])


def test_update_places_new_images(run: Run, demo_coll: str, tmp_path: Path) -> None:
    from conftest import draw_image

    run("map", "build", demo_coll, "--method", "pca")
    more = tmp_path / "more"
    more.mkdir()
    draw_image(50).save(more / "new.png")
    run("import", "folder", demo_coll, str(more))
    assert json.loads(run("map", "status", demo_coll, "--json").stdout)["missing"] == 1
    assert "1 images placed, 0 removed, 9 on the map" in run("map", "update", demo_coll).output
    assert json.loads(run("map", "status", demo_coll, "--json").stdout)["placed"] == 1


def test_clean_errors(run: Run, demo_coll: str) -> None:
    assert "vitrine map build art" in run("map", "update", demo_coll, expect=1).output
    run("map", "build", demo_coll, "--method", "pca")
    assert "not on the map" in run("map", "export", demo_coll, "--ids", "424242", expect=1).output
    assert "whole numbers" in run("map", "export", demo_coll, "--ids", "1,x", expect=1).output
    assert "exactly one of" in run("map", "export", demo_coll, expect=2).output
    assert "between 2 and 200" in run("map", "build", demo_coll, "--neighbors", "1", expect=1).output
