"""`vitrine entities train`: a small spaCy NER pipeline trained on annotated files (HIPE-2022 TSV, or
BIO `token label` files such as Europeana's newspapers), kept apart from any file it is scored on.

Every `--hold-out`th document of the training files is kept out of training and used by spaCy to
choose the best epoch (`model-best`): the files a model is reported on are never seen, not even
to choose. The configuration is spaCy's own for CPU efficiency (a hashed-embedding CNN tok2vec and a
transition-based NER), with few epochs, so it trains on a laptop core in minutes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from vitrine.entities.gazetteer import Gazetteer
from vitrine.entities.hipe import Document, read_bio, read_hipe
from vitrine.errors import EntityError


@dataclass(frozen=True)
class TrainReport:
    model: str  # the folder of the best pipeline
    files: list[str]
    documents: int
    held_out: int
    tokens: int
    entities: dict[str, int]
    epochs: int
    seconds: float


def read_annotated(path: Path) -> list[Document]:
    """The documents of an annotated file: a HIPE TSV (header line `TOKEN...`) or else a BIO file."""
    try:
        with path.open("rb") as handle:
            head = handle.read(5)
    except OSError as exc:
        raise EntityError(f"cannot read {path}: {exc.strerror or exc}") from None
    return read_hipe(path).documents if head == b"TOKEN" else read_bio(path)


def names_from(path: Path, gazetteer: Gazetteer) -> Gazetteer:
    """The entity names annotated in a training file, into `gazetteer` (a gazetteer for the rules)."""
    for document in read_annotated(Path(path)):
        text = document.text()[0]
        for mention in document.mentions(path):
            gazetteer.add(text[mention.start:mention.end], mention.type)
    return gazetteer


def to_docbin(nlp: Any, documents: Iterable[tuple[Path, Document]]) -> Any:
    """A spaCy DocBin of `documents` with their gold entities as vitrine types."""
    from spacy.tokens import Doc, DocBin

    out = DocBin()
    for path, document in documents:
        doc = Doc(nlp.vocab, words=[t.text for t in document.tokens],
                  spaces=[t.space_after for t in document.tokens])
        spans = [doc.char_span(m.start, m.end, label=m.type) for m in document.mentions(path)]
        doc.ents = [span for span in spans if span is not None]
        out.add(doc)
    return out


def train(files: Sequence[Path | str], out: Path | str, *, epochs: int = 3, hold_out: int = 20,
          lang: str = "fr", seed: int = 0) -> TrainReport:
    """Train a pipeline on `files` into `out` (`out/model-best` is the one to use)."""
    try:
        import spacy
        from spacy.cli.init_config import init_config
        from spacy.cli.train import train as spacy_train
    except ImportError:
        raise EntityError("training needs spaCy: pip install 'vitrine[entities]'") from None
    if epochs < 1 or hold_out < 2:
        raise EntityError("epochs must be >= 1 and hold_out >= 2")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    documents = [(Path(f), d) for f in files for d in read_annotated(Path(f))]
    if len(documents) < hold_out:
        raise EntityError(f"only {len(documents)} annotated documents in {', '.join(map(str, files))}")
    nlp = spacy.blank(lang)
    kept = [d for i, d in enumerate(documents) if i % hold_out]
    held = [d for i, d in enumerate(documents) if not i % hold_out]
    to_docbin(nlp, kept).to_disk(out / "train.spacy")
    to_docbin(nlp, held).to_disk(out / "held-out.spacy")
    config = init_config(lang=lang, pipeline=["ner"], optimize="efficiency", gpu=False)
    config["paths"]["train"] = str(out / "train.spacy")
    config["paths"]["dev"] = str(out / "held-out.spacy")
    config["training"].update({"max_epochs": epochs, "max_steps": 0, "patience": 0, "seed": seed,
                               "eval_frequency": 400})
    config.to_disk(out / "config.cfg")
    started = time.monotonic()
    spacy_train(out / "config.cfg", out, use_gpu=-1)
    entities: dict[str, int] = {}
    for path, document in documents:
        for mention in document.mentions(path):
            entities[mention.type] = entities.get(mention.type, 0) + 1
    report = TrainReport(str(out / "model-best"), [str(f) for f in files], len(kept), len(held),
                         sum(len(d.tokens) for _, d in documents), entities, epochs,
                         round(time.monotonic() - started, 1))
    (out / "training.json").write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
    return report
