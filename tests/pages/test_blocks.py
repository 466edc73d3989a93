"""The weight-free finder, truth files and scoring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pagedraw import WOODCUT, printed_page
from vitrine.errors import PagesError
from vitrine.pages.blocks import Block, find_blocks, iou, shape_class, suppress
from vitrine.pages.truth import Score, TrueBox, read_truth, read_truth_folder


def test_the_finder_sees_the_woodcut_as_an_illustration_and_the_paragraphs_as_text() -> None:
    blocks = find_blocks(printed_page())
    pictures = [b for b in blocks if b.label != "text"]
    texts = [b for b in blocks if b.label == "text"]
    assert [b.label for b in pictures] == ["illustration"] and iou(pictures[0].box, WOODCUT) > 0.8
    assert len(texts) == 2 and all(iou(t.box, WOODCUT) == 0 for t in texts)
    above, below = sorted(texts, key=lambda b: b.box[1])
    assert above.box[1] + above.box[3] < WOODCUT[1] < WOODCUT[1] + WOODCUT[3] < below.box[1]
    assert all(isinstance(v, float) for b in blocks for v in b.box)


def test_a_page_of_text_alone_has_no_picture() -> None:
    blocks = find_blocks(printed_page(picture=False))
    assert blocks and {b.label for b in blocks} == {"text"}


def test_shapes_name_ornaments_and_initials() -> None:
    assert shape_class((0, 0, 400, 60), (600, 900)) == "ornament"
    assert shape_class((0, 0, 70, 80), (600, 900)) == "initial"
    assert shape_class((0, 0, 300, 240), (600, 900)) == "illustration"


def test_suppression_keeps_the_better_of_two_overlapping_blocks() -> None:
    a, b = Block((0, 0, 100, 100), "text", 0.9), Block((5, 5, 100, 100), "text", 0.4)
    far = Block((300, 300, 50, 50), "text", 0.1)
    assert suppress([b, far, a], 0.5) == [a, far]


def _write(path: Path, lines: list[object]) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n")
    return path


PAGE = {"file": "a.jpg", "width": 600, "height": 900, "split": "tuning",
        "boxes": [{"class": "illustration", "box": [10, 20, 300, 200]},
                  {"class": "text", "box": [0, 0, 5, 5]}]}


def test_truth_files_are_read_with_their_splits(tmp_path: Path) -> None:
    _write(tmp_path / "one.jsonl", [PAGE, "", {**PAGE, "file": "b.jpg", "split": "report", "boxes": []}])
    pages = read_truth_folder(tmp_path)
    assert [(p.file, p.split) for p in pages] == [("a.jpg", "tune"), ("b.jpg", "report")]
    assert pages[0].scaled(300)[0] == TrueBox("illustration", (5.0, 10.0, 150.0, 100.0))


@pytest.mark.parametrize(("bad", "says"), [
    ("{not json", "line 2"),
    ({**PAGE, "boxes": [{"class": "woodcut", "box": [0, 0, 1, 1]}]}, "'class' among"),
    ({**PAGE, "boxes": [{"class": "text", "box": [0, 0, 0, 1]}]}, "w, h > 0"),
    ({**PAGE, "split": "train"}, "'split'"),
    ({**PAGE, "file": "../etc/passwd"}, "bare file name"),
    ({**PAGE, "width": "600"}, "'width'"),
])
def test_a_bad_line_is_refused_with_its_file_and_line(tmp_path: Path, bad: object, says: str) -> None:
    path = _write(tmp_path / "bad.jsonl", [PAGE, bad])
    with pytest.raises(PagesError, match="line 2") as caught:
        read_truth(path)
    assert says in str(caught.value) and str(path) in str(caught.value)


def test_scores_count_matches_at_iou_half_per_class() -> None:
    score = Score()
    truth = [TrueBox("illustration", (0, 0, 100, 100)), TrueBox("text", (0, 200, 100, 50)),
             TrueBox("ornament", (0, 300, 100, 20))]
    found = [Block((5, 5, 100, 100), "illustration", 0.9), Block((0, 0, 100, 100), "illustration", 0.8),
             Block((0, 300, 100, 20), "illustration", 0.7), Block((0, 400, 10, 10), "text", 0.6)]
    score.add(found, truth)
    ill, text = score.classes["illustration"], score.classes["text"]
    assert (ill.found, ill.true, ill.matched) == (3, 1, 1) and ill.precision == pytest.approx(1 / 3)
    assert (text.found, text.matched, text.recall) == (1, 0, 0.0)
    assert ill.average_precision == pytest.approx(1.0)  # the best-scored one matched
    assert score.classes["map"].average_precision is None
    # a picture of the wrong class still counts as a picture found
    assert (score.any_picture.true, score.any_picture.matched) == (2, 2)
