"""The compressed index's 8-bit re-rank store: accuracy, its files, crashes, compaction, switching kinds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vitrine.bench.vectors import clustered
from vitrine.errors import IndexError_
from vitrine.index import check_params
from vitrine.index.ivfpq import IvfPqIndex, IvfPqParams
from vitrine.index.sq8 import Sq8Store

DIM = 64


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    return clustered(6000, DIM, 60, 1.0, seed=3), clustered(40, DIM, 60, 1.0, seed=4)


def _built(path: Path, base: np.ndarray, **params: object) -> IvfPqIndex:
    index = IvfPqIndex(DIM, path / "v.f16", IvfPqParams(**{"train_after": 2000, "nprobe": 8, **params}))
    for s in range(0, len(base), 700):
        index.add(np.arange(s, min(s + 700, len(base))), base[s : s + 700])
    index.save()
    return index


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / truth.shape[1] for a, b in zip(found, truth, strict=True)]))


def test_scores_on_the_codes_are_close_to_the_exact_ones(tmp_path: Path, data: tuple) -> None:
    base, queries = data
    store = Sq8Store.train(DIM, tmp_path / "c.sq8", base[:2000])
    store.write(0, base)
    rows = np.arange(0, len(base), 7)
    for q in queries[:5]:
        error = np.abs(store.scores(q, rows) - base[rows] @ q)
        assert np.percentile(error, 99) < 5e-3 and error.max() < 0.015
    # a store read back from its files scores the same
    again = Sq8Store.open(DIM, tmp_path / "c.sq8")
    assert again is not None
    again.load(len(base), lambda s, e: base[s:e])
    np.testing.assert_array_equal(again.scores(queries[0], rows), store.scores(queries[0], rows))


def test_sq8_rerank_keeps_recall_without_reading_the_rows(tmp_path: Path, data: tuple) -> None:
    base, queries = data
    truth = np.argsort(-(queries @ base.T), axis=1)[:, :10]
    index = _built(tmp_path, base, rerank=200)
    assert index.sq8_path.stat().st_size == len(base) * DIM
    scores, ids = index.search(queries, 10)
    assert _recall(ids, truth) >= 0.95
    exact = np.take_along_axis(queries @ base.T, ids, axis=1)
    assert np.abs(scores - exact).max() < 0.015  # the 8-bit estimates
    disk = _built(tmp_path / "disk", base, rerank=200, rerank_on="disk")
    assert not disk.sq8_path.exists()
    assert abs(_recall(disk.search(queries, 10)[1], truth) - _recall(ids, truth)) <= 0.02
    topped = IvfPqIndex(DIM, tmp_path / "v.f16", IvfPqParams(train_after=2000, nprobe=8, rerank=200,
                                                             exact_top=20))
    scores, ids = topped.search(queries, 10)
    assert np.abs(scores - np.take_along_axis(queries @ base.T, ids, axis=1)).max() < 1e-3


def test_a_disk_index_gets_its_codes_when_a_collection_asks_for_them(tmp_path: Path, data: tuple) -> None:
    base, queries = data
    disk = _built(tmp_path, base, rerank_on="disk")
    before = disk.search(queries, 10)[1]
    switched = IvfPqIndex(DIM, tmp_path / "v.f16", IvfPqParams(nprobe=8, rerank_on="sq8"))
    assert switched.sq8_path.stat().st_size == len(base) * DIM
    ranges = switched.sq8_path.with_name(switched.sq8_path.name + ".npy")
    stamp = ranges.stat().st_mtime_ns
    assert _recall(switched.search(queries, 10)[1], before) >= 0.9
    IvfPqIndex(DIM, tmp_path / "v.f16", switched.params)  # opened again: read, not trained again
    assert ranges.stat().st_mtime_ns == stamp


def test_codes_cut_short_are_made_again_from_the_rows(tmp_path: Path, data: tuple) -> None:
    base, queries = data
    index = _built(tmp_path, base)
    before = index.search(queries, 10)
    with index.sq8_path.open("r+b") as fh:  # a crash between the rows and their codes
        fh.truncate(1000 * DIM + 17)
    reopened = IvfPqIndex(DIM, tmp_path / "v.f16", index.params)
    assert index.sq8_path.stat().st_size == len(base) * DIM
    np.testing.assert_array_equal(reopened.search(queries, 10)[1], before[1])
    np.testing.assert_allclose(reopened.search(queries, 10)[0], before[0], atol=1e-6)


def test_compaction_moves_the_codes_with_the_rows(tmp_path: Path, data: tuple) -> None:
    base, _ = data
    index = _built(tmp_path, base, compact_fraction=0.3)
    old = index.sq8_path
    index.remove(np.arange(0, 2000))
    index.save()
    assert not old.exists() and not old.with_name(old.name + ".npy").exists()
    assert index.sq8_path.name.startswith(index.data_path.name)
    assert index.sq8_path.stat().st_size == 4000 * DIM
    reopened = IvfPqIndex(DIM, tmp_path / "v.f16", index.params)
    _, ids = reopened.search(base[2000:2010], 1)
    assert ids[:, 0].tolist() == list(range(2000, 2010))
    reopened.drop()
    assert not any(p.name.endswith((".sq8", ".sq8.npy")) for p in tmp_path.iterdir())


def test_rerank_settings_are_checked() -> None:
    with pytest.raises(IndexError_, match="rerank_on is sq8 or disk, not 'ram'"):
        check_params("ivfpq", {"rerank_on": "ram"})
    with pytest.raises(IndexError_, match="exact_top"):
        check_params("ivfpq", {"exact_top": "-1"})
    check_params("ivfpq", {"rerank_on": "disk", "exact_top": "32"})
