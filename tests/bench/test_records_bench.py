"""The records bench's Tate measures on records made here: planted same-work pairs and inconsistencies."""

from __future__ import annotations

from vitrine.bench.records import planted_inconsistencies, tate_copy, tate_same_work
from vitrine.records import Record

NAMES = ["Anna Maria Schmidt", "John Constable", "Mary Beale", "Thomas Gainsborough", "Paul Nash"]
WORDS = ["river", "mill", "harbour", "castle", "storm", "garden", "bridge", "evening", "moor", "abbey",
         "orchard", "lighthouse", "meadow", "quarry", "chapel", "ferry"]


def _records(n: int = 240) -> list[Record]:
    out = []
    for i in range(n):
        title = f"The {WORDS[i % 16].title()} at {WORDS[(i * 7 + 3) % 16].title()} {WORDS[(i // 16) % 16]}"
        year = 1800 + i % 90
        out.append(Record(identifier=f"T{i:05d}", title=title, creators=[NAMES[i % 5]], date_text=str(year),
                          year_min=year, year_max=year, dimensions=f"support: {300 + i} x {200 + i % 50} mm"))
    return out


def test_a_planted_second_record_is_what_the_agent_proposes() -> None:
    records = _records()
    out = tate_same_work(records, share=0.05, seed=1)
    assert out["planted"] >= 8
    low, high = out["cutoffs"][0], out["cutoffs"][-1]
    assert low["recall"] >= 0.75 and 0 < low["planted_found"] <= low["proposed"]
    assert high["precision"] >= low["precision"] and high["proposed"] <= low["proposed"]


def test_a_copy_changes_one_thing_or_none() -> None:
    import random

    record = _records(1)[0]
    rng = random.Random(0)
    dropped = tate_copy(record, "title_word", rng)
    assert dropped is not None and len((dropped.title or "").split()) == len((record.title or "").split()) - 1
    initials = tate_copy(record, "maker_initials", rng)
    assert initials is not None and initials.creators == ["A. M. Schmidt"]
    assert tate_copy(Record(identifier="x", title="Sky"), "title_word", rng) is None


def test_planted_inconsistencies_are_flagged_and_the_control_is_not() -> None:
    out = planted_inconsistencies(_records(), planted=60, seed=2)
    assert out["by_kind"]["date"]["flagged"] == out["by_kind"]["date"]["planted"] == 60
    assert out["by_kind"]["right_inches"]["planted"] > 0 and out["by_kind"]["right_inches"]["flagged"] == 0
    assert out["by_kind"]["wrong_inches"]["flagged"] == out["by_kind"]["wrong_inches"]["planted"] > 0
    assert out["recall"] == 1.0 and out["precision"] == 1.0
