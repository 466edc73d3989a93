from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from motifs import motif
from vitrine.local.boxes import picture_boxes
from vitrine.local.groups import Region, RegionGraph, contact_sheet, overlap


def page(with_picture: bool) -> Image.Image:
    """A printed page: lines of small 'letters' and, optionally, a woodcut-like block."""
    rng = np.random.default_rng(3)
    image = Image.new("L", (600, 900), 232)
    draw = ImageDraw.Draw(image)
    for line in range(40):
        y = 40 + line * 20
        for x in range(40, 560, 9):
            if rng.random() < 0.8:
                draw.rectangle([x, y, x + 5, y + 9], fill=40)
    if with_picture:
        image.paste(Image.new("L", (320, 260), 232), (140, 300))
        block = motif().convert("L").resize((300, 240)).point(lambda v: 0 if v < 150 else 255)
        hatch = ImageDraw.Draw(block)  # a woodcut: a frame and hatching joining the strokes
        for x in range(-240, 300, 7):
            hatch.line([x, 240, x + 240, 0], fill=0, width=2)
        hatch.rectangle([0, 0, 299, 239], outline=0, width=4)
        image.paste(block, (150, 310))
    return image.convert("RGB")


def test_picture_block_is_found_and_text_is_not() -> None:
    boxes = picture_boxes(page(True))
    assert len(boxes) == 1
    x0, y0, x1, y1 = boxes[0]
    assert abs(x0 - 150) < 20 and abs(y0 - 310) < 20 and abs(x1 - 450) < 20 and abs(y1 - 550) < 20
    assert picture_boxes(page(False)) == []


def test_graph_groups_regions_across_images() -> None:
    graph = RegionGraph()
    a = graph.add(Region(1, (0, 0, 100, 100)))
    b = graph.add(Region(2, (10, 10, 110, 110)))
    assert graph.add(Region(2, (20, 20, 100, 100))) == b  # overlapping region of the same image
    c = graph.add(Region(3, (0, 0, 50, 50)))
    lone = graph.add(Region(4, (0, 0, 50, 50)))
    graph.link(a, b)
    graph.link(c, b)
    groups = graph.groups()
    assert len(groups) == 1 and {r.image_id for r in groups[0]} == {1, 2, 3}
    assert lone not in (a, b, c)


def test_overlap_and_contact_sheet() -> None:
    assert overlap((0, 0, 10, 10), (5, 5, 20, 20)) == 0.25
    assert overlap((0, 0, 10, 10), (20, 20, 30, 30)) == 0.0
    sheet = contact_sheet([(Image.new("RGB", (100, 50)), "a"), (Image.new("RGB", (40, 80)), "b")], height=100)
    assert sheet.height > 100 and sheet.width > 200 + 50
