"""Hand labels of faces in public-art images: the sample, contact sheets to read boxes off, the labels file.

    DATA=../shared/data/public-art
    LABELS=data/labels/faces/public-art-faces.jsonl
    # 1. the sample: the COUNT records with an image whose SHA-256(id) is smallest (looks at no detector)
    python scripts/label_faces.py sample --data $DATA --count 200 > data/labels/faces/sample.txt
    # 2. a contact sheet of images START..START+N of the sample, enlarged SCALE times, with a grid
    #    every 10 px of the 200 x 200 image (darker and numbered every 50) and each image's id
    python scripts/label_faces.py sheet --data $DATA --ids data/labels/faces/sample.txt \
        --start 0 --count 6 --scale 2 --out /tmp/sheet-000.png
    # 3. record what the sheet shows (boxes are x,y,w,h in the 200 x 200 image's pixels; ';' between boxes)
    python scripts/label_faces.py record --labels $LABELS --data $DATA --id met-1 \
        --faces "40,30,22,28;120,36,20,26" --uncertain "" --note "two sitters"
    # 4. a check sheet: the same images with the recorded boxes drawn back (green faces, orange uncertain)
    python scripts/label_faces.py sheet --data $DATA --ids data/labels/faces/sample.txt \
        --start 0 --count 6 --scale 2 --labels $LABELS --out /tmp/check-000.png

The labels file is JSON Lines, one object per image, in the sample's order:
{"id": ..., "file": ..., "faces": [[x, y, w, h], ...], "uncertain": [[x, y, w, h], ...], "note": ...}.
Only PIL is needed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

Box = list[int]
SIZE = 200  # the public-art thumbnails are 200 x 200
CAPTION = 22  # pixels above each image for its position and id


def sample(data: Path, count: int) -> list[str]:
    """The `count` ids with an image file whose SHA-256 of the id (UTF-8) is smallest, in that order."""
    with open(data / "records.csv", newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if (data / row["file"]).is_file()]
    rows.sort(key=lambda row: hashlib.sha256(row["id"].encode("utf-8")).hexdigest())
    return [row["id"] for row in rows[:count]]


def files_of(data: Path) -> dict[str, str]:
    with open(data / "records.csv", newline="", encoding="utf-8") as handle:
        return {row["id"]: row["file"] for row in csv.DictReader(handle)}


def read_labels(path: Path) -> dict[str, dict[str, Any]]:
    if not path.is_file():
        return {}
    lines = path.read_text(encoding="utf-8").splitlines()
    return {label["id"]: label for label in (json.loads(line) for line in lines if line.strip())}


def parse_boxes(text: str) -> list[Box]:
    """'x,y,w,h;x,y,w,h' -> [[x, y, w, h], ...]; an empty text is no box."""
    boxes = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        try:
            numbers = [round(float(n)) for n in part.split(",")]
        except ValueError:
            raise SystemExit(f"a box is four numbers x,y,w,h, not {part!r}") from None
        if len(numbers) != 4 or numbers[2] <= 0 or numbers[3] <= 0:
            raise SystemExit(f"a box is x,y,w,h with w and h above 0, not {part!r}")
        x, y, w, h = numbers
        if x < 0 or y < 0 or x + w > SIZE or y + h > SIZE:
            raise SystemExit(f"box {part!r} leaves the {SIZE} x {SIZE} image")
        boxes.append(numbers)
    return boxes


def record(args: argparse.Namespace) -> None:
    """Add or replace one image's labels; the file stays in the sample's order where a sample is given."""
    labels = read_labels(args.labels)
    file = files_of(args.data).get(args.id)
    if file is None:
        raise SystemExit(f"no record {args.id!r} in {args.data / 'records.csv'}")
    labels[args.id] = {"id": args.id, "file": file, "faces": parse_boxes(args.faces),
                       "uncertain": parse_boxes(args.uncertain), "note": args.note}
    order = args.ids.read_text(encoding="utf-8").split() if args.ids else []
    rank = {identifier: n for n, identifier in enumerate(order)}
    ordered = sorted(labels.values(), key=lambda label: (rank.get(label["id"], len(rank)), label["id"]))
    args.labels.parent.mkdir(parents=True, exist_ok=True)
    args.labels.write_text("".join(json.dumps(label) + "\n" for label in ordered), encoding="utf-8")


def grid(draw: ImageDraw.ImageDraw, left: int, top: int, scale: int, font: Any) -> None:
    """Lines every 10 px of the original image, darker and numbered every 50."""
    for v in range(0, SIZE + 1, 10):
        major = v % 50 == 0
        colour = (0, 200, 255, 160) if major else (255, 255, 255, 45)
        p = v * scale
        draw.line([(left + p, top), (left + p, top + SIZE * scale)], fill=colour)
        draw.line([(left, top + p), (left + SIZE * scale, top + p)], fill=colour)
        if major and 0 < v < SIZE:
            draw.text((left + p + 2, top + 1), str(v), fill=(255, 255, 0), font=font)
            draw.text((left + 1, top + p + 1), str(v), fill=(255, 255, 0), font=font)


def boxes(draw: ImageDraw.ImageDraw, left: int, top: int, scale: int, label: dict[str, Any]) -> None:
    for key, colour in (("faces", (0, 255, 0)), ("uncertain", (255, 140, 0))):
        for x, y, w, h in label.get(key, []):
            draw.rectangle([left + x * scale, top + y * scale, left + (x + w) * scale - 1,
                            top + (y + h) * scale - 1], outline=colour, width=2)


def sheet(args: argparse.Namespace) -> None:
    order = args.ids.read_text(encoding="utf-8").split()[args.start:args.start + args.count]
    files, labels = files_of(args.data), read_labels(args.labels) if args.labels else {}
    cell, cols = SIZE * args.scale, args.cols
    rows = (len(order) + cols - 1) // cols
    out = Image.new("RGB", (cols * (cell + 8), rows * (cell + CAPTION + 8)), (40, 40, 40))
    draw = ImageDraw.Draw(out, "RGBA")
    font = ImageFont.load_default(size=14)
    for n, identifier in enumerate(order):
        left, top = (n % cols) * (cell + 8), (n // cols) * (cell + CAPTION + 8) + CAPTION
        image = Image.open(args.data / files[identifier]).convert("RGB")
        out.paste(image.resize((cell, cell), Image.Resampling.LANCZOS), (left, top))
        if not args.no_grid:
            grid(draw, left, top, args.scale, font)
        if identifier in labels:
            boxes(draw, left, top, args.scale, labels[identifier])
        mark = "" if identifier not in labels else f"  [{len(labels[identifier]['faces'])}]"
        caption = f"{args.start + n}: {identifier}{mark}"
        draw.text((left + 2, top - CAPTION + 3), caption, fill=(255, 255, 255), font=font)
    out.save(args.out)
    print(args.out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    one = commands.add_parser("sample", help="print the sample's ids, one a line")
    one.add_argument("--data", type=Path, required=True)
    one.add_argument("--count", type=int, default=200)
    two = commands.add_parser("sheet", help="a contact sheet (with --labels: a check sheet)")
    two.add_argument("--data", type=Path, required=True)
    two.add_argument("--ids", type=Path, required=True)
    two.add_argument("--start", type=int, default=0)
    two.add_argument("--count", type=int, default=6)
    two.add_argument("--scale", type=int, default=2)
    two.add_argument("--cols", type=int, default=3)
    two.add_argument("--labels", type=Path)
    two.add_argument("--no-grid", action="store_true")
    two.add_argument("--out", type=Path, required=True)
    three = commands.add_parser("record", help="add or replace one image's labels")
    three.add_argument("--data", type=Path, required=True)
    three.add_argument("--labels", type=Path, required=True)
    three.add_argument("--ids", type=Path, help="the sample, to keep the file in its order")
    three.add_argument("--id", required=True)
    three.add_argument("--faces", default="")
    three.add_argument("--uncertain", default="")
    three.add_argument("--note", default="")
    args = parser.parse_args(argv)
    if args.command == "sample":
        sys.stdout.write("".join(identifier + "\n" for identifier in sample(args.data, args.count)))
    elif args.command == "sheet":
        sheet(args)
    else:
        record(args)


if __name__ == "__main__":
    main()
