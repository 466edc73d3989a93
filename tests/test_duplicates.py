"""Near-duplicate groups: planted copies found, distinct works apart, checksums, the saved report."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from duplicate_images import PLANTED, build_collection, picture
from vitrine.duplicates.find import (
    DuplicatesError,
    duplicates_of,
    find_duplicates,
    knn_pairs,
    load_report,
    stale_reason,
)
from vitrine.duplicates.report import report_path
from vitrine.errors import RecordNotFound
from vitrine.index.memory import MemoryIndex
from vitrine.records import ImageRef, Record


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """10 distinct works and 4 planted copies (exact, JPEG 25, rescan, crop), classic embedder."""
    collection = build_collection(tmp_path_factory.mktemp("dups"))
    yield collection
    collection.close()


def _groups(report: Any) -> list[set[str]]:
    return [{m.identifier for m in g.members} for g in report.groups]


def test_planted_copies_are_grouped_with_their_originals(planted: Any) -> None:
    report = find_duplicates(planted, save=False)
    groups = _groups(report)
    for copy, (seed, _) in PLANTED.items():
        assert {f"work{seed:02d}", copy} in groups, (copy, groups)
    assert len(groups) == len(PLANTED)  # and nothing else: the ten works are all different


def test_kinds_exact_near_and_crop(planted: Any) -> None:
    kinds = {frozenset(m.identifier for m in g.members): g.kind
             for g in find_duplicates(planted, save=False).groups}
    assert kinds[frozenset({"work00", "copy-exact"})] == "exact"
    assert kinds[frozenset({"work01", "copy-jpeg"})] == "near"
    assert kinds[frozenset({"work03", "copy-crop"})] == "crop"


def test_the_check_confirms_pairs_with_local_features(planted: Any) -> None:
    report = find_duplicates(planted, save=False)
    near = [p for g in report.groups for p in g.pairs if p.kind != "exact"]
    assert near and all(p.inliers is not None and p.inliers >= 10 for p in near)


def test_without_the_check_a_low_threshold_groups_unrelated_works(planted: Any) -> None:
    loose = find_duplicates(planted, threshold=-1.0, sure=-1.0, verify=False, save=False)
    assert max(len(g) for g in _groups(loose)) > 2  # everything chains together
    checked = find_duplicates(planted, threshold=-1.0, sure=1.0, save=False)
    assert all(len(g) == 2 for g in _groups(checked))  # the local-feature check keeps them apart


def test_exact_copies_are_found_by_checksum_whatever_the_threshold(planted: Any) -> None:
    report = find_duplicates(planted, threshold=1.0, sure=1.0, verify=False, save=False)
    assert _groups(report) == [{"work00", "copy-exact"}]
    assert report.groups[0].pairs[0].score == 1.0


def test_distinct_images_are_not_grouped(tmp_path: Path) -> None:
    collection = build_collection(tmp_path, works=8, planted=False)
    try:
        report = find_duplicates(collection)
        assert report.groups == [] and report.images == 8
    finally:
        collection.close()


def test_duplicates_of_one_record(planted: Any) -> None:
    matches = duplicates_of(planted, "work01")
    assert [m.identifier for m in matches] == ["copy-jpeg"]
    assert matches[0].score > 0.9 and matches[0].title == "Copy of work 1 (jpeg)"
    exact = duplicates_of(planted, "copy-exact")
    assert [(m.identifier, m.kind, m.score) for m in exact] == [("work00", "exact", 1.0)]
    assert duplicates_of(planted, "work07") == []


def test_duplicates_of_refuses_unknown_records_and_bad_settings(planted: Any) -> None:
    with pytest.raises(RecordNotFound):
        duplicates_of(planted, "no-such-record")
    with pytest.raises(DuplicatesError, match="between -1 and 1"):
        duplicates_of(planted, "work01", threshold=7)
    with pytest.raises(DuplicatesError, match="between -1 and 1"):
        find_duplicates(planted, threshold=float("nan"), save=False)
    with pytest.raises(DuplicatesError, match="k"):
        find_duplicates(planted, k=0, save=False)


# -- the saved report -------------------------------------------------------------------------


def test_report_is_saved_stamped_and_goes_stale(tmp_path: Path) -> None:
    collection = build_collection(tmp_path, works=4)
    try:
        assert load_report(collection) is None
        report = find_duplicates(collection)
        saved = load_report(collection)
        assert saved is not None and _groups(saved) == _groups(report)
        assert saved.embedder == collection.vectors_key and saved.images == 8
        assert stale_reason(collection, saved) is None
        assert [p.name for p in collection.root.iterdir() if p.name.endswith(".tmp")] == []
        _add_work(collection, tmp_path, 99)
        assert stale_reason(collection, saved) is None  # not indexed yet: vectors unchanged
        from vitrine.indexing import index_collection

        index_collection(collection, workers=1)
        assert "9 indexed images" in (stale_reason(collection, saved) or "")
        find_duplicates(collection)  # re-run: fresh again
        assert stale_reason(collection, load_report(collection)) is None  # type: ignore[arg-type]
    finally:
        collection.close()


def test_a_damaged_report_gives_a_clear_error(tmp_path: Path) -> None:
    collection = build_collection(tmp_path, works=2, planted=False)
    try:
        report_path(collection).write_text("{not json")
        with pytest.raises(DuplicatesError, match="duplicates find"):
            load_report(collection)
        report_path(collection).write_text(json.dumps({"format": 99, "groups": []}))
        with pytest.raises(DuplicatesError, match="unknown format"):
            load_report(collection)
    finally:
        collection.close()


def test_empty_collection_gives_an_empty_report(tmp_path: Path) -> None:
    from vitrine.collection import create_collection

    collection = create_collection(tmp_path / "empty", embedder="classic", index="memory")
    try:
        report = find_duplicates(collection)
        assert report.groups == [] and report.images == 0
    finally:
        collection.close()


def test_unindexed_collection_is_refused_with_the_command_to_run(tmp_path: Path) -> None:
    collection = build_collection(tmp_path, works=3, index=False)
    try:
        with pytest.raises(DuplicatesError, match="vitrine index"):
            find_duplicates(collection)
        with pytest.raises(DuplicatesError, match="no indexed image"):
            duplicates_of(collection, "work01")
    finally:
        collection.close()


def test_missing_thumbnails_fall_back_to_the_sure_cutoff(tmp_path: Path) -> None:
    collection = build_collection(tmp_path, works=3)
    try:
        for thumb in collection.thumbnails_dir.rglob("*.jpg"):
            thumb.unlink()
        groups = _groups(find_duplicates(collection, save=False))
        assert {"work00", "copy-exact"} in groups and {"work01", "copy-jpeg"} in groups  # cosine >= sure
        assert {"work02", "copy-rescan"} not in groups  # below sure and nothing to check it with
    finally:
        collection.close()


# -- the k-NN stage -----------------------------------------------------------------------------


def test_knn_pairs_lists_each_pair_once_best_first(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    base = rng.standard_normal((50, 16)).astype(np.float32)
    base[10] = base[3] + 0.05 * rng.standard_normal(16).astype(np.float32)
    base[20] = base[3] + 0.10 * rng.standard_normal(16).astype(np.float32)
    base /= np.linalg.norm(base, axis=1, keepdims=True)
    index = MemoryIndex(16, tmp_path / "v.npz")
    ids = np.arange(100, 150, dtype=np.int64)
    index.add(ids, base)
    pairs, scores = knn_pairs(index, ids, k=3, threshold=0.95, batch=7)
    assert {tuple(p) for p in pairs.tolist()} == {(103, 110), (103, 120), (110, 120)}
    assert list(scores) == sorted(scores, reverse=True) and scores.min() >= 0.95


def test_same_record_images_are_not_duplicates_unless_asked(tmp_path: Path) -> None:
    from vitrine.collection import create_collection
    from vitrine.indexing import index_collection

    collection = create_collection(tmp_path / "c", embedder="classic", index="memory")
    try:
        a, b = tmp_path / "a.png", tmp_path / "b.jpg"
        picture(5).save(a)
        picture(5).save(b, quality=40)
        collection.catalog.upsert(Record("two-sides", images=[ImageRef(str(a)), ImageRef(str(b))]))
        index_collection(collection, workers=1)
        assert find_duplicates(collection, save=False).groups == []
        assert len(find_duplicates(collection, save=False, same_record=True).groups) == 1
    finally:
        collection.close()


def _add_work(collection: Any, folder: Path, seed: int) -> None:
    path = folder / f"extra{seed}.png"
    picture(seed).save(path)
    collection.catalog.upsert(Record(f"extra{seed}", title="Extra", images=[ImageRef(str(path))]))
