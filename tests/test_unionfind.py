"""Union-find: pairs become groups, whatever order they come in."""

from __future__ import annotations

from vitrine.unionfind import UnionFind


def test_pairs_join_into_groups() -> None:
    sets: UnionFind[str] = UnionFind()
    for a, b in [("a", "b"), ("c", "d"), ("b", "c"), ("x", "y"), ("a", "d")]:
        sets.union(a, b)
    sets.find("lonely")
    assert sorted(map(sorted, sets.groups())) == [["a", "b", "c", "d"], ["lonely"], ["x", "y"]]
    assert sets.find("a") == sets.find("d") != sets.find("x")


def test_a_long_chain_is_one_group() -> None:
    sets: UnionFind[int] = UnionFind()
    for i in range(10_000):
        sets.union(i + 1, i)
    assert len(sets.groups()) == 1 and len({sets.find(i) for i in range(0, 10_001, 97)}) == 1
