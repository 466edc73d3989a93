"""The same-sitter bench's scoring on a hand-made face index: ranks, recall at k, versions apart."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from vitrine.bench.sitters import Groups, evaluate, table
from vitrine.faces.detectors import Face
from vitrine.faces.sitters import FaceIndex


def _index(faces: dict[str, list[np.ndarray]]) -> tuple[FaceIndex, dict[str, str]]:
    index = FaceIndex("test")
    for work, vectors in faces.items():
        if not vectors:
            index.seen.add(f"sha-{work}")
            continue
        index.add(f"sha-{work}", [Face((0, 0, 10, 10), 1.0) for _ in vectors], np.stack(vectors))
    return index, {f"sha-{w}": w for w in faces}


def test_the_other_works_of_a_sitter_are_scored_by_rank(tmp_path: Path) -> None:
    path = tmp_path / "groups.json"
    path.write_text(json.dumps({"groups": {"k": {"sitter": "K", "works": {"a": "x", "b": "x", "c": "y"}}}}))
    groups = Groups.read(path)
    assert groups.relevant("a") == {"b": True, "c": False}
    base = np.zeros(128, np.float32)
    far = [np.full(128, v, np.float32) for v in (0.2, 0.3, 0.4)]
    index, owners = _index({"a": [base], "b": [base + 0.001], "c": [base + 0.05, far[2]],
                            "d": [far[0]], "e": [far[1]], "f": []})
    report = evaluate(groups, index, owners, images=6, detector="test", seconds_per_image=0.01)
    assert report.group_works_without_face == [] and report.faces == 6
    assert report.versions.recall[1] == 1.0 and report.versions.pairs == 2
    # other pictures: a and b each want c (second after their version), c wants a and b (b first)
    assert report.other_pictures.pairs == 4 and report.other_pictures.recall[1] == 0.25
    assert report.other_pictures.recall[5] == 1.0
    assert report.all_pairs.recall[5] == 1.0 and 0 < report.all_pairs.mean_ap <= 1
    assert report.below_same_sitter_group == 1.0 and report.below_same_sitter_other == 0.0
    assert "versions" in table(report)
