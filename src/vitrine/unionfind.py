"""Union-find (disjoint sets) over hashable items: how pairs of matches become groups."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Generic, TypeVar

T = TypeVar("T", bound=Hashable)


class UnionFind(Generic[T]):
    """Disjoint sets with path halving; items join the structure the first time they are seen."""

    def __init__(self) -> None:
        self._parent: dict[T, T] = {}

    def find(self, item: T) -> T:
        """The representative of `item`'s set."""
        parent = self._parent
        parent.setdefault(item, item)
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a: T, b: T) -> None:
        """Merge the sets of `a` and `b`."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self._parent[rb] = ra

    def groups(self) -> list[set[T]]:
        """Every set, in the order their first items were seen."""
        found: dict[T, set[T]] = {}
        for item in list(self._parent):
            found.setdefault(self.find(item), set()).add(item)
        return list(found.values())
