"""Show a chapbook page for transcribing OCR ground truth (data/labels/ocr/README.md).

    python scripts/show_page.py draw [--seed 13] [--count 40]   # the seeded draw of pages, in order
    python scripts/show_page.py show PAGE.jpg [--parts 3] [--zoom 2] # enlarged horizontal bands in /tmp

`show` writes /tmp/ocr-show/<page>-<n>.png: the page cut into `parts` overlapping bands, each enlarged
`zoom` times (Lanczos), which the transcriber opens one by one in an image viewer.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from PIL import Image

PAGES = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "chapbooks" / "pages"


def draw(seed: int, count: int) -> list[str]:
    names = sorted(p.name for p in PAGES.glob("*.jpg"))
    return random.Random(seed).sample(names, count)


def show(page: Path, parts: int, zoom: float) -> list[Path]:
    image = Image.open(page).convert("L")
    out = Path("/tmp/ocr-show")
    out.mkdir(exist_ok=True)
    w, h = image.size
    band = h / parts
    written = []
    for n in range(parts):
        top, bottom = max(0, int(n * band - 0.05 * h)), min(h, int((n + 1) * band + 0.05 * h))
        crop = image.crop((0, top, w, bottom))
        crop = crop.resize((int(w * zoom), int((bottom - top) * zoom)), Image.Resampling.LANCZOS)
        path = out / f"{page.stem}-{n}.png"
        crop.save(path)
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("draw")
    d.add_argument("--seed", type=int, default=13)
    d.add_argument("--count", type=int, default=40)
    s = sub.add_parser("show")
    s.add_argument("page")
    s.add_argument("--parts", type=int, default=3)
    s.add_argument("--zoom", type=float, default=2.0)
    args = parser.parse_args()
    if args.command == "draw":
        print("\n".join(draw(args.seed, args.count)))
    else:
        page = Path(args.page) if "/" in args.page else PAGES / args.page
        print("\n".join(str(p) for p in show(page, args.parts, args.zoom)))


if __name__ == "__main__":
    main()
