"""vitrine import, index, search, record show, check, export and bench through the CLI."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

Run = Callable[..., Result]


def test_import_folder_indexes_and_reports(run: Run, demo_coll: str, data_dir: Path) -> None:
    stats = json.loads(run("collection", "stats", demo_coll, "--json").stdout)
    assert stats["records"] == 8 and stats["vectors"] == 8 and stats["vectors_embedder"].startswith("fake/")


def test_import_reports_failures_with_reasons(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "broken.jpg").write_bytes(b"not an image at all")
    from conftest import draw_image

    draw_image(1).save(folder / "good.png")
    run("collection", "create", "m", "--embedder", "fake", "--index", "memory")
    out = run("import", "folder", "m", str(folder), expect=3).output  # 3: done, with failures
    assert "2 added" in out
    assert "indexed 1 images" in out and "1 failed" in out
    assert "broken.jpg" in out and "not an image" in out


def test_import_no_index_then_index(run: Run, tmp_path: Path) -> None:
    from conftest import draw_image

    folder = tmp_path / "p"
    folder.mkdir()
    draw_image(3).save(folder / "a.png")
    run("collection", "create", "n", "--embedder", "fake", "--index", "memory")
    out = run("import", "folder", "n", str(folder), "--no-index").output
    assert "indexed" not in out
    assert "indexed 1 images" in run("index", "n").output
    assert "indexed 0 images" in run("index", "n").output  # nothing changed
    assert "indexed 1 images" in run("index", "n", "--rebuild").output


def test_import_csv_with_a_mapping(run: Run, tmp_path: Path) -> None:
    from conftest import draw_image

    draw_image(1).save(tmp_path / "one.png")
    draw_image(2).save(tmp_path / "two.png")
    table = tmp_path / "works.csv"
    table.write_text("id,name,artist,file,year\nA1,Harbour at dawn,Jan Smit,one.png,1650\n"
                     "A2,Storm,Eva Berg,two.png,1701\n")
    run("collection", "create", "t", "--embedder", "fake", "--index", "memory")
    mapping = "identifier=id,title=name,creators=artist,image=file"
    out = run("import", "csv", "t", str(table), "--map", mapping)
    assert "2 added" in out.output and "indexed 2 images" in out.output
    shown = json.loads(run("record", "show", "t", "A1", "--json").stdout)
    assert shown["title"] == "Harbour at dawn" and shown["creators"] == ["Jan Smit"]
    hits = json.loads(run("search", "text", "t", "harbour", "--json", "--mode", "fulltext").stdout)
    assert [h["identifier"] for h in hits] == ["A1"]
    hits = json.loads(run("search", "image", "t", str(tmp_path / "two.png"), "--json").stdout)
    assert hits[0]["identifier"] == "A2"
    two = str(tmp_path / "two.png")
    hits = json.loads(run("search", "image", "t", two, "--json", "--year-to", "1690").stdout)
    assert [h["identifier"] for h in hits] == ["A1"]
    bad = run("import", "csv", "t", str(table), "--map", "identifier=nope", expect=1).output
    assert "no column 'nope'" in bad


def test_search_image_json_puts_the_same_image_first(run: Run, demo_coll: str, tmp_path: Path) -> None:
    result = run("search", "image", demo_coll, str(tmp_path / "pictures" / "img004.png"), "--json", "-k", "3")
    hits = json.loads(result.stdout)  # stdout holds only JSON, even with progress bars around
    assert len(hits) == 3 and hits[0]["identifier"] == "img004"
    assert {"identifier", "score", "title"} <= set(hits[0]) and hits[0]["score"] > hits[1]["score"]


def test_search_table_and_pages(run: Run, demo_coll: str, tmp_path: Path) -> None:
    query = str(tmp_path / "pictures" / "img002.png")
    out = run("search", "image", demo_coll, query, "-k", "5").output
    assert "identifier" in out and "img002" in out.splitlines()[1] and "page 1 of 2 (8 results)" in out
    out = run("search", "image", demo_coll, query, "-k", "5", "--page", "2").output
    assert "page 2 of 2" in out and "   6  " in out
    assert "between 1 and 200" in run("search", "record", demo_coll, "img001", "-k", "500", expect=1).output


def test_search_says_when_nothing_matched_well(run: Run, demo_coll: str) -> None:
    out = run("search", "text", demo_coll, "zeppelin").output
    assert "Nothing matched well" in out
    result = run("search", "text", demo_coll, "zeppelin", "--json")
    assert isinstance(json.loads(result.stdout), list) and "nothing matched well" in result.stderr
    assert "No results" in run("search", "text", demo_coll, "zeppelin", "--mode", "fulltext").output


def test_search_record_and_filters(run: Run, demo_coll: str) -> None:
    hits = json.loads(run("search", "record", demo_coll, "img003", "--json", "-k", "20").stdout)
    assert len(hits) == 7 and "img003" not in [h["identifier"] for h in hits]
    assert "no record" in run("search", "record", demo_coll, "ghost", expect=1).output
    found = run("search", "record", demo_coll, "img003", "--json", "--where", "title=Img005")
    hits = json.loads(found.stdout)
    assert [h["identifier"] for h in hits] == ["img005"]
    assert "field=value" in run("search", "record", demo_coll, "img003", "--where", "oops", expect=2).output


def test_bad_query_image_is_a_clean_error(run: Run, demo_coll: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_text("hello")
    assert "not an image" in run("search", "image", demo_coll, str(bad), expect=1).output


def test_record_show(run: Run, demo_coll: str) -> None:
    out = run("record", "show", demo_coll, "img001").output
    assert "identifier" in out and "img001" in out and "image 1" in out


def test_check_and_repair(run: Run, demo_coll: str, data_dir: Path) -> None:
    assert run("check", demo_coll).output.strip().endswith("ok")
    from vitrine.collection import open_collection

    with open_collection(data_dir / demo_coll) as coll:
        coll.index.remove(coll.index.ids()[:2])
    report = json.loads(run("check", demo_coll, "--json", expect=1).stdout)
    assert len(report["missing"]) == 2 and report["ok"] is False
    assert "repaired 2 problems" in run("check", demo_coll, "--repair").output
    assert json.loads(run("check", demo_coll, "--json").stdout)["ok"] is True


def test_export_csv_and_jsonl(run: Run, demo_coll: str, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    run("export", demo_coll, "--format", "csv", "-o", str(target))
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert len(rows) == 8 and rows[0]["identifier"] == "img000" and rows[0]["images"].endswith("img000.png")
    lines = run("export", demo_coll, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["identifier"] for line in lines] == [f"img{i:03d}" for i in range(8)]


def test_switching_embedder_re_embeds(run: Run, demo_coll: str) -> None:
    from vitrine import embedders
    from vitrine.embedders.fake import FakeEmbedder

    class Other(FakeEmbedder):
        name = "other"
        dim = 64

    embedders.register("other", Other)
    try:
        out = run("index", demo_coll, "--embedder", "other").output
        assert "switched" in out and "indexed 8 images" in out
        stats = json.loads(run("collection", "stats", demo_coll, "--json").stdout)
        assert stats["embedder"] == "other" and stats["vectors_embedder"].startswith("other/")
        assert stats["vectors"] == 8
    finally:
        embedders._registry.unregister("other")


def test_bench_forwards_or_says_it_is_missing(run: Run) -> None:
    result = run("bench", "nosuch", expect=2)
    assert "No such command" in result.output


# -- relevance feedback and saved sets ------------------------------------------------------------


def _ids(result: Result) -> list[str]:
    return [h["identifier"] for h in json.loads(result.stdout)]


def test_refine_with_one_relevant_work_and_rocchio_is_more_like_this(run: Run, demo_coll: str) -> None:
    like = _ids(run("search", "record", demo_coll, "img003", "--json", "-k", "7"))
    refined = _ids(run("search", "refine", demo_coll, "--pos", "img003", "--method", "rocchio",
                       "--json", "-k", "7"))
    assert refined == like and "img003" not in refined


def test_refine_leaves_marked_works_out_and_saves_a_set(run: Run, demo_coll: str, tmp_path: Path) -> None:
    result = run("search", "refine", demo_coll, "--pos", "img001", "--pos", "img002", "--neg", "img005",
                 "--query-record", "img000", "--json", "-k", "3", "--save", "first picks",
                 "--description", "a try")
    shown = _ids(result)
    assert len(shown) == 3 and not {"img000", "img001", "img002", "img005"} & set(shown)
    assert "saved set 'first picks' (5 works)" in result.stderr
    listed = json.loads(run("set", "list", demo_coll, "--json").stdout)
    assert [s["name"] for s in listed] == ["first picks"]
    saved = json.loads(run("set", "show", demo_coll, "first picks", "--json").stdout)
    assert saved["identifiers"] == ["img001", "img002", *shown] and saved["negatives"] == ["img005"]
    assert saved["query"] == {"kind": "record", "value": "img000"} and saved["method"] == "svm"
    assert [r["identifier"] for r in saved["records"]] == saved["identifiers"]
    assert "first picks: 5 works" in run("set", "show", demo_coll, "first picks").output
    run("set", "update", demo_coll, "first picks", "--remove", "img001", "--rename", "kept")
    target = tmp_path / "kept.csv"
    run("set", "export", demo_coll, "kept", "-o", str(target))
    rows = list(csv.DictReader(io.StringIO(target.read_text())))
    assert [r["identifier"] for r in rows] == ["img002", *shown]
    assert "deleted set 'kept'" in run("set", "delete", demo_coll, "kept").output
    assert "No saved sets" in run("set", "list", demo_coll).output


def test_refine_only_relevant_and_a_taken_name(run: Run, demo_coll: str) -> None:
    args = ("search", "refine", demo_coll, "--pos", "img004", "--save", "s", "--only-relevant")
    run(*args)
    assert json.loads(run("set", "show", demo_coll, "s", "--json").stdout)["identifiers"] == ["img004"]
    assert "exists already" in run(*args, expect=1).output
    run(*args, "--replace")


def test_refine_and_set_errors_are_clear(run: Run, demo_coll: str, tmp_path: Path) -> None:
    assert "no feedback" in run("search", "refine", demo_coll, expect=1).output
    out = run("search", "refine", demo_coll, "--pos", "img001", "--neg", "ghost", expect=1).output
    assert "no record with identifier 'ghost'" in out
    both = run("search", "refine", demo_coll, "--pos", "img001", "--text", "x", "--query-record", "img002",
               expect=2).output
    assert "at most one of" in both
    assert "no saved set named 'nope'" in run("set", "show", demo_coll, "nope", expect=1).output
    target = tmp_path / "never.csv"
    run("set", "export", demo_coll, "nope", "-o", str(target), expect=1)
    assert not target.exists() and not list(tmp_path.glob("never.csv*"))


def test_refine_from_an_image_or_words(run: Run, demo_coll: str, tmp_path: Path) -> None:
    picture = str(tmp_path / "pictures" / "img006.png")
    shown = _ids(run("search", "refine", demo_coll, "--image", picture, "--neg", "img001", "--json"))
    assert shown[0] == "img006" and "img001" not in shown
    run("search", "refine", demo_coll, "--text", "harbour", "--pos", "img002", "--save", "words")
    saved = json.loads(run("set", "show", demo_coll, "words", "--json").stdout)
    assert saved["query"] == {"kind": "text", "value": "harbour"}
