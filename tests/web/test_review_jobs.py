"""Agent jobs from the browser and the API: started in a worker (never in the request), followed,
cancelled, and read as interrupted when their worker died; every start and cancel audited."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from vitrine.jobs import worker
from vitrine.suggestions.run import run_job
from web.cataloguing import Worker, served, started_app
from web.staff import staff_client


@pytest.fixture
def cat_app(tmp_path: Path) -> Iterator[FastAPI]:
    with started_app(tmp_path) as app:
        yield app


@pytest.fixture
def editor(cat_app: FastAPI) -> TestClient:
    return staff_client(cat_app, "editor", "ed")


@pytest.fixture
def spawned(cat_app: FastAPI, monkeypatch: pytest.MonkeyPatch) -> Iterator[Worker]:
    fake = Worker(cat_app)
    monkeypatch.setattr(worker, "spawn", fake)
    yield fake
    fake.finish()


def test_a_job_started_from_the_browser_returns_at_once_and_runs_in_a_worker(
        cat_app: FastAPI, editor: TestClient, spawned: Worker) -> None:
    answer = editor.post("/review/jobs", data={
        "agent": "fake", "options": "min_length=6\n", "scope": "identifiers", "identifiers": "w01\nw02\n"},
        follow_redirects=False)
    assert answer.status_code == 303
    [(root, job_id)] = spawned.spawned
    assert root == served(cat_app).root
    assert answer.headers["location"] == f"/review/jobs?done=started#job-{job_id}"
    # the request is over and the worker has not begun: the job waits, queued
    waiting = editor.get(f"/api/jobs/{job_id}").json()
    assert waiting["state"] == "queued" and waiting["done"] == 0 and not waiting["finished"]
    assert waiting["options"] == {"min_length": 6} and waiting["scope"]["identifiers"] == ["w01", "w02"]
    page = editor.get("/review/jobs?done=started").text
    assert 'id="jobs-notice"' in page
    assert f'id="job-{job_id}" data-job="{job_id}" data-state="queued" data-live' in page
    assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page  # followed without JS
    assert "/static/jobs.js" in page
    spawned.finish()
    done = editor.get(f"/api/jobs/{job_id}").json()
    assert (done["state"], done["done"], done["total"], done["progress"]) == ("done", 2, 2, 1.0)
    assert done["made"] == 2  # "colour" twice ("study" is shorter than 6)
    after = editor.get("/review/jobs").text
    assert "jobs.js" not in after and "http-equiv" not in after  # nothing left to follow
    [entry] = served(cat_app).catalog.audit.entries(action="job.")
    assert (entry.actor, entry.action, entry.object) == ("ed", "job.create", f"job:{job_id}")
    assert entry.after["agent"] == "fake" and entry.address


def test_the_api_starts_a_job_with_202_and_lists_jobs(editor: TestClient, spawned: Worker) -> None:
    answer = editor.post("/api/jobs", json={"agent": "fake", "options": {"min_length": 5}})
    assert answer.status_code == 202
    job = answer.json()
    assert job["state"] == "queued" and answer.headers["location"] == job["url"] == f"/api/jobs/{job['id']}"
    listed = editor.get("/api/jobs").json()
    assert [j["id"] for j in listed["jobs"]] == [job["id"]] and "fake" in listed["agents"]
    spawned.finish()
    assert editor.get(job["url"]).json()["done"] == 8


def test_a_bad_job_request_is_refused_with_its_reason_and_starts_nothing(
        cat_app: FastAPI, editor: TestClient, spawned: Worker) -> None:
    cases = [
        ({"agent": "nope", "scope": "all"}, "unknown agent &#39;nope&#39;"),
        ({"agent": "fake", "options": "colour=red", "scope": "all"}, "does not accept the options"),
        ({"agent": "fake", "options": "no equals sign", "scope": "all"}, "an agent option is KEY=VALUE"),
        ({"agent": "fake", "scope": "identifiers", "identifiers": "w01\nnope"}, "no record with identifier"),
        ({"agent": "fake", "scope": "identifiers", "identifiers": "  "}, "one a line"),
        ({"agent": "fake", "scope": "set", "saved_set": ""}, "choose the saved set"),
        ({"agent": "fake", "scope": "set", "saved_set": "missing"}, "no saved set named"),
    ]
    for form, reason in cases:
        answer = editor.post("/review/jobs", data=form)
        assert answer.status_code == 422 and reason.lower() in answer.text.lower(), form
        assert 'id="jobs-error"' in answer.text
    refused = editor.post("/api/jobs", json={"agent": "fake", "identifiers": ["nope"]})
    assert refused.status_code == 422
    assert "no record with identifier 'nope'" in refused.json()["error"]["message"]
    assert editor.post("/api/jobs", json={"agent": "fake", "saved_set": "x"}).status_code == 422
    assert spawned.spawned == [] and served(cat_app).catalog.jobs.recent() == []
    assert served(cat_app).catalog.audit.entries(action="job.") == []


def test_a_saved_set_scopes_a_job_and_another_accounts_private_set_is_unknown(
        cat_app: FastAPI, editor: TestClient, spawned: Worker) -> None:
    researcher = staff_client(cat_app, "researcher", "rita")
    made = researcher.post("/api/sets", json={"name": "ritas", "identifiers": ["w01", "w03"]})
    assert made.status_code in (200, 201), made.text
    assert editor.post("/api/jobs", json={"agent": "fake", "saved_set": "ritas"}).status_code == 422
    admin = staff_client(cat_app, "admin", "root")
    assert "ritas" in admin.get("/review/jobs").text  # an admin sees every set
    answer = admin.post("/api/jobs", json={"agent": "fake", "saved_set": "ritas"})
    assert answer.status_code == 202 and answer.json()["scope"]["set"] == "ritas"
    spawned.finish()
    assert admin.get(answer.json()["url"]).json()["done"] == 2


def test_cancel_stops_a_queued_job_at_once_and_asks_a_running_one(
        cat_app: FastAPI, editor: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "spawn", lambda root, job_id: 0)  # a worker that never comes
    queued = editor.post("/api/jobs", json={"agent": "fake"}).json()
    answer = editor.post(f"/review/jobs/{queued['id']}/cancel", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/review/jobs?done=cancelled")
    assert editor.get(queued["url"]).json()["state"] == "cancelled"
    catalog = served(cat_app).catalog
    running = editor.post("/api/jobs", json={"agent": "fake"}).json()
    catalog.jobs.start(running["id"], _own_pid(), 8)  # as its worker would
    asked = editor.post(f"/api/jobs/{running['id']}/cancel").json()
    assert asked["state"] == "running" and asked["cancel_requested"]
    assert "(stopping)" in editor.get("/review/jobs").text
    assert catalog.jobs.cancel_requested(running["id"])
    # the worker stops at its next batch
    stopped = run_job(served(cat_app), running["id"])
    assert stopped.state == "cancelled" and stopped.done == 0
    again = editor.post(f"/api/jobs/{queued['id']}/cancel")  # finished already: left alone, not audited
    assert again.status_code == 200 and again.json()["state"] == "cancelled"
    actions = [(e.action, e.object) for e in catalog.audit.entries(action="job.cancel")]
    assert actions == [("job.cancel", f"job:{running['id']}"), ("job.cancel", f"job:{queued['id']}")]
    assert editor.post("/api/jobs/999999/cancel").status_code == 404


def test_a_job_whose_worker_died_reads_as_interrupted(cat_app: FastAPI, editor: TestClient,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(worker, "spawn", lambda root, job_id: 0)
    job = editor.post("/api/jobs", json={"agent": "fake"}).json()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    served(cat_app).catalog.jobs.start(job["id"], gone.pid, 8)
    page = editor.get("/review/jobs").text
    assert 'data-state="interrupted"' in page and "its worker stopped" in page
    assert editor.get(job["url"]).json()["state"] == "interrupted"


def test_errors_of_a_job_are_listed_on_the_page(cat_app: FastAPI, editor: TestClient,
                                                spawned: Worker) -> None:
    job = editor.post("/api/jobs", json={"agent": "fake", "options": {"fail_on": ["w02"]}}).json()
    spawned.finish()
    shown = editor.get(job["url"]).json()
    assert shown["state"] == "done" and shown["failed"] == 1
    assert shown["errors"] == [{"item": "w02 (record:3)", "message": "RuntimeError: told to fail on w02"}]
    assert "told to fail on w02" in editor.get("/review/jobs").text


def _has_work_command() -> bool:
    from vitrine.cli import cli

    group: Any = cli.commands.get("suggest")
    return group is not None and "work" in getattr(group, "commands", {})


@pytest.mark.skipif(not _has_work_command(), reason="`python -m vitrine suggest work` (the worker's command) "
                    "is written on another branch of issue 11; this test runs once both are merged")
# spawn lets go of its detached worker at once (settle reaps it later), so Python's Popen warns when it is
# collected while the worker still runs: expected here, not a leak.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.filterwarnings("ignore:subprocess .* is still running:ResourceWarning")
def test_a_job_runs_in_a_real_worker_process(cat_app: FastAPI, editor: TestClient) -> None:
    job = editor.post("/api/jobs", json={"agent": "fake"}).json()
    deadline = time.monotonic() + 60
    state = job
    while not state["finished"] and time.monotonic() < deadline:
        time.sleep(0.2)
        state = editor.get(job["url"]).json()
    assert state["state"] == "done" and state["done"] == 8, state
    assert (served(cat_app).root / "jobs" / f"{job['id']}.log").exists()


def _own_pid() -> int:
    import os

    return os.getpid()


def test_a_job_may_not_name_a_file_outside_the_allowed_folders(
        cat_app: FastAPI, editor: TestClient, spawned: Worker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VITRINE_BOT__ACCESS_TOKEN", "tok-XYZ")
    options = {"authority": "/proc/self/environ"}
    answer = editor.post("/api/jobs", json={"agent": "authority", "options": options})
    assert answer.status_code in (400, 422) and "outside the folders agents may read" in answer.text
    page = editor.post("/review/jobs", data={"agent": "entities", "options": "model=/etc\n", "scope": "all"})
    assert page.status_code == 422 and "outside the folders agents may read" in page.text
    assert "tok-XYZ" not in answer.text + page.text and spawned.spawned == []
    assert served(cat_app).catalog.jobs.recent(5) == []
