"""Review queue benchmark: queue pages and decisions at a million suggestions, beside 10,000.

    vitrine bench review [--suggestions 1000000] [--records 100000] [--baseline 10000]
                         [--queries 200] [--decisions 200] [--workdir DIR] [--json report.json]

Builds a synthetic collection, catalogue only (`vitrine.bench.review_data`: records with an image
row each, eight agent versions of seven kinds, realistic scores, 8% already decided, 1% of records
and 0.5% of images changed since, so some suggestions are stale), inserting the suggestions
through `catalog.suggestions.add` as jobs do; then times, over random queries of each kind:

- a queue page: `find` (25 suggestions) and `count(at_most=10,001)`, what a page needs to say
  "1-25 of 10,000+"; the exact count is timed apart (on every fourth query);
- a decision: `review.decide` accept and reject, and `review.undo`, each one transaction with its
  assertion, the record's curated full text and the audit row;
- insertion (suggestions/s) and storage (the catalogue's growth per suggestion, and by table).

Baseline, in the same run: the same collection shape at `--baseline` suggestions (records scaled
alike). A page that costs the same at 10,000 and at 1,000,000 costs what it shows, not what the
queue holds; that, not a faster machine, is what keeps a queue usable as it grows.

With `--web`, a page is the web page itself: `GET /review` with the query's filters through a
signed-in editor's TestClient (`vitrine.bench.review_web`), the store's `find` and count still
timed apart beside it. `--workdir` keeps the collections (queue-N/) and reuses them on the next run.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from vitrine.bench.output import emit
from vitrine.bench.review_data import Built, build
from vitrine.catalog import Catalog
from vitrine.catalog.suggestions import Suggestion, SuggestionQuery
from vitrine.collection import Collection, create_collection, open_collection
from vitrine.suggestions import review

PER_PAGE = 25
CAP = 10_000  # a page counts up to here, then says "10,000+"
TARGET_PAGE_MS, TARGET_DECISION_MS = 100.0, 50.0
Fetch = Callable[[SuggestionQuery], object]
_META = "bench.review"


@dataclass(frozen=True)
class Shape:
    """What random queries may ask for in one built queue."""

    agent_ids: tuple[int, ...]
    kinds: tuple[str, ...]
    proposed: int
    records: int


def _q(rng: random.Random, **query: Any) -> SuggestionQuery:
    """A page of `query`, one of the first ten: a reviewer mostly works near the top of a filter."""
    return SuggestionQuery(limit=PER_PAGE, offset=PER_PAGE * rng.randrange(10), **query)


def _band(rng: random.Random, shape: Shape) -> SuggestionQuery:
    low = rng.randrange(10) / 10
    return _q(rng, score_min=low, score_max=round(low + 0.1, 1))


def _deep(rng: random.Random, shape: Shape) -> SuggestionQuery:
    pages = max(1, shape.proposed // PER_PAGE)
    return SuggestionQuery(limit=PER_PAGE, offset=PER_PAGE * rng.randrange(pages))


def _record(rng: random.Random, shape: Shape) -> SuggestionQuery:
    return SuggestionQuery(record_ids=(rng.randrange(1, shape.records + 1),), order="id", limit=100)


PAGES: tuple[tuple[str, Callable[[random.Random, Shape], SuggestionQuery]], ...] = (
    ("queue, by score", lambda r, s: _q(r)),
    ("one agent version", lambda r, s: _q(r, agent_ids=(r.choice(s.agent_ids),))),
    ("one kind", lambda r, s: _q(r, kinds=(r.choice(s.kinds),))),
    ("score band 0.1 wide", _band),
    ("by uncertainty", lambda r, s: _q(r, order="uncertainty")),
    ("agent, by uncertainty", lambda r, s: _q(r, agent_ids=(r.choice(s.agent_ids),), order="uncertainty")),
    ("kind, by uncertainty", lambda r, s: _q(r, kinds=(r.choice(s.kinds),), order="uncertainty")),
    ("lowest score first", lambda r, s: _q(r, order="score_asc")),
    ("not stale", lambda r, s: _q(r, stale=False)),
    ("deep page, anywhere", _deep),
    ("a record's (record page)", _record),
)


@dataclass
class Timing:
    """p50 and p95 of one thing timed at the measured size and at the baseline, in ms."""

    name: str
    p50: float
    p95: float
    base_p50: float = 0.0
    base_p95: float = 0.0
    extra: dict[str, float] = field(default_factory=dict)


@dataclass
class Report:
    suggestions: int
    records: int
    baseline: int
    insert_per_s: float
    base_insert_per_s: float
    bytes_per_suggestion: float
    base_bytes_per_suggestion: float
    storage_mb: dict[str, float]
    pages: list[Timing]
    decisions: list[Timing]
    once_ms: dict[str, float]
    load: tuple[float, float, float]
    web: bool = False


def pct(values: list[float], q: int) -> float:
    return round(float(np.percentile(values, q)), 2) if values else 0.0


def store_fetch(catalog: Catalog) -> Fetch:
    """What a queue page asks of the store: a page and a count that stops at the cap."""
    def fetch(query: SuggestionQuery) -> object:
        catalog.suggestions.find(query)
        return catalog.suggestions.count(query, at_most=CAP + 1)
    return fetch


def _ms(fn: Callable[..., object], *args: Any) -> float:
    started = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - started) * 1000


@dataclass
class Queue:
    """One built queue under test."""

    collection: Collection
    built: Built
    shape: Shape

    @property
    def catalog(self) -> Catalog:
        return self.collection.catalog


def measure_pages(queues: Sequence[Queue], queries: int, seed: int,
                  fetches: Sequence[Fetch] | None = None) -> list[list[Timing]]:
    """Each kind of page `queries` times at random on each queue: the page (through its `fetch`: the
    store's unless others are given), its `find` and capped count apart, and on every fourth query
    the exact count. The queues take turns query by query, so the machine's load falls on all alike."""
    fetches = fetches or [store_fetch(q.catalog) for q in queues]
    out: list[list[Timing]] = [[] for _ in queues]
    for name, make in PAGES:
        rngs = [random.Random(f"{seed}:{name}") for _ in queues]
        samples: list[dict[str, list[float]]] = [{"page": [], "find": [], "count": [], "exact": []}
                                                 for _ in queues]
        for i in range(queries):
            for queue, fetch, rng, got in zip(queues, fetches, rngs, samples, strict=True):
                query = make(rng, queue.shape)
                got["page"].append(_ms(fetch, query))
                got["find"].append(_ms(queue.catalog.suggestions.find, query))
                got["count"].append(_ms(queue.catalog.suggestions.count, query, CAP + 1))
                if i % 4 == 0:
                    got["exact"].append(_ms(queue.catalog.suggestions.count, query))
        for timings, got in zip(out, samples, strict=True):
            timings.append(Timing(name, pct(got["page"], 50), pct(got["page"], 95), extra={
                "find_p95": pct(got["find"], 95), "count_p95": pct(got["count"], 95),
                "exact_count_p50": pct(got["exact"], 50), "exact_count_p95": pct(got["exact"], 95)}))
    return out


def measure_decisions(queues: Sequence[Queue], decisions: int, seed: int) -> list[dict[str, list[float]]]:
    """`decisions` accepts and as many rejects of random proposed, fresh suggestions on each queue,
    each undone at once (so the queue stays as it was), in ms, the queues taking turns; the
    suggestion is read before the clock starts, as the reviewer's page did."""
    rngs = [random.Random(f"{seed}:decisions") for _ in queues]
    times: list[dict[str, list[float]]] = [{"accept": [], "reject": [], "undo": []} for _ in queues]
    for i in range(2 * decisions):
        action = ("accept", "reject")[i % 2]
        for queue, rng, got in zip(queues, rngs, times, strict=True):
            seen = _candidate(queue, rng)
            got[action].append(_ms(partial(review.decide, queue.catalog, seen.id, action, actor="bench",
                                           revision=seen.revision)))
            got["undo"].append(_ms(partial(review.undo, queue.catalog, seen.id, actor="bench")))
    return times


def _candidate(queue: Queue, rng: random.Random) -> Suggestion:
    """A random suggestion that can be accepted: proposed and not stale (most are)."""
    for _ in range(10_000):
        seen = queue.catalog.suggestions.get(rng.randint(1, queue.built.suggestions))
        if seen.status == "proposed" and not seen.stale:
            return seen
    raise RuntimeError("no proposed, fresh suggestion found to decide on")


def measure_once(catalog: Catalog, shape: Shape) -> dict[str, float]:
    """Queries a page can ask for but that read much of the queue, timed once each (ms)."""
    store = catalog.suggestions
    stale = SuggestionQuery(stale=True, limit=PER_PAGE)
    every = SuggestionQuery(statuses=(), limit=PER_PAGE)
    window = review.Window(shape.agent_ids[0], accept_from=0.9, reject_below=0.1)
    return {
        "exact count of the whole queue": _ms(store.count, SuggestionQuery()),
        "stale only: page": _ms(store.find, stale),
        "stale only: count to 10,001": _ms(store.count, stale, CAP + 1),
        "any status, by score: page": _ms(store.find, every),
        "decision window preview (largest agent)": _ms(review.preview_window, catalog, window),
    }


def storage(path: Path, suggestions: int) -> dict[str, float]:
    """Bytes per suggestion of the suggestions' table, its unique key, the queue indexes and the
    agents' seen inputs (SQLite's dbstat; empty where this SQLite lacks it)."""
    groups = {"rows": "name = 'suggestions'", "unique key": "name = 'sqlite_autoindex_suggestions_1'",
              "queue indexes": "name LIKE 'suggestions\\_%' ESCAPE '\\'",
              "agent inputs": "name = 'agent_inputs'"}
    db = sqlite3.connect(str(path))
    try:
        return {k: round(db.execute(f"SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE {w}").fetchone()[0]
                         / max(1, suggestions), 1) for k, w in groups.items()}
    except sqlite3.OperationalError:
        return {}
    finally:
        db.close()


def prepare(root: Path, suggestions: int, records: int, seed: int) -> tuple[Collection, Built]:
    """The queue collection at `root`: reused when built before with the same sizes, else built."""
    wanted = {"suggestions": suggestions, "records": records, "seed": seed}
    if (root / "collection.json").exists():
        collection = open_collection(root)
        saved = json.loads(collection.catalog.get_meta(_META) or "{}")
        if saved.get("wanted") == wanted:
            print(f"reusing {root}")
            built = saved["built"]
            return collection, Built(**{**built, "agent_ids": tuple(built["agent_ids"]),
                                        "kinds": tuple(built["kinds"])})
        collection.close()
        shutil.rmtree(root)
    print(f"building {suggestions:,} suggestions over {records:,} records in {root}")
    collection = create_collection(root, embedder="classic", index="memory", title=f"Queue {suggestions:,}")
    built = build(collection.catalog, records, suggestions, seed)
    collection.catalog.set_meta(_META, json.dumps({"wanted": wanted, "built": asdict(built)}))
    return collection, built


def combine(queues: Sequence[Queue], pages: list[list[Timing]], decided: list[dict[str, list[float]]],
            once: dict[str, float]) -> Report:
    """The report: each figure of the measured queue (the last) beside the baseline's (the first)."""
    base, main = queues[0], queues[-1]
    paired = [Timing(m.name, m.p50, m.p95, b.p50, b.p95, m.extra)
              for m, b in zip(pages[-1], pages[0], strict=True)]
    decisions = [Timing(k, pct(v, 50), pct(v, 95), pct(decided[0][k], 50), pct(decided[0][k], 95))
                 for k, v in decided[-1].items()]
    parts = storage(main.catalog.path, main.built.suggestions)
    return Report(
        suggestions=main.built.suggestions, records=main.built.records, baseline=base.built.suggestions,
        insert_per_s=_rate(main.built), base_insert_per_s=_rate(base.built),
        bytes_per_suggestion=_bytes_per(main.built), base_bytes_per_suggestion=_bytes_per(base.built),
        storage_mb={k: round(v * main.built.suggestions / 1e6, 1) for k, v in parts.items()},
        pages=paired, decisions=decisions, once_ms={k: round(v, 1) for k, v in once.items()}, load=_load())


def _rate(built: Built) -> float:
    return round(built.suggestions / max(built.insert_s, 1e-9), 1)


def _bytes_per(built: Built) -> float:
    return round((built.bytes_after - built.bytes_before) / max(1, built.suggestions), 1)


def _load() -> tuple[float, float, float]:
    try:
        parts = Path("/proc/loadavg").read_text().split()
        return float(parts[0]), float(parts[1]), float(parts[2])
    except (OSError, ValueError, IndexError):
        return (0.0, 0.0, 0.0)


def table(report: Report) -> str:
    n, b = f"{report.suggestions:,}", f"{report.baseline:,}"
    worst_page = max(report.pages, key=lambda t: t.p95)
    worst_decision = max(report.decisions, key=lambda t: t.p95)
    heading = "/review page of 25 (ms)" if report.web else "page of 25 (ms)"
    per_kind = ", ".join(f"{k} {v / report.suggestions * 1e6:,.0f}" for k, v in report.storage_mb.items())
    lines = [
        f"review queue: {n} suggestions over {report.records:,} records; baseline {b} (records alike)",
        f"insertion through catalog.suggestions.add: {report.insert_per_s:,.0f}/s"
        f" (baseline {report.base_insert_per_s:,.0f}/s)",
        f"storage: {report.bytes_per_suggestion:,.0f} bytes per suggestion, catalogue growth"
        f" (baseline {report.base_bytes_per_suggestion:,.0f}); by part: {per_kind}",
        "",
        f"{heading:28}{'p50':>8}{'p95':>8}{'find p95':>10}{'count p95':>10}{'exact p95':>10}"
        f"  | {b + ' p50':>11}{'p95':>7}",
    ]
    lines += [f"{t.name:28}{t.p50:>8.1f}{t.p95:>8.1f}{t.extra['find_p95']:>10.1f}"
              f"{t.extra['count_p95']:>10.1f}{t.extra['exact_count_p95']:>10.1f}"
              f"  | {t.base_p50:>11.1f}{t.base_p95:>7.1f}" for t in report.pages]
    lines += ["", f"{'decision (ms)':28}{'p50':>8}{'p95':>8}{'':30}  | {b + ' p50':>11}{'p95':>7}"]
    lines += [f"{t.name:28}{t.p50:>8.1f}{t.p95:>8.1f}{'':30}  | {t.base_p50:>11.1f}{t.base_p95:>7.1f}"
              for t in report.decisions]
    lines += ["", f"timed once at {n} (ms): " + "; ".join(f"{k} {v:,.1f}" for k, v in report.once_ms.items()),
              f"load average at the end: {' '.join(f'{x:.2f}' for x in report.load)}",
              f"targets: page p95 < {TARGET_PAGE_MS:.0f} ms: {_verdict(worst_page, TARGET_PAGE_MS)};"
              f" decision p95 < {TARGET_DECISION_MS:.0f} ms: {_verdict(worst_decision, TARGET_DECISION_MS)}"]
    return "\n".join(lines)


def _verdict(worst: Timing, target: float) -> str:
    return f"{'met' if worst.p95 < target else 'MISSED'} (slowest: {worst.name}, {worst.p95:.1f} ms)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench review", description=__doc__.split("\n")[0])
    parser.add_argument("--suggestions", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--baseline", type=int, default=10_000, help="suggestions of the baseline queue")
    parser.add_argument("--queries", type=int, default=200, help="random queries per kind of page")
    parser.add_argument("--decisions", type=int, default=200, help="accepts (and as many rejects)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, help="keep the collections here and reuse them")
    parser.add_argument("--json", type=Path, help="write the report here as JSON")
    parser.add_argument("--web", action="store_true", help="time the /review page, not the store's queries")
    args = parser.parse_args(argv)
    if not 0 < args.baseline <= args.suggestions or not 0 < args.records <= args.suggestions:
        parser.error("need 0 < --baseline <= --suggestions and 0 < --records <= --suggestions")
    if args.queries < 1 or args.decisions < 1:
        parser.error("--queries and --decisions must be at least 1")
    with tempfile.TemporaryDirectory(prefix="vitrine-bench-review-") as tmp, ExitStack() as stack:
        root = args.workdir or Path(tmp)
        queues = []
        for size in (args.baseline, args.suggestions):
            records = max(1, args.records * size // args.suggestions)
            collection, built = prepare(root / f"queue-{size}", size, records, args.seed)
            stack.enter_context(collection)
            proposed = collection.catalog.suggestions.count(SuggestionQuery())
            queues.append(Queue(collection, built, Shape(built.agent_ids, built.kinds, proposed, records)))
        print(f"measuring (load average {' '.join(f'{x:.2f}' for x in _load())})")
        if args.web:
            from vitrine.bench.review_web import web_fetches

            with web_fetches([q.collection for q in queues], PER_PAGE) as fetches:
                pages = measure_pages(queues, args.queries, args.seed, fetches)
        else:
            pages = measure_pages(queues, args.queries, args.seed)
        decided = measure_decisions(queues, args.decisions, args.seed)
        once = measure_once(queues[-1].catalog, queues[-1].shape)
        report = combine(queues, pages, decided, once)
        report.web = args.web
    emit(report, table(report), args.json)
    return 0
