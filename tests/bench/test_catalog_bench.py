"""The catalogue benchmark's synthetic records follow public-art's columns, seeded; a tiny run reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vitrine.bench import catalog as bench
from vitrine.bench.catalog_data import Shape, build
from vitrine.catalog import Catalog

_CSV = """id,file,title,artist,year,date,medium,museum,height_cm,width_cm,wikidata
a,images/a.jpg,Portrait of a Man,Peter Paul Rubens,1620,1620,oil paint,Museo del Prado,60,50,
b,images/b.jpg,Saint Jerome,Anthony van Dyck,1625,ca. 1625,oil paint,Rijksmuseum,100,80,
c,images/c.jpg,Wall of the Villa,Unknown artist,-50,ca. 50 BCE,fresco,Metropolitan Museum of Art,186,186,
d,images/d.jpg,Portrait of a Lady,Peter Paul Rubens,1630,1630,Oil on canvas,Museo del Prado,70,55,
"""


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "records.csv").write_text(_CSV, encoding="utf-8")
    return tmp_path


def test_records_are_seeded_and_shaped_like_the_source(tmp_path: Path) -> None:
    shape = Shape.from_csv(_folder(tmp_path) / "records.csv")
    first, again, other = (list(shape.records(300, seed)) for seed in (1, 1, 2))
    assert first == again and first != other
    words = {"Portrait", "of", "a", "Man", "Saint", "Jerome", "Wall", "the", "Villa", "Lady"}
    firsts, lasts = {"Peter", "Anthony", "Unknown"}, {"Rubens", "Dyck", "artist"}
    for record in first:
        assert set((record.title or "").split()) <= words
        name = record.creators[0]
        assert name in shape.artists.values or (name.split()[0] in firsts and name.split()[-1] in lasts)
        assert record.year_min is None or -60 <= record.year_min <= 1640
        assert record.source in {"Museo del Prado", "Rijksmuseum", "Metropolitan Museum of Art"}
        assert record.object_type == ("wall painting" if record.medium == "fresco" else "painting")
    # the Prado holds half of the source's records, so about half of the synthetic ones
    assert 100 < sum(r.source == "Museo del Prado" for r in first) < 200


def test_build_writes_every_record_with_an_image_and_some_tags(tmp_path: Path) -> None:
    shape = Shape.from_csv(_folder(tmp_path) / "records.csv")
    catalog = Catalog(tmp_path / "catalog.sqlite")
    built = build(catalog, shape, 450, seed=3)
    assert built.records == catalog.count() == catalog.stats()["images"] == 450
    assert catalog.facet("curated:tag")  # about 5% of records carry accepted tags
    catalog.close()


def test_a_tiny_run_reports_both_sizes(tmp_path: Path) -> None:
    data = _folder(tmp_path)
    out = tmp_path / "report.json"
    assert bench.main(["--records", "300", "--baseline", "100", "--queries", "3", "--data", str(data),
                       "--workdir", str(tmp_path / "work"), "--json", str(out)]) == 0
    report = json.loads(out.read_text())
    assert [s["records"] for s in report["scales"]] == [100, 300]
    timings = report["scales"][1]["timings"]
    assert timings["facets, landing (precomputed)"]["p95"] > 0
    for slow in ("facets, filtered (computed)", "full text (every match ranked)",
                 "visual, filtered (listing allowed ids)", "visual, filtered (post-filter first)"):
        assert slow in timings  # each fast path is timed beside the slow one
    assert report["scales"][1]["open_s"] >= 0
    for row in ("visual, unfiltered", "visual, filtered", "combined filter: visual"):
        assert row in timings
    assert not any(name.startswith("visual, unfiltered [") for name in timings)
    graph = tmp_path / "work" / "records-300-seed-14" / f"hnsw-{bench.DIM}.faiss"
    assert graph.exists() and report["scales"][1]["graph_s"] >= 0  # the HNSW index, built once
    built_at = graph.stat().st_mtime_ns
    # a second run reuses the catalogues it built
    assert bench.main(["--records", "300", "--baseline", "100", "--queries", "3", "--data", str(data),
                       "--workdir", str(tmp_path / "work"), "--json", str(out)]) == 0
    again = json.loads(out.read_text())["scales"][1]
    first_rate = report["scales"][1]["import_rate"]
    assert again["reused"] and again["import_rate"] == pytest.approx(first_rate, rel=0.01)
    assert graph.stat().st_mtime_ns == built_at and again["graph_s"] == report["scales"][1]["graph_s"]


def test_import_rates_are_timed_per_row_and_deferred(tmp_path: Path) -> None:
    data = _folder(tmp_path)
    out = tmp_path / "report.json"
    assert bench.main(["--records", "60", "--baseline", "30", "--queries", "1", "--data", str(data),
                       "--workdir", str(tmp_path / "work"), "--json", str(out), "--import-rate", "250"]) == 0
    report = json.loads(out.read_text())
    assert report["import_records"] == 250
    rates = report["import_rates"]
    settling = "of which settling the pairs (s)"
    assert set(rates) == {"pairs per row", "pairs deferred, settled at the end", settling}
    assert all(len(r) == 2 and min(r) >= 0 for r in rates.values()) and min(rates["pairs per row"]) > 0
    assert not list((tmp_path / "work").glob("import-*"))  # the timed catalogues are removed


def test_a_deferred_build_counts_the_pairs_a_per_row_build_counts(tmp_path: Path) -> None:
    shape = Shape.from_csv(_folder(tmp_path) / "records.csv")
    pairs = []
    for deferred in (False, True):
        catalog = Catalog(tmp_path / f"catalog-{deferred}.sqlite")
        build(catalog, shape, 450, seed=3, deferred=deferred)
        pairs.append(set(catalog._db.execute("SELECT * FROM facet_pairs WHERE n <> 0")))
        catalog.close()
    assert pairs[0] == pairs[1] and pairs[0]
