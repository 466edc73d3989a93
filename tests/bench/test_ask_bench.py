"""The ask benchmark: answer sets computed from the criteria, and the held-out figures above a floor."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vitrine.bench import ask as bench

ROW = {"id": "a", "title": "Landscape with ruins", "artist": "Hubert Robert", "year": "1780",
       "museum": "Louvre", "medium": "oil paint"}


def test_criteria_are_all_required() -> None:
    assert bench.matches(ROW, {"artist": ["Hubert Robert"], "title": ["ruin"], "year_to": 1780})
    assert not bench.matches(ROW, {"artist": ["Hubert Robert"], "year_from": 1781})
    assert not bench.matches(ROW, {"title": ["scape"]})  # a title word matches from its start
    assert not bench.matches({**ROW, "year": ""}, {"year_to": 2000})


def test_an_unanswerable_question_with_an_answer_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    item = {"id": "u1", "lang": "en", "question": "ruins?", "truth": {"title": ["ruin"]}}
    path.write_text(json.dumps(item))
    with pytest.raises(SystemExit, match="meant to be unanswerable but 1 records match"):
        bench.load_questions(path, [ROW], "all")


@pytest.mark.shared
def test_held_out_questions_on_public_art(shared_dir: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    data = shared_dir / "data" / "public-art"
    out = tmp_path / "report.json"
    assert bench.main(["--data", str(data), "--json", str(out)]) == 0
    baseline, offline = json.loads(out.read_text())["systems"]
    assert offline["answerable"] >= 50 and offline["unanswerable"] >= 10
    assert offline["precision"] >= 0.9 and offline["recall_at_8"] >= 0.8
    assert offline["recall_at_8"] > baseline["recall_at_8"] + 0.2
    assert offline["correctly_refused"] >= offline["unanswerable"] - 2
