"""vitrine regions index|search|groups through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
from click.testing import Result

from motifs import SCENES, motif_box, scene

Run = Callable[..., Result]


def test_index_search_and_groups(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "pictures"
    folder.mkdir()
    for n, (name, where) in enumerate(SCENES.items(), 1):
        scene(n, where)[0].save(folder / f"{name}.png")
    run("collection", "create", "motifs", "--embedder", "fake", "--index", "memory")
    run("import", "folder", "motifs", str(folder))
    box = ",".join(str(v) for v in motif_box("a"))
    assert "no region index yet" in run("regions", "search", "motifs", "--record", "a", "--box", box,
                                        expect=1).output
    assert "added 5 images" in run("regions", "index", "motifs", "--workers", "1").output
    hits = json.loads(run("regions", "search", "motifs", "--record", "a", "--box", box, "--json").output)
    assert {h["identifier"] for h in hits} == {"b", "c"}
    assert np.allclose(next(h for h in hits if h["identifier"] == "b")["region"], motif_box("b"), atol=6)
    table = run("regions", "search", "motifs", "--image", str(folder / "c.png"), "--include-self").output
    assert "verified" in table and "inliers" in table
    assert "added 0 images" in run("regions", "index", "motifs").output
    assert "added 5 images" in run("regions", "index", "motifs", "--again", "--workers", "1").output
    sheets = str(tmp_path / "sheets")
    assert "groups found" in run("regions", "groups", "motifs", "--contact-sheets", sheets).output


def test_usage_errors(run: Run, tmp_path: Path) -> None:
    run("collection", "create", "empty", "--embedder", "fake", "--index", "memory")
    assert "either --image" in run("regions", "search", "empty", expect=2).output
    assert "needs --box" in run("regions", "search", "empty", "--record", "a", expect=2).output
    bad = run("regions", "search", "empty", "--record", "a", "--box", "1,2", expect=2)
    assert "x0,y0,x1,y1" in bad.output
