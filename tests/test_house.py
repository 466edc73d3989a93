"""The house rules of the package, read from its source: sizes, layers, and an import graph with no cycle."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import vitrine

SRC = Path(vitrine.__file__).parent
LEAVES = {"errors", "records", "settings", "dates", "images", "fetch", "netguard", "fsutil", "locking",
          "lazy", "unionfind", "plugins", "version", "storage"}
FACES = {"cli", "web", "bench"}  # the only packages that may speak click or HTTP


def _modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> Iterator[str]:
    """Every vitrine module `name` imports (function-level and TYPE_CHECKING imports included)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in modules]
            yield from subs
            if len(subs) < len(node.names) and node.module in modules:
                yield node.module


def test_no_file_over_600_lines_no_function_over_50() -> None:
    long = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 600:
            long.append(f"{path.name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > 50:
                    long.append(f"{path.name}:{node.lineno} {node.name}: {size} lines")
    assert long == []


def test_the_import_graph_has_no_cycle() -> None:
    modules = _modules()
    graph = {name: set(_imports(name, path, modules)) - {name} for name, path in modules.items()}
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*trail[trail.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_leaf_helpers_import_only_leaf_helpers() -> None:
    modules = _modules()
    strays = [f"{name} imports {target}" for name, path in modules.items()
              if name.split(".")[1:2] and name.split(".")[1] in LEAVES
              for target in _imports(name, path, modules) if target.split(".")[1] not in LEAVES]
    assert strays == []


def test_only_the_cli_and_the_web_speak_click_or_http() -> None:
    speakers = []
    for path in SRC.rglob("*.py"):
        if path.relative_to(SRC).parts[0] in FACES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            speakers += [f"{path.relative_to(SRC)}: {n}" for n in names
                         if n.split(".")[0] in ("click", "fastapi", "starlette", "uvicorn")]
    assert speakers == []
