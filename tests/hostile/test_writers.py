"""Writers against a live server, through the real CLI: one writer at a time, readers never wait,
a server that sees what another process indexed, and a killed rebuild that is reported truthfully."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx

from conftest import draw_image
from hostile.conftest import NAME, Cli, SlowSource, finish, kill_9, png, running
from vitrine.collection import create_collection


def test_a_second_writer_exits_75_naming_the_first(
    cli: Cli, http: httpx.Client, slow_source: Callable[..., SlowSource], tmp_path: Path,
) -> None:
    source = slow_source(2, hold_from=0)
    path = source.write_manifest(tmp_path / "first.json", label="first writer")
    folder = tmp_path / "second"
    folder.mkdir()
    draw_image(900).save(folder / "second.png")
    with running(cli.allowing_loopback().start("import", "iiif", NAME, str(path))) as first:
        source.wait_until_held()
        refused = cli("import", "folder", NAME, str(folder), expect=75)
        # the import has moved on to indexing what it read: the note says so, with its process id
        assert re.search(rf"being changed by another writer \((import|indexing) by process {first.pid} since",
                         refused.stderr), refused.stderr
        assert "wait until it has finished, then run this again" in refused.stderr
        cli("index", NAME, expect=75)
        source.release()
        finish(first)
    assert cli("check", NAME).stdout.strip().endswith("ok")


def test_the_live_server_answers_while_a_write_runs(
    cli: Cli, http: httpx.Client, slow_source: Callable[..., SlowSource], tmp_path: Path,
) -> None:
    source = slow_source(4, hold_from=2, seed=1)
    path = source.write_manifest(tmp_path / "busy.json", label="busy writer")
    with running(cli.allowing_loopback().start("import", "iiif", NAME, str(path))) as writer:
        source.wait_until_held()
        answers = [
            http.get("/api/search", params={"q": "storm"}, timeout=5),
            http.get("/api/search/record/r01", timeout=5),
            http.get("/records/r01", timeout=5),
            http.post("/api/search/image", files={"photo": ("p.png", png(2), "image/png")}, timeout=5),
        ]
        assert [a.status_code for a in answers] == [200] * 4
        assert writer.poll() is None  # the write was still running all along
        source.release()
        finish(writer)


def test_the_live_server_finds_what_another_process_indexed_without_restart(
    cli: Cli, http: httpx.Client, tmp_path: Path,
) -> None:
    def alike() -> set[str]:
        hits = http.get("/api/search/record/r01", params={"per_page": 100}).json()["hits"]
        return {h["identifier"] for h in hits}

    before = alike()
    folder = tmp_path / "arrivals"
    folder.mkdir()
    for i in range(3):
        draw_image(800 + i).save(folder / f"arrival{i}.png")

    cli("import", "folder", NAME, str(folder))

    new = alike() - before
    assert len(new) == 3, new
    for identifier in new:
        assert http.get(f"/api/search/record/{identifier}").status_code == 200


def test_stats_and_check_agree_on_pending_after_a_killed_rebuild(
    slow_source: Callable[..., SlowSource], tmp_path: Path,
) -> None:
    create_collection(tmp_path / "data" / "c", embedder="fake", index="faiss").close()
    cli = Cli(tmp_path / "data").allowing_loopback()
    source = slow_source(6, hold_from=6)  # nothing held while importing
    path = source.write_manifest(tmp_path / "m.json")
    cli("import", "iiif", "c", str(path))
    shutil.rmtree(tmp_path / "data" / "c" / "cache")  # an operator freeing disk: a rebuild fetches again
    source.hold_from = 3  # the rebuild hangs half-way
    source.server.requests.clear()

    with running(cli.start("index", "c", "--rebuild", "--workers", "1")) as rebuild:
        source.wait_until_held()
        kill_9(rebuild)

    stats = json.loads(cli("collection", "stats", "c", "--json").stdout)
    report = json.loads(cli("check", "c", "--json").stdout)  # pending is work to do, not a fault
    assert stats["images_pending"] == report["pending"] > 0
    assert report["images"] == 6
    source.release()
    cli("index", "c")  # the next run finishes the work: no stale lock, nothing left pending
    report = json.loads(cli("check", "c", "--json").stdout)
    assert report["ok"] and report["vectors"] == 6 and report["pending"] == 0
