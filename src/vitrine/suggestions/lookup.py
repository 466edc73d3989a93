"""Finding agent versions the way people name them: by the agent's name, or by a version's id."""

from __future__ import annotations

from vitrine.catalog import Catalog
from vitrine.catalog.suggestions import StoredAgent
from vitrine.errors import SuggestionError, SuggestionNotFound


def find_agents(catalog: Catalog, text: str) -> list[StoredAgent]:
    """Every stored version of the agent named `text`, or the version whose id is `text`, oldest
    first; none is an error that lists the agents there are."""
    stored = catalog.suggestions.agents()
    wanted = text.strip()
    found = [a for a in stored if (str(a.id) == wanted if wanted.isdigit() else a.name == wanted)]
    if not found:
        names = sorted({a.name for a in stored})
        there = ", ".join(names) or "none yet (run one with 'vitrine suggest run')"
        raise SuggestionNotFound(
            f"no agent {text!r} has made suggestions in this collection; agents here: {there}")
    return found


def one_agent(catalog: Catalog, text: str) -> StoredAgent:
    """The one agent version `text` names; a name with several versions must be given as an id."""
    found = find_agents(catalog, text)
    if len(found) > 1:
        versions = ", ".join(f"id {a.id} ({a.model or a.software} {a.model_version}".rstrip() + ")"
                             for a in found)
        raise SuggestionError(
            f"agent {text!r} has {len(found)} versions here: {versions}; give the id of one")
    return found[0]
