"""`vitrine review`: the review queue from the shell, decisions audited with the shell user."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from vitrine import accounts
from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.collection import Collection
from vitrine.suggestions.run import run_agent

from .conftest import PASSWORD, Run


@pytest.fixture
def coll(fake_collection: Collection, monkeypatch: pytest.MonkeyPatch) -> str:
    """The fake collection with the fake agent's suggestions; commands run as the shell user "curator"."""
    monkeypatch.setenv("LOGNAME", "curator")
    run_agent(fake_collection, "fake", actor="ann")
    return str(fake_collection.root)


def _listed(run: Run, coll: str, *args: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(run("review", "list", coll, "--json", *args).stdout)
    return found


def test_list_filters_orders_and_prints_json_or_a_table(run: Run, coll: str,
                                                         fake_collection: Collection) -> None:
    every = _listed(run, coll, "--limit", "1000")
    assert len(every) == fake_collection.catalog.suggestions.count(SuggestionQuery()) > 4
    assert [s["score"] for s in every] == sorted((s["score"] for s in every), reverse=True)
    assert {s["agent"] for s in every} == {"fake"} and {s["status"] for s in every} == {"proposed"}
    high = _listed(run, coll, "--min-score", "0.5", "--kind", "tag", "--agent", "fake", "--agent", "1")
    assert high and all(s["score"] >= 0.5 for s in high) and len(high) < len(every)
    low = _listed(run, coll, "--max-score", "0.5", "--order", "id")
    assert len(low) + len(high) == len(every) and [s["id"] for s in low] == sorted(s["id"] for s in low)
    uncertain = _listed(run, coll, "--order", "uncertainty", "--limit", "1")[0]
    assert abs(uncertain["score"] - 0.5) == min(abs(s["score"] - 0.5) for s in every)
    table = run("review", "list", coll, "--limit", "3").stdout.splitlines()
    assert table[0].split() == ["id", "record", "kind", "label", "score", "agent", "status"]
    assert str(every[0]["id"]) in table[1] and every[0]["label"] in table[1] and "fake (1)" in table[1]
    assert table[-1] == f"1-3 of {len(every)}"
    assert _listed(run, coll, "--status", "accepted") == []
    assert "No suggestions match" in run("review", "list", coll, "--kind", "face").stdout


def test_list_by_saved_set_and_unknown_agent_or_set(run: Run, coll: str, fake_collection: Collection) -> None:
    from vitrine.catalog.sets import SavedSet

    fake_collection.catalog.sets.put(SavedSet("picks", identifiers=("r04",)))
    assert {s["identifier"] for s in _listed(run, coll, "--set", "picks")} == {"r04"}
    assert "no agent 'nope' has made suggestions" in run("review", "list", coll, "--agent", "nope",
                                                         expect=1).stderr
    assert "no saved set named 'gone'" in run("review", "list", coll, "--set", "gone", expect=1).stderr


def test_accept_reject_edit_undo_are_audited_with_the_shell_user(
        run: Run, coll: str, fake_collection: Collection) -> None:
    catalog = fake_collection.catalog
    a, b, c, d = (s["id"] for s in _listed(run, coll, "--order", "id", "--limit", "4"))
    assert "accepted 2 suggestions" in run("review", "accept", coll, str(a), str(b)).stdout
    assert "rejected 1 suggestion" in run("review", "reject", coll, str(c), "--note", "wrong").stdout
    run("review", "edit", coll, str(d), "--value", '{"label": "Seascape"}')
    assert catalog.suggestions.get(c).note == "wrong"
    assert catalog.suggestions.get(d).final_value == {"label": "Seascape"}
    assert [r for r, _ in catalog.full_text("seascape", 10)] == [catalog.suggestions.get(d).record_id]
    assert "was accepted; it is proposed again" in run("review", "undo", coll, str(a)).stdout
    assert catalog.suggestions.get(a).status == "proposed"
    actions = [(e.actor, e.action, e.object) for e in catalog.audit.iter_all(action="suggestion.")]
    assert actions == [("cli:curator", f"suggestion.{act}", f"suggestion:{i}")
                       for act, i in (("accept", a), ("accept", b), ("reject", c), ("edit", d), ("undo", a))]


def test_a_conflict_or_a_stale_suggestion_is_told_and_exits_1(
        run: Run, coll: str, fake_collection: Collection) -> None:
    catalog = fake_collection.catalog
    first, second = (s["id"] for s in _listed(run, coll, "--order", "id", "--limit", "2"))
    run("review", "accept", coll, str(first))
    result = run("review", "accept", coll, str(first), str(second), expect=1)
    assert f"suggestion {first} is accepted already (by cli:curator); undo it first" in result.stderr
    assert "accepted 1 suggestion" in result.stdout  # the other one was still decided
    assert catalog.suggestions.get(second).status == "accepted"
    stale_one = catalog.suggestions.find(SuggestionQuery(order="id", limit=1))[0]
    record = catalog.get(stale_one.identifier or "")
    record.title = "Changed since"
    catalog.upsert(record)
    assert "!stale" in run("review", "list", coll, "--order", "id").stdout
    refused = run("review", "accept", coll, str(stale_one.id), expect=1)
    assert "it can be rejected, not applied" in refused.stderr
    run("review", "reject", coll, str(stale_one.id))
    assert "no suggestion with id 99999" in run("review", "reject", coll, "99999", expect=1).stderr
    assert "nothing to undo" in run("review", "undo", coll, str(stale_one.id + 1), expect=1).stderr


def test_edit_refuses_bad_json_and_a_bad_value(run: Run, coll: str) -> None:
    one = str(_listed(run, coll, "--limit", "1")[0]["id"])
    assert "not JSON" in run("review", "edit", coll, one, "--value", "{label", expect=2).stderr
    assert "unknown key 'colour'" in run("review", "edit", coll, one, "--value",
                                          '{"label": "x", "colour": 1}', expect=1).stderr


def test_window_previews_asks_and_applies_what_it_showed(run: Run, coll: str,
                                                         fake_collection: Collection) -> None:
    every = _listed(run, coll, "--limit", "1000")
    above = sum(s["score"] >= 0.8 for s in every)
    below = sum(s["score"] < 0.2 for s in every)
    assert above and below
    refused = run("review", "window", coll, "fake", "--accept-from", "0.8", "--reject-below", "0.2",
                  input="n\n", expect=1)
    assert f"accept {above} suggestions of fake (1) scoring 0.8 or more" in refused.stdout
    assert f"reject {below} suggestions" in refused.stdout and "Aborted" in refused.stderr
    assert _listed(run, coll, "--status", "accepted") == []
    applied = run("review", "window", coll, "fake", "--accept-from", "0.8", "--reject-below", "0.2",
                  input="y\n")
    assert f"accepted {above}, rejected {below}" in applied.stdout
    assert len(_listed(run, coll, "--status", "accepted", "--limit", "1000")) == above
    assert "nothing to decide" in run("review", "window", coll, "1", "--accept-from", "0.8", "--yes").stdout
    assert "needs a score" in run("review", "window", coll, "fake", "--yes", expect=1).stderr


def test_window_and_report_want_one_agent_version(run: Run, coll: str, fake_collection: Collection) -> None:
    run_agent(fake_collection, "fake", options={"version": "2"})
    result = run("review", "window", coll, "fake", "--accept-from", "0.9", "--yes", expect=1)
    assert "agent 'fake' has 2 versions here" in result.stderr and "give the id" in result.stderr
    assert "has 2 versions" in run("review", "report", coll, "fake", expect=1).stderr
    assert json.loads(run("review", "report", coll, "2", "--json").stdout)["agent"]["model_version"] == "2"


def test_assign_and_progress_per_cataloguer(run: Run, coll: str, fake_collection: Collection) -> None:
    accounts.add_user(fake_collection.catalog, "bea", "editor", PASSWORD, actor="test")
    assert "Nothing is assigned" in run("review", "progress", coll).stdout
    assert "gave 3 suggestions to bea" in run("review", "assign", coll, "bea", "--limit", "3").stdout
    mine = _listed(run, coll, "--assignee", "bea")
    assert len(mine) == 3
    run("review", "accept", coll, str(mine[0]["id"]))
    run("review", "reject", coll, str(mine[1]["id"]))
    [row] = json.loads(run("review", "progress", coll, "--json").stdout)
    assert (row["assignee"], row["assigned"], row["reviewed"], row["remaining"], row["agreement"]) == (
        "bea", 3, 2, 1, 0.5)
    assert "50%" in run("review", "progress", coll).stdout
    assert "took back 1 suggestions" in run("review", "assign", coll, "-", "--assignee", "bea").stdout
    assert "no account named 'nobody'" in run("review", "assign", coll, "nobody", expect=1).stderr
    [entry, *_] = fake_collection.catalog.audit.entries(action="suggestion.assign")
    assert entry.actor == "cli:curator"


def test_report_shows_precision_by_band_and_the_suggested_window(run: Run, coll: str) -> None:
    every = _listed(run, coll, "--limit", "1000")
    run("review", "accept", coll, *(str(s["id"]) for s in every if s["score"] >= 0.5))
    run("review", "reject", coll, *(str(s["id"]) for s in every if s["score"] < 0.5))
    found = json.loads(run("review", "report", coll, "fake", "--json", "--min-decided", "1").stdout)
    decided = sum(b["decided"] for b in found["bands"])
    assert decided == len(every) and found["weeks"][0]["decided"] == len(every)
    assert found["suggested_window"]["accept_from"] is not None
    text = run("review", "report", coll, "fake", "--min-decided", "1").stdout
    assert "score band" in text and "100%" in text and "0%" in text
    assert "vitrine review window" in text and "--accept-from" in text
    assert "no window suggested" in run("review", "report", coll, "fake").stdout  # 20 decisions by default


def test_export_writes_every_suggestion_with_its_decision(run: Run, coll: str, tmp_path: Path) -> None:
    every = _listed(run, coll, "--limit", "1000")
    run("review", "accept", coll, str(every[0]["id"]))
    out = tmp_path / "out.csv"
    assert f"exported {len(every)} suggestions" in run("review", "export", coll, str(out)).stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert sorted(int(r["id"]) for r in rows) == sorted(s["id"] for s in every)
    accepted = next(r for r in rows if int(r["id"]) == every[0]["id"])
    assert accepted["decision_status"] == "accepted" and accepted["decision_decided_by"] == "cli:curator"
    lines = run("review", "export", coll, "-", "--status", "accepted").stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [every[0]["id"]]
    header_only = run("review", "export", coll, "-", "--format", "csv", "--status", "rejected").stdout
    assert header_only.count("\n") == 1
