"""One writer at a time: a second import or index waits or refuses cleanly; the collection stays whole."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.conftest import Run
from conftest import draw_image

_CLI = "import sys; from vitrine.cli import main; sys.argv[0] = 'vitrine'; main()"
_HOLD = """
import select, sys
from pathlib import Path
from vitrine.locking import WriteLock
with WriteLock(Path(sys.argv[1])).hold("import"):
    print("held", flush=True)
    select.select([sys.stdin], [], [], float(sys.argv[2]))  # until told to let go, or the time is up
"""


def _vitrine(data_dir: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", _CLI, "--data-dir", str(data_dir), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **env})


def _pictures(folder: Path, start: int, n: int) -> Path:
    folder.mkdir(parents=True)
    for i in range(start, start + n):
        draw_image(i, size=160).save(folder / f"p{i:03d}.png")
    return folder


@pytest.fixture
def coll(run: Run) -> str:
    run("collection", "create", "c", "--embedder", "fake", "--index", "faiss")
    return "c"


def test_a_second_writer_is_refused_with_exit_75_and_who_is_writing(
    run: Run, coll: str, data_dir: Path, tmp_path: Path,
) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(data_dir / coll), "30"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        out = run("import", "folder", coll, str(_pictures(tmp_path / "a", 0, 3)), expect=75).output
        assert f"being changed by another writer (import by process {holder.pid}" in out
        assert "Traceback" not in out
        run("index", coll, expect=75)
    finally:
        holder.kill()
        holder.communicate()
    run("import", "folder", coll, str(tmp_path / "a"))  # the holder is gone: the lock is free


def test_a_writer_told_to_wait_waits_for_the_other_and_says_so(
    coll: str, data_dir: Path, tmp_path: Path,
) -> None:
    holder = subprocess.Popen([sys.executable, "-c", _HOLD, str(data_dir / coll), "60"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    waiting = _vitrine(data_dir, "import", "folder", coll, str(_pictures(tmp_path / "a", 0, 3)),
                       VITRINE_LOCK_WAIT_S="60")
    assert waiting.stderr is not None
    said = waiting.stderr.readline()  # the waiter says it waits before the holder lets go
    holder.communicate("go\n")
    code, err = waiting.wait(timeout=120), said + waiting.communicate()[1]
    assert code == 0, err
    assert f"(import by process {holder.pid} since" in err and "waiting up to 60 s" in err


@pytest.mark.slow
def test_two_imports_at_once_wait_their_turn_and_leave_the_collection_whole(
    run: Run, coll: str, data_dir: Path, tmp_path: Path,
) -> None:
    first = _pictures(tmp_path / "first", 0, 40)
    second = _pictures(tmp_path / "second", 100, 40)
    wait = {"VITRINE_LOCK_WAIT_S": "300"}
    runs = [_vitrine(data_dir, "import", "folder", coll, str(first), **wait),
            _vitrine(data_dir, "import", "folder", coll, str(second), **wait)]
    outcomes = [(p.wait(timeout=300), *p.communicate()) for p in runs]
    for code, out, err in outcomes:
        assert code == 0, out + err
        assert "Traceback" not in err
    check = run("check", coll).output
    assert "80 images in the catalogue, 80 vectors in the index" in check
    assert check.strip().endswith("ok")
