"""An agent's suggestions measured against known answers: precision, recall and F1 at each score.

    evaluate(catalog, "dates", Path("truth.csv")) -> Evaluation

The truth file is CSV (with a header) or JSON Lines (one object a line; chosen by the ``.jsonl``,
``.ndjson`` or ``.json`` suffix, or by a first character ``{``). Its columns, or keys:

| column | required | what |
|---|---|---|
| identifier | yes | the record's identifier in the catalogue |
| kind | yes | the suggestion kind (tag, class, date, entity, link...) |
| label | no | the right answer of other kinds than date, compared without case (a link's may |
| | | be its URI); empty: the record has none of this kind |
| earliest, latest | dates | the right years of a date (BCE negative); both empty: no date |
| note | no | free text, ignored |

One row per right answer: a record with three right tags has three rows. A bad row is refused
with an error naming its line ("truth.csv: line 7: unknown kind 'tags'; ..."). Identifiers the
catalogue does not hold are left out and listed in `Evaluation.unknown`.

Only the rows of the kinds the agent makes count (the kinds its class declares, or where it is
no longer installed, the kinds of its suggestions); the others are counted in `other_kinds`.
What is judged: every suggestion of the agent version (newest version of that name, or the id
given), whatever its review status, as the agent made it (an editor's corrections do not count)
and only about a (record, kind) the truth file covers; the others are counted as `unjudged`. The
same answer twice about one record (two images, say) counts once, at its higher score. A suggestion
is right when its answer is among the record's right answers (a date: when both years are equal).
At a threshold t, the suggestions scoring at least t are the agent's answers (no score counts as
0): precision = right / answered, recall = right / right answers in the truth file (so answers
the agent never proposed count against it), F1 their harmonic mean. Every distinct score is a
threshold. `average_precision` sums precision over the steps in recall, as scikit-learn's
`average_precision_score` does; computed here because the curve must also count the answers the
agent never proposed, which a per-suggestion label list cannot hold.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vitrine.catalog import Catalog
from vitrine.catalog.suggestions import StoredAgent, Suggestion, SuggestionQuery
from vitrine.errors import PluginError, RecordNotFound, SuggestionError
from vitrine.suggestions.agents import AGENTS
from vitrine.suggestions.values import KINDS

TRUTH_COLUMNS = ("identifier", "kind", "label", "earliest", "latest", "note")
Answer = str | tuple[int, int]
Key = tuple[str, str]  # (identifier, kind)


@dataclass(frozen=True)
class Truth:
    """The right answers by (identifier, kind); an empty set says "none of this kind"."""

    answers: dict[Key, set[Answer]]
    rows: int

    @property
    def positives(self) -> int:
        return sum(len(v) for v in self.answers.values())


@dataclass(frozen=True)
class Point:
    """The agent's answers scoring at least `threshold`, judged."""

    threshold: float
    answered: int
    right: int
    wrong: int
    missed: int

    @property
    def precision(self) -> float | None:
        return self.right / self.answered if self.answered else None

    @property
    def recall(self) -> float | None:
        positives = self.right + self.missed
        return self.right / positives if positives else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else (0.0 if p is not None and r is not None else None)

    def to_dict(self) -> dict[str, Any]:
        return {"threshold": self.threshold, "answered": self.answered, "right": self.right,
                "wrong": self.wrong, "missed": self.missed, "precision": self.precision,
                "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class Evaluation:
    agent: StoredAgent
    truth_path: str
    rows: int
    positives: int
    judged: int
    unjudged: int
    points: list[Point]
    unknown: list[str] = field(default_factory=list)
    other_kinds: int = 0

    @property
    def best(self) -> Point | None:
        """The threshold with the highest F1 (the higher threshold of equals)."""
        scored = [p for p in self.points if p.f1 is not None]
        return max(scored, key=lambda p: (p.f1 or 0.0, p.threshold)) if scored else None

    @property
    def average_precision(self) -> float | None:
        if not self.positives:
            return None
        total, recall_before = 0.0, 0.0
        for point in sorted(self.points, key=lambda p: -p.threshold):
            recall = point.recall or 0.0
            total += (recall - recall_before) * (point.precision or 0.0)
            recall_before = recall
        return total

    def to_dict(self) -> dict[str, Any]:
        best = self.best
        return {"agent": self.agent.to_dict(), "truth": self.truth_path, "rows": self.rows,
                "positives": self.positives, "judged": self.judged, "unjudged": self.unjudged,
                "unknown_identifiers": self.unknown, "other_kinds": self.other_kinds,
                "average_precision": self.average_precision,
                "best": best.to_dict() if best else None, "points": [p.to_dict() for p in self.points]}

    def table(self, max_rows: int = 20) -> str:
        """The points as a text table: every one, or `max_rows` spread over them and the best F1."""
        points = _spread(self.points, max_rows, self.best)
        head = (f"{'threshold':>9} {'answered':>8} {'right':>6} {'wrong':>6} {'missed':>6}"
                f" {'precision':>9} {'recall':>6} {'F1':>6}")
        lines = [head]
        for p in points:
            mark = "  <- best F1" if p is self.best else ""
            lines.append(f"{p.threshold:>9.4f} {p.answered:>8} {p.right:>6} {p.wrong:>6} {p.missed:>6}"
                         f" {_num(p.precision):>9} {_num(p.recall):>6} {_num(p.f1):>6}{mark}")
        return "\n".join(lines)


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _spread(points: list[Point], max_rows: int, best: Point | None) -> list[Point]:
    if len(points) <= max_rows:
        return points
    step = (len(points) - 1) / (max_rows - 1)
    chosen = {round(i * step) for i in range(max_rows)}
    if best is not None:
        chosen.add(points.index(best))
    return [points[i] for i in sorted(chosen)]


# -- the evaluation -----------------------------------------------------------------------------------

def evaluate(catalog: Catalog, agent: str | int, truth_path: Path) -> Evaluation:
    """Judge the suggestions of `agent` (a name: its newest version; or a stored agent id) against
    the answers in `truth_path`."""
    stored = resolve_agent(catalog, agent)
    truth = read_truth(truth_path)
    suggestions = list(_all_suggestions(catalog, stored.id))
    kinds = _kinds_of(stored, suggestions)
    unknown = _unknown_identifiers(catalog, {identifier for identifier, _ in truth.answers})
    answers = {k: v for k, v in truth.answers.items() if k[0] not in set(unknown) and k[1] in kinds}
    other_kinds = sum(len(v) or 1 for k, v in truth.answers.items() if k[1] not in kinds)
    best: dict[tuple[str, str, Answer], float] = {}
    unjudged = 0
    for suggestion in suggestions:
        if suggestion.identifier is None:
            continue  # its record was deleted
        key = (suggestion.identifier, suggestion.kind)
        if key not in answers:
            unjudged += 1
            continue
        answer = _answer_of(suggestion, answers[key])
        score = suggestion.score if suggestion.score is not None else 0.0
        best[(*key, answer)] = max(score, best.get((*key, answer), score))
    judged = [(score, answer in answers[(identifier, kind)])
              for (identifier, kind, answer), score in best.items()]
    positives = sum(len(v) for v in answers.values())
    return Evaluation(stored, str(truth_path), truth.rows, positives, len(judged), unjudged,
                      _points(judged, positives), unknown, other_kinds)


def _kinds_of(stored: StoredAgent, suggestions: list[Suggestion]) -> set[str]:
    """The kinds an agent makes: as its class declares, or (no longer installed) as it made."""
    try:
        declared = getattr(AGENTS.load(stored.name), "kinds", ())
    except PluginError:
        declared = ()
    return set(declared) or {s.kind for s in suggestions}


def _points(judged: list[tuple[float, bool]], positives: int) -> list[Point]:
    """One point per distinct score, highest first: the answers at or above it, judged."""
    points: list[Point] = []
    right = 0
    ordered = sorted(judged, key=lambda j: -j[0])
    for i, (score, correct) in enumerate(ordered):
        right += correct
        if i + 1 == len(ordered) or ordered[i + 1][0] != score:
            points.append(Point(score, i + 1, right, i + 1 - right, positives - right))
    return points


def resolve_agent(catalog: Catalog, agent: str | int) -> StoredAgent:
    """A stored agent version by id, or the newest version of an agent by name."""
    if isinstance(agent, int) or str(agent).strip().isdigit():
        return catalog.suggestions.agent(int(agent))
    versions = [a for a in catalog.suggestions.agents() if a.name == agent]
    if not versions:
        names = sorted({a.name for a in catalog.suggestions.agents()})
        raise SuggestionError(f"no suggestions from an agent named {agent!r} in this collection"
                              f" (agents that made some: {', '.join(names) or 'none'}); run it first")
    return max(versions, key=lambda a: a.id)


def _all_suggestions(catalog: Catalog, agent_id: int) -> Iterator[Suggestion]:
    offset = 0
    while True:
        page = catalog.suggestions.find(SuggestionQuery(agent_ids=(agent_id,), statuses=(), order="id",
                                                        limit=10_000, offset=offset))
        yield from page
        if len(page) < 10_000:
            return
        offset += len(page)


def _answer_of(suggestion: Suggestion, right: set[Answer]) -> Answer:
    value = suggestion.value
    if suggestion.kind == "date":
        return (int(value["earliest"]), int(value["latest"]))
    uri = value.get("uri")
    if isinstance(uri, str) and uri.casefold() in right:
        return uri.casefold()
    return suggestion.label.strip().casefold()


def _unknown_identifiers(catalog: Catalog, identifiers: set[str]) -> list[str]:
    unknown = []
    for identifier in sorted(identifiers):
        try:
            catalog.record_id(identifier)
        except RecordNotFound:
            unknown.append(identifier)
    return unknown


# -- reading a truth file -------------------------------------------------------------------------------

def read_truth(path: Path) -> Truth:
    """The right answers of a CSV or JSON Lines truth file; a bad row raises naming its line."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SuggestionError(f"cannot read the truth file {path}: {exc}") from None
    as_json = Path(path).suffix.lower() in (".jsonl", ".ndjson", ".json") or (
        Path(path).suffix.lower() != ".csv" and text.lstrip().startswith("{"))
    answers: dict[Key, set[Answer]] = {}
    rows = 0
    for line, row in (_json_rows(text, path) if as_json else _csv_rows(text, path)):
        try:
            key, answer = _truth_row(row)
        except SuggestionError as exc:
            raise SuggestionError(f"{path}: line {line}: {exc}") from None
        found = answers.setdefault(key, set())
        if answer is not None:
            found.add(answer)
        rows += 1
    if not rows:
        raise SuggestionError(f"{path}: no answers in the truth file (columns: {', '.join(TRUTH_COLUMNS)})")
    return Truth(answers, rows)


def _csv_rows(text: str, path: Path) -> Iterator[tuple[int, Mapping[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        columns = [c.strip() for c in reader.fieldnames or []]
        _check_columns(columns, path, 1)
        for row in reader:
            if None in row:
                raise SuggestionError(f"{path}: line {reader.line_num}: more values than columns")
            if not any((v or "").strip() for v in row.values()):
                continue
            yield reader.line_num, {k.strip(): v for k, v in row.items()}
    except csv.Error as exc:
        raise SuggestionError(f"{path}: line {reader.line_num}: {exc}") from None


def _json_rows(text: str, path: Path) -> Iterator[tuple[int, Mapping[str, Any]]]:
    for line, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        try:
            row = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise SuggestionError(f"{path}: line {line}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise SuggestionError(f"{path}: line {line}: a row is a JSON object, not {type(row).__name__}")
        _check_columns(list(row), path, line, need=False)
        yield line, row


def _check_columns(columns: list[str], path: Path, line: int, need: bool = True) -> None:
    unknown = [c for c in columns if c not in TRUTH_COLUMNS]
    if unknown:
        raise SuggestionError(f"{path}: line {line}: unknown column {unknown[0]!r};"
                              f" columns: {', '.join(TRUTH_COLUMNS)}")
    missing = [c for c in ("identifier", "kind") if c not in columns]
    if need and missing:
        raise SuggestionError(f"{path}: line {line}: the header lacks {missing[0]!r};"
                              f" columns: {', '.join(TRUTH_COLUMNS)}")


def _truth_row(row: Mapping[str, Any]) -> tuple[Key, Answer | None]:
    identifier = _cell(row.get("identifier"))
    kind = _cell(row.get("kind"))
    if not identifier:
        raise SuggestionError("'identifier' is empty")
    if kind not in KINDS:
        raise SuggestionError(f"unknown kind {kind!r}; kinds: {', '.join(KINDS)}")
    earliest, latest = _year(row.get("earliest"), "earliest"), _year(row.get("latest"), "latest")
    if kind != "date":
        if earliest is not None or latest is not None:
            raise SuggestionError(f"'earliest' and 'latest' go with kind date, not {kind}")
        label = _cell(row.get("label"))
        return (identifier, kind), label.casefold() if label else None
    if _cell(row.get("label")):
        raise SuggestionError("a date's answer is 'earliest' and 'latest', not 'label'")
    if (earliest is None) != (latest is None):
        raise SuggestionError("give both 'earliest' and 'latest', or neither (no date)")
    if earliest is None or latest is None:
        return (identifier, kind), None
    if earliest > latest:
        raise SuggestionError(f"'earliest' ({earliest}) is after 'latest' ({latest})")
    return (identifier, kind), (earliest, latest)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        raise SuggestionError(f"a cell holds text or a number, not {value!r}")
    return str(value).strip()


def _year(value: Any, name: str) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise SuggestionError(f"{name!r} must be a year, not {value!r}")
    try:
        number = float(str(value).strip())
    except ValueError:
        raise SuggestionError(f"{name!r} must be a year (a whole number), not {value!r}") from None
    if not number.is_integer() or abs(number) > 100_000:
        raise SuggestionError(f"{name!r} must be a year (a whole number), not {value!r}")
    return int(number)
