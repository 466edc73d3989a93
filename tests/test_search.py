"""Search use-cases on a small indexed collection (fake embedder, memory index)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from conftest import draw_image
from vitrine.collection import open_collection
from vitrine.embedders.fake import FakeEmbedder
from vitrine.errors import CollectionError, EmbedderMismatch, RecordNotFound, SearchError
from vitrine.records import Filters
from vitrine.search import core as search


def test_image_search_finds_the_record_of_the_same_image_first(fake_collection: Any) -> None:
    page = search.search_by_image(fake_collection, draw_image(5))
    assert page.kind == "image"
    assert page.hits[0].identifier == "r05"
    assert page.hits[0].score == pytest.approx(1.0, abs=1e-4)
    assert page.hits[0].matched_by == ("image",)
    assert not page.no_good_match
    scores = [h.score for h in page.hits]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_image_hits_are_records_with_their_best_image(fake_collection: Any) -> None:
    page = search.search_by_image(fake_collection, draw_image(1000))  # record 0's second image
    assert page.hits[0].identifier == "r00"
    back = [i for i in fake_collection.catalog.images_of("r00") if i.location.endswith("back.png")]
    assert page.hits[0].image_id == back[0].id
    identifiers = [h.identifier for h in page.hits]
    assert len(identifiers) == len(set(identifiers)) == 12


def test_filters_restrict_visual_search(fake_collection: Any) -> None:
    page = search.search_by_image(fake_collection, draw_image(5), filters=Filters(object_type="print"))
    assert page.hits and all(int(h.identifier[1:]) % 2 == 0 for h in page.hits)
    assert "r05" not in [h.identifier for h in page.hits]
    page = search.search_by_image(fake_collection, draw_image(5), filters=Filters(fields={"museum": "South"}))
    assert {h.identifier for h in page.hits} == {f"r{i:02d}" for i in range(6, 12)}


def test_filters_that_match_nothing_give_an_empty_page(fake_collection: Any) -> None:
    page = search.search_by_image(fake_collection, draw_image(5), filters=Filters(year_from=3000))
    assert page.hits == [] and page.total == 0 and page.no_good_match


def test_pagination_covers_every_result_once(fake_collection: Any) -> None:
    seen = []
    for number in (1, 2, 3):
        page = search.search_by_image(fake_collection, draw_image(3), page=number, per_page=5)
        assert page.total == 12 and page.pages == 3
        seen += [h.identifier for h in page.hits]
    assert len(seen) == len(set(seen)) == 12
    assert search.search_by_image(fake_collection, draw_image(3), page=4, per_page=5).hits == []
    assert len(search.search_by_image(fake_collection, draw_image(3), max_results=4).hits) == 4


@pytest.mark.parametrize(("page", "per_page"), [(0, 10), (1, 0), (1, 201), (-1, 5)])
def test_bad_pages_are_refused(fake_collection: Any, page: int, per_page: int) -> None:
    with pytest.raises(SearchError):
        search.search_by_image(fake_collection, draw_image(1), page=page, per_page=per_page)


def test_cutoff_says_nothing_matched_well(fake_collection: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FakeEmbedder, "calibration", replace(FakeEmbedder.calibration, match=0.999))
    assert not search.search_by_image(fake_collection, draw_image(4)).no_good_match
    unlike = search.search_by_image(fake_collection, draw_image(777))
    assert unlike.no_good_match and unlike.hits  # results are still given, flagged


def test_collection_override_of_the_cutoff(fake_collection: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fake_collection.config, "match_threshold", 1.01)
    assert search.search_by_image(fake_collection, draw_image(4)).no_good_match


def test_query_embedder_must_match_the_vectors(fake_collection: Any) -> None:
    fake_collection.catalog.set_meta("vectors_embedder", "clip/ViT-B-32/512")
    with pytest.raises(EmbedderMismatch, match="re-embed"):
        search.search_by_image(fake_collection, draw_image(1))
    with pytest.raises(EmbedderMismatch):
        search.search_by_record(fake_collection, "r01")


def test_more_like_this_excludes_the_record_itself(fake_collection: Any) -> None:
    page = search.search_by_record(fake_collection, "r03")
    assert page.kind == "record"
    assert "r03" not in [h.identifier for h in page.hits]
    assert page.total == 11
    # r00 has two images: its best image is used for each candidate
    assert search.search_by_record(fake_collection, "r00").total == 11


def test_more_like_this_ranks_a_copy_first(fake_collection: Any, tmp_path: Path) -> None:
    from vitrine.indexing import index_collection
    from vitrine.records import ImageRef, Record

    copy = tmp_path / "copy.png"
    draw_image(7).save(copy)
    fake_collection.catalog.upsert(Record(identifier="copy7", title="Copy", images=[ImageRef(str(copy))]))
    index_collection(fake_collection, workers=1)
    assert search.search_by_record(fake_collection, "r07").hits[0].identifier == "copy7"


def test_more_like_this_of_unknown_or_unindexed_records(fake_collection: Any) -> None:
    from vitrine.records import Record

    with pytest.raises(RecordNotFound):
        search.search_by_record(fake_collection, "nope")
    fake_collection.catalog.upsert(Record(identifier="bare", title="No image"))
    with pytest.raises(SearchError, match="no indexed image"):
        search.search_by_record(fake_collection, "bare")


def test_fulltext_search(fake_collection: Any) -> None:
    page = search.search_by_text(fake_collection, "portrait", mode="fulltext")
    assert page.kind == "text"
    assert {h.identifier for h in page.hits} == {"r01", "r05", "r10"}
    assert page.hits[0].score == 1.0 and all(0 < h.score <= 1 for h in page.hits)
    assert all(h.matched_by == ("fulltext",) for h in page.hits)
    assert not page.no_good_match


def test_fulltext_with_filters_and_no_match(fake_collection: Any) -> None:
    page = search.search_by_text(fake_collection, "portrait", mode="fulltext",
                                 filters=Filters(creator="anna"))
    assert {h.identifier for h in page.hits} == {"r01", "r05"}
    empty = search.search_by_text(fake_collection, "zeppelin", mode="fulltext")
    assert empty.hits == [] and empty.no_good_match


def test_hybrid_puts_records_matched_both_ways_first(fake_collection: Any) -> None:
    page = search.search_by_text(fake_collection, "landscape")
    assert page.total == 12  # the semantic channel ranks every record
    top = page.hits[0]
    assert top.identifier in {"r04", "r08"}
    assert set(top.matched_by) == {"fulltext", "semantic"}
    assert {h.identifier for h in page.hits[:2]} == {"r04", "r08"}
    assert all(0 < h.score <= 1 for h in page.hits)
    assert not page.no_good_match


def test_hybrid_without_fulltext_match_is_flagged(fake_collection: Any) -> None:
    page = search.search_by_text(fake_collection, "zeppelin")
    assert page.hits and page.no_good_match


def test_semantic_mode(fake_collection: Any) -> None:
    page = search.search_by_text(fake_collection, "anything at all", mode="semantic")
    assert page.total == 12 and all(h.matched_by == ("semantic",) for h in page.hits)


def test_text_search_without_text_tower_is_fulltext_only(
    fake_collection: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(FakeEmbedder, "has_text", False)
    page = search.search_by_text(fake_collection, "landscape")
    assert {h.identifier for h in page.hits} == {"r04", "r08"}
    with pytest.raises(SearchError, match="no text tower"):
        search.search_by_text(fake_collection, "landscape", mode="semantic")


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_text_is_refused(fake_collection: Any, text: str) -> None:
    with pytest.raises(SearchError, match="empty"):
        search.search_by_text(fake_collection, text)


def test_browse_and_facets(fake_collection: Any) -> None:
    page = search.browse(fake_collection, filters=Filters(object_type="painting"), per_page=4)
    assert page.kind == "browse" and page.total == 6 and len(page.hits) == 4
    everything = search.browse(fake_collection, per_page=50)
    assert [h.identifier for h in everything.hits] == [f"r{i:02d}" for i in range(12)]
    found = search.facets(fake_collection)
    assert dict(found["object_type"]) == {"painting": 6, "print": 6}
    assert dict(found["creator"])["Anna Painter"] == 6
    assert dict(found["source"]) == {"test": 12}
    assert sum(n for _, n in found["century"]) == 12
    narrowed = search.facets(fake_collection, Filters(object_type="print"), fields=("creator",))
    assert "Anna Painter" not in dict(narrowed["creator"])


def test_orphan_vectors_are_ignored(fake_collection: Any) -> None:
    vector = fake_collection.embedder.embed_image(draw_image(5))
    fake_collection.index.add(np.asarray([99999], np.int64), vector[None, :])
    page = search.search_by_image(fake_collection, draw_image(5))
    assert page.hits[0].identifier == "r05" and page.total == 12


def test_the_collection_cutoff_is_saved_and_changes_no_good_match(fake_collection: Any) -> None:
    unlike = draw_image(777)
    assert fake_collection.embedder.calibration.match is None  # the fake embedder is uncalibrated
    assert not search.search_by_image(fake_collection, unlike).no_good_match
    fake_collection.set_match_threshold(0.999)
    assert search.search_by_image(fake_collection, unlike).no_good_match
    assert not search.search_by_image(fake_collection, draw_image(4)).no_good_match  # r04 is in it
    assert open_collection(fake_collection.root).config.match_threshold == 0.999
    with pytest.raises(CollectionError, match="between -1 and 1"):
        fake_collection.set_match_threshold(float("nan"))


def test_a_collection_file_without_the_cutoff_still_opens(fake_collection: Any) -> None:
    path = fake_collection.root / "collection.json"
    old = {k: v for k, v in json.loads(path.read_text()).items() if k != "match_threshold"}
    path.write_text(json.dumps(old))
    with open_collection(fake_collection.root) as reopened:
        assert reopened.config.match_threshold is None
        assert search.match_threshold(reopened) is None


def test_a_year_filter_out_of_range_is_refused_clearly() -> None:
    from vitrine.errors import SearchError
    from vitrine.records import Filters

    with pytest.raises(SearchError, match="year_from must be a year between -100000 and 100000"):
        Filters(year_from=10**22)
    assert Filters(year_from=-3000, year_to=2100).year_to == 2100
