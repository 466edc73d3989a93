"""The concepts bench's scale part on a small synthetic catalogue: the refresh and the application."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitrine.bench.concepts import application_time, refresh_end_to_end, scale_collection


def test_the_saved_classifier_is_applied_to_every_image_as_a_job(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with scale_collection(300, 319, tmp_path) as collection:  # 319: the classic embedder's dimension
        refresh_end_to_end(collection, 300, repeats=2)
        application_time(collection, 300)
        (job,) = collection.catalog.jobs.recent(5)
    out = capsys.readouterr().out
    assert "through the use cases at 300 records" in out
    assert "applying the saved classifier to 300 images" in out and "300 looked at" in out
    assert job.state == "done" and job.done == 300 and job.failed == 0
