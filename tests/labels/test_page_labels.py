"""The hand-drawn block labels of chapbook pages (data/labels/pages) and the tool that made them."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
DIR = ROOT / "data" / "labels" / "pages"
ORDER = ("illustration", "ornament", "initial", "map", "text")
CLASSES = set(ORDER)


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("label_pages", ROOT / "scripts" / "label_pages.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _labels() -> list[dict[str, object]]:
    return [json.loads(line) for line in (DIR / "pages.jsonl").read_text(encoding="utf-8").splitlines()]


def test_every_sampled_page_has_one_well_formed_label_in_the_sample_order() -> None:
    sample = [line.split() for line in (DIR / "sample.txt").read_text(encoding="utf-8").splitlines()]
    labels = _labels()
    assert [[label["file"], label["split"]] for label in labels] == sample
    assert len({name for name, _ in sample}) == 180
    # the splits as data/labels/pages/README.md says: the first 30 drawn tune, the other 150 report
    assert [split for _, split in sample] == ["tuning"] * 30 + ["report"] * 150
    for label in labels:
        assert set(label) == {"file", "width", "height", "boxes", "split"}
        assert label["width"] == 600 and 900 <= label["height"] <= 1300, label["file"]  # type: ignore[operator]
        for box in label["boxes"]:  # type: ignore[attr-defined]
            assert set(box) == {"class", "box"} and box["class"] in CLASSES, label["file"]
            x, y, w, h = box["box"]
            assert all(isinstance(v, int) for v in (x, y, w, h)), label["file"]
            assert w > 0 and h > 0 and x >= 0 and y >= 0, label["file"]
            assert x + w <= label["width"] and y + h <= label["height"], label["file"]  # type: ignore[operator]


def test_the_counts_in_the_readme_are_those_of_the_file() -> None:
    counts: dict[str, dict[str, int]] = {"tuning": {}, "report": {}}
    for label in _labels():
        for box in label["boxes"]:  # type: ignore[attr-defined]
            split = counts[str(label["split"])]
            split[box["class"]] = split.get(box["class"], 0) + 1
    readme = (DIR / "README.md").read_text(encoding="utf-8")
    for split, by_class in counts.items():
        row = " | ".join(str(by_class.get(name, 0)) for name in ORDER)
        assert f"| {split} | {row} |" in readme, f"README's count row should read | {split} | {row} |"


@pytest.mark.shared
def test_the_labels_file_is_what_build_makes_of_drawn_txt(shared_dir: Path) -> None:
    pages = shared_dir / "data" / "chapbooks" / "pages"
    if not pages.is_dir():
        pytest.skip("../shared/data/chapbooks/pages is absent: the labels are built from the page images")
    tool = _tool()
    drawn = tool.read_drawn(DIR / "drawn.txt")
    for label in _labels()[:12]:  # a dozen pages keep the test quick; the tool is deterministic
        name, split = str(label["file"]), str(label["split"])
        assert tool.label_page(pages, name, split, drawn[name], True) == label


@pytest.mark.shared
def test_the_sample_rule_is_the_seeded_draw(shared_dir: Path) -> None:
    pages = shared_dir / "data" / "chapbooks" / "pages"
    if not pages.is_dir():
        pytest.skip("../shared/data/chapbooks/pages is absent: the sample is drawn from its file names")
    rows = _tool().sample(pages, 13, 180, 30)
    expected = (DIR / "sample.txt").read_text(encoding="utf-8").splitlines()
    assert [f"{name} {split}" for name, split in rows] == expected


def _page(path: Path) -> None:
    """A 200 x 300 paper-coloured page with a dark block at (40..120, 50..90) and a speck at (10, 280)."""
    image = Image.new("RGB", (200, 300), (235, 225, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle([40, 50, 119, 89], fill=(30, 30, 30))
    draw.point((10, 280), fill=(0, 0, 0))
    image.save(path)


def test_tighten_shrinks_a_loose_box_to_the_ink_and_never_grows_it(tmp_path: Path) -> None:
    tool = _tool()
    _page(tmp_path / "p.png")
    drawn = [{"class": "illustration", "box": [20, 30, 150, 100]}]
    loose = tool.label_page(tmp_path, "p.png", "report", drawn, True)
    assert loose["boxes"] == [{"class": "illustration", "box": [40, 50, 80, 40]}]
    cut = tool.label_page(tmp_path, "p.png", "report", [{"class": "text", "box": [60, 60, 30, 10]}], True)
    assert cut["boxes"][0]["box"] == [60, 60, 30, 10]  # all ink: the box stays, it never grows to the block
    speck = tool.label_page(tmp_path, "p.png", "report", [{"class": "text", "box": [0, 200, 60, 99]}], True)
    assert speck["boxes"][0]["box"] == [0, 200, 60, 99]  # one dark pixel is not enough ink to move an edge
    kept = tool.label_page(tmp_path, "p.png", "report", [{"class": "text", "box": [20, 30, 150, 100]}], False)
    assert kept["boxes"][0]["box"] == [20, 30, 150, 100]


def test_drawn_lines_parse_with_letters_and_capitals_and_bad_ones_name_the_line(tmp_path: Path) -> None:
    tool = _tool()
    name, boxes = tool.parse_drawn_line("a.jpg t 1,2,3,4 I 5,6,7,8 ornament 9,9,9,9", "x:1")
    assert name == "a.jpg"
    assert [(b["class"], b["box"], b["tighten"]) for b in boxes] == [
        ("text", [1, 2, 3, 4], True), ("illustration", [5, 6, 7, 8], False), ("ornament", [9, 9, 9, 9], True)]
    for bad, why in [("a.jpg q 1,2,3,4", "unknown class"), ("a.jpg t 1,2,3", "x,y,w,h"),
                     ("a.jpg t 1,2,0,4", "above 0"), ("a.jpg t", "CLASS x,y,w,h pairs")]:
        with pytest.raises(SystemExit, match=why) as raised:
            tool.parse_drawn_line(bad, "drawn.txt:7")
        assert "drawn.txt:7" in str(raised.value)


def test_build_and_sheet_run_end_to_end(tmp_path: Path) -> None:
    tool = _tool()
    _page(tmp_path / "p.png")
    (tmp_path / "q.png").write_bytes((tmp_path / "p.png").read_bytes())
    (tmp_path / "sample.txt").write_text("p.png tuning\nq.png report\n", encoding="utf-8")
    lines = "# a comment\nq.png i 20,30,150,100\nq.png t 20,30,150,100\n"
    (tmp_path / "drawn.txt").write_text(lines, encoding="utf-8")
    out = tmp_path / "labels.jsonl"
    args = ["--pages", str(tmp_path), "--sample", str(tmp_path / "sample.txt")]
    tool.main(["build", *args, "--drawn", str(tmp_path / "drawn.txt"), "--out", str(out)])
    labels = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    # p.png has no line (not labelled yet); q.png's later line replaced its first
    assert labels == [{"file": "q.png", "width": 200, "height": 300, "split": "report",
                       "boxes": [{"class": "text", "box": [40, 50, 80, 40]}]}]
    tool.main(["sheet", *args, "--labels", str(out), "--out", str(tmp_path / "s.png"), "--scale", "0.5"])
    with Image.open(tmp_path / "s.png") as sheet:
        assert sheet.size == (2 * (100 + 6), 20 + 150)
    (tmp_path / "drawn.txt").write_text("z.png t 1,1,5,5\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"not in the sample: z\.png"):
        tool.main(["build", *args, "--drawn", str(tmp_path / "drawn.txt"), "--out", str(out)])
