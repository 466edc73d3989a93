"""`vitrine suggest`: agents run as jobs from the shell, followed, cancelled, and run by a worker process."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import pytest

import vitrine
from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.collection import Collection
from vitrine.suggestions.agents import Item, Proposal
from vitrine.suggestions.fake import FakeAgent
from vitrine.suggestions.run import create_job

from .conftest import Run


@pytest.fixture
def coll(fake_collection: Collection, monkeypatch: pytest.MonkeyPatch) -> str:
    """The fake collection's path, for NAME; commands run as the shell user "curator"."""
    monkeypatch.setenv("LOGNAME", "curator")
    return str(fake_collection.root)


def _suggestions(collection: Collection) -> list[int]:
    return collection.catalog.suggestions.ids(SuggestionQuery(statuses=(), order="id"), 10_000)


def test_run_stores_suggestions_as_a_job_of_the_shell_user(run: Run, coll: str,
                                                           fake_collection: Collection) -> None:
    result = run("suggest", "run", coll, "fake", "--json")
    report = json.loads(result.stdout)
    job = report["job"]
    assert job["state"] == "done" and job["done"] == 12 and job["failed"] == 0 and report["errors"] == []
    assert job["started_by"] == "cli:curator" and job["made"] == len(_suggestions(fake_collection)) > 0
    text = run("suggest", "run", coll, "fake").stdout  # the same version again: nothing new
    assert f"job {job['id'] + 1} done: 12 items, 0 new suggestions, 0 failed" in text


def test_failed_items_are_listed_and_exit_3(run: Run, coll: str, fake_collection: Collection) -> None:
    result = run("suggest", "run", coll, "fake", "--option", 'fail_on=["r03"]', expect=3)
    assert "1 failed" in result.stdout
    assert "failed: r03 (record:4): RuntimeError: told to fail on r03" in result.stderr
    assert "exit status 3" in result.stderr
    shown = json.loads(run("suggest", "show-job", coll, "1", "--json").stdout)
    assert shown["job"]["failed"] == 1 and shown["errors"][0]["item"] == "r03 (record:4)"
    text = run("suggest", "show-job", coll, "1").stdout
    assert "r03 (record:4): RuntimeError" in text and "options:" in text and "every record" in text


def test_scope_options_and_config_file(run: Run, coll: str, fake_collection: Collection,
                                       tmp_path: Path) -> None:
    from vitrine.catalog.sets import SavedSet

    config = tmp_path / "agent.toml"
    config.write_text('version = "7"\nmin_length = 3\n', encoding="utf-8")
    job = json.loads(run("suggest", "run", coll, "fake", "--records", "r01,r02", "--records", "r03",
                         "--config", str(config), "--option", "min_length=6", "--json").stdout)["job"]
    assert job["done"] == 3 and job["options"] == {"version": "7", "min_length": 6}
    assert job["scope"] == {"identifiers": ["r01", "r02", "r03"], "set": None}
    fake_collection.catalog.sets.put(SavedSet("picks", identifiers=("r05", "r06")))
    job = json.loads(run("suggest", "run", coll, "fake", "--set", "picks", "--json").stdout)["job"]
    assert job["done"] == 2


@pytest.mark.parametrize("args, message", [
    (("nope",), "unknown agent 'nope'"),
    (("fake", "--records", "r99"), "no record with identifier 'r99'"),
    (("fake", "--set", "missing"), "no saved set named 'missing'"),
    (("fake", "--option", "colour=red"), "does not accept the options ['colour']"),
])
def test_bad_runs_are_refused_before_a_job_starts(run: Run, coll: str, fake_collection: Collection,
                                                  args: tuple[str, ...], message: str) -> None:
    result = run("suggest", "run", coll, *args, expect=1)
    assert message in result.stderr
    assert fake_collection.catalog.jobs.recent() == []


def test_a_bad_config_file_is_refused_with_its_line(run: Run, coll: str, tmp_path: Path) -> None:
    config = tmp_path / "agent.toml"
    config.write_text('version = "2"\nmin_length = \n', encoding="utf-8")
    assert "line 2" in run("suggest", "run", coll, "fake", "--config", str(config), expect=1).stderr
    assert "key=value" in run("suggest", "run", coll, "fake", "--option", "oops", expect=2).stderr


def test_ctrl_c_marks_the_job_interrupted_and_running_again_resumes(
        run: Run, coll: str, fake_collection: Collection, monkeypatch: pytest.MonkeyPatch) -> None:
    original = FakeAgent.suggest

    def interrupted(self: FakeAgent, item: Item) -> Iterable[Proposal]:
        if item.record.identifier == "r05":
            raise KeyboardInterrupt
        return original(self, item)

    monkeypatch.setattr(FakeAgent, "suggest", interrupted)
    result = run("suggest", "run", coll, "fake", expect=130)
    assert "run the same command again to resume" in result.stderr
    first = fake_collection.catalog.jobs.get(1)
    assert first.state == "interrupted" and "run it again to resume" in first.message
    monkeypatch.setattr(FakeAgent, "suggest", original)
    again = json.loads(run("suggest", "run", coll, "fake", "--json").stdout)["job"]
    assert again["state"] == "done" and again["made"] == len(_suggestions(fake_collection)) > 0


def test_agents_lists_registered_agents_and_the_versions_in_a_collection(run: Run, coll: str) -> None:
    listed = json.loads(run("suggest", "agents", "--json").stdout)
    fake = next(a for a in listed["agents"] if a["name"] == "fake")
    assert fake == {"name": "fake", "target": "record", "kinds": ["tag"]}
    assert "versions" not in listed
    assert "no agent has run" in run("suggest", "agents", coll).stdout
    run("suggest", "run", coll, "fake")
    [version] = json.loads(run("suggest", "agents", coll, "--json").stdout)["versions"]
    assert version["name"] == "fake" and version["id"] == 1 and version["suggestions"] > 0
    assert "id 1" in run("suggest", "agents", coll).stdout


def test_jobs_lists_recent_jobs_with_state_and_counts(run: Run, coll: str,
                                                       fake_collection: Collection) -> None:
    assert "No jobs yet" in run("suggest", "jobs", coll).stdout
    run("suggest", "run", coll, "fake", "--records", "r01")
    create_job(fake_collection.catalog, "fake", actor="ann")
    found = json.loads(run("suggest", "jobs", coll, "--json").stdout)
    assert [(j["id"], j["state"], j["done"]) for j in found] == [(2, "queued", 0), (1, "done", 1)]
    lines = run("suggest", "jobs", coll).stdout.splitlines()
    assert "queued" in lines[1] and "ann" in lines[1] and "1/1" in lines[2]


def test_cancel_of_a_queued_job_stops_it_before_it_starts(run: Run, coll: str,
                                                          fake_collection: Collection) -> None:
    job = create_job(fake_collection.catalog, "fake", actor="ann")
    assert f"job {job.id} cancelled" in run("suggest", "cancel", coll, str(job.id)).stdout
    assert fake_collection.catalog.jobs.get(job.id).state == "cancelled"
    assert "cancelled already" in run("suggest", "cancel", coll, str(job.id)).stdout
    # a worker given the cancelled job refuses it, and stores nothing
    assert "is cancelled; start a new one" in run("suggest", "work", coll, str(job.id), expect=1).stderr
    assert _suggestions(fake_collection) == []
    assert "no job with id 99" in run("suggest", "cancel", coll, "99", expect=1).stderr


def test_work_runs_a_queued_job_in_this_process(run: Run, coll: str, fake_collection: Collection) -> None:
    job = create_job(fake_collection.catalog, "fake", actor="ann")
    assert f"job {job.id} done: 12 items" in run("suggest", "work", coll, str(job.id)).stdout
    assert "work" not in run("suggest", "--help").stdout  # the web app's door, not a user's


def test_a_spawned_worker_runs_a_job_to_done(fake_collection: Collection,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from vitrine.jobs.worker import settle, spawn

    source = str(Path(vitrine.__file__).parents[1])  # this tree's vitrine, whatever is installed
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([source, os.environ.get("PYTHONPATH", "")]))
    job = create_job(fake_collection.catalog, "fake", actor="ann")
    assert spawn(fake_collection.root, job.id) > 0
    deadline = time.monotonic() + 60
    while not fake_collection.catalog.jobs.get(job.id).finished and time.monotonic() < deadline:
        time.sleep(0.1)
    reaper = f"job-{job.id}-reaper"
    while any(t.name == reaper for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)  # the worker process has ended and been reaped
    ended = settle(fake_collection.catalog, fake_collection.catalog.jobs.get(job.id))
    log = (fake_collection.root / "jobs" / f"{job.id}.log").read_text(encoding="utf-8")
    assert ended.state == "done" and ended.done == 12, log
    assert ended.made == len(_suggestions(fake_collection)) > 0
    assert f"job {job.id} done" in log
