"""vitrine demo on generated pictures (no ../shared needed)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from vitrine import accounts
from vitrine.collection import open_collection

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
    proposed = int(out.split("the date agent looked at 12 records and proposed ")[1].split()[0])
    assert proposed > 0  # the queue has something for cataloguers to review
    assert "review queue:  http://" in out
    again = run(*args).output  # re-running reuses the collection: nothing new
    assert "12 unchanged" in again and "indexed 0 images" in again
    assert "looked at 12 records and proposed 0 dates" in again
    assert json.loads(run("collection", "stats", "demo", "--json").stdout)["records"] == 12


def test_demo_makes_an_admin_once_and_prints_its_password_once(run: Run, data_dir: Path) -> None:
    args = ("demo", "--synthetic", "--limit", "2", "--embedder", "fake", "--index", "memory",
            "--no-research", "--no-serve")
    first = run(*args).stdout
    password = first.split("sign in as demo-admin with the password ")[1].split()[0]
    for page in ("/login", "/moderate", "/admin/audit"):
        assert f"http://127.0.0.1:8000{page}" in first
    again = run(*args).stdout
    assert password not in again  # only its hash is kept: it is never shown a second time
    assert "with the password printed when it was made" in again
    assert "vitrine user set-password demo demo-admin" in again
    with open_collection(data_dir / "demo") as coll:
        user = accounts.authenticate(coll.catalog, "demo-admin", password)
        assert user is not None and user.role == "admin"
        assert [u.name for u in coll.catalog.accounts.users()] == ["demo-admin"]


def test_demo_leaves_a_collection_with_an_admin_alone(run: Run, data_dir: Path) -> None:
    run("collection", "create", "demo", "--embedder", "fake", "--index", "memory")
    run("user", "add", "demo", "ada", "--role", "admin", "--password-stdin", input="a long enough password\n")
    out = run("demo", "--synthetic", "--limit", "2", "--no-research", "--no-serve").stdout
    assert "sign in with one of the collection's admin accounts" in out and "password " not in out
    with open_collection(data_dir / "demo") as coll:
        assert [u.name for u in coll.catalog.accounts.users()] == ["ada"]


def test_demo_makes_no_account_in_production(run: Run, data_dir: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITRINE_WEB__PRODUCTION", "1")
    out = run("demo", "--synthetic", "--limit", "2", "--embedder", "fake", "--index", "memory",
              "--no-research", "--no-serve").stdout
    assert "production mode: no demo account made" in out and "demo-admin" not in out
    with open_collection(data_dir / "demo") as coll:
        assert coll.catalog.accounts.count_admins() == 0 and not coll.catalog.accounts.users()


def test_demo_builds_the_research_views(run: Run, tmp_path: Path) -> None:
    run("demo", "--synthetic", "--limit", "30", "--map-method", "pca", "--no-serve")
    regions = json.loads(run("regions", "search", "demo", "--record", "synthetic-00000",
                             "--box", "0,0,256,256", "--json").stdout)
    assert [hit["identifier"] for hit in regions][:1] == ["synthetic-00001"]
    assert "30 images" in run("map", "status", "demo").output
    assert "group 1" in run("duplicates", "show", "demo").output


def test_bench_forwards_arguments(run: Run) -> None:
    assert "usage" in run("bench", "vectors", "--help").output.lower()


class _NoFaceModel:
    """Stands for the faces agent on a machine with neither YuNet's model nor dlib."""

    def __init__(self, **_: object) -> None:
        from vitrine.errors import AgentError

        raise AgentError("no face detector here: looked in /nowhere; get YuNet from the OpenCV zoo")


def test_the_demo_goes_on_without_a_face_detector(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from vitrine.suggestions.agents import AGENTS

    monkeypatch.setitem(AGENTS._entries, "faces", _NoFaceModel)
    result = run("demo", "--synthetic", "--limit", "4", "--embedder", "fake", "--index", "memory",
                 "--no-research", "--no-serve")
    assert "no face suggestions: no face detector here: looked in /nowhere" in result.output
    assert "review queue:  http://" in result.output  # the demo ended with the staff pages' addresses
