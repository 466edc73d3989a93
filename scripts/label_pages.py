"""Hand labels of illustration and text blocks on chapbook pages: the draw, grid sheets, the labels file.

    PAGES=../shared/data/chapbooks/pages
    DIR=data/labels/pages
    # 1. the sample: a seeded random draw of COUNT page files; the first TUNE are the tuning split
    python scripts/label_pages.py sample --pages $PAGES --seed 13 --count 180 --tune 30 > $DIR/sample.txt
    # 2. a sheet of pages START..START+N of the sample side by side, scaled SCALE times, with a grid every
    #    50 px of the original page (numbered every 100) and each page's file name
    python scripts/label_pages.py sheet --pages $PAGES --sample $DIR/sample.txt --start 0 --count 3 \
        --scale 0.6 --out /tmp/sheet-000.png
    # 3. write what the sheet shows into $DIR/drawn.txt, one line a page (boxes in original page pixels):
    #    FILE  CLASS x,y,w,h  CLASS x,y,w,h ...      (a page with no block: the file name alone)
    #    CLASS is a class name or its letter: i illustration, o ornament, n initial, m map, t text;
#    in capitals (T, TEXT) the box is kept as drawn, not tightened (faint print the ink test misses)
    # 4. build the labels file from drawn.txt, each drawn box tightened to the ink inside it
    python scripts/label_pages.py build --pages $PAGES --sample $DIR/sample.txt --drawn $DIR/drawn.txt \
        --out $DIR/pages.jsonl
    # 5. a check sheet: the same pages with the labelled boxes drawn back, one colour a class
    python scripts/label_pages.py sheet --pages $PAGES --sample $DIR/sample.txt --start 0 --count 4 \
        --scale 0.5 --labels $DIR/pages.jsonl --out /tmp/check-000.png

Tightening (step 4) is deterministic and looks at no detector: inside the drawn box, a pixel is ink where its
grey level is below the halfway level between the page's paper (its median grey) and its ink (the darkest 1 %
of its pixels), so show-through from the other side is not ink; the box shrinks to the rows and columns that
hold at least MIN_INK ink pixels or 1 % of the box's width (height for columns), so a speck of dirt in the
margin does not hold it open; a row or column that is ink across 90 % or more of the box is the dark edge of
the scan, not print, and does not hold it open either. It never grows a box, and a box
with too little ink inside stays as drawn. Only PIL is needed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

Box = list[int]
CLASSES = ("illustration", "ornament", "initial", "map", "text")
LETTERS = {name[0] if name != "initial" else "n": name for name in CLASSES}
COLOURS = {
    "illustration": (230, 30, 30), "ornament": (230, 140, 0), "initial": (160, 0, 200),
    "map": (0, 140, 0), "text": (0, 90, 230),
}
SPLITS = ("tuning", "report")
MIN_INK = 3  # ink pixels a row or column needs (at least) to hold a tightened box's edge
CAPTION = 20


def sample(pages: Path, seed: int, count: int, tune: int) -> list[tuple[str, str]]:
    """`count` page files drawn by random.Random(seed) from the sorted names; the first `tune` are tuning."""
    names = sorted(p.name for p in pages.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    if count > len(names):
        raise SystemExit(f"{pages} holds {len(names)} pages, fewer than the {count} asked for")
    drawn = random.Random(seed).sample(names, count)
    return [(name, SPLITS[0] if i < tune else SPLITS[1]) for i, name in enumerate(drawn)]


def read_sample(path: Path) -> list[tuple[str, str]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split()
        if len(parts) != 2 or parts[1] not in SPLITS:
            raise SystemExit(f"{path}:{number}: a sample line is 'FILE SPLIT' (split one of {SPLITS})")
        rows.append((parts[0], parts[1]))
    return rows


def parse_drawn_line(line: str, where: str) -> tuple[str, list[dict[str, Any]]]:
    """'FILE t 10,20,300,400 i 5,6,7,8' -> (FILE, [{"class": "text", "box": [10, 20, 300, 400]}, ...])."""
    parts = line.split()
    if len(parts) % 2 != 1:
        raise SystemExit(f"{where}: a line is FILE then CLASS x,y,w,h pairs, not {line!r}")
    boxes = []
    for name, numbers in zip(parts[1::2], parts[2::2], strict=True):
        klass = LETTERS.get(name.lower(), name.lower())
        if klass not in CLASSES:
            raise SystemExit(f"{where}: unknown class {name!r} (one of {', '.join(CLASSES)})")
        try:
            box = [round(float(n)) for n in numbers.split(",")]
        except ValueError:
            raise SystemExit(f"{where}: a box is four numbers x,y,w,h, not {numbers!r}") from None
        if len(box) != 4 or box[2] <= 0 or box[3] <= 0:
            raise SystemExit(f"{where}: a box is x,y,w,h with w and h above 0, not {numbers!r}")
        boxes.append({"class": klass, "box": box, "tighten": not name.isupper()})
    return parts[0], boxes


def read_drawn(path: Path) -> dict[str, list[dict[str, Any]]]:
    drawn: dict[str, list[dict[str, Any]]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("#"):
            name, boxes = parse_drawn_line(line, f"{path}:{number}")
            drawn[name] = boxes  # a later line for the same page replaces an earlier one (a correction)
    return drawn


def clip(box: Box, width: int, height: int) -> Box:
    x, y, w, h = box
    x0, y0 = max(0, min(x, width - 1)), max(0, min(y, height - 1))
    x1, y1 = max(x0 + 1, min(x + w, width)), max(y0 + 1, min(y + h, height))
    return [x0, y0, x1 - x0, y1 - y0]


def ink_threshold(grey: Image.Image) -> int:
    """Halfway between the page's paper (its median grey) and its ink (the darkest 1 %).

    Otsu's threshold counts show-through from the other side of the leaf as ink on these scans; the
    halfway level does not.
    """
    hist = grey.histogram()
    total, seen, levels = sum(hist), 0, {}
    for level, count in enumerate(hist):
        seen += count
        for share in (0.01, 0.5):
            if share not in levels and seen >= share * total:
                levels[share] = level
    return (levels[0.01] + levels[0.5]) // 2


def _span(counts: list[int], least: int, most: int) -> tuple[int, int] | None:
    inked = [i for i, c in enumerate(counts) if least <= c < most]
    return (inked[0], inked[-1] + 1) if inked else None


def tighten(grey: Image.Image, box: Box, threshold: int) -> Box:
    """The box shrunk to the ink inside it (never grown); unchanged where it holds too little ink."""
    x, y, w, h = box
    crop = grey.crop((x, y, x + w, y + h))
    pixels = crop.load()
    assert pixels is not None
    ink = [[1 if pixels[i, j] < threshold else 0 for i in range(w)] for j in range(h)]  # type: ignore[operator]
    rows = _span([sum(row) for row in ink], max(MIN_INK, w // 100), max(MIN_INK + 1, w * 9 // 10))
    columns = [sum(column) for column in zip(*ink, strict=True)]
    cols = _span(columns, max(MIN_INK, h // 100), max(MIN_INK + 1, h * 9 // 10))
    if rows is None or cols is None:
        return box
    return [x + cols[0], y + rows[0], cols[1] - cols[0], rows[1] - rows[0]]


def label_page(
    pages: Path, name: str, split: str, drawn: list[dict[str, Any]], tight: bool
) -> dict[str, Any]:
    with Image.open(pages / name) as image:
        grey = image.convert("L")
    width, height = grey.size
    threshold = ink_threshold(grey)
    boxes = []
    for item in drawn:
        box = clip(item["box"], width, height)
        if tight and item.get("tighten", True):
            box = tighten(grey, box, threshold)
        boxes.append({"class": item["class"], "box": box})
    return {"file": name, "width": width, "height": height, "boxes": boxes, "split": split}


def build(args: argparse.Namespace) -> None:
    """Write the labels file: the sample's pages that drawn.txt covers, in the sample's order."""
    drawn = read_drawn(args.drawn)
    rows = read_sample(args.sample)
    known = {name for name, _ in rows}
    stray = sorted(set(drawn) - known)
    if stray:
        raise SystemExit(f"{args.drawn}: pages not in the sample: {', '.join(stray[:5])}")
    lines = [
        json.dumps(label_page(args.pages, name, split, drawn[name], not args.no_tighten))
        for name, split in rows if name in drawn
    ]
    args.out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    print(f"{len(lines)} of {len(rows)} sampled pages labelled in {args.out}", file=sys.stderr)


def read_labels(path: Path) -> dict[str, dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {label["file"]: label for label in (json.loads(line) for line in lines if line.strip())}


def grid(draw: ImageDraw.ImageDraw, left: int, size: tuple[int, int], scale: float, font: Any) -> None:
    """Lines every 50 px of the original page (stronger every 100, numbered)."""
    width, height = size
    for v in range(0, max(width, height), 50):
        strong = v % 100 == 0
        colour = (0, 200, 200) if strong else (120, 220, 220)
        p = round(v * scale)
        if v < width:
            draw.line([(left + p, CAPTION), (left + p, CAPTION + round(height * scale))], fill=colour)
            if strong:
                draw.text((left + p + 2, CAPTION + 1), str(v), fill=(200, 0, 120), font=font)
        if v < height:
            draw.line([(left, CAPTION + p), (left + round(width * scale), CAPTION + p)], fill=colour)
            if strong:
                draw.text((left + 1, CAPTION + p + 1), str(v), fill=(200, 0, 120), font=font)


def overlay(draw: ImageDraw.ImageDraw, left: int, scale: float, label: dict[str, Any], font: Any) -> None:
    for item in label["boxes"]:
        x, y, w, h = (round(v * scale) for v in item["box"])
        colour = COLOURS[item["class"]]
        draw.rectangle([left + x, CAPTION + y, left + x + w, CAPTION + y + h], outline=colour, width=2)
        draw.text((left + x + 3, CAPTION + y + 2), item["class"][:4], fill=colour, font=font)


def sheet(args: argparse.Namespace) -> None:
    rows = read_sample(args.sample)[args.start:args.start + args.count]
    labels = read_labels(args.labels) if args.labels else {}
    images = []
    for name, _ in rows:
        with Image.open(args.pages / name) as image:
            size = image.size
            images.append((name, size, image.convert("RGB").resize(
                (round(size[0] * args.scale), round(size[1] * args.scale)))))
    width = sum(im.width + 6 for _, _, im in images)
    height = CAPTION + max(im.height for _, _, im in images)
    canvas = Image.new("RGB", (width, height), (40, 40, 40))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.load_default(size=12)
    left = 0
    for index, (name, size, scaled) in enumerate(images):
        canvas.paste(scaled, (left, CAPTION))
        if not args.no_grid:
            grid(draw, left, size, args.scale, font)
        if name in labels:
            overlay(draw, left, args.scale, labels[name], font)
        draw.text((left + 2, 3), f"{args.start + index} {name}", fill=(255, 255, 255), font=font)
        left += scaled.width + 6
    canvas.save(args.out)
    print(args.out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    draw = commands.add_parser("sample", help="the seeded random draw of pages, with splits")
    draw.add_argument("--pages", type=Path, required=True)
    draw.add_argument("--seed", type=int, required=True)
    draw.add_argument("--count", type=int, default=180)
    draw.add_argument("--tune", type=int, default=30)
    show = commands.add_parser("sheet", help="pages side by side with a grid, and labelled boxes if given")
    show.add_argument("--pages", type=Path, required=True)
    show.add_argument("--sample", type=Path, required=True)
    show.add_argument("--start", type=int, default=0)
    show.add_argument("--count", type=int, default=3)
    show.add_argument("--scale", type=float, default=0.6)
    show.add_argument("--labels", type=Path)
    show.add_argument("--no-grid", action="store_true")
    show.add_argument("--out", type=Path, required=True)
    make = commands.add_parser("build", help="the labels file from drawn.txt, boxes tightened to the ink")
    make.add_argument("--pages", type=Path, required=True)
    make.add_argument("--sample", type=Path, required=True)
    make.add_argument("--drawn", type=Path, required=True)
    make.add_argument("--out", type=Path, required=True)
    make.add_argument("--no-tighten", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "sample":
        for name, split in sample(args.pages, args.seed, args.count, args.tune):
            print(name, split)
    else:
        {"sheet": sheet, "build": build}[args.command](args)


if __name__ == "__main__":
    main()
