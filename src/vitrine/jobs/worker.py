"""Jobs started from the browser run in a worker process, never in the request.

`spawn` starts ``python -m vitrine suggest work COLLECTION JOB`` detached from the web server
(its own session, output to the collection's `jobs/` folder), so the work survives a page closed
or a server reloaded, and a crash in an agent cannot take a web worker down. `settle` tells a job
whose worker died (killed, machine restarted) from one still running: a running job whose process
is gone, or silent for longer than `HEARTBEAT_S`, is marked interrupted; running its agent again
resumes it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from vitrine.catalog import Catalog
from vitrine.catalog.jobs import HEARTBEAT_S, Job


def spawn(collection_root: Path, job_id: int) -> int:
    """Start job `job_id` of the collection at `collection_root` in a worker process; returns its pid."""
    logs = collection_root / "jobs"
    logs.mkdir(exist_ok=True)
    with (logs / f"{job_id}.log").open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "vitrine", "suggest", "work", str(collection_root), str(job_id)],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            close_fds=True)
    # A thread waits for the worker, so it is reaped when it ends (no zombie, no Popen dropped
    # while its process runs, which Python warns about); the worker itself runs on regardless.
    threading.Thread(target=process.wait, name=f"job-{job_id}-reaper", daemon=True).start()
    return process.pid


def settle(catalog: Catalog, job: Job, now: float | None = None) -> Job:
    """The job, marked interrupted first if it claims to run (or to wait for a worker that was
    started) but its worker is gone: its process has exited, or, where its process is not known,
    it has been silent for longer than `HEARTBEAT_S`. A worker that is alive is never taken for dead,
    however slow its items."""
    if job.state not in ("running", "queued") or (job.state == "queued" and job.pid is None):
        return job
    now = time.time() if now is None else now
    known = job.pid is not None and job.pid > 0
    silent = job.state == "running" and job.heartbeat_at is not None and now - job.heartbeat_at > HEARTBEAT_S
    if (known and not _alive(job.pid or 0)) or (not known and silent):
        catalog.jobs.finish(job.id, "interrupted", "its worker stopped; run the agent again to resume")
        return catalog.jobs.get(job.id)
    return job


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a child that exited but was not waited for is a zombie: gone for our purposes
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return waited == 0
