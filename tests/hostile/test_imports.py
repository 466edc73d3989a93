"""Hostile sources for `vitrine import`, run as the real CLI: internal addresses, local files,
sources where everything fails, and a kill -9 in the middle of an import."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from hostile.conftest import ODD_BUT_VALID, Cli, SlowSource, files_under, kill_9, manifest, running
from httpserver import LocalHTTPServer
from imagegen import hostile_files
from vitrine.collection import create_collection

_ADMIN = b"\xff\xd8\xff secret admin page"


@pytest.fixture
def fresh(tmp_path: Path) -> tuple[Cli, Path]:
    """A CLI of its own data folder holding an empty collection "c" (fake embedder, faiss index)."""
    data = tmp_path / "data"
    create_collection(data / "c", embedder="fake", index="faiss").close()
    return Cli(data), data / "c"


@pytest.fixture
def internal(http_server: Callable[..., LocalHTTPServer]) -> LocalHTTPServer:
    """A loopback server standing in for an internal host: an admin page that must never be asked for."""
    server: LocalHTTPServer = http_server({"/admin": (200, "image/jpeg", _ADMIN)})
    return server


def _written(collection: Path) -> set[str]:
    return files_under(collection / "cache") | files_under(collection / "thumbnails")


def test_a_manifest_pointing_at_internal_addresses_is_refused(
    fresh: tuple[Cli, Path], internal: LocalHTTPServer, tmp_path: Path,
) -> None:
    cli, collection = fresh
    port = internal.url("/").split(":")[2].rstrip("/")
    urls = [internal.url("/admin"), f"http://localhost:{port}/admin", f"http://2130706433:{port}/admin",
            f"http://0x7f000001:{port}/admin", f"http://127.1:{port}/admin", f"http://0.0.0.0:{port}/admin",
            f"http://[::ffff:127.0.0.1]:{port}/admin", f"http://[::1]:{port}/admin",
            "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/admin"]
    path = tmp_path / "m.json"
    path.write_text(json.dumps(manifest("inside", urls)))

    result = cli("import", "iiif", "c", str(path), expect=3)  # 3: done, with failures

    assert f"indexed 0 images, {len(urls)} failed" in result.stdout + result.stderr
    for url in urls:
        assert f"failed: {url}: refused" in result.stderr, url
    assert "VITRINE_FETCH__ALLOW_NETWORKS" in result.stderr
    assert internal.requests == []  # refused before connecting: the admin page never saw a request
    assert _written(collection) == set()
    again = cli("index", "c", "--retry-failed", expect=3)  # an operator retrying changes nothing
    assert "refused" in again.stderr and internal.requests == []


LOCAL = ["file:///etc/passwd", "file://localhost/etc/passwd", "/etc/passwd", "../../../etc/passwd",
         "ftp://127.0.0.1/etc/passwd", "gopher://127.0.0.1:70/_GET"]


def test_a_manifest_pointing_at_local_files_or_odd_schemes_is_never_read(
    fresh: tuple[Cli, Path], tmp_path: Path,
) -> None:
    cli, collection = fresh
    path = tmp_path / "m.json"
    path.write_text(json.dumps(manifest("local", LOCAL)))
    # skipped as "no usable URL" (a warning naming each), not failed: the record is kept without them
    result = cli("import", "iiif", "c", str(path))
    for url in LOCAL:
        assert f"skipping an image with no usable URL: {url!r}" in result.stderr, url
    assert "root:" not in result.stdout + result.stderr
    stats = json.loads(cli("collection", "stats", "c", "--json").stdout)
    assert stats["records"] == 1 and stats["images"] == 0
    assert _written(collection) == set()


def test_a_folder_where_every_file_fails_exits_3_never_0(fresh: tuple[Cli, Path], tmp_path: Path) -> None:
    cli, collection = fresh
    files = hostile_files(tmp_path / "hostile")
    for name in ODD_BUT_VALID:
        files.pop(name).unlink()  # keep only what cannot be read
    result = cli("import", "folder", "c", str(tmp_path / "hostile"), expect=3)
    assert f"import: {len(files)} failed (listed above); exit status 3" in result.stderr
    assert "indexed 0 images" in result.stdout and "0 vectors in the index" in result.stdout
    assert "40,000,000" in result.stderr or "pixels" in result.stderr  # the bombs say why
    assert files_under(collection / "thumbnails") == set()


def test_a_source_where_every_item_fails_exits_3_never_0(fresh: tuple[Cli, Path], tmp_path: Path) -> None:
    cli, _ = fresh
    folder = tmp_path / "manifests"
    folder.mkdir()
    (folder / "garbage.json").write_text("{not json")
    (folder / "empty.json").write_text("")
    (folder / "cut.json").write_text(json.dumps(manifest("cut", ["https://example.org/a.jpg"]))[:120])
    result = cli("import", "iiif", "c", str(folder), expect=3)
    assert "0 added" in result.stdout and "3 failed" in result.stdout
    assert "import: 3 failed (listed above); exit status 3" in result.stderr
    assert cli("check", "c").stdout.strip().endswith("ok")


def test_an_import_killed_in_the_middle_resumes_and_leaves_the_collection_clean(
    fresh: tuple[Cli, Path], slow_source: Callable[..., SlowSource], tmp_path: Path,
) -> None:
    cli, _ = fresh
    loopback = cli.allowing_loopback()
    source = slow_source(6, hold_from=3)  # the records are written, then indexing hangs half-way
    path = source.write_manifest(tmp_path / "slow.json")
    with running(loopback.start("import", "iiif", "c", str(path))) as first:
        source.wait_until_held()
        kill_9(first)
    killed: dict[str, Any] = json.loads(loopback("check", "c", "--json").stdout)
    assert killed["images"] == 6 and killed["pending"] > 0  # it was stopped half-way
    source.release()

    again = loopback("import", "iiif", "c", str(path))  # no stale lock: the OS freed it with the process

    assert "0 added, 0 updated, 1 unchanged, 0 failed" in again.stdout
    assert "indexed" in again.stdout and "0 failed" in again.stdout
    report: dict[str, Any] = json.loads(loopback("check", "c", "--json").stdout)
    assert report["ok"] and report["images"] == report["vectors"] == 6 and report["pending"] == 0
