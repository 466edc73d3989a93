"""Groups of regions showing the same thing (a woodcut block printed on several pages).

Regions are linked by verified matches; groups are the connected components that span at least
two different images. A match landing on a region already known for that image (a detected box
it overlaps) joins that region rather than creating a new one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from vitrine.local.features import Box
from vitrine.unionfind import UnionFind


@dataclass(frozen=True)
class Region:
    """A box on one image."""

    image_id: int
    box: Box


@dataclass
class RegionGraph:
    """Regions and the verified matches between them (union-find)."""

    regions: list[Region] = field(default_factory=list)
    _sets: UnionFind[int] = field(default_factory=UnionFind)

    def add(self, region: Region, *, min_overlap: float = 0.3) -> int:
        """The node of `region`: an existing one of the same image it overlaps enough, else a new one."""
        for node, known in enumerate(self.regions):
            if known.image_id == region.image_id and overlap(known.box, region.box) >= min_overlap:
                return node
        self.regions.append(region)
        self._sets.find(len(self.regions) - 1)
        return len(self.regions) - 1

    def link(self, a: int, b: int) -> None:
        self._sets.union(a, b)

    def groups(self, min_images: int = 2) -> list[list[Region]]:
        """Connected regions spanning at least `min_images` images, biggest group first."""
        members: dict[int, list[Region]] = {}
        for node, region in enumerate(self.regions):
            members.setdefault(self._sets.find(node), []).append(region)
        found = [m for m in members.values() if len({r.image_id for r in m}) >= min_images]
        found.sort(key=lambda m: (-len({r.image_id for r in m}), m[0].image_id))
        return found


def overlap(a: Box, b: Box) -> float:
    """Intersection over the smaller box's area (1 when one box holds the other)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
    return float(w * h / smaller) if smaller > 0 else 0.0


def contact_sheet(crops: list[tuple[Image.Image, str]], *, height: int = 220, label: int = 18) -> Image.Image:
    """The crops side by side at one height, each with its label underneath."""
    scaled = [(c.convert("RGB").resize((max(1, round(c.width * height / max(c.height, 1))), height)), t)
              for c, t in crops]
    gap = 8
    width = sum(c.width for c, _ in scaled) + gap * (len(scaled) + 1)
    sheet = Image.new("RGB", (max(width, 1), height + label + 2 * gap), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default()
    x = gap
    for crop, text in scaled:
        sheet.paste(crop, (x, gap))
        draw.text((x, gap + height + 2), text[:40], fill="black", font=font)
        x += crop.width + gap
    return sheet
