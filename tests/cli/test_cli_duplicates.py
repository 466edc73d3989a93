"""vitrine duplicates find|show through the CLI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from duplicate_images import PLANTED, write_pictures

Run = Callable[..., Result]


@pytest.fixture
def copies(run: Run, tmp_path: Path) -> str:
    """Collection "copies" (classic embedder, memory index): 6 works and the planted copies, indexed."""
    folder = tmp_path / "pictures"
    write_pictures(folder, works=6)
    run("collection", "create", "copies", "--embedder", "classic", "--index", "memory")
    run("import", "folder", "copies", str(folder))
    return "copies"


def test_find_prints_groups_and_writes_csv(run: Run, copies: str, tmp_path: Path) -> None:
    out_csv = tmp_path / "dups.csv"
    result = run("duplicates", "find", copies, "--csv", str(out_csv))
    assert f"{len(PLANTED)} groups" in result.stdout
    assert "copy-jpeg" in result.stdout and "exact" in result.stdout
    assert "k-NN only (no local-feature index; 'vitrine regions index copies'" in result.stdout
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8"))))
    assert set(rows[0]) == {"group", "record", "title", "image", "score", "kind", "group_kind"}
    together = {}
    for row in rows:
        together.setdefault(row["group"], set()).add(row["record"])
    assert {"copy-jpeg", "work01"} in together.values()


def test_find_json_and_show(run: Run, copies: str) -> None:
    report = json.loads(run("duplicates", "find", copies, "--json").stdout)
    assert report["format"] == 1 and len(report["groups"]) == len(PLANTED)
    assert report["local_candidates"] is None
    shown = run("duplicates", "show", copies).stdout
    assert "groups" in shown and "copy-rescan" in shown
    saved = json.loads(run("duplicates", "show", copies, "--json").stdout)
    assert saved["stale"] is None and saved["ids_digest"] == report["ids_digest"]


def test_csv_to_stdout(run: Run, copies: str) -> None:
    out = run("duplicates", "find", copies, "--csv", "-").stdout
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][:3] == ["group", "record", "title"] and len(rows) == 1 + 2 * len(PLANTED)


def test_show_one_record_needs_no_report(run: Run, copies: str) -> None:
    out = run("duplicates", "show", copies, "--record", "work01").stdout
    assert "copy-jpeg" in out and "work02" not in out
    matches = json.loads(run("duplicates", "show", copies, "--record", "work02", "--json").stdout)
    assert [m["identifier"] for m in matches] == ["copy-rescan"]
    assert "No duplicates" in run("duplicates", "show", copies, "--record", "work05").stdout


def test_show_without_a_report_says_how_to_make_one(run: Run, copies: str) -> None:
    result = run("duplicates", "show", copies, expect=1)
    assert "vitrine duplicates find copies" in result.output


def test_stale_report_is_flagged(run: Run, copies: str, tmp_path: Path) -> None:
    run("duplicates", "find", copies)
    extra = tmp_path / "more"
    write_pictures(extra, works=1, planted=False)
    (extra / "work00.png").rename(extra / "another.png")
    run("import", "folder", copies, str(extra))
    result = run("duplicates", "show", copies)
    assert "out of date" in result.output


def test_errors_are_clean(run: Run, copies: str, tmp_path: Path) -> None:
    assert "between -1 and 1" in run("duplicates", "find", copies, "--threshold", "2", expect=1).output
    assert "no record" in run("duplicates", "show", copies, "--record", "nope", expect=1).output
    folder = tmp_path / "raw"
    write_pictures(folder, works=2, planted=False)
    run("collection", "create", "raw", "--embedder", "classic", "--index", "memory")
    run("import", "folder", "raw", str(folder), "--no-index")
    assert "vitrine index raw" in run("duplicates", "find", "raw", expect=1).output
