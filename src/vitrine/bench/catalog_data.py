"""Synthetic records shaped like public-art's, for `vitrine bench catalog`, and the catalogue built from them.

`Shape.from_csv` reads public-art's records.csv (title, artist, year, date, medium, museum, height and
width) and keeps each column's values with their frequencies; `Shape.records` then draws any number
of records from those distributions, seeded, so the same seed and count give the same records. At a
million records a collection has far more makers than public-art's 4,400 paintings show: 60% of
records draw a real artist (as often as public-art has them), the rest a name made of a real first
name and a real last name, which gives the long tail of a large collection. Titles draw their
length and words from public-art's titles, years stay within ten years of a real one.

`build` writes them through the catalogue's real write path, the importer's: `catalog.upsert` per
record inside one transaction per batch of `BATCH`, as `importers.base.run_import` does, and
gives a share of the records accepted tags (written in bulk: only the facet's shape matters).
"""

from __future__ import annotations

import csv
import random
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from vitrine.catalog import Catalog
from vitrine.records import ImageRef, Record

BATCH = 200  # as importers.base._BATCH
TAGGED = 0.05  # share of records with accepted tags
_TAGS = tuple(f"{a}{b}" for a in ("ship", "horse", "saint", "tree", "river", "child", "dog", "crown",
                                  "angel", "house") for b in ("", "s", " scene", " study", " group"))
_REAL_ARTIST = 0.6


@dataclass(frozen=True)
class Weighted:
    """Values and their cumulative weights, for `random.choices`."""

    values: tuple[str, ...]
    cumulative: tuple[int, ...]

    @classmethod
    def of(cls, counts: Counter[str]) -> Weighted:
        values, total, cumulative = [], 0, []
        for value, n in counts.most_common():
            values.append(value)
            total += n
            cumulative.append(total)
        return cls(tuple(values), tuple(cumulative))

    def draw(self, rng: random.Random) -> str:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


@dataclass(frozen=True)
class Shape:
    """public-art's columns as distributions."""

    words: Weighted
    lengths: Weighted
    artists: Weighted
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    years: tuple[int, ...]
    media: Weighted
    museums: Weighted
    sizes: tuple[tuple[str, str], ...]

    @classmethod
    def from_csv(cls, path: Path) -> Shape:
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        if not rows:
            raise ValueError(f"{path} holds no records")
        titles = [r["title"].split() for r in rows if r["title"].strip()]
        names = [r["artist"].split() for r in rows if len(r["artist"].split()) >= 2]
        return cls(
            words=Weighted.of(Counter(w for t in titles for w in t)),
            lengths=Weighted.of(Counter(str(min(len(t), 8)) for t in titles)),
            artists=Weighted.of(Counter(r["artist"] for r in rows if r["artist"].strip())),
            first_names=tuple(sorted({n[0] for n in names})),
            last_names=tuple(sorted({n[-1] for n in names})),
            years=tuple(int(r["year"]) for r in rows if r["year"].lstrip("-").isdigit()),
            media=Weighted.of(Counter(r["medium"] for r in rows if r["medium"].strip())),
            museums=Weighted.of(Counter(r["museum"] for r in rows if r["museum"].strip())),
            sizes=tuple((r["height_cm"], r["width_cm"]) for r in rows if r["height_cm"] and r["width_cm"]),
        )

    def record(self, rng: random.Random, number: int) -> Record:
        """Record `number` of a synthetic collection; `rng` must be seeded by the caller."""
        title = " ".join(self.words.draw(rng) for _ in range(int(self.lengths.draw(rng))))
        if rng.random() < _REAL_ARTIST:
            artist = self.artists.draw(rng)
        else:
            artist = f"{rng.choice(self.first_names)} {rng.choice(self.last_names)}"
        year = rng.choice(self.years) + rng.randint(-10, 10)
        date = None if rng.random() < 0.05 else (f"ca. {year}" if rng.random() < 0.2 else str(year))
        medium = self.media.draw(rng)
        height, width = rng.choice(self.sizes)
        return Record(
            identifier=f"syn-{number:08d}", title=title, creators=[artist], date_text=date,
            object_type="wall painting" if "fresco" in medium.lower() else "painting",
            medium=medium, dimensions=f"{height} × {width} cm", source=self.museums.draw(rng),
            images=[ImageRef(location=f"bench://syn-{number:08d}.jpg")])

    def records(self, count: int, seed: int) -> Iterator[Record]:
        """`count` records, the same ones for the same seed."""
        rng = random.Random(seed)
        for number in range(count):
            yield self.record(rng, number)


@dataclass(frozen=True)
class Built:
    """What building a catalogue took."""

    records: int
    seconds: float
    bytes: int
    settle_s: float = 0.0  # of `seconds`: counting the deferred facet pairs at the end

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


def build(catalog: Catalog, shape: Shape, count: int, seed: int, deferred: bool = True) -> Built:
    """Write `count` synthetic records into an empty `catalog`, a batch per transaction; `deferred`:
    their facet pairs counted in bulk at the end, as `run_import` does (else by triggers, per row)."""
    rng = random.Random(seed + 1)
    records = shape.records(count, seed)
    started = time.perf_counter()
    if deferred:
        catalog.defer_pair_counts()
    while True:
        batch = [r for _, r in zip(range(BATCH), records, strict=False)]
        if not batch:
            break
        with catalog.transaction():
            ids = [catalog.upsert(r).record_id for r in batch]
            _tag(catalog, rng, ids)
    settling = time.perf_counter()
    if deferred:
        catalog.settle_pair_counts()
    ended = time.perf_counter()
    return Built(count, ended - started, catalog.path.stat().st_size, ended - settling)


def import_rates(
    shape: Shape, count: int, seed: int, folder: Path, rounds: int = 2,
) -> dict[str, list[float]]:
    """Records/s of `count` records written into a new catalogue with the pairs counted per row by
    triggers and deferred to the end, alternated `rounds` times (the machine's load drifts), and
    the seconds the deferred builds spent settling the pairs."""
    rates: dict[str, list[float]] = {}
    for number in range(rounds):
        for name, deferred in (("pairs per row", False), ("pairs deferred, settled at the end", True)):
            path = folder / f"import-{number}-{int(deferred)}.sqlite"
            catalog = Catalog(path)
            try:
                built = build(catalog, shape, count, seed, deferred)
                rates.setdefault(name, []).append(round(built.rate))
                if deferred:
                    rates.setdefault("of which settling the pairs (s)", []).append(round(built.settle_s, 1))
            finally:
                catalog.close()
                for leftover in folder.glob(path.name + "*"):
                    leftover.unlink()
    return rates


def _tag(catalog: Catalog, rng: random.Random, record_ids: list[int]) -> None:
    rows = []
    for record_id in record_ids:
        if rng.random() < TAGGED:
            for tag in set(rng.choices(_TAGS, weights=range(len(_TAGS), 0, -1), k=rng.randint(1, 3))):
                rows.append((record_id, "tag", f'{{"label": "{tag}"}}', tag, "bench", time.time()))
    catalog._db.executemany(
        "INSERT INTO assertions (record_id, kind, value, label, accepted_by, accepted_at)"
        " VALUES (?, ?, ?, ?, ?, ?)", rows)
