"""The files a job's agent may read: only inside the collection's folder and the agents' files folder.

Some agent options name a file (an authority CSV, a gazetteer, a model): `Agent.file_options` lists
them. A job is started by a cataloguer from the web as well as from a shell, and its agent runs with
the server's rights, so a path there could otherwise name any file the server can read
(`/proc/self/environ`, a secrets file) and bring parts of it back in an error. Every job's options go
through `checked_options` before its agent is built, in `create_job` (web, CLI and followed agents
alike) and again in `run_job` (the worker, for jobs stored earlier): a path outside

1. the collection's folder, and
2. the agents' files folder, `$VITRINE_SUGGEST__FILES_DIR` (default `$VITRINE_DATA_DIR/files`),

is refused, after links are followed (a link inside pointing outside is refused too). A relative
path is taken inside the files folder. The agent is given the absolute path that was checked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from vitrine.errors import SuggestionError
from vitrine.suggestions.agents import AGENTS


def agent_folders(collection_root: Path) -> list[Path]:
    """The folders agents' file options may point into, files folder first (relative paths go there)."""
    from vitrine.settings import load_settings

    return [load_settings().agent_files_dir().expanduser().resolve(), collection_root.resolve()]


def checked_options(collection_root: Path, agent: str, options: Mapping[str, Any] | None) -> dict[str, Any]:
    """`options` with every file option of `agent` made absolute, each checked to lie inside
    `agent_folders(collection_root)`; a `SuggestionError` naming the option otherwise. An unknown
    agent is the registry's `PluginError`."""
    names = getattr(AGENTS.load(agent), "file_options", ())
    checked = dict(options or {})
    folders = agent_folders(collection_root)
    for name in names:
        value = checked.get(name)
        if value is None or value == "":
            continue
        checked[name] = str(_inside(name, value, folders))
    return checked


def _inside(option: str, value: object, folders: Sequence[Path]) -> Path:
    if not isinstance(value, str) or "\x00" in value:
        raise SuggestionError(f"the option {option!r} is the path of a file, not {value!r}")
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = folders[0] / path
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links
        raise SuggestionError(
            f"the option {option!r} names {value!r}, which cannot be resolved ({exc})") from None
    if any(resolved.is_relative_to(folder) for folder in folders):
        return resolved
    raise SuggestionError(
        f"the option {option!r} names {value!r}, outside the folders agents may read: the agents' files "
        f"folder {folders[0]} (VITRINE_SUGGEST__FILES_DIR) and the collection's folder {folders[1]}; "
        "put the file in one of them")
