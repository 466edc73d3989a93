"""Backends by name: the generic registry, and a third-party plugin found in every family."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import thirdparty
from vitrine import embedders, importers, index
from vitrine.collection import create_collection
from vitrine.errors import EmbedderError, ImportError_, IndexError_, LayoutError, PluginError
from vitrine.importers.base import run_import
from vitrine.index.memory import MemoryIndex
from vitrine.maps import layout
from vitrine.plugins import Registry

PLUGINS = {
    "vitrine.embedders": ("tiny", "TinyEmbedder"),
    "vitrine.indexes": ("flat", "flat_index"),
    "vitrine.importers": ("list", "ListSource"),
    "vitrine.layouts": ("diagonal", "DiagonalLayout"),
}
REGISTRIES = [embedders._registry, index._registry, importers._registry, layout.LAYOUTS]


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """A package declaring one plugin per family is installed; registries read entry points afresh."""
    asked: list[str] = []

    def entry_points(*, group: str) -> list[importlib.metadata.EntryPoint]:
        asked.append(group)
        if group not in PLUGINS:
            return []
        name, attribute = PLUGINS[group]
        return [importlib.metadata.EntryPoint(name, f"{thirdparty.__name__}:{attribute}", group)]

    monkeypatch.setattr(importlib.metadata, "entry_points", entry_points)
    for registry in REGISTRIES:
        monkeypatch.setattr(registry, "_entries", dict(registry._entries))
        monkeypatch.setattr(registry, "_plugins_loaded", False)
    yield asked


def test_an_embedder_plugin_is_found_by_name(installed: list[str]) -> None:
    assert "tiny" in embedders.available()
    made = embedders.create("tiny")
    assert isinstance(made, thirdparty.TinyEmbedder) and made.key == "tiny/1/64"


def test_an_index_plugin_is_found_by_name_and_takes_its_options(installed: list[str], tmp_path: Path) -> None:
    assert index.available() == ["faiss", "flat", "ivfpq", "memory", "milvus"]
    options = {"flat": {"label": "-x"}, "milvus": {"token": "t"}}
    opened = index.open_index("flat", tmp_path, 8, options=options)
    assert isinstance(opened, MemoryIndex)
    opened.add(np.arange(1), np.eye(1, 8, dtype=np.float32))
    opened.save()
    assert (tmp_path / "vectors-x.npz").is_file()  # the option reached the factory, milvus's did not


def test_an_import_source_plugin_is_found_by_name(installed: list[str], tmp_path: Path) -> None:
    assert "list" in importers.available()
    with create_collection(tmp_path / "c", embedder="fake", index="memory") as coll:
        report = run_import(coll, importers.create_importer("list", ["Dawn", "Dusk"]))
        assert report.added == 2 and coll.catalog.count() == 2


def test_a_layout_plugin_is_found_by_name(installed: list[str]) -> None:
    made = layout.create_layout("diagonal", stretch=2.0, neighbors=None)
    assert made.params == {"stretch": 2.0}
    assert np.allclose(made.fit(np.eye(3, 4, dtype=np.float32)), 2 * np.eye(3, 2))


def test_entry_points_are_read_once_per_family(installed: list[str]) -> None:
    for _ in range(3):
        embedders.available()
        embedders.create("fake")
    assert installed == ["vitrine.embedders"]


@pytest.mark.parametrize(("create", "error", "message"), [
    (lambda: embedders.create("nope"), EmbedderError,
     "unknown embedder 'nope'; available: classic, clip, fake, tiny"),
    (lambda: index.open_index("nope", Path("."), 8), IndexError_,
     "unknown index 'nope': use 'faiss', 'ivfpq', 'memory', 'milvus', 'flat', 'milvus-lite' "
     "or a milvus:// URI"),
    (lambda: importers.create_importer("nope"), ImportError_,
     "unknown import source 'nope'; available: aic, bucket, cma, csv, folder, iiif, jsonl, list"),
    (lambda: layout.create_layout("nope"), LayoutError,
     "unknown layout method 'nope': use umap, pca or diagonal"),
])
def test_unknown_names_list_the_available_ones(
    installed: list[str], create: Any, error: type[Exception], message: str,
) -> None:
    with pytest.raises(error) as raised:
        create()
    assert str(raised.value) == message


def test_a_builtin_name_is_not_taken_by_a_plugin(monkeypatch: pytest.MonkeyPatch) -> None:
    registry: Registry[object] = Registry("thing", "vitrine.things", {"a": "builtins:dict"})
    points = [importlib.metadata.EntryPoint("a", "builtins:list", "vitrine.things")]
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda *, group: points)
    assert registry.create("a") == {}


def test_a_plugin_that_cannot_load_says_which(monkeypatch: pytest.MonkeyPatch) -> None:
    registry: Registry[object] = Registry("thing", "vitrine.things", {
        "gone": "no_such_package.mod:Thing", "typo": "builtins:dikt", "value": "math:pi"})
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda *, group: [])
    with pytest.raises(PluginError, match=r"the thing 'gone' \(no_such_package.mod:Thing\) cannot be loaded"):
        registry.load("gone")
    with pytest.raises(PluginError, match=r"'typo'.*cannot be loaded"):
        registry.load("typo")
    with pytest.raises(PluginError, match=r"'value'.*is not a class or function"):
        registry.load("value")


def test_options_a_backend_does_not_take_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    registry: Registry[object] = Registry(
        "thing", "vitrine.things", {"d": "builtins:dict"}, error=LayoutError)
    registry.register("f", lambda *, size=1: size)
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda *, group: [])
    assert registry.create("f", size=3) == 3
    with pytest.raises(LayoutError, match=r"thing 'f' does not accept the options \['colour'\]"):
        registry.create("f", colour="red")
    registry.unregister("f")
    assert registry.available() == ["d"]
