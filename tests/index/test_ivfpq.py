"""The compressed embedded index: training on the way, recall, filters, crashes, compaction, parameters."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vitrine.bench.vectors import clustered
from vitrine.collection import create_collection, open_collection
from vitrine.errors import IndexError_
from vitrine.index import check_params, open_index
from vitrine.index.ivfpq import IvfPqIndex, IvfPqParams

DIM = 64


def _recall(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / truth.shape[1] for a, b in zip(found, truth, strict=True)]))


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    return clustered(6000, DIM, 60, 1.0, seed=1), clustered(40, DIM, 60, 1.0, seed=2)


def _built(path: Path, base: np.ndarray, **params: int) -> IvfPqIndex:
    """Streamed in chunks, as indexing adds them; trains when `train_after` rows are in."""
    index = IvfPqIndex(DIM, path / "v.f16", IvfPqParams(**{"train_after": 2000, "nprobe": 8, **params}))
    for s in range(0, len(base), 700):
        index.add(np.arange(s, min(s + 700, len(base))), base[s : s + 700])
    return index


def test_trains_once_enough_rows_are_in_and_keeps_recall(tmp_path: Path, data: tuple) -> None:
    base, queries = data
    index = IvfPqIndex(DIM, tmp_path / "v.f16", IvfPqParams(train_after=2000, nprobe=8))
    index.add(np.arange(1000), base[:1000])
    assert not index.trained  # exact over the float16 rows until then
    index.add(np.arange(1000, len(base)), base[1000:])
    assert index.trained and len(index) == len(base)
    truth = np.argsort(-(queries @ base.T), axis=1)[:, :10]
    _, ids = index.search(queries, 10)
    assert _recall(ids, truth) >= 0.95
    # the re-rank is what buys it: PQ estimates alone, without re-scoring, rank worse
    bare = IvfPqIndex(DIM, tmp_path / "bare.f16", IvfPqParams(train_after=2000, nprobe=8, rerank=10))
    bare.add(np.arange(len(base)), base)
    assert _recall(bare.search(queries, 10)[1], truth) < _recall(ids, truth)


def test_filtered_search_returns_only_allowed_ids_on_both_paths(tmp_path: Path, data: tuple) -> None:
    base, queries = data
    index = _built(tmp_path, base, exact_below=100, exact_fraction=0.0)
    for allowed in (np.arange(0, len(base), 50), np.arange(0, len(base), 3)):  # exact, then IVF
        scores = queries @ base[allowed].T
        truth = allowed[np.argsort(-scores, axis=1)[:, :10]]
        _, ids = index.search(queries, 10, allowed=allowed)
        assert np.isin(ids, allowed).all()
        assert _recall(ids, truth) >= 0.9


def test_reopened_index_answers_the_same_and_ignores_unsaved_rows(tmp_path: Path, data: tuple) -> None:
    base, queries = data
    index = _built(tmp_path, base)
    index.save()
    before = index.search(queries, 10)
    index.add(np.array([99_999]), base[:1])  # written to the .f16 file, never saved: a crash
    reopened = IvfPqIndex(DIM, tmp_path / "v.f16", index.params)
    assert len(reopened) == len(base) and 99_999 not in reopened.ids()
    np.testing.assert_array_equal(reopened.search(queries, 10)[1], before[1])
    reopened.add(np.array([7_000]), base[5:6])  # the stray bytes are overwritten, not appended after
    assert reopened.search(base[5:6], 2)[1][0].tolist() in ([5, 7_000], [7_000, 5])


def test_codes_newer_than_the_row_map_are_encoded_again(tmp_path: Path, data: tuple) -> None:
    base, _ = data
    index = _built(tmp_path, base)
    index.save()
    old_rows = (tmp_path / "v.rows.npz").read_bytes()
    index.remove(np.arange(100))
    index.add(np.arange(6000, 6100), base[:100])
    index.save()
    (tmp_path / "v.rows.npz").write_bytes(old_rows)  # died after writing the codes, before the rows
    reopened = IvfPqIndex(DIM, tmp_path / "v.f16", index.params)
    assert len(reopened) == 6000 and 6000 not in reopened.ids()
    _, ids = reopened.search(base[:5], 1)
    assert ids[:, 0].tolist() == list(range(5))


def test_deletes_compact_the_rows_and_survive_a_reopen(tmp_path: Path, data: tuple) -> None:
    base, _ = data
    index = _built(tmp_path, base, compact_fraction=0.3)
    size = (tmp_path / "v.f16").stat().st_size
    index.remove(np.arange(0, 2000))  # a third: compacted
    assert index.data_path.stat().st_size < size and not (tmp_path / "v.f16").exists()
    index.save()
    reopened = IvfPqIndex(DIM, tmp_path / "v.f16", index.params)
    assert len(reopened) == 4000 and reopened.ids()[0] == 2000
    _, ids = reopened.search(base[2000:2010], 1)
    assert ids[:, 0].tolist() == list(range(2000, 2010))


def test_parameters_are_checked_by_name_and_type() -> None:
    with pytest.raises(IndexError_, match=r"unknown ivfpq index parameter.*nprobes.*known: .*nprobe"):
        check_params("ivfpq", {"nprobes": 8})
    with pytest.raises(IndexError_, match="rerank must be a int"):
        check_params("ivfpq", {"rerank": "many"})
    with pytest.raises(IndexError_, match="unknown faiss index parameter"):
        check_params("faiss", {"nprobe": 8})
    with pytest.raises(IndexError_, match="Milvus index_type 'HNSWX'"):
        check_params("milvus-lite", {"index_type": "hnswx"})
    check_params("milvus-lite", {"index_type": "hnsw", "M": 16, "ef": 64})
    check_params("faiss", {"ef_search": "128"})  # strings come from the command line


def test_a_collection_keeps_its_index_and_parameters(tmp_path: Path) -> None:
    coll = create_collection(tmp_path / "big", embedder="fake", index="ivfpq",
                             index_params={"nprobe": 12, "train_after": 300})
    assert isinstance(coll.index, IvfPqIndex) and coll.index.params.nprobe == 12
    coll.close()
    with open_collection(tmp_path / "big") as again:
        again.set_index_params({"rerank": 64, "nprobe": None})
        index = again.index
        assert isinstance(index, IvfPqIndex)
        assert (index.params.rerank, index.params.nprobe, index.params.train_after) == (64, 32, 300)
        with pytest.raises(IndexError_, match="unknown ivfpq"):
            again.set_index_params({"ef_search": 10})
        assert again.config.index_params == {"train_after": 300, "rerank": 64}
    with pytest.raises(IndexError_):
        create_collection(tmp_path / "bad", embedder="fake", index="faiss", index_params={"rerank": 5})
    assert not (tmp_path / "bad").exists()


@pytest.mark.milvus
def test_milvus_builds_the_index_type_a_collection_names(tmp_path: Path) -> None:
    pytest.importorskip("milvus_lite")
    index = open_index("milvus-lite", tmp_path, DIM, name="ivf", params={"index_type": "IVF_FLAT",
                                                                          "nlist": 16, "nprobe": 16})
    base = clustered(500, DIM, 10, 1.0, seed=3)
    index.add(np.arange(500), base)
    described = index._client.describe_index("ivf", "vector")  # type: ignore[attr-defined]
    assert described["index_type"] == "IVF_FLAT"
    _, ids = index.search(base[:20], 1)
    assert ids[:, 0].tolist() == list(range(20))
    index.close()


def test_a_compaction_cut_short_never_pairs_rows_with_the_wrong_ids(
    tmp_path: Path, data: tuple, monkeypatch: pytest.MonkeyPatch,
) -> None:
    base, _ = data
    index = _built(tmp_path, base, compact_fraction=0.3)
    index.save()

    def killed(_: IvfPqIndex) -> None:
        raise KeyboardInterrupt  # the process dies while the codes are encoded again

    monkeypatch.setattr(IvfPqIndex, "_encode_all", killed)
    with pytest.raises(KeyboardInterrupt):
        index.remove(np.arange(0, 2500))
    monkeypatch.undo()
    reopened = IvfPqIndex(DIM, tmp_path / "v.f16", index.params)
    assert len(reopened) == 3500
    np.testing.assert_allclose(reopened.get(np.array([4000, 5999])), base[[4000, 5999]], atol=1e-3)
    _, ids = reopened.search(base[4000:4010], 1)
    assert ids[:, 0].tolist() == list(range(4000, 4010))
    assert sorted(p.name for p in tmp_path.glob("v*.f16")) == [reopened.data_path.name]


def test_bad_values_are_refused_before_anything_is_stored(tmp_path: Path) -> None:
    for params, message in (({"nprobe": 0}, "nprobe"), ({"exact_fraction": float("nan")}, "number"),
                            ({"compact_fraction": 1.5}, "compact_fraction")):
        with pytest.raises(IndexError_, match=message):
            open_index("ivfpq", tmp_path, DIM, params=params)
    with pytest.raises(IndexError_, match="pq_m=7 must divide the vector dimension 64"):
        open_index("ivfpq", tmp_path, DIM, params={"pq_m": 7})
    assert not list(tmp_path.iterdir())
