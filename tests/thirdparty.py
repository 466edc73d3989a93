"""Backends as a third-party package would write them, for the plugin tests (one per family)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vitrine.embedders.fake import FakeEmbedder
from vitrine.importers.base import Source, SourceItem
from vitrine.index.base import VectorIndex
from vitrine.index.memory import MemoryIndex
from vitrine.records import Record


class TinyEmbedder(FakeEmbedder):
    """The fake embedder under another name."""

    name = "tiny"


def flat_index(dim: int, folder: Path, name: str = "vectors", *, label: str = "") -> VectorIndex:
    """An index factory with the registry's signature; `label` is an option of its own."""
    return MemoryIndex(dim, folder / f"{name}{label}.npz")


class ListSource(Source):
    """Records given in a list."""

    kind = "list"

    def __init__(self, titles: list[str]) -> None:
        self.titles = titles

    def key(self) -> str:
        return "list:" + ",".join(self.titles)

    def read(self, cursor: str | None = None) -> Iterator[SourceItem]:
        for i, title in enumerate(self.titles):
            yield SourceItem(item=title, record=Record(identifier=f"l{i}", title=title), cursor=str(i + 1))


class DiagonalLayout:
    """The first two coordinates, scaled by `stretch`."""

    name = "diagonal"

    def __init__(self, stretch: float = 1.0) -> None:
        self.stretch = stretch

    @property
    def params(self) -> dict[str, Any]:
        return {"stretch": self.stretch}

    def fit(self, vectors: NDArray[np.float32], timings: Any = None) -> NDArray[np.float32]:
        out: NDArray[np.float32] = np.asarray(vectors[:, :2], np.float32) * self.stretch
        return out
