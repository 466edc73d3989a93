"""Export suggestions and the decisions on them as CSV or JSON Lines, streamed in pages of rows.

Each row is one suggestion: what was proposed (kind, value, label, region, score, probability),
about what (record identifier and id, image id), by whom (the agent version: name, software and
its version, model and its version, state digest, parameters, whether calibrated; the job), and
what people made of it (status, who decided and when, note, the final value when edited, the
assignee), with `stale` when its record or image changed since. Times are ISO 8601 in UTC.

JSON Lines nests `agent` and `decision` objects and keeps values as JSON. CSV has flat columns
(`agent_*`, `decision_*`); `value`, `region`, `final_value` and `agent_parameters` are JSON text
there, empty when absent, and a text cell a spreadsheet would read as a formula starts with `'`.
The CLI (`vitrine review export`) and a web download call the same functions.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from vitrine.catalog import Catalog
from vitrine.catalog.suggestions import StoredAgent, Suggestion, SuggestionQuery
from vitrine.errors import VitrineError
from vitrine.exports.audit import iso_time
from vitrine.jobs.progress import ProgressCallback, Reporter

FORMATS: tuple[str, ...] = ("csv", "jsonl")
AGENT_FIELDS = ("name", "software", "software_version", "model", "model_version", "state_sha256",
                "parameters", "calibrated")
DECISION_FIELDS = ("status", "decided_by", "decided_at", "note", "final_value")
COLUMNS = ("id", "identifier", "record_id", "image_id", "kind", "label", "value", "region", "score",
           "probability", "created_at", "job_id", "agent_id", *(f"agent_{f}" for f in AGENT_FIELDS),
           *(f"decision_{f}" for f in DECISION_FIELDS), "revision", "assignee", "stale")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
#: every status, the default of an export (a review list shows only the proposed ones)
EVERY_STATUS = SuggestionQuery(statuses=())


def suggestion_rows(catalog: Catalog, query: SuggestionQuery = EVERY_STATUS) -> Iterator[dict[str, Any]]:
    """The suggestions matching `query` (order and limit aside) in id order, as nested dicts."""
    agents: dict[int, StoredAgent] = {a.id: a for a in catalog.suggestions.agents()}
    for suggestion in catalog.suggestions.iter_all(query):
        agent = agents.get(suggestion.agent_id)
        if agent is None:  # a version stored after the export began
            agent = agents[suggestion.agent_id] = catalog.suggestions.agent(suggestion.agent_id)
        yield row_of(suggestion, agent)


def row_of(s: Suggestion, agent: StoredAgent) -> dict[str, Any]:
    """One suggestion with its provenance and decision, as JSON Lines writes it."""
    return {
        "id": s.id, "identifier": s.identifier, "record_id": s.record_id, "image_id": s.image_id,
        "kind": s.kind, "label": s.label, "value": s.value, "region": s.region, "score": s.score,
        "probability": s.probability, "created_at": iso_time(s.created_at), "job_id": s.job_id,
        "agent_id": s.agent_id, "agent": {f: getattr(agent, f) for f in AGENT_FIELDS},
        "decision": {"status": s.status, "decided_by": s.decided_by,
                     "decided_at": iso_time(s.decided_at) if s.decided_at is not None else None,
                     "note": s.note or None, "final_value": s.final_value},
        "revision": s.revision, "assignee": s.assignee, "stale": s.stale}


def suggestion_lines(catalog: Catalog, fmt: str, query: SuggestionQuery = EVERY_STATUS) -> Iterator[str]:
    """The export as lines of `fmt` (CSV starts with its header): for a streamed download."""
    if fmt not in FORMATS:
        raise VitrineError(f"unknown export format {fmt!r}: use {' or '.join(FORMATS)}")
    rows = suggestion_rows(catalog, query)
    return suggestions_csv(rows) if fmt == "csv" else suggestions_jsonl(rows)


def export_suggestions(catalog: Catalog, fmt: str, out: TextIO, query: SuggestionQuery = EVERY_STATUS,
                       progress: ProgressCallback | None = None) -> int:
    """Write the suggestions matching `query` to `out` in `fmt`, in id order; returns how many."""
    lines = suggestion_lines(catalog, fmt, query)
    reporter = Reporter(progress, "export", catalog.suggestions.count(query))
    if fmt == "csv":
        out.write(next(lines))
    for line in lines:
        out.write(line)
        reporter.advance()
    return reporter.done


def suggestions_csv(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A header line, then one flat CSV line per row of `suggestion_rows`."""
    yield _csv_line(COLUMNS)
    for row in rows:
        flat = flatten(row)
        yield _csv_line([_cell(flat[c]) for c in COLUMNS])


def suggestions_jsonl(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def flatten(row: dict[str, Any]) -> dict[str, Any]:
    """A nested row as CSV's flat columns (JSON values still values)."""
    flat = {k: v for k, v in row.items() if k not in ("agent", "decision")}
    flat.update({f"agent_{k}": v for k, v in row["agent"].items()})
    flat.update({f"decision_{k}": v for k, v in row["decision"].items()})
    return flat


def _csv_line(values: Iterable[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow(values)
    return buf.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA) else text
