"""What the benchmarks share: checking their arguments, printing the table, writing the JSON report."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any


def emit(report: Any, table: str, json_path: Path | None) -> None:
    """Print `table`; write the dataclass `report` to `json_path` when one is given."""
    print(table)
    if json_path:
        json_path.write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")


def check_choices(
    parser: argparse.ArgumentParser, what: str, chosen: Iterable[str], known: Sequence[str],
) -> None:
    """Stop with a usage error naming any chosen value that is not known."""
    unknown = set(chosen) - set(known)
    if unknown:
        parser.error(f"unknown {what} {sorted(unknown)}; choose from {', '.join(known)}")


def check_public_art(parser: argparse.ArgumentParser, data: Path) -> None:
    """Stop with a usage error unless `data` is the public-art folder (it holds records.csv)."""
    if not (Path(data) / "records.csv").is_file():
        parser.error(f"{data}/records.csv not found; pass --data the public-art folder")
