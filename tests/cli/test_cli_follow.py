"""Agents that follow imports: `vitrine suggest follow`, and what the next import does with them."""

from __future__ import annotations

from pathlib import Path

from cli.conftest import Run
from conftest import draw_image
from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.collection import open_collection


def _folder(tmp_path: Path, name: str, seeds: range) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for seed in seeds:
        draw_image(seed).save(folder / f"painting of a harbour {seed:03d}.png")
    return folder


def test_a_followed_agent_runs_after_each_import_on_the_new_works_only(
        run: Run, tmp_path: Path, data_dir: Path) -> None:
    run("collection", "create", "f", "--embedder", "fake", "--index", "memory")
    run("import", "folder", "f", str(_folder(tmp_path, "first", range(3))))
    assert "No agent follows the imports of 'f'" in run("suggest", "follow", "f").output
    run("suggest", "follow", "f", "fake", "--option", "min_length=4")
    assert run("suggest", "follow", "f").output.strip() == 'fake  {"min_length": 4}'
    out = run("import", "folder", "f", str(_folder(tmp_path, "second", range(3, 5)))).output
    assert "agent fake: 5 items" in out  # all five looked at once: the first three were never seen
    with open_collection(data_dir / "f") as coll:
        made = coll.catalog.suggestions.count(SuggestionQuery())
        [entry] = coll.catalog.audit.entries(action="agent.")
        assert entry.action == "agent.follow"
        assert entry.after == {"agent": "fake", "options": {"min_length": 4}}
    assert made > 0
    again = run("import", "folder", "f", str(_folder(tmp_path, "third", range(5, 6)))).output
    assert "agent fake: 6 items, " in again
    with open_collection(data_dir / "f") as coll:
        last = coll.catalog.jobs.recent(1)[0]
        new = coll.catalog.suggestions.find(SuggestionQuery(job_id=last.id, limit=1000))
        assert len({s.identifier for s in new}) == 1  # only the work this import brought
    run("suggest", "follow", "f", "fake", "--stop")
    fourth = run("import", "folder", "f", str(_folder(tmp_path, "fourth", range(6, 7)))).output
    assert "agent fake" not in fourth


def test_following_an_unknown_agent_or_option_is_refused(run: Run) -> None:
    run("collection", "create", "g", "--embedder", "fake", "--index", "memory")
    assert "unknown agent 'nope'" in run("suggest", "follow", "g", "nope", expect=1).output
    assert "does not accept the options" in run("suggest", "follow", "g", "fake", "--option", "colour=red",
                                                expect=1).output
    assert "does not follow the imports" in run("suggest", "follow", "g", "fake", "--stop", expect=1).output
