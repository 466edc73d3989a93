"""A kept --workdir of the recognition bench is reused only when it was made the same way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vitrine.bench.recognition import extraction, parse


def args_for(data: Path, workdir: Path, *more: str) -> list[str]:
    return ["--data", str(data), "--workdir", str(workdir), *more]


def test_a_workdir_made_another_way_or_unrecorded_is_refused(tmp_path: Path) -> None:
    data, workdir = tmp_path / "data", tmp_path / "work"
    data.mkdir()
    (data / "records.csv").write_text("id,file,title\n", encoding="utf-8")
    assert parse(args_for(data, workdir)).workdir == workdir  # new: nothing to compare
    (workdir / "coll").mkdir(parents=True)
    with pytest.raises(SystemExit):  # a collection made before the record was kept
        parse(args_for(data, workdir))
    (workdir / "extraction.json").write_text(json.dumps(extraction(parse(args_for(data, tmp_path / "new")))))
    assert parse(args_for(data, workdir)).workdir == workdir  # made the same way: reused
    with pytest.raises(SystemExit):  # another vocabulary cap
        parse(args_for(data, workdir, "--max-words", "512"))
    with pytest.raises(SystemExit):  # another split of the works
        parse(args_for(data, workdir, "--seed", "9"))


def test_the_scale_bench_refuses_a_variant_it_cannot_answer(tmp_path: Path) -> None:
    from vitrine.bench import recognition_scale

    with pytest.raises(SystemExit):  # its grown index is copied from one extraction: no @plain
        recognition_scale.main(["--workdir", str(tmp_path), "--variants", "new@plain"])
    with pytest.raises(SystemExit):
        recognition_scale.main(["--workdir", str(tmp_path), "--variants", "bogus"])
