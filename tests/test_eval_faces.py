"""The scoring of scripts/eval_faces.py: one-to-one matches at IoU >= 0.5, uncertain boxes ignored."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

pytest.importorskip("cv2")


def _tool() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "scripts" / "eval_faces.py"
    spec = importlib.util.spec_from_file_location("eval_faces", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_iou() -> None:
    tool = _tool()
    assert tool.iou((0, 0, 10, 10), (0, 0, 10, 10)) == 1.0
    assert tool.iou((0, 0, 10, 10), (5, 0, 10, 10)) == pytest.approx(50 / 150)
    assert tool.iou((0, 0, 10, 10), (20, 20, 5, 5)) == 0.0


def test_each_face_takes_one_detection_and_uncertain_boxes_are_neither_right_nor_wrong() -> None:
    tool = _tool()
    faces = [(10, 10, 20, 20), (100, 100, 20, 20), (150, 20, 20, 20)]
    uncertain = [(0, 150, 200, 50)]  # a crowd region
    detections = [(11, 10, 20, 20), (12, 11, 20, 20),  # two on the first face: one is a false positive
                  (101, 102, 19, 20),  # the second face
                  (60, 160, 10, 10),  # centred in the uncertain region: ignored
                  (60, 60, 10, 10)]  # on nothing: a false positive
    assert tool.score_image(detections, faces, uncertain) == (2, 2, 1)  # the third face is missed
    assert tool.score_image([], faces, uncertain) == (0, 0, 3)


def test_the_centre_rule_accepts_a_tighter_box_that_iou_refuses() -> None:
    tool = _tool()
    face, tight = (10, 10, 16, 16), (14, 16, 9, 10)
    assert tool.iou(tight, face) < 0.5
    assert tool.score_image([tight], [face], []) == (0, 1, 1)
    assert tool.score_image([tight], [face], [], centre=True) == (1, 0, 0)
