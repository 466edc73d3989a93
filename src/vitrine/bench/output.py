"""What every benchmark does at the end: print its table, and write its report as JSON if asked."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any


def emit(report: Any, table: str, json_path: Path | None) -> None:
    """Print `table`; write the dataclass `report` to `json_path` when one is given."""
    print(table)
    if json_path:
        json_path.write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
