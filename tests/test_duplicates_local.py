"""Duplicate candidates from the local-feature index: the crops and bordered copies k-NN misses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from duplicate_images import picture, write_pictures
from vitrine.collection import Collection, create_collection
from vitrine.duplicates.find import duplicates_of, find_duplicates, load_report
from vitrine.duplicates.report import DuplicateReport
from vitrine.duplicates.words import local_index_of, word_pairs
from vitrine.indexing import index_collection
from vitrine.local.builder import WriterOptions
from vitrine.recordcheck.blocking import image_candidates
from vitrine.records import ImageRef, Record
from vitrine.regions.search import index_regions

WRITER = WriterOptions(train_images=4, words=64)


def hard_copies(folder: Path) -> dict[str, tuple[int, Image.Image]]:
    """A 45%-area crop of work 4 and work 5 inside a border as wide as a third of its side."""
    w, h = picture(4).size
    crop = picture(4).crop((w // 3, h // 3, w // 3 + w * 67 // 100, h // 3 + h * 67 // 100))
    original = picture(5)
    pad = original.width // 3
    framed = Image.new("RGB", (original.width + 2 * pad, original.height + 2 * pad), (250, 250, 250))
    framed.paste(original, (pad, pad))
    return {"copy-bigcrop": (4, crop), "copy-border": (5, framed)}


def build(root: Path) -> Collection:
    collection = create_collection(root / "coll", embedder="classic", index="memory", title="Hard copies")
    for record in write_pictures(root / "pictures", works=10, planted=False):
        collection.catalog.upsert(record)
    for identifier, (_, image) in hard_copies(root / "pictures").items():
        path = root / "pictures" / f"{identifier}.png"
        image.save(path)
        collection.catalog.upsert(Record(identifier=identifier, title=identifier,
                                         images=[ImageRef(location=str(path))]))
    index_collection(collection, workers=1)
    return collection


@pytest.fixture(scope="module")
def hard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collection]:
    collection = build(tmp_path_factory.mktemp("hard"))
    yield collection
    collection.close()


@pytest.fixture(scope="module")
def hard_local(hard: Collection) -> Collection:
    report = index_regions(hard, workers=1, writer_options=WRITER)
    assert report.failed == 0 and report.images == 12
    return hard


def _groups(report: DuplicateReport) -> list[set[str]]:
    return [{m.identifier for m in g.members} for g in report.groups]


EXPECTED = [{"work04", "copy-bigcrop"}, {"work05", "copy-border"}]


def test_without_a_local_index_the_knn_finder_misses_them_as_before(hard: Collection) -> None:
    assert local_index_of(hard) is None
    report = find_duplicates(hard, save=False)
    assert report.local_candidates is None  # said in the report: k-NN candidates only
    assert not any(group in _groups(report) for group in EXPECTED)
    assert _groups(report) == _groups(find_duplicates(hard, save=False, local=False))


def test_local_candidates_find_the_crop_and_the_bordered_copy(hard_local: Collection) -> None:
    report = find_duplicates(hard_local, save=False)
    groups = _groups(report)
    assert all(group in groups for group in EXPECTED), groups
    assert len(groups) == 2  # and no unrelated work joins them
    assert report.local_candidates is not None and report.local_candidates >= 2
    kinds = {frozenset(m.identifier for m in g.members): g.kind for g in report.groups}
    assert kinds[frozenset(EXPECTED[0])] == "crop"
    near = [p for g in report.groups for p in g.pairs]
    assert all(p.inliers is not None and p.inliers >= 10 for p in near)  # the usual check ran


def test_local_false_keeps_the_knn_finder(hard_local: Collection) -> None:
    report = find_duplicates(hard_local, save=False, local=False)
    assert report.local_candidates is None
    assert not any(group in _groups(report) for group in EXPECTED)


def test_word_pairs_are_verified_and_scored_by_cosine(hard_local: Collection) -> None:
    local = local_index_of(hard_local)
    assert local is not None
    ids = hard_local.catalog.embedded_image_ids(hard_local.vectors_key or "")
    pairs, scores = word_pairs(local, hard_local.index, ids, per_image=3)
    assert len(pairs) == len(scores) >= 2 and np.all(pairs[:, 0] < pairs[:, 1])
    assert np.all(np.diff(scores) <= 0) and np.all(scores <= 1.0001)
    vectors = hard_local.index.get(pairs[:1].ravel())
    assert scores[0] == pytest.approx(float(vectors[0] @ vectors[1]), abs=1e-4)
    none, _ = word_pairs(local, hard_local.index, ids, per_image=3, min_inliers=10_000)
    assert len(none) == 0  # nothing unverified becomes a candidate


def test_saved_report_stays_readable_by_the_records_agent(hard_local: Collection) -> None:
    report = find_duplicates(hard_local)
    saved = json.loads((hard_local.root / "duplicates.json").read_text())
    assert saved["format"] == 1 and saved["local_candidates"] == report.local_candidates
    assert set(saved["groups"][0]["pairs"][0]) == {"a", "b", "score", "kind", "inliers"}
    old = {k: v for k, v in saved.items() if k != "local_candidates"}  # a report made before
    assert DuplicateReport.from_dict(old).local_candidates is None
    loaded = load_report(hard_local)
    assert loaded is not None and _groups(loaded) == _groups(report)
    pairs = image_candidates(hard_local)
    owner = {r: hard_local.catalog.record_id(r) for r in ("work04", "copy-bigcrop")}
    assert tuple(sorted(owner.values())) in pairs



def test_verify_stored_agrees_with_the_inverted_file_verification(hard_local: Collection) -> None:
    local = local_index_of(hard_local)
    assert local is not None
    ids = [int(i) for i in local.image_ids]
    for image_id in ids:
        others = [i for i in ids if i != image_id]
        direct = {h.image_id: h.inliers for h in local.verify_stored(image_id, others)}
        through = {h.image_id: h.inliers for h in local.verify(local.features_of(image_id), others)}
        assert direct.keys() == through.keys()
        assert all(abs(direct[i] - through[i]) <= 2 for i in direct)  # RANSAC, same matches


def test_one_records_duplicates_take_local_candidates_too(hard_local: Collection) -> None:
    matches = {m.identifier: m for m in duplicates_of(hard_local, "work04")}
    assert "copy-bigcrop" in matches, matches
    crop = matches["copy-bigcrop"]
    assert crop.by_words and crop.kind == "crop" and crop.inliers is not None and crop.inliers >= 10
    assert "work05" in {m.identifier for m in duplicates_of(hard_local, "copy-border")}
    assert "copy-bigcrop" not in {m.identifier for m in duplicates_of(hard_local, "work04", local=False)}
    assert {m.identifier for m in duplicates_of(hard_local, "work07")} == set()  # nothing unrelated joins


def test_the_web_pages_say_where_candidates_came_from(hard_local: Collection, tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from vitrine.settings import Settings
    from vitrine.web import create_app

    find_duplicates(hard_local)
    app = create_app(Settings(data_dir=tmp_path), hard_local.root)
    with TestClient(app, raise_server_exceptions=False) as client:
        body = client.get("/api/records/work04/duplicates").json()
        assert [m["by_words"] for m in body["matches"] if m["identifier"] == "copy-bigcrop"] == [True]
        page = client.get("/duplicates", params={"record": "work04"}).text
        assert "copy-bigcrop" in page and "found by local features" in page
        report = client.get("/api/duplicates").json()
        assert report["local_candidates"] is not None and report["local_candidates"] >= 2
        assert "more pairs from the local-feature index" in client.get("/duplicates").text
