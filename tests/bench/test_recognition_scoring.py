"""The recognition bench scores a wall: a work only partly in the photo is neither required nor wrong."""

from __future__ import annotations

from vitrine.bench.recognition import Answer, family_row
from vitrine.bench.recognition_photos import Shot

_QUAD = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]


def wall(found: list[int]) -> tuple[Shot, Answer]:
    shot = Shot("wall", b"", (10, 10), {1: _QUAD, 2: _QUAD}, 1, ["a", "b", "c", "d"], partial=(3,))
    return shot, Answer([(i, 20) for i in found], 1.0)


def test_a_partly_visible_work_found_is_not_a_wrong_claim() -> None:
    row = family_row("wall", "new", [wall([1, 2, 3])])
    assert row.recall == 1.0 and row.wrong == 0 and row.precision == 1.0


def test_a_work_not_on_the_wall_still_is() -> None:
    row = family_row("wall", "new", [wall([1, 4])])
    assert row.recall == 0.5 and row.wrong == 1 and row.precision == 0.5


def test_a_wall_whose_only_collection_work_is_partial_is_not_an_outsider() -> None:
    shot = Shot("wall", b"", (10, 10), {}, None, ["a", "b"], partial=(3,))
    row = family_row("wall", "new", [(shot, Answer([(3, 20)], 1.0))])
    assert row.outsiders == 0 and row.wrong == 0
