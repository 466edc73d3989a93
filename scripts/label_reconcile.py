"""Hand labels for reconciling Tate's artists with the NGA constituents: the sample, the pairs, the labels.

    TATE=../shared/data/tate/artist_data.csv
    NGA=../shared/data/nga
    # 1. the sample: COUNT Tate artists drawn with SEED; each with the NGA entries whose names come
    #    closest (the candidates' retrieval, before any score), split tune/report by a seeded draw
    python scripts/label_reconcile.py sample --tate $TATE --nga $NGA --count 240 --seed 13 \
        > data/labels/reconcile/tate-nga.csv
    # 2. the pairs to read: each Tate artist (name, dates, places) above its candidates
    #    (name, display date with nationality, artist of an NGA object or not, ULAN/Wikidata ids)
    python scripts/label_reconcile.py show --labels data/labels/reconcile/tate-nga.csv --start 0 --count 40
    # 3. record a decision: the NGA id that is the same person, or "none", with a note for doubtful ones;
    #    "missed:ID" when the same person is in the NGA file (found by searching it) but not among
    #    the candidates
    python scripts/label_reconcile.py record --labels data/labels/reconcile/tate-nga.csv \
        --tate-id 10093 --same none --note "..."

The labels file is a CSV: tate_id, name, dates, birth, death, birth_place, death_place, split,
candidates (NGA ids, closest name first, ';'-separated), same (an NGA id among the candidates,
"none", "missed:ID", or empty: not yet read), note.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

from vitrine.reconcile.authority import load_authority
from vitrine.reconcile.calibration import DEFAULT
from vitrine.reconcile.candidates import Query, candidates

FIELDS = ("tate_id", "name", "dates", "birth", "death", "birth_place", "death_place", "split", "candidates",
          "same", "note")
SHOWN = 5


def _year(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def sample(tate: Path, nga: Path, count: int, seed: int) -> None:
    with tate.open(encoding="utf-8-sig", newline="") as handle:
        artists = list(csv.DictReader(handle))
    rng = random.Random(seed)
    chosen = rng.sample(artists, count)
    authority = load_authority(nga / "constituents.csv", altnames=nga / "constituents_altnames.csv")
    writer = csv.DictWriter(sys.stdout, FIELDS)
    writer.writeheader()
    for n, row in enumerate(chosen):
        query = Query(row["name"], _year(row["yearOfBirth"]), _year(row["yearOfDeath"]))
        found = candidates(authority, query, limit=SHOWN, model=DEFAULT)
        ranked = sorted(found, key=lambda c: (-float(c.features["name_sort"]), c.entity.id))
        writer.writerow({
            "tate_id": row["id"], "name": row["name"], "dates": row["dates"], "birth": row["yearOfBirth"],
            "death": row["yearOfDeath"], "birth_place": row["placeOfBirth"],
            "death_place": row["placeOfDeath"],
            "split": "tune" if n % 2 == 0 else "report",
            "candidates": ";".join(c.entity.id for c in ranked), "same": "", "note": ""})


def show(labels: Path, nga: Path, start: int, count: int) -> None:
    authority = load_authority(nga / "constituents.csv", altnames=nga / "constituents_altnames.csv")
    rows = _read(labels)
    for n, row in enumerate(rows[start:start + count], start=start):
        print(f"#{n} tate {row['tate_id']}: {row['name']} | {row['dates']} | born {row['birth_place'] or '?'}"
              f" | died {row['death_place'] or '?'} | same={row['same'] or '?'}")
        for ident in filter(None, row["candidates"].split(";")):
            e = authority.entities[ident]
            ids = " ".join(u.rsplit("/", 1)[1] for u in e.same_as)
            print(f"    {ident:>7} {e.name} | {e.description or '-'} | {e.birth}-{e.death} | "
                  f"{'artist' if e.artist else 'not artist'} | {e.kind} | {ids}")


def record(labels: Path, tate_id: str, same: str, note: str) -> None:
    rows = _read(labels)
    for row in rows:
        if row["tate_id"] == tate_id:
            if same != "none" and not same.startswith("missed:") and same not in row["candidates"].split(";"):
                sys.exit(f"{same} is not among the candidates of {tate_id}: {row['candidates']}")
            row["same"], row["note"] = same, note
            break
    else:
        sys.exit(f"no Tate artist {tate_id} in {labels}")
    with labels.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def _read(labels: Path) -> list[dict[str, str]]:
    with labels.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--tate", type=Path, required=True)
    s.add_argument("--nga", type=Path, required=True)
    s.add_argument("--count", type=int, default=240)
    s.add_argument("--seed", type=int, default=13)
    v = sub.add_parser("show")
    v.add_argument("--labels", type=Path, required=True)
    v.add_argument("--nga", type=Path, default=Path("../shared/data/nga"))
    v.add_argument("--start", type=int, default=0)
    v.add_argument("--count", type=int, default=40)
    r = sub.add_parser("record")
    r.add_argument("--labels", type=Path, required=True)
    r.add_argument("--tate-id", required=True)
    r.add_argument("--same", required=True)
    r.add_argument("--note", default="")
    args = parser.parse_args()
    if args.command == "sample":
        sample(args.tate, args.nga, args.count, args.seed)
    elif args.command == "show":
        show(args.labels, args.nga, args.start, args.count)
    else:
        record(args.labels, args.tate_id, args.same, args.note)


if __name__ == "__main__":
    main()
