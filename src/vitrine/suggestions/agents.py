"""Suggestion agents: one required method, a description of themselves, a registry by name.

An agent looks at one item (a record, or one image of a record) and returns `Proposal`s. It
describes itself with `AgentInfo` (software, model and version, a digest of its weights or
trained state, its parameters): that description is the agent *version*, and what a version has
looked at is never asked again. Heavy models load lazily, on the first item
(`vitrine.lazy.LazyLoaded`), so listing or describing agents costs nothing.

    class Ships(Agent):
        name = "ships"
        target = "image"
        def info(self) -> AgentInfo: ...
        def suggest(self, item: Item) -> list[Proposal]: ...

Third-party agents register under the ``vitrine.suggesters`` entry-point group.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import tomllib
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from vitrine.errors import AgentError, PluginError, SuggestionError
from vitrine.plugins import Registry
from vitrine.records import Record, StoredImage
from vitrine.version import __version__

if TYPE_CHECKING:
    from vitrine.collection import Collection


@dataclass(frozen=True)
class AgentInfo:
    """Who made a suggestion: the provenance every suggestion of this agent version carries."""

    name: str
    software: str
    software_version: str = __version__
    model: str = ""
    model_version: str = ""
    state_sha256: str = ""
    parameters: Mapping[str, Any] = field(default_factory=dict)
    calibrated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "software": self.software, "software_version": self.software_version,
                "model": self.model, "model_version": self.model_version, "state_sha256": self.state_sha256,
                "parameters": dict(self.parameters), "calibrated": self.calibrated}

    def key(self) -> str:
        """A digest of everything that can change an answer: equal keys, equal agents."""
        text = json.dumps(self.to_dict(), sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Item:
    """What an agent looks at: a record, and for image agents one of its images and its file.

    `basis` is what the suggestion depends on (the image's SHA-256, or the record's content hash);
    `target` names the item among the agent's inputs ("record:12", "image:40")."""

    record_id: int
    record: Record
    basis: str
    image: StoredImage | None = None
    image_path: Path | None = None

    @property
    def target(self) -> str:
        return f"image:{self.image.id}" if self.image else f"record:{self.record_id}"


@dataclass(frozen=True)
class Proposal:
    """One thing an agent proposes. `score` is the agent's raw score; `probability` only when the
    agent is calibrated. `region` is a box or polygon in the image's pixels (image agents)."""

    kind: str
    value: Mapping[str, Any]
    score: float | None = None
    probability: float | None = None
    region: Mapping[str, Any] | None = None


class Agent(ABC):
    """A suggestion agent. Subclasses set `name`, `target`, `kinds` and implement two methods."""

    name: ClassVar[str]
    target: ClassVar[Literal["record", "image"]] = "record"
    kinds: ClassVar[tuple[str, ...]] = ()
    #: the options that name a file or folder the agent reads: a job may only name one inside the
    #: folders agents may read (`vitrine.suggestions.files`), checked before the agent is built
    file_options: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def info(self) -> AgentInfo:
        """This agent's version: software, model, state digest, parameters."""

    @abstractmethod
    def suggest(self, item: Item) -> Iterable[Proposal]:
        """What the agent proposes about `item` (may be nothing). Raising skips this item only."""

    def prepare(self, collection: Collection) -> None:
        """Called once per job run, before `info()`: agents whose model lives in the collection (a
        classifier trained on its vectors) load it here, agents that compare records with each other
        look at the whole collection. Most need nothing. Raising fails the job."""


def _unknown(name: str, names: list[str]) -> str:
    return f"unknown agent {name!r}; agents: {', '.join(sorted(names))}"


AGENTS: Registry[Agent] = Registry(
    "agent", "vitrine.suggesters",
    {"dates": "vitrine.suggestions.dates:DateAgent", "fake": "vitrine.suggestions.fake:FakeAgent",
     "records": "vitrine.suggestions.consistency:RecordsAgent",
     "concept": "vitrine.concepts.agent:ConceptAgent",
     "faces": "vitrine.suggestions.faces:FaceAgent", "authority": "vitrine.reconcile.agent:AuthorityAgent",
     "ocr": "vitrine.suggestions.ocr:OcrAgent", "entities": "vitrine.entities.agent:EntityAgent",
     "illustrations": "vitrine.pages.agent:IllustrationAgent"},
    error=PluginError, unknown=_unknown)


def create_agent(name: str, options: Mapping[str, Any] | None = None) -> Agent:
    """The agent registered as `name`, built with `options` (unknown options are refused by name)."""
    return AGENTS.create(name, **dict(options or {}))


def available_agents() -> list[str]:
    return AGENTS.available()


def read_agent_config(path: Path, agent: str | None = None) -> dict[str, Any]:
    """An agent's options from a TOML file; a malformed file is refused with its line, and so is
    an option the agent (when named) does not take."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SuggestionError(f"cannot read the agent configuration {path}: {exc.strerror or exc}") from None
    try:
        options = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # its message names the line and column
        raise SuggestionError(f"{path}: {exc}") from None
    takes = agent_options(agent) if agent else None
    for key in options:
        if takes is not None and key not in takes:
            raise SuggestionError(
                f"{path}, line {_line_of(text, key)}: the agent {agent!r} takes no option {key!r};"
                f" it takes: {', '.join(takes) or 'none'}")
    return options


def agent_options(name: str) -> list[str] | None:
    """The options the agent registered as `name` takes (None: any, it takes **options)."""
    parameters = inspect.signature(AGENTS.load(name)).parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return [p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip().split("=")[0].strip().strip('"') == key:
            return number
    return 1


def parse_options(pairs: Iterable[str]) -> dict[str, Any]:
    """`key=value` pairs from the command line; values read as JSON when they parse, else as text."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.strip():
            raise SuggestionError(f"an agent option is KEY=VALUE, not {pair!r}")
        try:
            options[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            options[key.strip()] = raw
    return options


def file_sha256(path: Path, *, what: str, hint: str) -> str:
    """The digest of a model file, the state part of an agent's version; a missing or unreadable
    file is an `AgentError` that says where vitrine looked and how to get the file."""
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise AgentError(f"the {what} is not readable at {path} ({exc.strerror or exc}); {hint}") from None
    return digest.hexdigest()
