"""MemoryIndex specifics: the .npz file it persists to."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from vitrine.index.memory import MemoryIndex

from .conftest import unit_vectors


def test_without_a_path_save_is_a_no_op() -> None:
    index = MemoryIndex(16)
    index.add(np.arange(3), unit_vectors(3))
    index.save()
    assert index.ids().tolist() == [0, 1, 2]


def test_save_replaces_the_file_without_leaving_temporaries(tmp_path: Path) -> None:
    path = tmp_path / "v.npz"
    index = MemoryIndex(16, path)
    index.add(np.arange(3), unit_vectors(3))
    index.save()
    index.remove(np.array([1]))
    index.save()
    assert [p.name for p in tmp_path.iterdir()] == ["v.npz"]
    assert MemoryIndex(16, path).ids().tolist() == [0, 2]


def test_filtered_search_ranks_by_inner_product() -> None:
    index = MemoryIndex(16)
    x = unit_vectors(50)
    index.add(np.arange(50), x)
    scores, found = index.search(x[:1], 3, allowed=np.array([0, 10, 20]))
    assert found[0, 0] == 0 and set(found[0].tolist()) == {0, 10, 20}
    assert np.all(np.diff(scores[0]) <= 0)
