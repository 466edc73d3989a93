"""Reconciliation benchmark: Tate's artists against the NGA constituents, quality and speed.

    vitrine bench reconcile [--nga ../shared/data/nga] [--tate ../shared/data/tate/artist_data.csv]
                            [--labels data/labels/reconcile/tate-nga.csv] [--names 3532]
                            [--remote-names 200] [--json report.json]

- Quality, on the hand-checked pairs (data/labels/reconcile/, README there): the top candidate of
  each sampled Tate artist under the calibrated model (`calibration.DEFAULT`, fit on the tune
  split), on the report split (the figures to quote) and the tune split; beside the baseline of
  the same run, an exact-name rule (the top candidate by name is a match when the folded names are
  equal, else nothing is proposed). Precision and recall of the matches, of everything proposed
  (matches and the review window), the share of top candidates in the review window.
- Speed, local: every Tate artist's name and life dates reconciled against the NGA file, names
  per second of process time (one core), beside an exact-key dictionary lookup.
- Speed, remote: the same names sent to a local stand-in service over loopback HTTP
  (`reconcile_standin`, answering from the same file) through the client vitrine uses, in batches
  of 1 (the baseline), 10 and 50; names per second of wall time.
"""

from __future__ import annotations

import argparse
import csv
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vitrine.bench.output import emit
from vitrine.bench.reconcile_standin import StandIn
from vitrine.fetch import FetchOptions
from vitrine.netguard import NetworkPolicy
from vitrine.reconcile.authority import Authority, load_authority
from vitrine.reconcile.calibration import DEFAULT, Model
from vitrine.reconcile.candidates import Query, candidates
from vitrine.reconcile.measure import evaluate, read_labels
from vitrine.reconcile.names import key
from vitrine.reconcile.remote import RemoteService

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared" / "data"
#: the baseline: an exact folded name is a match, anything else is not proposed
EXACT = Model(weights={"name_exact": 10.0}, intercept=-5.0, accept_from=0.95, reject_below=0.05,
              source="exact-name rule", calibrated=False)


@dataclass
class Report:
    quality: list[dict[str, Any]] = field(default_factory=list)
    speed: dict[str, float] = field(default_factory=dict)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench reconcile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nga", type=Path, default=SHARED / "nga")
    parser.add_argument("--tate", type=Path, default=SHARED / "tate" / "artist_data.csv")
    parser.add_argument("--labels", type=Path,
                        default=ROOT / "data" / "labels" / "reconcile" / "tate-nga.csv")
    parser.add_argument("--names", type=int, default=100_000,
                        help="Tate names for the local speed (all: 3532)")
    parser.add_argument("--remote-names", type=int, default=200)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not (args.nga / "constituents.csv").is_file() or not args.tate.is_file():
        parser.error(f"the NGA constituents ({args.nga}) or Tate's artists ({args.tate}) are not there")
    report = Report()
    started = time.process_time()
    authority = load_authority(args.nga / "constituents.csv", altnames=args.nga / "constituents_altnames.csv")
    report.speed["load_s"] = round(time.process_time() - started, 2)
    labels = read_labels(args.labels)
    for split in ("report", "tune"):
        for name, model in (("calibrated", DEFAULT), ("exact-name baseline", EXACT)):
            report.quality.append({"model": name, **evaluate(authority, labels, model, split).figures()})
    queries = tate_queries(args.tate)[:args.names]
    report.speed.update(local_speed(authority, queries))
    report.speed.update(remote_speed(authority, queries[:args.remote_names]))
    emit(report, table(report), args.json)
    return 0


def tate_queries(path: Path) -> list[Query]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [Query(row["name"], _year(row["yearOfBirth"]), _year(row["yearOfDeath"]))
                for row in csv.DictReader(handle)]


def _year(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def local_speed(authority: Authority, queries: list[Query]) -> dict[str, float]:
    started = time.process_time()
    for query in queries:
        candidates(authority, query, limit=5)
    spent = time.process_time() - started
    exact: dict[str, str] = {k: ident for ident, keys in authority.keys.items() for k in keys}
    began = time.process_time()
    hits = sum(1 for query in queries if key(query.name) in exact)
    lookup = time.process_time() - began
    return {"local_names": len(queries), "local_names_per_s": round(len(queries) / max(spent, 1e-9), 1),
            "exact_lookup_names_per_s": round(len(queries) / max(lookup, 1e-9), 1), "exact_hits": hits}


def remote_speed(authority: Authority, queries: list[Query]) -> dict[str, float]:
    options = FetchOptions(timeout=30.0, network=NetworkPolicy.from_lists(networks=["127.0.0.0/8"]))
    out: dict[str, float] = {"remote_names": len(queries)}
    batch = {f"q{i}": {"query": q.name, "limit": 5} for i, q in enumerate(queries)}
    for size in (1, 10, 50):
        with StandIn(authority, batch_size=50) as standin:
            remote = RemoteService(standin.url, options, batch_size=size, min_interval=0.0)
            remote.describe()
            started = time.perf_counter()
            remote.reconcile(batch)
            remote.close()
            out[f"remote_batch{size}_names_per_s"] = round(len(queries) / (time.perf_counter() - started), 1)
    return out


def table(report: Report) -> str:
    lines = ["split   model                 names truth tops  P(top) P(match) R(match) P(prop) R(prop) "
             "window matched"]
    for q in report.quality:
        lines.append(f"{q['split']:<7} {q['model']:<21} {q['names']:>5} {q['with_truth']:>5} "
                     f"{q['top_candidates']:>4}  {q['precision_top']:>6} {q['precision_match']:>8} "
                     f"{q['recall_match']:>8} {q['precision_proposed']:>7} {q['recall_proposed']:>7} "
                     f"{q['share_window']:>6} {q['share_match']:>7}")
    lines.append("")
    lines += [f"{k}: {v}" for k, v in report.speed.items()]
    return "\n".join(lines)
