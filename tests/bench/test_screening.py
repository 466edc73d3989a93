"""The screening benchmark runs end to end on a few small photos and reports both timings."""

from __future__ import annotations

import pytest

from vitrine.bench.screening import photos, run, table


def test_the_screening_benchmark_times_the_detector_beside_its_baseline() -> None:
    pytest.importorskip("nudenet", reason="needs the screen extra (pip install 'vitrine[screen]')")
    report = run(count=4, side=320)
    assert report.photos == 4 and report.load_s >= 0
    assert 0 < report.baseline_p50_ms <= report.baseline_p95_ms
    assert 0 < report.screen_p50_ms <= report.screen_p95_ms
    assert "NudeNet screen" in table(report) and "baseline" in table(report)


def test_the_photos_are_seeded_and_at_visitor_size() -> None:
    first, again = photos(2, 640), photos(2, 640)
    assert first == again and first[0] != first[1] and first[0][:3] == b"\xff\xd8\xff"
