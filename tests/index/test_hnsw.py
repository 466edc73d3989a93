"""FaissIndex specifics: tombstones and compaction, both filtered paths, recall, files, threads."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from vitrine.errors import IndexError_
from vitrine.index.hnsw import FaissIndex, HnswParams
from vitrine.index.memory import MemoryIndex

from .conftest import unit_vectors


def clustered(n: int, dim: int = 32, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(n // 50, 1), dim))
    x = centres[rng.integers(0, len(centres), n)] + rng.standard_normal((n, dim)) * 0.5
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def recall_at_10(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth, strict=True)]))


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    x = clustered(4000)
    return x[:3800], x[3800:]


def test_recall_of_graph_and_of_both_filter_paths(
    tmp_path: Path, data: tuple[np.ndarray, np.ndarray],
) -> None:
    base, queries = data
    ids = np.arange(base.shape[0], dtype=np.int64) * 3
    exact, index = MemoryIndex(32), FaissIndex(32, tmp_path / "v.faiss", HnswParams(exact_below=100))
    exact.add(ids, base)
    index.add(ids, base)
    for allowed in (None, ids[::2], ids[::50]):  # graph, graph + bitmap, exact subset
        truth = exact.search(queries, 10, allowed=allowed)[1]
        assert recall_at_10(index.search(queries, 10, allowed=allowed)[1], truth) >= 0.95


def test_removals_compact_the_graph(tmp_path: Path) -> None:
    index = FaissIndex(16, tmp_path / "v.faiss", HnswParams(compact_fraction=0.5))
    x = unit_vectors(100)
    index.add(np.arange(100), x)
    index.remove(np.arange(40))
    assert index._tombstones == 40 and index._index.ntotal == 100
    index.remove(np.arange(40, 60))
    assert index._tombstones == 0 and index._index.ntotal == 40
    assert index.search(x[70:71], 1)[1][0, 0] == 70
    assert np.allclose(index.get(np.array([99])), x[99:])


def test_upserts_leave_tombstones_that_search_skips(tmp_path: Path) -> None:
    index = FaissIndex(16, tmp_path / "v.faiss")
    x = unit_vectors(10)
    index.add(np.arange(10), x)
    index.add(np.array([0]), unit_vectors(1, seed=5))
    _, found = index.search(x[:1], 10)
    assert (found >= 0).sum() == 10 and np.unique(found).size == 10


def test_update_refuses_missing_ids(tmp_path: Path) -> None:
    index = FaissIndex(16, tmp_path / "v.faiss")
    index.add(np.array([1]), unit_vectors(1))
    index.update(np.array([1]), unit_vectors(1, seed=2))
    with pytest.raises(IndexError_):
        index.update(np.array([2]), unit_vectors(1))


def test_save_writes_atomically_and_reopen_checks_files(tmp_path: Path) -> None:
    path = tmp_path / "v.faiss"
    index = FaissIndex(16, path)
    index.add(np.arange(5), unit_vectors(5))
    index.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.faiss", "v.ids.npy"]
    with pytest.raises(IndexError_, match="expected 8"):
        FaissIndex(8, path)
    np.save(tmp_path / "v.ids.npy", np.arange(3))
    with pytest.raises(IndexError_, match="does not match"):
        FaissIndex(16, path)
    path.write_bytes(b"not an index")
    with pytest.raises(IndexError_, match="cannot read"):
        FaissIndex(16, path)


def test_searches_run_while_another_thread_writes(tmp_path: Path) -> None:
    index = FaissIndex(16, tmp_path / "v.faiss")
    x = unit_vectors(2000)
    index.add(np.arange(500), x[:500])
    errors: list[BaseException] = []

    def search() -> None:
        try:
            for i in range(200):
                assert index.search(x[i % 500 : i % 500 + 1], 5)[1][0, 0] >= 0
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=search) for _ in range(3)]
    for t in threads:
        t.start()
    for start in range(500, 2000, 100):
        index.add(np.arange(start, start + 100), x[start : start + 100])
        index.remove(np.arange(start - 500, start - 450))
    for t in threads:
        t.join()
    assert not errors
    assert len(index) == 2000 - 15 * 50


def test_sparse_ids_are_found_without_a_dense_map_and_negative_ids_refused(tmp_path: Path) -> None:
    index = FaissIndex(16, tmp_path / "v.faiss")
    ids = np.array([3, 10**12, 10**15], np.int64)
    x = unit_vectors(3)
    index.add(ids, x)
    assert index._current_lookup().dense is None
    _, found = index.search(x, 1, allowed=np.array([10**15, 3, 7, -1]))
    assert found[0, 0] == 3 and found[2, 0] == 10**15
    assert index.search(x[2:], 1, allowed=np.array([10**15]))[1][0, 0] == 10**15
    with pytest.raises(IndexError_, match="non-negative"):
        index.add(np.array([-5]), unit_vectors(1))
