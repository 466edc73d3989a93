"""The candidate classifier: trained from boxes, saved as numbered versions, refused when unusable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pagedraw import WOODCUT, printed_page
from vitrine.errors import PagesError
from vitrine.pages.blocks import iou, prepare
from vitrine.pages.model import Example, load_model, save_model, train, versions
from vitrine.pages.truth import TrueBox


def _examples(n: int) -> list[Example]:
    out = []
    for i in range(n):
        x, y, w, h = WOODCUT
        out.append(Example(prepare(printed_page(seed=i, shift=15 * i)),
                           [TrueBox("illustration", (x, y + 15 * i, w, h))]))
    return out


def test_a_model_trained_on_drawn_boxes_finds_the_woodcut_on_a_new_page(tmp_path: Path) -> None:
    model = train(_examples(4), source="test")
    assert model.meta["classes"] == ["illustration"] and model.meta["labels"]["illustration"] >= 4
    found = model.find(printed_page(seed=9, shift=25))
    pictures = [b for b in found if b.label == "illustration"]
    x, y, w, h = WOODCUT
    assert len(pictures) == 1 and iou(pictures[0].box, (x, y + 25, w, h)) > 0.7 and pictures[0].score >= 0.5
    assert not model.find(printed_page(seed=9, picture=False))


def test_models_are_saved_as_numbered_versions_and_the_newest_is_loaded(tmp_path: Path) -> None:
    model = train(_examples(3))
    first = save_model(model, tmp_path / "models")
    second = save_model(model, tmp_path / "models")
    assert (first.name, second.name) == ("v1", "v2") and versions(tmp_path / "models") == [1, 2]
    loaded, path = load_model(tmp_path / "models")
    assert path == second / "model.joblib" and loaded.meta["version"] == 2
    assert load_model(tmp_path / "models", 1)[0].meta["version"] == 1
    with pytest.raises(PagesError, match=r"no page model v7 .*saved: v1, v2"):
        load_model(tmp_path / "models", 7)
    meta = json.loads((first / "model.json").read_text())
    (first / "model.json").write_text(json.dumps({**meta, "features": ["x"]}))
    with pytest.raises(PagesError, match="other features"):
        load_model(tmp_path / "models", 1)
    (second / "model.joblib").write_bytes(b"not a model")
    with pytest.raises(PagesError, match="cannot be read"):
        load_model(tmp_path / "models")


def test_pages_without_a_reachable_box_teach_nothing() -> None:
    with pytest.raises(PagesError, match="nothing to learn"):
        train([Example(prepare(printed_page(picture=False)), [TrueBox("map", (0, 0, 5, 5))])])
