"""Catalogue/index consistency: break a collection on purpose, check what is reported, repair it."""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np
from click.testing import CliRunner

from conftest import draw_image
from vitrine.cli import cli
from vitrine.indexing.check import check_collection, repair_collection
from vitrine.indexing.runner import _reset_vectors
from vitrine.jobs import Progress
from vitrine.search import core as search


def _image_id(collection: Any, identifier: str) -> int:
    return int(collection.catalog.images_of(identifier)[0].id)


def test_a_freshly_indexed_collection_is_clean(fake_collection: Any) -> None:
    report = check_collection(fake_collection)
    assert report.ok and report.problems == 0
    assert report.images == report.vectors == 13
    assert report.pending == 0 and report.failed == 0


def test_missing_vector_is_found_and_repaired(fake_collection: Any) -> None:
    lost = _image_id(fake_collection, "r03")
    fake_collection.index.remove(np.asarray([lost], np.int64))
    report = check_collection(fake_collection)
    assert report.missing == [lost] and not report.orphaned and not report.stale
    calls: list[Progress] = []
    fixed = repair_collection(fake_collection, progress=calls.append)
    assert fixed.ok and fixed.repaired is not None and fixed.repaired.missing == [lost]
    assert calls == [Progress("index", 0, 1), Progress("index", 1, 1)]
    assert search.search_by_image(fake_collection, draw_image(3)).hits[0].identifier == "r03"


def test_orphaned_vector_is_found_and_removed(fake_collection: Any) -> None:
    vector = fake_collection.embedder.embed_image(draw_image(42))
    fake_collection.index.add(np.asarray([5000], np.int64), vector[None, :])
    report = check_collection(fake_collection)
    assert report.orphaned == [5000] and not report.missing and not report.stale
    assert repair_collection(fake_collection).ok
    assert 5000 not in fake_collection.index.ids()


def test_deleted_record_leaves_orphans_until_repaired(fake_collection: Any) -> None:
    removed = fake_collection.catalog.delete_record("r06")
    assert check_collection(fake_collection).orphaned == removed
    assert repair_collection(fake_collection).ok


def test_changed_image_file_is_stale_and_re_embedded(fake_collection: Any) -> None:
    image = fake_collection.catalog.images_of("r04")[0]
    draw_image(500).save(image.location)
    os.utime(image.location, ns=(1, 1))  # a different stamp even on coarse-clock filesystems
    report = check_collection(fake_collection)
    assert list(report.stale) == [image.id] and "changed" in report.stale[image.id]
    fixed = repair_collection(fake_collection)
    assert fixed.ok and fixed.repaired is not None and fixed.repaired.problems == 1
    assert search.search_by_image(fake_collection, draw_image(500)).hits[0].identifier == "r04"


def test_touched_but_identical_file_is_not_stale(fake_collection: Any) -> None:
    image = fake_collection.catalog.images_of("r04")[0]
    os.utime(image.location, ns=(1, 1))
    assert check_collection(fake_collection).ok


def test_vector_from_another_embedder_is_stale(fake_collection: Any) -> None:
    image_id = _image_id(fake_collection, "r02")
    fake_collection.catalog.mark_embedded([image_id], "other/1/64")
    report = check_collection(fake_collection)
    assert list(report.stale) == [image_id]
    assert repair_collection(fake_collection).ok


def test_unreadable_file_is_reported(fake_collection: Any) -> None:
    image = fake_collection.catalog.images_of("r05")[0]
    os.remove(image.location)
    report = check_collection(fake_collection)
    assert "can no longer be read" in report.stale[image.id]
    fixed = repair_collection(fake_collection)
    assert fixed.ok and fixed.failed == 1 and fixed.errors
    assert "r05" not in [h.identifier for h in search.search_by_image(fake_collection, draw_image(5)).hits]


def test_report_as_dict_and_text(fake_collection: Any) -> None:
    fake_collection.index.remove(np.asarray([_image_id(fake_collection, "r01")], np.int64))
    report = check_collection(fake_collection)
    assert report.to_dict()["ok"] is False and len(report.to_dict()["missing"]) == 1  # type: ignore[arg-type]
    assert any("missing vectors" in line and line.endswith("1") for line in report.summary())


def test_stats_and_check_agree_on_what_is_pending_after_a_killed_rebuild(fake_collection: Any) -> None:
    _reset_vectors(fake_collection)  # what a rebuild does first; killed right after
    assert check_collection(fake_collection).pending == 13
    result = CliRunner().invoke(cli, ["collection", "stats", str(fake_collection.root), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["images_pending"] == 13
