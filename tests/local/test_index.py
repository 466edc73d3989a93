from __future__ import annotations

import numpy as np
import pytest

from local.conftest import SPECS, Built, build
from motifs import scene
from vitrine.errors import IndexError_
from vitrine.local.builder import IndexWriter, WriterOptions
from vitrine.local.features import Box, extract
from vitrine.local.index import open_local_index
from vitrine.local.segments import ImageEntry
from vitrine.local.store import MemoryStore


def close_to(region: tuple[float, ...] | Box, truth: Box | None, tol: float = 6.0) -> bool:
    assert truth is not None
    return bool(np.allclose(region, truth, atol=tol))


def test_box_query_finds_the_motif_elsewhere_with_its_region(built: Built) -> None:
    index = open_local_index(store=built.store)
    result = index.search(index.features_of(1), box=built.boxes[1], exclude=(1,))
    found = {h.image_id: h for h in result.hits}
    assert set(found) == {2, 3}  # scenes 4-6 do not hold the motif
    for image_id, hit in found.items():
        assert close_to(hit.region, built.boxes[image_id])
        assert len(hit.quad) == 4 and close_to(hit.quad[0], built.boxes[image_id][:2])
        assert hit.inliers >= 20
    assert [h.inliers for h in result.hits] == sorted((h.inliers for h in result.hits), reverse=True)


def test_own_image_comes_first_when_not_excluded(built: Built) -> None:
    index = open_local_index(store=built.store)
    result = index.search(index.features_of(2), box=built.boxes[2])
    assert result.hits[0].image_id == 2
    assert np.allclose(result.hits[0].transform, np.eye(3), atol=1e-3)


def test_uploaded_crop_is_found_with_the_right_region(built: Built) -> None:
    """A freshly extracted crop (features not from the index) is placed where it belongs."""
    index = open_local_index(store=built.store)
    x0, y0, x1, y1 = (round(v) for v in built.boxes[3] or ())
    crop = built.images[3].crop((x0 - 10, y0 - 10, x1 + 10, y1 + 10))
    result = index.search(extract(crop), k=5)
    assert result.hits[0].image_id == 3
    assert close_to(result.hits[0].region, (x0 - 10, y0 - 10, x1 + 10, y1 + 10), tol=8)


def test_verify_checks_only_the_given_images(built: Built) -> None:
    index = open_local_index(store=built.store)
    hits = index.verify(built.features[1], [2, 4, 5, 99], box=built.boxes[1])
    assert [h.image_id for h in hits] == [2]
    assert close_to(hits[0].region, built.boxes[2])
    homography = index.verify(built.features[1], [3], box=built.boxes[1], model="homography")
    assert homography and close_to(homography[0].region, built.boxes[3], tol=8)


def test_filters_restrict_results(built: Built) -> None:
    index = open_local_index(store=built.store)
    result = index.search(index.features_of(1), box=built.boxes[1], allowed=np.array([1, 3, 5]))
    assert {h.image_id for h in result.hits} == {1, 3}


def test_images_added_after_training_are_found_without_rebuild() -> None:
    built = build({k: v for k, v in SPECS.items() if k != 3})
    vocabulary_before = built.store.vocabulary
    segments_before = len(built.store.segments)
    writer = IndexWriter(built.store)
    assert writer.trained
    image, box = scene(3, SPECS[3])
    writer.add(ImageEntry(3, "sha3", None), extract(image))
    writer.flush()
    assert built.store.vocabulary is vocabulary_before
    assert len(built.store.segments) == segments_before + 1
    index = open_local_index(store=built.store)
    hits = index.search(index.features_of(1), box=built.boxes[1], exclude=(1,)).hits
    assert 3 in {h.image_id for h in hits}
    assert close_to(next(h for h in hits if h.image_id == 3).region, box)


def test_replaced_and_removed_images_are_tombstoned(built: Built) -> None:
    store = MemoryStore()
    store.save_vocabulary(built.store.vocabulary)  # type: ignore[arg-type]
    for segment in built.store.segments:
        store.append(segment)
    writer = IndexWriter(store, WriterOptions(max_segments=1))
    writer.remove([2])
    plain, _ = scene(3, None)  # image 3 changed: the motif is gone
    writer.add(ImageEntry(3, "sha3-new", None), extract(plain))
    writer.flush()
    index = open_local_index(store=store)
    assert 2 not in index and index.entries()[3].sha256 == "sha3-new"
    assert index.search(index.features_of(1), box=built.boxes[1], exclude=(1,)).hits == []
    assert writer.compact() and len(store.segments) == 1
    compacted = open_local_index(store=store)
    assert compacted.image_ids.tolist() == index.image_ids.tolist()
    assert compacted.feature_count == index.feature_count


def test_empty_store_is_refused() -> None:
    with pytest.raises(IndexError_, match="regions index"):
        open_local_index(store=MemoryStore())


def test_box_without_features_gives_no_hits(built: Built) -> None:
    index = open_local_index(store=built.store)
    result = index.search(index.features_of(1), box=(0, 0, 1, 1))
    assert result.hits == [] and result.candidates == []


def test_plain_bag_of_words_baseline_still_works(built: Built) -> None:
    from vitrine.local.index import LocalIndex

    assert built.store.vocabulary is not None
    plain = LocalIndex(built.store.vocabulary, built.store.segments, hamming=False)
    hits = plain.search(plain.features_of(1), box=built.boxes[1], exclude=(1,)).hits
    assert {h.image_id for h in hits} == {2, 3}


def test_the_vote_keeps_the_matches_that_agree_on_rotation_and_scale() -> None:
    from vitrine.local.index import consistent

    rng = np.random.default_rng(0)
    query = np.zeros((60, 4), np.float32)
    query[:, 2], query[:, 3] = 4.0, rng.uniform(0, 360, 60)
    stored = query.copy()
    stored[:20, 2] *= 2.0  # 20 agree: twice the scale, turned by 40 degrees
    stored[:20, 3] = (query[:20, 3] + 40) % 360
    stored[20:, 2] = query[20:, 2] * 2.0 ** rng.uniform(-4, 4, 40)  # 40 disagree at random
    stored[20:, 3] = rng.uniform(0, 360, 40)
    keep = consistent(query, stored)
    assert keep[:20].all() and keep[20:].mean() < 0.35


def test_inside_quad_and_the_posting_budget(built: Built) -> None:
    from vitrine.local.index import inside_quad

    quad = np.array([[0, 0], [10, 1], [9, 10], [1, 9]], np.float64)
    points = np.array([[5, 5], [-1, 5], [9.5, 9.9], [5, 1.0]], np.float32)
    assert inside_quad(points, quad).tolist() == [True, False, False, True]
    assert inside_quad(points, quad[::-1]).tolist() == [True, False, False, True]
    index = open_local_index(store=built.store)
    some = next(iter(index.entries()))
    q = index.features_of(some)
    assert index._rarest(q, 10**9) is q
    few = index._rarest(q, 50)
    lengths = index._word_start[few.words + 1] - index._word_start[few.words]
    assert 0 < len(few) < len(q) and int(lengths.sum()) <= 50
