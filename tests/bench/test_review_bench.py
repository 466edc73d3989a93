"""The review queue benchmark end to end at a tiny size, and the synthetic queue it builds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vitrine.bench import review as bench
from vitrine.bench.review_data import AGENTS, build, plan
from vitrine.catalog import Catalog
from vitrine.catalog.suggestions import SuggestionQuery


def test_the_plan_spreads_suggestions_in_job_order_with_distinct_ordinals() -> None:
    agent, record, ordinal = plan(records=50, suggestions=2000, seed=1)
    assert len(agent) == 2000 and set(agent.tolist()) == set(range(len(AGENTS)))
    keys = list(zip(agent.tolist(), record.tolist(), strict=True))
    assert keys == sorted(keys)  # agent by agent, record by record, as a job inserts them
    triples = set(zip(agent.tolist(), record.tolist(), ordinal.tolist(), strict=True))
    assert len(triples) == 2000  # each (agent, record) numbers its suggestions 0, 1, 2...


def test_the_built_queue_has_every_suggestion_a_history_and_some_stale(tmp_path: Path) -> None:
    catalog = Catalog(tmp_path / "catalog.sqlite")
    built = build(catalog, records=60, suggestions=3000, seed=3, say=lambda _: None)
    store = catalog.suggestions
    assert built.suggestions == 3000 and built.bytes_after > built.bytes_before
    statuses = store.counts_by("status")
    assert sum(statuses.values()) == 3000 and statuses["rejected"] > 0 and statuses["accepted"] > 0
    assert set(store.counts_by("kind")) == {a.kind for a in AGENTS}
    assert 0 < store.count(SuggestionQuery(stale=True)) < store.count(SuggestionQuery()) / 10
    faces = store.find(SuggestionQuery(kinds=("face",), limit=5))
    assert faces and all(f.region and f.image_id and f.probability is not None for f in faces)
    catalog.close()


def test_the_bench_reports_pages_and_decisions_beside_its_baseline(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--suggestions", "2000", "--records", "100", "--baseline", "500", "--queries", "4",
            "--decisions", "3", "--workdir", str(tmp_path / "work"), "--json", str(tmp_path / "r.json")]
    assert bench.main(args) == 0
    out = capsys.readouterr().out
    assert "2,000 suggestions over 100 records; baseline 500" in out and "targets: page p95 < 100 ms" in out
    report = json.loads((tmp_path / "r.json").read_text())
    assert [p["name"] for p in report["pages"]] == [name for name, _ in bench.PAGES]
    assert all(0 < p["p50"] <= p["p95"] and p["base_p95"] > 0 for p in report["pages"])
    assert [d["name"] for d in report["decisions"]] == ["accept", "reject", "undo"]
    assert report["insert_per_s"] > 0 and report["bytes_per_suggestion"] > 100
    parts = {"rows", "unique key", "queue indexes", "agent inputs"}
    assert set(report["storage_mb"]) in (parts, set())  # empty where SQLite was built without dbstat
    assert bench.main([*args, "--web"]) == 0  # the second run reuses the collections in --workdir
    out = capsys.readouterr().out
    assert "reusing" in out and "/review page of 25 (ms)" in out
    web = json.loads((tmp_path / "r.json").read_text())
    assert web["web"] and all(0 < p["p50"] <= p["p95"] for p in web["pages"])


def test_sizes_are_checked() -> None:
    with pytest.raises(SystemExit):
        bench.main(["--suggestions", "100", "--baseline", "1000"])
