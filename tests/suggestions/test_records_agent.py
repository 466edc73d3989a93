"""The records agent: same-work pairs by blocking (never all pairs), their scores, maker variants,
self-contradictions, and the agent as a job storing duplicate and inconsistency suggestions."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.collection import create_collection
from vitrine.recordcheck import blocking
from vitrine.recordcheck.checks import check_record
from vitrine.recordcheck.features import dimensions_cm, features_of, maker_name
from vitrine.recordcheck.find import maker_variants, same_work_pairs
from vitrine.recordcheck.makers import same_maker
from vitrine.recordcheck.score import score_pair
from vitrine.records import Record
from vitrine.suggestions.run import run_agent


def rec(identifier: str, title: str, maker: str, date: str = "1642", dims: str = "363 x 437 cm",
        **kw: object) -> Record:
    return Record(identifier=identifier, title=title, creators=[maker], date_text=date, dimensions=dims,
                  **kw)  # type: ignore[arg-type]


WATCH = rec("a1", "The Night Watch", "Rembrandt van Rijn")
WATCH_AGAIN = rec("b7", "Night Watch, The", "Rijn, Rembrandt van", dims="363.0 x 437.0 cm")


def filler(n: int) -> list[Record]:
    words = ["river", "harbour", "mill", "church", "storm", "garden", "bridge", "tower", "orchard", "dune"]
    places = ["Delft", "Haarlem", "Leiden", "Utrecht", "Gouda", "Breda", "Hoorn", "Alkmaar", "Zwolle",
              "Venlo"]
    seasons = ["spring", "summer", "autumn", "winter"]
    return [rec(f"f{i}", f"{words[i % 10]} near {places[(i // 10) % 10]} in {seasons[i // 100]}",
                f"Jan {['Hals', 'Steen', 'Vermeer', 'Cuyp', 'Dou', 'Potter', 'Metsu'][i % 7]}",
                str(1600 + i % 200)) for i in range(n)]


def test_blocking_finds_planted_duplicates_without_all_pairs() -> None:
    records = [*filler(400), WATCH, WATCH_AGAIN]
    features = [features_of(i, r) for i, r in enumerate(records)]
    pairs = blocking.text_candidates(features)
    assert (400, 401) in {tuple(p) for p in pairs.tolist()}
    assert len(pairs) < len(records) * (len(records) - 1) // 2 / 10


def test_a_key_held_by_too_many_records_makes_no_block() -> None:
    same = [features_of(i, rec(f"x{i}", "Landscape river", "Jan Kunst")) for i in range(60)]
    assert blocking.text_candidates(same, max_block=50).shape == (0, 2)
    assert len(blocking.text_candidates(same[:10], max_block=50)) == 45


def test_image_links_become_record_pairs_and_a_records_own_images_do_not() -> None:
    owners = {1: 10, 2: 10, 3: 11}
    assert blocking.record_pairs([(1, 2, 0.99), (2, 3, 0.8), (1, 3, 0.9)], owners) == {(10, 11): 0.9}


def test_the_same_work_scores_high_and_a_series_piece_lower() -> None:
    same = score_pair(features_of(1, WATCH), features_of(2, WATCH_AGAIN))
    assert same.similarity > 0.95 and same.maker == 1.0 and same.dimensions == 1.0
    other = rec("c", "The Night Watch (left wing)", "Rembrandt van Rijn", dims="120 x 80 cm")
    assert score_pair(features_of(1, WATCH), features_of(3, other)).similarity < 0.75
    assert "title agree" in same.reason()


def test_image_agreement_lifts_a_pair_whose_titles_differ() -> None:
    a = rec("x", "Allegory of Charity", "Francesco de Mura", "c. 1743", "139.5 x 134.6 cm")
    b = rec("y", "Charity", "Francesco de Mura", "1743", "139.5 x 134.6 cm")
    text_only = score_pair(features_of(1, a), features_of(2, b)).similarity
    with_image = score_pair(features_of(1, a), features_of(2, b), cosine=0.99).similarity
    assert with_image >= 0.85 > 0.6 > text_only


def test_names_and_dimensions_are_read() -> None:
    assert maker_name("Rijn, Rembrandt van") == "rembrandt van rijn"
    assert maker_name("Unknown artist") == ""
    assert dimensions_cm(Record("x", dimensions="support: 331 x 206 mm")) == (33.1, 20.6)
    assert dimensions_cm(Record("x", extra={"height_cm": "50", "width_cm": "70"})) == (70.0, 50.0)


@pytest.mark.parametrize(("x", "y", "same"), [
    ("Rembrandt van Rijn", "Rembrandt Harmensz. van Rijn", True),
    ("Joseph Mallord William Turner", "J. M. W. Turner", True),
    ("Thomas Gainsborough", "Thomas Gainsbrough", True),
    ("Anthony Benjamin", "Anthony Bejnamin", True),
    ("George Dance", "George Lance", False),
    ("Filippo Lippi", "Filippino Lippi", False),
    ("Louis Hersent", "Louise Hersent", False),
    ("Rembrandt", "Rembrandt van Rijn", False),
])
def test_maker_variants(x: str, y: str, same: bool) -> None:
    assert same_maker(maker_name(x), maker_name(y)) is same


def test_variant_spellings_cluster_and_makers_of_other_times_do_not() -> None:
    records = {1: rec("1", "A", "Rembrandt van Rijn"), 2: rec("2", "B", "Rembrandt van Rijn"),
               3: rec("3", "C", "Rembrandt Harmensz. van Rijn"),
               4: rec("4", "D", "John Smith", "1700"), 5: rec("5", "E", "John Raphael Smith", "1790")}
    clusters = maker_variants(records)
    assert [(c.preferred, c.variants) for c in clusters] == [
        ("Rembrandt van Rijn", ("Rembrandt Harmensz. van Rijn",))]


def test_self_contradictions_are_found_and_agreeing_records_left_alone() -> None:
    wrong = Record("w", date_text="1909–10", year_min=1909, year_max=1919,
                   dimensions="65 x 54 cm (30 x 21 in)")
    assert [i.fields for i in check_record(wrong)] == [("date_text", "year_min", "year_max"), ("dimensions",)]
    assert check_record(Record("m", dimensions="support: 331 x 20 cm; frame 400 x 300 mm"))[0].fields == (
        "dimensions",)
    right = Record("r", date_text="c. 1642", dimensions="65 x 54 cm (25 5/8 x 21 1/4 in)")
    printed = Record("p", date_text="1960, printed 1976", year_min=1960, year_max=1976)
    assert check_record(right) == [] and check_record(printed) == []


def test_nothing_is_proposed_where_records_agree_and_differ() -> None:
    assert same_work_pairs(dict(enumerate(filler(100)))) == []


def test_the_agent_as_a_job_stores_duplicate_and_inconsistency_suggestions(tmp_path: Path) -> None:
    collection = create_collection(tmp_path / "c", embedder="fake", index="memory")
    try:
        for record in [*filler(30), WATCH, WATCH_AGAIN, rec("v1", "Syndics", "Rembrandt Harmensz. van Rijn"),
                       rec("j", "Jewish Bride", "Rembrandt van Rijn", "1665", "121 x 166 cm"),
                       Record("bad", title="Bad date", date_text="1909–10", year_min=1909, year_max=1919)]:
            collection.catalog.upsert(record)
        job = run_agent(collection, "records")
        assert job.state == "done" and job.failed == 0
        found = collection.catalog.suggestions.find(SuggestionQuery(limit=100))
        by_kind = {(s.kind, s.identifier): s for s in found}
        duplicate = by_kind[("duplicate", "b7")]
        assert duplicate.value["identifier"] == "a1" and duplicate.score is not None and duplicate.score > 0.9
        assert ("inconsistency", "v1") in by_kind and ("inconsistency", "bad") in by_kind
        assert {s.identifier for s in found} == {"b7", "v1", "bad"}
        assert collection.catalog.get("b7").title == "Night Watch, The"  # nothing merged or changed
        assert run_agent(collection, "records").made == 0  # a second run of this version adds nothing
    finally:
        collection.close()


def test_candidates_are_scored_only_once() -> None:
    features = [features_of(i, r) for i, r in enumerate([WATCH, WATCH_AGAIN])]
    assert np.array_equal(blocking.text_candidates(features), np.array([[0, 1]]))
