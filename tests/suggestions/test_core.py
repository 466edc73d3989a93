"""Suggestions end to end in the library: agents as jobs, people deciding, the record's curated data."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.collection import Collection
from vitrine.errors import (
    DecisionConflict,
    JobError,
    PluginError,
    StaleSuggestion,
    SuggestionError,
)
from vitrine.records import Filters
from vitrine.suggestions import review
from vitrine.suggestions.agents import AGENTS, Agent, AgentInfo, Item, Proposal
from vitrine.suggestions.run import Scope, create_job, run_agent, run_job


def _proposed(collection: Collection, **query: Any) -> list[Any]:
    return collection.catalog.suggestions.find(SuggestionQuery(limit=1000, order="id", **query))


def test_an_agent_run_stores_suggestions_with_provenance(fake_collection: Collection) -> None:
    job = run_agent(fake_collection, "fake", actor="ed")
    assert job.state == "done" and job.done == 12 and job.failed == 0
    found = _proposed(fake_collection)
    assert job.made == len(found) > 0
    first = found[0]
    assert first.kind == "tag" and first.identifier and 0 <= (first.score or 0) <= 1
    agent = fake_collection.catalog.suggestions.agent(first.agent_id)
    assert agent.name == "fake" and agent.model_version == "1" and agent.parameters == {"min_length": 5}
    assert first.job_id == job.id and first.basis  # the record's content hash it was made from


def test_running_the_same_version_again_makes_nothing_and_a_new_version_adds_beside(
        fake_collection: Collection) -> None:
    first = run_agent(fake_collection, "fake")
    again = run_agent(fake_collection, "fake")
    assert again.made == 0 and again.done == 12
    newer = run_agent(fake_collection, "fake", options={"version": "2"})
    assert newer.made == first.made
    agents = {s.agent_id for s in _proposed(fake_collection)}
    assert len(agents) == 2


def test_a_crash_on_one_record_is_reported_and_the_job_goes_on(fake_collection: Collection) -> None:
    job = run_agent(fake_collection, "fake", options={"fail_on": ["r03"]})
    assert job.state == "done" and job.failed == 1 and job.done == 12
    errors = fake_collection.catalog.jobs.errors(job.id)
    assert errors == [("r03 (record:4)", "RuntimeError: told to fail on r03")]
    # The failed record was not marked seen: the next run tries it again, and only it.
    retry = run_agent(fake_collection, "fake", options={"fail_on": []})
    assert retry.failed == 0
    identifiers = {s.identifier for s in _proposed(fake_collection, job_id=retry.id)}
    assert identifiers == {"r03"}


def test_a_scope_limits_the_job_and_unknown_records_or_agents_are_refused(
        fake_collection: Collection) -> None:
    job = run_agent(fake_collection, "fake", scope=Scope(identifiers=("r01", "r02")))
    assert job.done == 2
    with pytest.raises(Exception, match="no record with identifier 'nope'"):
        create_job(fake_collection.catalog, "fake", scope=Scope(identifiers=("nope",)))
    with pytest.raises(PluginError, match=r"unknown agent 'nope'; agents: .*fake"):
        create_job(fake_collection.catalog, "nope")
    with pytest.raises(PluginError, match="does not accept the options"):
        create_job(fake_collection.catalog, "fake", options={"colour": "red"})
    with pytest.raises(JobError, match="no saved set"):
        create_job(fake_collection.catalog, "fake", scope=Scope(set_name="missing"))


class _Slow(Agent):
    """Cancels its own job after the first batch, as a person pressing Cancel would."""

    name = "slow"

    def __init__(self, job_id: int = 0) -> None:
        self.job_id = job_id
        self.catalog: Any = None

    def info(self) -> AgentInfo:
        return AgentInfo(name="slow", software="tests")

    def suggest(self, item: Item) -> list[Proposal]:
        _SLOW_SEEN.append(item.record.identifier)
        if len(_SLOW_SEEN) == 3:
            _CANCEL.set()
        return [Proposal("tag", {"label": "seen"}, score=0.5)]


_SLOW_SEEN: list[str] = []
_CANCEL = threading.Event()


def test_a_cancelled_job_stops_between_batches_keeping_what_it_stored(fake_collection: Collection) -> None:
    AGENTS.register("slow", _Slow)
    try:
        job = create_job(fake_collection.catalog, "slow")

        def progress(_: object) -> None:
            if _CANCEL.is_set():
                fake_collection.catalog.jobs.request_cancel(job.id)

        ended = run_job(fake_collection, job.id, progress=progress, batch=4)
        assert ended.state == "cancelled" and ended.done == 4
        assert len(_proposed(fake_collection)) == 4
        with pytest.raises(JobError, match="cancelled; start a new one"):
            run_job(fake_collection, job.id)
        # a new job resumes where the cancelled one stopped: the 4 stored are not asked again
        resumed = run_agent(fake_collection, "slow")
        assert resumed.made == 8 and len(_proposed(fake_collection)) == 12
    finally:
        AGENTS.unregister("slow")


class _Liar(Agent):
    name = "liar"

    def info(self) -> AgentInfo:
        return AgentInfo(name="liar", software="tests")

    def suggest(self, item: Item) -> list[Proposal]:
        if item.record.identifier == "r01":
            return [Proposal("date", {"text": "1600", "edtf": "1600", "earliest": 1700, "latest": 1600})]
        if item.record.identifier == "r02":
            return [Proposal("colour", {"label": "red"})]
        if item.record.identifier == "r03":
            return [Proposal("tag", {"label": "x"}, region={"box": [0, 0, 5, 5]})]
        if item.record.identifier == "r04":
            return [Proposal("tag", {"label": "fine"}, score=float("nan"))]
        return []


def test_agent_output_is_checked_and_a_bad_answer_fails_that_item_only(fake_collection: Collection) -> None:
    AGENTS.register("liar", _Liar)
    try:
        job = run_agent(fake_collection, "liar")
    finally:
        AGENTS.unregister("liar")
    messages = dict(fake_collection.catalog.jobs.errors(job.id))
    assert "'earliest' (1700) is after 'latest' (1600)" in messages["r01 (record:2)"]
    assert "unknown suggestion kind 'colour'" in messages["r02 (record:3)"]
    assert "a region needs an image" in messages["r03 (record:4)"]
    assert "score of nan" in messages["r04 (record:5)"]
    assert job.failed == 4 and _proposed(fake_collection) == []


# -- deciding ---------------------------------------------------------------------------------------

def _one(collection: Collection, identifier: str = "r01") -> Any:
    run_agent(collection, "fake", scope=Scope(identifiers=(identifier,)))
    return _proposed(collection)[0]


def test_accepting_puts_the_value_in_the_record_with_its_provenance_and_audit(
        fake_collection: Collection) -> None:
    catalog = fake_collection.catalog
    suggestion = _one(fake_collection)
    decided = review.decide(catalog, suggestion.id, "accept", actor="ed", revision=suggestion.revision,
                            address="10.0.0.1")
    assert decided.status == "accepted" and decided.decided_by == "ed" and decided.revision == 1
    [assertion] = catalog.suggestions.assertions(suggestion.record_id)
    assert assertion.label == suggestion.label and assertion.accepted_by == "ed" and not assertion.edited
    assert assertion.agent is not None and assertion.agent["name"] == "fake"
    # the search page's curated facet finds it (any case)
    curated = Filters(curated={"tag": suggestion.label.upper()})
    assert catalog.filter_record_ids(curated) == [suggestion.record_id]
    [entry] = catalog.audit.entries(action="suggestion.")
    assert (entry.actor, entry.action, entry.object, entry.address) == (
        "ed", "suggestion.accept", f"suggestion:{suggestion.id}", "10.0.0.1")
    assert entry.before["status"] == "proposed" and entry.after["status"] == "accepted"


def test_an_edit_applies_the_corrected_value_and_a_bad_one_is_refused(fake_collection: Collection) -> None:
    catalog = fake_collection.catalog
    suggestion = _one(fake_collection)
    with pytest.raises(SuggestionError, match="unknown key 'colour'"):
        review.decide(catalog, suggestion.id, "edit", actor="ed", value={"label": "x", "colour": 1})
    with pytest.raises(SuggestionError, match="an edit needs the corrected value"):
        review.decide(catalog, suggestion.id, "edit", actor="ed")
    assert catalog.full_text("seascape", 10) == []
    edited = review.decide(catalog, suggestion.id, "edit", actor="ed", value={"label": "Seascape"},
                           note="better term")
    assert edited.status == "edited" and edited.final_value == {"label": "Seascape"}
    [assertion] = catalog.suggestions.assertions(suggestion.record_id)
    assert assertion.label == "Seascape" and assertion.edited
    assert [r for r, _ in catalog.full_text("seascape", 10)] == [suggestion.record_id]
    review.undo(catalog, suggestion.id, actor="ed")
    assert catalog.full_text("seascape", 10) == []  # out of the record's text again


def test_of_two_editors_deciding_at_once_one_wins_and_the_other_is_told(fake_collection: Collection) -> None:
    catalog = fake_collection.catalog
    suggestion = _one(fake_collection)
    review.decide(catalog, suggestion.id, "accept", actor="ann", revision=suggestion.revision)
    with pytest.raises(DecisionConflict, match="accepted by ann"):
        review.decide(catalog, suggestion.id, "reject", actor="bob", revision=suggestion.revision)
    assert len(catalog.suggestions.assertions(suggestion.record_id)) == 1  # applied once
    assert [e.actor for e in catalog.audit.entries(action="suggestion.")] == ["ann"]


def test_threads_racing_on_one_suggestion_apply_it_once(fake_collection: Collection) -> None:
    catalog = fake_collection.catalog
    suggestion = _one(fake_collection)
    outcomes: list[str] = []

    def editor(name: str) -> None:
        try:
            review.decide(catalog, suggestion.id, "accept", actor=name, revision=0)
            outcomes.append("won")
        except DecisionConflict:
            outcomes.append("told")

    threads = [threading.Thread(target=editor, args=(f"ed{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["told"] * 7 + ["won"]
    assert len(catalog.suggestions.assertions(suggestion.record_id)) == 1


def test_a_suggestion_on_a_changed_or_deleted_record_is_stale_and_never_applied(
        fake_collection: Collection, tmp_path: Path) -> None:
    catalog = fake_collection.catalog
    suggestion = _one(fake_collection, "r01")
    record = catalog.get("r01")
    record.title = "Changed since"
    catalog.upsert(record)
    stale = catalog.suggestions.get(suggestion.id)
    assert stale.stale
    with pytest.raises(StaleSuggestion, match="changed or gone"):
        review.decide(catalog, suggestion.id, "accept", actor="ed")
    assert review.decide(catalog, suggestion.id, "reject", actor="ed").status == "rejected"
    other = _one(fake_collection, "r05")
    catalog.delete_record("r05")
    gone = catalog.suggestions.get(other.id)
    assert gone.stale and gone.identifier is None
    with pytest.raises(StaleSuggestion):
        review.decide(catalog, other.id, "accept", actor="ed")


def test_a_rejected_answer_is_not_asked_again_by_a_new_version(fake_collection: Collection) -> None:
    catalog = fake_collection.catalog
    run_agent(fake_collection, "fake", scope=Scope(identifiers=("r02",)))
    first = _proposed(fake_collection)
    for s in first:
        review.decide(catalog, s.id, "reject", actor="ed")
    run_agent(fake_collection, "fake", options={"version": "2"}, scope=Scope(identifiers=("r02",)))
    assert _proposed(fake_collection) == []  # same words, already rejected: nothing new to ask


def test_undo_takes_the_value_out_of_the_record(fake_collection: Collection) -> None:
    catalog = fake_collection.catalog
    suggestion = _one(fake_collection)
    review.decide(catalog, suggestion.id, "accept", actor="ed")
    reopened = review.undo(catalog, suggestion.id, actor="ed")
    assert reopened.status == "proposed" and reopened.decided_by is None
    assert catalog.suggestions.assertions(suggestion.record_id) == []
    assert catalog.filter_record_ids(Filters(curated={"tag": suggestion.label})) == []
    with pytest.raises(SuggestionError, match="nothing to undo"):
        review.undo(catalog, suggestion.id, actor="ed")
    assert [e.action for e in catalog.audit.entries(action="suggestion.")] == ["suggestion.undo",
                                                                              "suggestion.accept"]


class _Dates(Agent):
    name = "dates-test"

    def info(self) -> AgentInfo:
        return AgentInfo(name=self.name, software="tests")

    def suggest(self, item: Item) -> list[Proposal]:
        return [Proposal("date", {"text": "c. 1590", "edtf": "1590~", "earliest": 1588, "latest": 1592},
                         score=0.9)]


def test_an_accepted_date_moves_the_years_filters_use_and_undo_restores_the_source(
        fake_collection: Collection) -> None:
    catalog = fake_collection.catalog
    AGENTS.register("dates-test", _Dates)
    try:
        run_agent(fake_collection, "dates-test", scope=Scope(identifiers=("r00",)))
    finally:
        AGENTS.unregister("dates-test")
    [suggestion] = _proposed(fake_collection)
    assert catalog.filter_record_ids(Filters(year_from=1588, year_to=1592)) == []
    review.decide(catalog, suggestion.id, "accept", actor="ed")
    assert catalog.filter_record_ids(Filters(year_from=1588, year_to=1592)) == [suggestion.record_id]
    record = catalog.get("r00")  # a re-import that changes the record keeps the accepted date in force
    record.medium = "oil on panel"
    catalog.upsert(record)
    assert catalog.filter_record_ids(Filters(year_from=1588, year_to=1592)) == [suggestion.record_id]
    review.undo(catalog, suggestion.id, actor="ed")
    assert catalog.filter_record_ids(Filters(year_from=1588, year_to=1592)) == []
    assert catalog.filter_record_ids(Filters(year_from=1600, year_to=1600)) == [suggestion.record_id]


def test_a_decision_window_previews_then_decides_what_it_showed(fake_collection: Collection) -> None:
    catalog = fake_collection.catalog
    run_agent(fake_collection, "fake")
    agent_id = _proposed(fake_collection)[0].agent_id
    window = review.Window(agent_id, accept_from=0.8, reject_below=0.2)
    preview = review.preview_window(catalog, window)
    high = [s for s in _proposed(fake_collection) if (s.score or 0) >= 0.8]
    low = [s for s in _proposed(fake_collection) if (s.score or 0) < 0.2]
    assert preview.counts == {"accept": len(high), "reject": len(low)}
    assert all((s.score or 0) >= 0.8 for s in preview.samples["accept"])
    with pytest.raises(DecisionConflict, match="preview it again"):
        review.apply_window(catalog, window, actor="ed", expected={"accept": 0, "reject": 0})
    done = review.apply_window(catalog, window, actor="ed", expected=preview.counts)
    assert done == preview.counts
    statuses = catalog.suggestions.counts_by("status")
    assert statuses.get("accepted", 0) == len(high) and statuses.get("rejected", 0) == len(low)
    assert catalog.audit.entries(action="suggestion.window")[0].after["decided"] == done
    with pytest.raises(SuggestionError, match="reject bound"):
        review.Window(agent_id, accept_from=0.2, reject_below=0.8)


def test_batches_are_assigned_to_known_accounts_and_counted(fake_collection: Collection) -> None:
    from vitrine.accounts import users

    catalog = fake_collection.catalog
    users.add_user(catalog, "cat1", "editor", "correct horse battery staple", actor="admin")
    run_agent(fake_collection, "fake")
    with pytest.raises(SuggestionError, match="no account named 'ghost'"):
        review.assign(catalog, SuggestionQuery(), "ghost", limit=5, actor="admin")
    assert review.assign(catalog, SuggestionQuery(), "cat1", limit=5, actor="admin") == 5
    mine = _proposed(fake_collection, assignee="cat1")
    review.decide(catalog, mine[0].id, "accept", actor="cat1")
    review.decide(catalog, mine[1].id, "reject", actor="cat1")
    [row] = review.progress(catalog)
    assert (row.assignee, row.assigned, row.reviewed, row.remaining, row.agreement) == ("cat1", 5, 2, 3, 0.5)


def test_the_agent_report_gives_reviewed_precision_by_band_and_the_window_it_supports(
        fake_collection: Collection) -> None:
    from vitrine.suggestions.report import agent_report

    catalog = fake_collection.catalog
    run_agent(fake_collection, "fake", options={"min_length": 2})
    found = _proposed(fake_collection)
    for s in found:  # a reviewer who keeps what scores 0.5 or more, and rejects the rest
        review.decide(catalog, s.id, "accept" if (s.score or 0) >= 0.5 else "reject", actor="ed")
    report = agent_report(catalog, found[0].agent_id, min_decided=1)
    assert [b.low for b in report.bands] == pytest.approx([i / 10 for i in range(10)])
    assert sum(b.decided for b in report.bands) == len(found)
    assert all(b.precision in (None, 1.0) for b in report.bands[5:])
    assert all(b.precision in (None, 0.0) for b in report.bands[:5])
    assert (report.accept_from, report.reject_below) == (0.5, 0.5)
    assert sum(w.decided for w in report.weeks) == len(found)


def test_an_agent_configuration_with_a_bad_line_is_refused_naming_the_line(tmp_path: Path) -> None:
    from vitrine.errors import AgentError
    from vitrine.suggestions.agents import file_sha256, read_agent_config

    good = tmp_path / "good.toml"
    good.write_text('# the fake agent\nversion = "3"\nmin_length = 4\n')
    assert read_agent_config(good, "fake") == {"version": "3", "min_length": 4}
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('version = "3"\n\ncolour = "red"\n')
    with pytest.raises(SuggestionError, match=r"unknown.toml, line 3: the agent 'fake' takes no option"):
        read_agent_config(unknown, "fake")
    broken = tmp_path / "broken.toml"
    broken.write_text('version = "3"\nmin_length = = 4\n')
    with pytest.raises(SuggestionError, match=r"broken.toml: .*line 2"):
        read_agent_config(broken, "fake")
    with pytest.raises(AgentError, match=r"the face model is not readable at .*missing.onnx .*; get it from"):
        file_sha256(tmp_path / "missing.onnx", what="face model", hint="get it from the release page")


def test_undoing_accepted_dates_gives_back_the_years_the_source_gave_not_its_date_text(
        fake_collection: Collection) -> None:
    catalog = fake_collection.catalog
    record = catalog.get("r00")
    record.date_text, record.year_min, record.year_max = "undated (see file)", 1850, 1860  # years of a column
    catalog.upsert(record)
    AGENTS.register("dates-test", _Dates)
    try:
        run_agent(fake_collection, "dates-test", scope=Scope(identifiers=("r00",)))
    finally:
        AGENTS.unregister("dates-test")
    [first] = _proposed(fake_collection)
    review.decide(catalog, first.id, "edit", actor="ed",
                  value={"text": "c. 1590", "edtf": "1590~", "earliest": 1585, "latest": 1595})
    assert (catalog.get("r00").year_min, catalog.get("r00").year_max) == (1585, 1595)
    review.undo(catalog, first.id, actor="ed")
    assert (catalog.get("r00").year_min, catalog.get("r00").year_max) == (1850, 1860)


def test_a_slow_worker_that_is_alive_is_not_taken_for_dead_and_a_dead_one_is(
        fake_collection: Collection) -> None:
    import os
    import subprocess
    import sys
    import time

    from vitrine.jobs.worker import settle

    catalog = fake_collection.catalog
    job = create_job(catalog, "fake")
    catalog.jobs.start(job.id, os.getpid(), 12)  # this process: alive
    silent_for_long = time.time() + 3600
    assert settle(catalog, catalog.jobs.get(job.id), now=silent_for_long).state == "running"
    with pytest.raises(JobError, match="is running already"):  # a second worker on a live job
        _other_process_runs(fake_collection, job.id)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead = int(gone.stdout)
    catalog.jobs.start(job.id, dead, 12)  # a worker that exited without a word
    assert settle(catalog, catalog.jobs.get(job.id)).state == "interrupted"
    resumed = run_job(fake_collection, job.id)  # resumed: counted once, not twice
    assert (resumed.state, resumed.done, resumed.total) == ("done", 12, 12)
    again = run_agent(fake_collection, "fake")
    assert again.done == 12 and again.made == 0


def _other_process_runs(collection: Collection, job_id: int) -> None:
    """run_job as another process would see a job this process holds: refused."""
    import os
    from unittest import mock

    with mock.patch("vitrine.suggestions.run.os.getpid", return_value=os.getpid() + 10**6):
        run_job(collection, job_id)


def test_a_window_commits_in_chunks_and_passes_over_what_someone_decided_meanwhile(
        fake_collection: Collection) -> None:
    catalog = fake_collection.catalog
    run_agent(fake_collection, "fake", options={"min_length": 2})
    found = _proposed(fake_collection)
    window = review.Window(found[0].agent_id, accept_from=0.0)
    preview = review.preview_window(catalog, window)
    review.decide(catalog, found[0].id, "reject", actor="ann")  # decided by someone else meanwhile
    done = review.apply_window(catalog, window, actor="ed", expected=preview.counts, chunk=3)
    assert done == {"accept": len(found) - 1}
    assert catalog.suggestions.get(found[0].id).status == "rejected"  # ann's decision stands
    assert catalog.suggestions.counts_by("status") == {"accepted": len(found) - 1, "rejected": 1}


def test_batches_go_to_cataloguers_only_and_never_take_anothers(fake_collection: Collection) -> None:
    from vitrine.accounts import users

    catalog = fake_collection.catalog
    for name, role in (("ann", "editor"), ("bob", "editor"), ("rita", "researcher")):
        users.add_user(catalog, name, role, "correct horse battery staple", actor="admin")
    run_agent(fake_collection, "fake")
    total = len(_proposed(fake_collection))
    with pytest.raises(SuggestionError, match="'rita' is a researcher"):
        review.assign(catalog, SuggestionQuery(), "rita", limit=5, actor="admin")
    assert review.assign(catalog, SuggestionQuery(), "ann", limit=5, actor="admin") == 5
    assert review.assign(catalog, SuggestionQuery(), "bob", limit=total, actor="admin") == total - 5
    assert len(_proposed(fake_collection, assignee="ann")) == 5  # bob's batch took none of ann's


def test_accepting_and_undoing_keep_the_filtered_facets_counts(fake_collection: Collection) -> None:
    """The kept counts by pairs (migration 11) follow a reviewer's decisions: a filtered facet of
    accepted tags equals the one counted from the rows after accepting, editing and undoing."""
    from vitrine.catalog import facetpairs

    catalog = fake_collection.catalog
    run_agent(fake_collection, "fake")
    proposed = _proposed(fake_collection)[:6]
    for n, suggestion in enumerate(proposed):
        if n % 2:
            review.decide(catalog, suggestion.id, "accept", actor="ed", revision=suggestion.revision)
        else:
            review.decide(catalog, suggestion.id, "edit", actor="ed", value={"label": f"edited {n % 3}"})
    review.undo(catalog, proposed[1].id, actor="ed")
    record = catalog.get_many([proposed[0].record_id])[proposed[0].record_id]
    for filters in (Filters(source=record.source), Filters(object_type=record.object_type)):
        kept = facetpairs.read(catalog._db, "curated:tag", filters, 50)
        assert kept is not None and kept == catalog.facet_live("curated:tag", filters, 50), filters
        assert kept
