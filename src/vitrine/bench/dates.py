"""Date agent benchmark on Tate's records: exact years against Tate's own, beside the catalogue's parser.

    vitrine bench dates [--data ../shared/data/tate/artworks.jsonl] [--half held-out|dev|all]
                        [--records 100000] [--json report.json] [--evaluate OUT_DIR]

Each Tate record has a `dateText` ("c.1815–16", "1950, cast 1984") and Tate's parsed `dateRange`
(start and end year). Both readers run on the same records in the same run: the date agent's
reading (`vitrine.suggestions.datetext`, the years it proposes or agrees with) and the baseline, the
catalogue's `vitrine.dates.parse_date`. A record counts when the (earliest, latest) pair equals Tate's.

- The records are split by a hash of Tate's id (first byte of SHA-256 of the id, even: development,
  odd: held out). The rules were written looking at the development half only; the figures to
  quote are the held-out half's (the default).
- Tate records "c.1830" as 1830–1830, vitrine widens circa by five years each side (so that year
  filters find the work): for a text with a circa mark Tate's years are widened the same way
  before comparing, for both readers. The raw rate, without that, is printed too.
- Records whose dateRange is malformed (a year given as text, a start without an end) are left out
  and counted; "date not known" records (no dateRange) count when a reader gives no years.
- Throughput: every Tate text repeated to `--records` (100,000), each as a catalogue record with
  the catalogue's years; the agent's whole `suggest` (read, compare, build the value) against
  `parse_date` alone, one process, in CPU seconds (process time), so that other work on the
  machine does not count.
- Every distinct EDTF string the agent produced is checked with the `edtf` package (EDTF levels
  0 and 1) where it is installed (the dev extra).
- `--evaluate OUT_DIR` also goes the whole way: the half's records into a new collection in
  OUT_DIR, the agent run there as a job, Tate's years (circa aligned) written as a truth file, and
  `vitrine.suggestions.evaluate` on it: precision of the stored suggestions at each score, the
  table printed and the curve drawn to OUT_DIR/pr.png.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from vitrine.bench.output import emit
from vitrine.dates import parse_date
from vitrine.records import Record
from vitrine.suggestions.agents import Item
from vitrine.suggestions.dates import DateAgent, should_propose
from vitrine.suggestions.datetext import read_date

DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "tate" / "artworks.jsonl"
HALVES = ("held-out", "dev", "all")
_CIRCA = re.compile(r"(?<![a-z])(?:c\.|ca\.|circa)\s*\d")
Years = tuple[int | None, int | None]


@dataclass(frozen=True)
class TateRecord:
    id: int
    text: str
    truth: Years


@dataclass
class FamilyRow:
    family: str
    records: int = 0
    agent_exact: int = 0
    baseline_exact: int = 0
    proposals: int = 0


@dataclass
class Report:
    data: str
    half: str
    records: int
    malformed: int
    dated: int
    agent_exact: int
    baseline_exact: int
    agent_exact_dated: int
    baseline_exact_dated: int
    agent_exact_raw: int
    baseline_exact_raw: int
    proposals: int
    families: list[FamilyRow] = field(default_factory=list)
    edtf_distinct: int = 0
    edtf_invalid: int | None = None
    throughput_records: int = 0
    agent_per_s: float = 0.0
    baseline_per_s: float = 0.0


def half_of(record_id: int) -> str:
    """"dev" or "held-out", by the first byte of the SHA-256 of the id."""
    return "dev" if hashlib.sha256(str(record_id).encode()).digest()[0] % 2 == 0 else "held-out"


def load(path: Path) -> tuple[list[TateRecord], int]:
    """Tate's records with their own years (None, None: no dateRange); and how many are malformed."""
    out, malformed = [], 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            span = row.get("dateRange")
            truth: Years = (None, None)
            if span is not None:
                start, end = span.get("startYear"), span.get("endYear")
                if not (isinstance(start, int) and isinstance(end, int)):
                    malformed += 1
                    continue
                truth = (start, end)
            out.append(TateRecord(int(row["id"]), str(row.get("dateText") or ""), truth))
    return out, malformed


def aligned(record: TateRecord, slack: int = 5) -> Years:
    """Tate's years in vitrine's convention: widened by `slack` for a text marked circa."""
    lo, hi = record.truth
    if lo is None or hi is None or not _CIRCA.search(record.text.lower()):
        return record.truth
    return lo - slack, hi + slack


def measure(records: list[TateRecord]) -> tuple[Counter[str], dict[str, FamilyRow], set[str]]:
    """Exact matches of both readers, overall and by the agent's pattern family."""
    counts: Counter[str] = Counter()
    families: dict[str, FamilyRow] = {}
    edtfs: set[str] = set()
    for record in records:
        reading = read_date(record.text)
        mine: Years = (reading.main.earliest, reading.main.latest) if reading else (None, None)
        base = parse_date(record.text)
        truth = aligned(record)
        family = reading.family if reading else ("no date" if record.truth == (None, None) else "unread")
        row = families.setdefault(family, FamilyRow(family))
        row.records += 1
        row.agent_exact += mine == truth
        row.baseline_exact += base == truth
        proposes = reading is not None and should_propose(reading, *base)
        row.proposals += proposes
        dated = record.truth != (None, None)
        counts.update({"agent": mine == truth, "baseline": base == truth, "dated": dated,
                       "agent_dated": dated and mine == truth, "baseline_dated": dated and base == truth,
                       "agent_raw": mine == record.truth, "baseline_raw": base == record.truth,
                       "proposals": proposes})
        if reading:
            edtfs.update(e.span.edtf for e in reading.events)
    return counts, families, edtfs


def invalid_edtf(strings: set[str]) -> int | None:
    """How many strings are not EDTF of level 0 or 1 (None: the edtf package is not installed)."""
    try:
        from edtf.parser.grammar import level0Expression, level1Expression
        from pyparsing import ParseException
    except ImportError:
        return None
    grammar = level0Expression ^ level1Expression
    bad = 0
    for text in strings:
        try:
            grammar.parse_string(text, parse_all=True)
        except ParseException:
            bad += 1
    return bad


def throughput(records: list[TateRecord], total: int) -> tuple[float, float]:
    """Records per CPU second of the agent's `suggest` and of `parse_date`, over `total` repeated texts."""
    texts = [r.text for r in records]
    texts = (texts * (total // len(texts) + 1))[:total]
    agent = DateAgent()
    items = []
    for i, text in enumerate(texts):
        lo, hi = parse_date(text)
        items.append(Item(i, Record(f"t{i}", date_text=text, year_min=lo, year_max=hi), ""))
    start = time.process_time()
    for item in items:
        for _ in agent.suggest(item):
            pass
    agent_s = time.process_time() - start
    start = time.process_time()
    for text in texts:
        parse_date(text)
    base_s = time.process_time() - start
    return total / agent_s, total / base_s


def run(data: Path, half: str, total: int) -> Report:
    everything, malformed = load(data)
    chosen = [r for r in everything if half == "all" or half_of(r.id) == half]
    counts, families, edtfs = measure(chosen)
    agent_s, base_s = throughput(everything, total) if total else (0.0, 0.0)
    return Report(
        data=str(data), half=half, records=len(chosen), malformed=malformed, dated=counts["dated"],
        agent_exact=counts["agent"], baseline_exact=counts["baseline"],
        agent_exact_dated=counts["agent_dated"], baseline_exact_dated=counts["baseline_dated"],
        agent_exact_raw=counts["agent_raw"], baseline_exact_raw=counts["baseline_raw"],
        proposals=counts["proposals"], families=sorted(families.values(), key=lambda f: -f.records),
        edtf_distinct=len(edtfs), edtf_invalid=invalid_edtf(edtfs), throughput_records=total,
        agent_per_s=round(agent_s), baseline_per_s=round(base_s))


def evaluate_on(records: list[TateRecord], out: Path) -> str:
    """The records as a collection in `out`, the agent run as a job, judged against Tate's years."""
    from vitrine.collection import create_collection
    from vitrine.suggestions.evaluate import evaluate
    from vitrine.suggestions.prcurve import plot_curve
    from vitrine.suggestions.run import run_agent

    collection = create_collection(out / "tate", embedder="fake", index="memory")
    try:
        with collection.catalog.transaction():
            for r in records:
                collection.catalog.upsert(Record(f"tate-{r.id}", title=f"Tate {r.id}", date_text=r.text))
        job = run_agent(collection, "dates", actor="bench")
        truth = out / "truth.csv"
        with truth.open("w", encoding="utf-8") as handle:
            handle.write("identifier,kind,earliest,latest\n")
            for r in records:
                lo, hi = aligned(r)
                handle.write(f"tate-{r.id},date,{'' if lo is None else lo},{'' if hi is None else hi}\n")
        result = evaluate(collection.catalog, "dates", truth)
        plot_curve(result, out / "pr.png")
    finally:
        collection.close()
    ap = result.average_precision
    return (f"evaluate: job {job.state}, {job.done} records, {job.made} suggestions stored; against"
            f" Tate's years ({result.positives} answers), AP {'-' if ap is None else f'{ap:.3f}'},"
            f" curve {out / 'pr.png'}\n{result.table(12)}")


def _rate(n: int, of: int) -> str:
    return f"{n / of:7.1%}" if of else "      -"


def table(r: Report) -> str:
    lines = [
        f"Tate dates, {r.half} half: {r.records} records ({r.dated} dated by Tate; {r.malformed} with a"
        " malformed dateRange left out, over the whole file)",
        f"{'exact (earliest, latest) as Tate':44}{'agent':>9}{'baseline':>10}",
        f"{'  all records, circa aligned':44}{_rate(r.agent_exact, r.records):>9}"
        f"{_rate(r.baseline_exact, r.records):>10}",
        f"{'  records Tate dates, circa aligned':44}{_rate(r.agent_exact_dated, r.dated):>9}"
        f"{_rate(r.baseline_exact_dated, r.dated):>10}",
        f"{'  all records, raw (Tate: circa not widened)':44}{_rate(r.agent_exact_raw, r.records):>9}"
        f"{_rate(r.baseline_exact_raw, r.records):>10}",
        "",
        f"{'family (agent reading)':24}{'records':>8}{'agent':>9}{'baseline':>10}{'proposed':>10}",
    ]
    for f in r.families:
        lines.append(f"{f.family:24}{f.records:>8}{_rate(f.agent_exact, f.records):>9}"
                     f"{_rate(f.baseline_exact, f.records):>10}{f.proposals:>10}")
    lines.append(f"the agent would propose for {r.proposals} of {r.records} records (catalogue years from"
                 " parse_date)")
    checked = ("edtf package not installed: not checked" if r.edtf_invalid is None
               else f"{r.edtf_invalid} not valid EDTF level 0/1 (edtf package)")
    lines.append(f"EDTF strings produced: {r.edtf_distinct} distinct, {checked}")
    if r.throughput_records:
        lines.append(f"throughput over {r.throughput_records:,} records, per CPU second on one core:"
                     f" agent suggest {r.agent_per_s:,.0f}/s, baseline parse_date {r.baseline_per_s:,.0f}/s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> Report:
    parser = argparse.ArgumentParser(prog="vitrine bench dates", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Tate's artworks.jsonl")
    parser.add_argument("--half", choices=HALVES, default="held-out",
                        help="held-out (report this), dev (the rules were written on it) or all")
    parser.add_argument("--records", type=int, default=100_000, help="texts to time (0: skip timing)")
    parser.add_argument("--json", type=Path, help="write the report here as JSON")
    parser.add_argument("--evaluate", type=Path, metavar="OUT_DIR",
                        help="also store the agent's suggestions in a collection there and evaluate them")
    args = parser.parse_args(argv)
    if not args.data.is_file():
        parser.error(f"{args.data} not found; pass --data Tate's artworks.jsonl")
    if args.records < 0:
        parser.error("--records must be 0 or more")
    if args.evaluate is not None and args.evaluate.exists() and any(args.evaluate.iterdir()):
        parser.error(f"--evaluate {args.evaluate}: give a new or empty folder")
    report = run(args.data, args.half, args.records)
    emit(report, table(report), args.json)
    if args.evaluate is not None:
        args.evaluate.mkdir(parents=True, exist_ok=True)
        chosen = [r for r in load(args.data)[0] if args.half == "all" or half_of(r.id) == args.half]
        print(evaluate_on(chosen, args.evaluate))
    return report

