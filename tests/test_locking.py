"""The collection write lock: one writer at a time across processes and threads, re-entrant in one."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from vitrine.errors import CollectionBusy, Conflict
from vitrine.locking import WriteLock

_HOLD = """
import sys, time
from pathlib import Path
from vitrine.locking import WriteLock
with WriteLock(Path(sys.argv[1])).hold("import"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _other_process(root: Path, seconds: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(root), str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_is_refused_with_who_holds_the_lock(tmp_path: Path) -> None:
    proc = _other_process(tmp_path, 30)
    try:
        with (pytest.raises(CollectionBusy, match=rf"import by process {proc.pid} since") as caught,
              WriteLock(tmp_path).hold("index")):
            pass
        assert isinstance(caught.value, Conflict)
    finally:
        proc.kill()
        proc.communicate()
    with WriteLock(tmp_path).hold("index"):  # the OS released a killed holder's lock
        pass


def test_a_second_writer_can_wait_for_the_first(tmp_path: Path) -> None:
    proc = _other_process(tmp_path, 0.5)
    told: list[str] = []
    start = time.monotonic()
    with WriteLock(tmp_path).hold("index", wait=20, on_wait=told.append):
        waited = time.monotonic() - start
    proc.communicate()
    assert told and told[0].startswith("import by process")
    assert 0.1 < waited < 20


def test_reentrant_in_a_thread_exclusive_across_threads(tmp_path: Path) -> None:
    lock = WriteLock(tmp_path)
    outcome: list[str] = []

    def other() -> None:
        try:
            with WriteLock(tmp_path).hold("map"):
                outcome.append("entered")
        except CollectionBusy:
            outcome.append("refused")

    with lock.hold("import"), lock.hold("index"):
        assert lock.held
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert outcome == ["refused"]
    assert not lock.held
    other()
    assert outcome == ["refused", "entered"]
