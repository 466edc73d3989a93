"""The behaviour every VectorIndex backend promises, checked against each of them."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vitrine.errors import IndexError_

from .conftest import DIM, Opener, unit_vectors


def ids_of(*values: int) -> np.ndarray:
    return np.array(values, np.int64)


def test_stored_vectors_find_themselves(opener: Opener, tmp_path: Path) -> None:
    index = opener(tmp_path)
    x = unit_vectors(50)
    index.add(np.arange(100, 150), x)
    scores, ids = index.search(x, 1)
    assert ids[:, 0].tolist() == list(range(100, 150))
    assert np.allclose(scores[:, 0], 1.0, atol=1e-4)
    assert len(index) == 50


def test_a_narrow_walk_still_finds_the_closest(opener: Opener, tmp_path: Path) -> None:
    index = opener(tmp_path)
    x = unit_vectors(300)
    index.add(np.arange(300), x)
    _, ids = index.search(x, 3, ef_search=8)
    assert ids[:, 0].tolist() == list(range(300))


def test_add_replaces_an_existing_id(opener: Opener, tmp_path: Path) -> None:
    index = opener(tmp_path)
    x = unit_vectors(10)
    index.add(np.arange(10), x)
    replacement = unit_vectors(1, seed=7)
    index.add(ids_of(3), replacement)
    assert index.ids().tolist() == list(range(10))
    assert np.allclose(index.get(ids_of(3)), replacement, atol=index.vector_error)
    assert index.search(replacement, 1)[1][0, 0] == 3
    assert len(index) == 10


def test_remove_drops_ids_and_ignores_unknown(opener: Opener, tmp_path: Path) -> None:
    index = opener(tmp_path)
    x = unit_vectors(20)
    index.add(np.arange(20), x)
    index.remove(ids_of(0, 5, 999))
    assert index.ids().tolist() == [i for i in range(20) if i not in (0, 5)]
    _, found = index.search(x[[0, 5]], 20)
    assert not np.isin(found, [0, 5]).any()


def test_filtered_search_returns_only_allowed_ids(opener: Opener, tmp_path: Path) -> None:
    index = opener(tmp_path)
    x = unit_vectors(200)
    index.add(np.arange(200), x)
    allowed = np.arange(0, 200, 7)
    _, found = index.search(x[:5], 10, allowed=allowed)
    assert np.isin(found[found >= 0], allowed).all()
    assert found[0, 0] == 0
    assert index.search(x[:2], 3, allowed=np.zeros(0, np.int64))[1].tolist() == [[-1] * 3] * 2
    assert (index.search(x[:1], 3, allowed=ids_of(5000))[1] == -1).all()


def test_save_and_reopen_keeps_everything(opener: Opener, tmp_path: Path) -> None:
    index = opener(tmp_path)
    x = unit_vectors(30)
    index.add(np.arange(30), x)
    index.remove(ids_of(2))
    index.save()
    index.close()
    reopened = opener(tmp_path)
    assert reopened.ids().tolist() == [i for i in range(30) if i != 2]
    assert np.allclose(reopened.get(ids_of(7)), x[7:8], atol=reopened.vector_error)
    assert reopened.search(x[9:10], 1)[1][0, 0] == 9
    reopened.close()


def test_get_returns_stored_vectors_and_rejects_missing(opener: Opener, tmp_path: Path) -> None:
    index = opener(tmp_path)
    x = unit_vectors(8)
    index.add(np.arange(8), x)
    assert np.allclose(index.get(ids_of(6, 1)), x[[6, 1]], atol=index.vector_error)
    with pytest.raises(IndexError_):
        index.get(ids_of(42))


def test_dimension_mismatch_raises(opener: Opener, tmp_path: Path) -> None:
    index = opener(tmp_path)
    with pytest.raises(IndexError_):
        index.add(ids_of(1), unit_vectors(1, dim=DIM + 1))
    index.add(ids_of(1), unit_vectors(1))
    with pytest.raises(IndexError_):
        index.search(unit_vectors(1, dim=DIM - 1), 1)


def test_k_beyond_size_pads_with_minus_one(opener: Opener, tmp_path: Path) -> None:
    index = opener(tmp_path)
    assert index.search(unit_vectors(1), 3)[1].tolist() == [[-1, -1, -1]]
    index.add(ids_of(4, 9), unit_vectors(2))
    scores, found = index.search(unit_vectors(2, seed=3), 5)
    assert found.shape == (2, 5)
    assert (found[:, 2:] == -1).all() and np.isneginf(scores[:, 2:]).all()
    assert sorted(found[0, :2].tolist()) == [4, 9]
