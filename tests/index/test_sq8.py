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
HEADER = 32 + 8 * DIM  # magic, dimension, the file's random name, ranges


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
    def read(s: int, e: int) -> np.ndarray:
        return base[s:e]

    store = Sq8Store.create(DIM, tmp_path / "c.sq8", Sq8Store.learn(DIM, base[:2000]), len(base), read)
    rows = np.arange(0, len(base), 7)
    for q in queries[:5]:
        error = np.abs(store.scores(q, rows) - base[rows] @ q)
        assert np.percentile(error, 99) < 5e-3 and error.max() < 0.015
    # a store read back from its files scores the same
    again = Sq8Store.open(DIM, tmp_path / "c.sq8", len(base), read)
    assert again is not None
    np.testing.assert_array_equal(again.scores(queries[0], rows), store.scores(queries[0], rows))


def test_sq8_rerank_keeps_recall_without_reading_the_rows(tmp_path: Path, data: tuple) -> None:
    base, queries = data
    truth = np.argsort(-(queries @ base.T), axis=1)[:, :10]
    index = _built(tmp_path, base, rerank=200, exact_top=0)  # the 8-bit scores alone, no row read
    assert index.sq8_path.stat().st_size == HEADER + len(base) * DIM
    scores, ids = index.search(queries, 10)
    assert _recall(ids, truth) >= 0.9
    exact = np.take_along_axis(queries @ base.T, ids, axis=1)
    assert np.abs(scores - exact).max() < 0.015 and np.abs(scores - exact).max() > 0  # estimates
    allowed = np.arange(0, len(base), 4)  # a small filter: ranked on the codes too
    _, found = index.search(queries, 10, allowed=allowed)
    small_truth = allowed[np.argsort(-(queries @ base[allowed].T), axis=1)[:, :10]]
    assert np.isin(found, allowed).all() and _recall(found, small_truth) >= 0.9
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
    assert switched.sq8_path.stat().st_size == HEADER + len(base) * DIM
    switched.save()
    stamp = switched.sq8_path.stat().st_mtime_ns
    assert _recall(switched.search(queries, 10)[1], before) >= 0.9
    IvfPqIndex(DIM, tmp_path / "v.f16", switched.params)  # opened again: read, not made again
    assert switched.sq8_path.stat().st_mtime_ns == stamp


def test_codes_cut_short_are_made_again_from_the_rows(tmp_path: Path, data: tuple) -> None:
    base, queries = data
    index = _built(tmp_path, base)
    before = index.search(queries, 10)
    with index.sq8_path.open("r+b") as fh:  # a crash between the rows and their codes
        fh.truncate(HEADER + 1000 * DIM + 17)
    reopened = IvfPqIndex(DIM, tmp_path / "v.f16", index.params)  # a reader: nothing saved after
    assert index.sq8_path.stat().st_size == HEADER + len(base) * DIM
    stamp = index.sq8_path.stat().st_mtime_ns
    IvfPqIndex(DIM, tmp_path / "v.f16", index.params)  # the codes it wrote serve the next opening
    assert index.sq8_path.stat().st_mtime_ns == stamp
    np.testing.assert_array_equal(reopened.search(queries, 10)[1], before[1])
    np.testing.assert_allclose(reopened.search(queries, 10)[0], before[0], atol=1e-6)


def test_compaction_moves_the_codes_with_the_rows(tmp_path: Path, data: tuple) -> None:
    base, _ = data
    index = _built(tmp_path, base, compact_fraction=0.3)
    old = index.sq8_path
    index.remove(np.arange(0, 2000))
    index.save()
    assert not old.exists()
    assert index.sq8_path.name.startswith(index.data_path.name)
    assert index.sq8_path.stat().st_size == HEADER + 4000 * DIM
    reopened = IvfPqIndex(DIM, tmp_path / "v.f16", index.params)
    _, ids = reopened.search(base[2000:2010], 1)
    assert ids[:, 0].tolist() == list(range(2000, 2010))
    reopened.drop()
    assert not any(p.name.endswith(".sq8") for p in tmp_path.iterdir())


def test_rerank_settings_are_checked() -> None:
    with pytest.raises(IndexError_, match="rerank_on is sq8 or disk, not 'ram'"):
        check_params("ivfpq", {"rerank_on": "ram"})
    with pytest.raises(IndexError_, match="exact_top"):
        check_params("ivfpq", {"exact_top": "-1"})
    check_params("ivfpq", {"rerank_on": "disk", "exact_top": "32"})


def test_codes_left_by_a_crash_are_not_trusted_after_the_rows_changed_under_the_disk_rerank(
    tmp_path: Path, data: tuple,
) -> None:
    """Rows added with codes and never saved (a crash), then rows written over them by a process
    re-ranking on disk: reopened with the codes, the new rows are found, not the stale codes'."""
    base, _ = data
    index = _built(tmp_path, base[:5000])
    index.add(np.arange(5000, 6000), base[5000:6000])  # codes written, row map not saved: a crash
    other = -base[5000:6000]  # other vectors in the same rows
    disk = IvfPqIndex(DIM, tmp_path / "v.f16", IvfPqParams(nprobe=8, rerank_on="disk"))
    disk.add(np.arange(5000, 6000), other)
    disk.save()
    again = IvfPqIndex(DIM, tmp_path / "v.f16", IvfPqParams(nprobe=8, exact_top=0))
    _, ids = again.search(other[:50], 1)
    assert (ids[:, 0] == np.arange(5000, 5050)).mean() >= 0.95


def test_a_codes_file_put_in_place_by_another_process_never_gets_codes_of_other_ranges(
    tmp_path: Path, data: tuple,
) -> None:
    """A reader that makes the codes (the file was gone) swaps in a whole file of its own; the writer
    keeps writing to the file it opened, and the next load re-encodes what the new file lacks."""
    base, _ = data
    writer = _built(tmp_path, base[:5000])
    writer.sq8_path.unlink()
    reader = IvfPqIndex(DIM, tmp_path / "v.f16", writer.params)  # makes and swaps in its own file
    theirs = reader.sq8_path.read_bytes()
    writer.add(np.arange(5000, 6000), base[5000:6000])
    writer.save()
    assert reader.sq8_path.read_bytes() == theirs  # nothing of the writer's written into it
    fresh = IvfPqIndex(DIM, tmp_path / "v.f16", IvfPqParams(nprobe=8, exact_top=0))
    _, ids = fresh.search(base[5000:5050], 1)
    assert (ids[:, 0] == np.arange(5000, 5050)).mean() >= 0.95
