"""The feedback benchmark end to end on a tiny public-art-shaped folder: three artists, three palettes."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from vitrine.bench import feedback as bench

ARTISTS = {"Anna Red": (200, 40, 40), "Bruno Blue": (40, 60, 200), "Carla Green": (40, 170, 60)}


def _picture(base: tuple[int, int, int], rng: random.Random) -> Image.Image:
    jitter = tuple(max(0, min(255, c + rng.randint(-40, 40))) for c in base)
    image = Image.new("RGB", (64, 64), jitter)  # type: ignore[arg-type]
    draw = ImageDraw.Draw(image)
    x, y = rng.randint(0, 40), rng.randint(0, 40)
    draw.rectangle([x, y, x + 20, y + 20], fill=tuple(255 - c for c in jitter))  # type: ignore[arg-type]
    return image


def _folder(root: Path, per_artist: int) -> Path:
    (root / "images").mkdir(parents=True)
    rng = random.Random(3)
    with (root / "records.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "file", "title", "artist", "date", "medium"])
        for artist, colour in [*ARTISTS.items(), ("Unknown artist", (128, 128, 128))]:
            for i in range(per_artist):
                name = f"{artist.split()[0].lower()}{i}"
                _picture(colour, rng).save(root / "images" / f"{name}.jpg", quality=92)
                writer.writerow([name, f"images/{name}.jpg", f"Work {name}", artist, "1800", "oil"])
    return root


def test_bench_reports_precision_by_round(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _folder(tmp_path / "art", 12)
    assert bench.main(["--data", str(data), "--queries", "6", "--rounds", "2", "-k", "5"]) == 0
    out = capsys.readouterr().out
    assert "6 queries" in out and "svm C=0.1, scale power 0.5" in out
    seen = out.split("seen (as seen)")[1].splitlines()
    rows = {line.split()[0]: [float(x) for x in line.split()[1:]] for line in seen[1:3]}
    assert set(rows) == {"svm", "rocchio"} and all(len(r) == 3 for r in rows.values())
    chance = float(out.rsplit(":", 1)[1])
    assert chance == pytest.approx(11 / 35, abs=1e-3)  # "Unknown artist" is not a label
    assert rows["svm"][2] > chance and rows["rocchio"][2] > chance  # palettes make the artist findable
    assert "latency per call" in out
