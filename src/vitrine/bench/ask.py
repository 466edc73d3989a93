"""Asking public-art: precision and recall of the cited works, correct refusals, latency.

    vitrine bench ask [--data ../shared/data/public-art] [--questions data/labels/ask/questions.jsonl]
                      [--half held-out|dev|all] [--endpoint URL --model NAME] [--json report.json]

The questions (data/labels/ask/, written by hand in French and English) each carry the criteria their
answer is computed from in public-art's own metadata (`truth`: artists, title words in the languages
the titles use, museum, years, medium); questions whose id starts with "u" are ones the collection
cannot answer, and the benchmark checks that their computed answer is empty.

The records go into a new collection (fake embedder: no text tower, so full text, makers and dates
only). For every question, in the same run:
- ask, offline (and with `--endpoint`, through that OpenAI-compatible model): the works cited;
- the baseline: the catalogue's own full-text search (FTS5, unstemmed, any word), its top 8 as the
  "citations", an empty result as a refusal.
Per answerable question: precision of the cited works (share in the answer set), recall@8 (share of
the answer set, or of 8 when it is larger, that is cited), and whether it was wrongly refused; per
unanswerable one, whether it was refused. Latency is per question, p50 and p95.
The questions are split by the first byte of the SHA-256 of their id (even: development, odd: held
out); the stop words and date patterns were adjusted on the development half only, and the figures
to quote are the held-out half's (the default).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vitrine.ask.index import stem_index
from vitrine.bench.output import check_public_art, emit
from vitrine.collection import Collection, create_collection
from vitrine.records import Record

ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "public-art"
DEFAULT_QUESTIONS = ROOT / "data" / "labels" / "ask" / "questions.jsonl"
K = 8


@dataclass(frozen=True)
class Question:
    id: str
    lang: str
    text: str
    truth: frozenset[str]

    @property
    def answerable(self) -> bool:
        return not self.id.startswith("u")


@dataclass
class Scores:
    """One system's figures over the questions."""

    name: str
    answerable: int = 0
    unanswerable: int = 0
    precision: float = 0.0
    recall_at_8: float = 0.0
    wrongly_refused: int = 0
    correctly_refused: int = 0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    by_language: dict[str, dict[str, float]] = field(default_factory=dict)


@dataclass
class Report:
    data: str
    questions: str
    half: str
    records: int
    index_build_s: float
    systems: list[Scores]


def matches(row: dict[str, str], truth: dict[str, Any]) -> bool:
    """Whether a public-art row satisfies a question's criteria (all of them)."""
    if "artist" in truth and row["artist"] not in truth["artist"]:
        return False
    if "museum" in truth and row["museum"] != truth["museum"]:
        return False
    if "medium" in truth and truth["medium"].casefold() not in row["medium"].casefold():
        return False
    if "title" in truth and not any(re.search(r"(?<!\w)" + re.escape(t.casefold()), row["title"].casefold())
                                    for t in truth["title"]):
        return False
    year = int(row["year"]) if re.fullmatch(r"-?\d+", row["year"] or "") else None
    if "year_from" in truth and (year is None or year < truth["year_from"]):
        return False
    return "year_to" not in truth or (year is not None and year <= truth["year_to"])


def load_questions(path: Path, rows: list[dict[str, str]], half: str) -> list[Question]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        truth = frozenset(r["id"] for r in rows if matches(r, item["truth"]))
        question = Question(item["id"], item["lang"], item["question"], truth)
        if not question.answerable and truth:
            raise SystemExit(f"{path}:{n}: {item['id']} is meant to be unanswerable but "
                             f"{len(truth)} records match")
        if question.answerable and not truth:
            raise SystemExit(f"{path}:{n}: {item['id']} has an empty answer set; fix its criteria")
        held_out = hashlib.sha256(item["id"].encode()).digest()[0] % 2 == 1
        if half == "all" or (half == "held-out") == held_out:
            out.append(question)
    return out


def build(rows: list[dict[str, str]], folder: Path) -> Collection:
    collection = create_collection(folder / "ask-bench", embedder="fake", index="memory")
    with collection.catalog.transaction():
        for r in rows:
            collection.catalog.upsert(Record(
                identifier=r["id"], title=r["title"] or None,
                creators=[r["artist"]] if r["artist"] else [], date_text=r["date"] or r["year"] or None,
                medium=r["medium"] or None, extra={"museum": r["museum"]} if r["museum"] else {}))
    return collection


System = Callable[[str], tuple[tuple[str, ...], bool]]


def score(name: str, system: System, questions: Sequence[Question]) -> Scores:
    """Run `system` (question -> cited identifiers, refused) on every question and score it."""
    out = Scores(name)
    times: list[float] = []
    rows: list[tuple[Question, float, float, bool]] = []
    for q in questions:
        started = time.perf_counter()
        cited, refused = system(q.text)
        times.append((time.perf_counter() - started) * 1000)
        hit = len(set(cited) & q.truth)
        precision = hit / len(cited) if cited else 0.0
        recall = hit / min(len(q.truth), K) if q.truth else 0.0
        rows.append((q, precision, recall, refused))
    answerable = [r for r in rows if r[0].answerable]
    out.answerable, out.unanswerable = len(answerable), len(rows) - len(answerable)
    answered = [r for r in answerable if not r[3]]
    out.precision = round(statistics.fmean(r[1] for r in answered), 3) if answered else 0.0
    out.recall_at_8 = round(statistics.fmean(r[2] for r in answerable), 3) if answerable else 0.0
    out.wrongly_refused = sum(r[3] for r in answerable)
    out.correctly_refused = sum(r[3] for r in rows if not r[0].answerable)
    for lang in ("en", "fr"):
        mine = [r for r in answerable if r[0].lang == lang]
        if mine:
            out.by_language[lang] = {"questions": len(mine),
                                     "recall_at_8": round(statistics.fmean(r[2] for r in mine), 3)}
    times.sort()
    out.p50_ms = round(statistics.median(times), 2)
    out.p95_ms = round(times[min(len(times) - 1, int(0.95 * len(times)))], 2)
    return out


def systems(collection: Collection, endpoint: str, model: str) -> list[tuple[str, System]]:
    from vitrine.ask import Asker, ChatModel, answer_of, ask
    from vitrine.search.core import search_by_text

    def baseline(text: str) -> tuple[tuple[str, ...], bool]:
        hits = search_by_text(collection, text, mode="fulltext", per_page=K).hits
        return tuple(h.identifier for h in hits), not hits

    def asked(asker: Asker) -> System:
        def run(text: str) -> tuple[tuple[str, ...], bool]:
            answer = answer_of(ask(collection, text, asker))
            return answer.cited(), answer.refused
        return run

    out: list[tuple[str, System]] = [("catalogue full text (baseline)", baseline),
                                     ("ask, offline", asked(Asker(sources=K)))]
    if endpoint:
        out.append((f"ask, model {model}", asked(Asker(ChatModel(endpoint, model, timeout=120), sources=K))))
    return out


def table(report: Report) -> str:
    lines = [f"vitrine bench ask: {report.records} records, half {report.half} ({report.questions});"
             f" stemmed index built in {report.index_build_s} s",
             f"{'system':34} {'answerable':>10} {'precision':>9} {'recall@8':>8} {'wrongly refused':>15}"
             f" {'refused/unanswerable':>20} {'p50 ms':>7} {'p95 ms':>7}"]
    for s in report.systems:
        lines.append(f"{s.name:34} {s.answerable:>10} {s.precision:>9.3f} {s.recall_at_8:>8.3f}"
                     f" {s.wrongly_refused:>15} {f'{s.correctly_refused}/{s.unanswerable}':>20}"
                     f" {s.p50_ms:>7.1f} {s.p95_ms:>7.1f}")
        lines.append(f"{'':34} recall@8 by language: " + ", ".join(
            f"{lang} {v['recall_at_8']:.3f} ({int(v['questions'])} q)" for lang, v in s.by_language.items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench ask", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--half", choices=("held-out", "dev", "all"), default="held-out")
    parser.add_argument("--endpoint", default="", help="an OpenAI-compatible base URL, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--model", default="")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    check_public_art(parser, args.data)
    with (args.data / "records.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    questions = load_questions(args.questions, rows, args.half)
    with tempfile.TemporaryDirectory() as tmp:
        collection = build(rows, Path(tmp))
        started = time.perf_counter()
        stem_index(collection.root, collection.catalog)  # built on the first question otherwise
        built = round(time.perf_counter() - started, 2)
        try:
            results = [score(name, system, questions)
                       for name, system in systems(collection, args.endpoint, args.model)]
        finally:
            collection.close()
    report = Report(str(args.data), str(args.questions), args.half, len(rows), built, results)
    emit(report, table(report), args.json)
    return 0
