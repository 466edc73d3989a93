"""The hand-made face labels (data/labels/faces) and the tool that made them (scripts/label_faces.py)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
LABELS = ROOT / "data" / "labels" / "faces" / "public-art-faces.jsonl"
SAMPLE = ROOT / "data" / "labels" / "faces" / "sample.txt"


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("label_faces", ROOT / "scripts" / "label_faces.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_sampled_image_has_one_well_formed_label_in_the_sample_order() -> None:
    ids = SAMPLE.read_text(encoding="utf-8").split()
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    assert len(ids) == len(set(ids)) == 200
    assert [label["id"] for label in labels] == ids
    for label in labels:
        assert set(label) == {"id", "file", "faces", "uncertain", "note"}
        assert label["file"] == f"images/{label['id']}.jpg"
        for x, y, w, h in label["faces"] + label["uncertain"]:
            assert w > 0 and h > 0 and x >= 0 and y >= 0 and x + w <= 200 and y + h <= 200, label["id"]
    assert sum(len(label["faces"]) for label in labels) > 300  # painted faces are the point of the sample


@pytest.mark.shared
def test_the_sample_rule_is_the_smallest_sha256_of_the_id(shared_dir: Path) -> None:
    if not (shared_dir / "data" / "public-art" / "records.csv").is_file():
        pytest.skip("../shared/data/public-art is absent: the sample is drawn from its records.csv")
    ids = _tool().sample(shared_dir / "data" / "public-art", 200)
    assert ids == SAMPLE.read_text(encoding="utf-8").split()


def _collection(tmp_path: Path) -> Path:
    (tmp_path / "images").mkdir()
    rows = ["id,file,title", "a,images/a.jpg,One", "b,images/b.jpg,Two", "c,images/c.jpg,No image"]
    (tmp_path / "records.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    for name in ("a", "b"):
        Image.new("RGB", (200, 200), (90, 60, 30)).save(tmp_path / "images" / f"{name}.jpg")
    return tmp_path


def test_record_keeps_one_line_per_image_in_the_sample_order(tmp_path: Path) -> None:
    tool, data = _tool(), _collection(tmp_path)
    labels, ids = tmp_path / "labels.jsonl", tmp_path / "ids.txt"
    ids.write_text("b\na\n", encoding="utf-8")
    assert tool.sample(data, 5) in (["a", "b"], ["b", "a"])  # c has no image file
    common = ["--data", str(data), "--labels", str(labels), "--ids", str(ids)]
    tool.main(["record", *common, "--id", "a", "--faces", "10,10,20,20", "--note", "first"])
    tool.main(["record", *common, "--id", "b", "--uncertain", "0,0,200,200"])
    tool.main(["record", *common, "--id", "a", "--faces", "12,10,20,22;100,40,15,15", "--note", "fixed"])
    lines = [json.loads(line) for line in labels.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["b", "a"]
    assert lines[1] == {"id": "a", "file": "images/a.jpg", "faces": [[12, 10, 20, 22], [100, 40, 15, 15]],
                        "uncertain": [], "note": "fixed"}
    assert lines[0]["uncertain"] == [[0, 0, 200, 200]]


@pytest.mark.parametrize("boxes", ["10,10,20", "190,10,20,20", "10,10,0,5", "a,b,c,d"])
def test_a_bad_box_is_refused_with_what_was_wrong(tmp_path: Path, boxes: str) -> None:
    tool, data = _tool(), _collection(tmp_path)
    with pytest.raises(SystemExit, match="box"):
        tool.main(["record", "--data", str(data), "--labels", str(tmp_path / "l.jsonl"), "--id", "a",
                   "--faces", boxes])
    assert not (tmp_path / "l.jsonl").exists()


def test_a_check_sheet_draws_the_recorded_boxes(tmp_path: Path) -> None:
    tool, data = _tool(), _collection(tmp_path)
    labels, ids = tmp_path / "labels.jsonl", tmp_path / "ids.txt"
    ids.write_text("a\nb\n", encoding="utf-8")
    tool.main(["record", "--data", str(data), "--labels", str(labels), "--id", "a", "--faces", "50,50,40,40"])
    plain, check = tmp_path / "plain.png", tmp_path / "check.png"
    tool.main(["sheet", "--data", str(data), "--ids", str(ids), "--count", "2", "--scale", "2", "--no-grid",
               "--out", str(plain)])
    tool.main(["sheet", "--data", str(data), "--ids", str(ids), "--count", "2", "--scale", "2", "--no-grid",
               "--labels", str(labels), "--out", str(check)])
    top = 22  # the caption above each image
    assert Image.open(plain).getpixel((100, top + 140)) != (0, 255, 0)
    assert Image.open(check).getpixel((100, top + 140)) == (0, 255, 0)  # the box's left edge, x=50 at 2x
    assert Image.open(check).getpixel((300, top + 140)) != (0, 255, 0)  # image b has no box
