"""Atomic writes keep the old file until the new one is complete; change stamps."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vitrine.fsutil import atomic_path, file_stamp, write_atomic


def test_write_atomic_replaces_text_and_bytes(tmp_path: Path) -> None:
    target = tmp_path / "config.json"
    write_atomic(target, "première")
    assert target.read_text(encoding="utf-8") == "première"
    write_atomic(target, b"\x00\x01")
    assert target.read_bytes() == b"\x00\x01"
    assert os.listdir(tmp_path) == ["config.json"]


def test_a_write_failing_midway_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")

    with pytest.raises(RuntimeError), atomic_path(target) as tmp, tmp.open("w") as fh:
        fh.write("half of the new")
        raise RuntimeError("disk full")

    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["report.json"]


def test_an_interrupted_write_leaves_no_file_where_there_was_none(tmp_path: Path) -> None:
    with pytest.raises(KeyboardInterrupt), atomic_path(tmp_path / "new.npz") as tmp:
        tmp.write_bytes(b"partial")
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == []


def test_the_temporary_file_is_beside_the_target_and_hidden(tmp_path: Path) -> None:
    with atomic_path(tmp_path / "a.jpg") as first, atomic_path(tmp_path / "a.jpg") as second:
        assert first.parent == tmp_path and first.name.startswith(".a.jpg.")
        assert first != second  # two writers of the same file do not share a temporary
        first.write_bytes(b"1")
        second.write_bytes(b"2")
    assert (tmp_path / "a.jpg").read_bytes() == b"1"  # the last to finish wins, whole
    assert os.listdir(tmp_path) == ["a.jpg"]


def test_file_stamp_changes_with_the_content(tmp_path: Path) -> None:
    path = tmp_path / "img.png"
    path.write_bytes(b"one")
    first = file_stamp(path)
    assert first is not None and first.startswith("3:")
    path.write_bytes(b"three")
    assert file_stamp(str(path)) != first
    assert file_stamp(tmp_path / "missing.png") is None
    assert file_stamp("https://example.org/img.png") is None
