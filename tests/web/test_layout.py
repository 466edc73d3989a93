"""The web layer's house rules, read from its source: routes stand alone, shapes live in schemas/."""

from __future__ import annotations

import ast
from pathlib import Path

import vitrine.web

WEB = Path(vitrine.web.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}


def test_no_route_module_imports_another() -> None:
    routes = sorted((WEB / "routes").glob("*.py"))
    assert len(routes) > 5
    crossings = {(path.stem, module) for path in routes for module in _imports(path)
                 if module.startswith("vitrine.web.routes")}
    assert crossings == set()


def test_request_and_response_models_live_in_schemas() -> None:
    outside = [path.relative_to(WEB) for path in WEB.rglob("*.py") if "schemas" not in path.parts
               and any(isinstance(node, ast.ClassDef) and any(
                   getattr(base, "id", "") == "BaseModel" for base in node.bases)
                   for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))]
    assert outside == []
