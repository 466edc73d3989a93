"""HIPE-2022 TSV files and BIO files: reading them (a malformed line is refused with its number),
their documents' text with each token's offsets, and writing the `NE-COARSE-LIT` column back.

A HIPE file is a header (`TOKEN  NE-COARSE-LIT ...`), comment lines (`# hipe2022:document_id = X`
starts a document, `# hipe2022:dataset = newseye` names the label set) and one token per line; the
`MISC` column says `NoSpaceAfter` where the next token follows without a space. Writing keeps every
byte of the input but the tags of `NE-COARSE-LIT`, so any HIPE scorer can read the result.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from vitrine.entities.mentions import Mention, type_of
from vitrine.errors import EntityError

COLUMN: Final = "NE-COARSE-LIT"
#: HIPE label sets: vitrine type -> the label a dataset's annotators used
SCHEMES: Final[dict[str, dict[str, str]]] = {
    "newseye": {"person": "PER", "place": "LOC", "organisation": "ORG", "work": "HumanProd"},
    "ajmc": {"person": "pers", "place": "loc", "work": "work", "date": "date", "scope": "scope",
             "object": "object"},
    "hipe": {"person": "pers", "place": "loc", "organisation": "org", "work": "prod", "date": "time"},
}
_TAG = re.compile(r"^(?:O|_|[BI]-[A-Za-z][\w.-]*)$")
_LINE = re.compile(r"[^\n]*\n|[^\n]+$")
_META = re.compile(r"^#\s*hipe2022:(\w+)\s*=\s*(.*?)\s*$")


@dataclass
class Token:
    text: str
    line: int  # 1-based line number in the file
    space_after: bool = True
    tag: str = "O"


@dataclass
class Document:
    id: str
    tokens: list[Token] = field(default_factory=list)

    def text(self) -> tuple[str, list[tuple[int, int]]]:
        """The document as one text, and each token's [start, end) in it."""
        parts: list[str] = []
        spans: list[tuple[int, int]] = []
        at = 0
        for token in self.tokens:
            spans.append((at, at + len(token.text)))
            gap = " " if token.space_after else ""
            parts.append(token.text + gap)
            at += len(token.text) + len(gap)
        return "".join(parts), spans

    def mentions(self, path: Path | str = "") -> list[Mention]:
        """The annotated mentions (IOB1 or IOB2 tags) as character spans of `text()`."""
        _, spans = self.text()
        out: list[Mention] = []
        for first, last, label in entity_runs([t.tag for t in self.tokens]):
            kind = type_of(label)
            if kind is None:
                raise EntityError(f"{path}:{self.tokens[first].line}: unknown entity label {label!r}")
            out.append(Mention(spans[first][0], spans[last][1], kind, "gold"))
        return out


@dataclass
class HipeFile:
    path: Path
    lines: list[str]  # the file's lines with their endings, as read
    column: int  # index of NE-COARSE-LIT
    dataset: str
    documents: list[Document]


def read_hipe(path: Path | str) -> HipeFile:
    """A HIPE TSV file; raises `EntityError` naming the line of anything malformed."""
    path = Path(path)
    lines = _lines(path)
    if not lines or not lines[0].startswith("TOKEN"):
        raise EntityError(f"{path}:1: not a HIPE file: the first line must be the header starting 'TOKEN'")
    header = lines[0].rstrip("\r\n").split("\t")
    if COLUMN not in header:
        raise EntityError(f"{path}:1: the header has no {COLUMN} column")
    column, misc = header.index(COLUMN), header.index("MISC") if "MISC" in header else None
    dataset, documents = "", [Document("")]
    for number, raw in enumerate(lines[1:], start=2):
        line = raw.rstrip("\r\n")
        if not line.strip():
            continue
        if line.startswith("#"):
            meta = _META.match(line)
            if meta and meta.group(1) == "document_id":
                documents.append(Document(meta.group(2)))
            elif meta and meta.group(1) == "dataset":
                dataset = meta.group(2)
            continue
        cells = line.split("\t")
        if len(cells) != len(header):
            raise EntityError(f"{path}:{number}: {len(cells)} columns where the header has {len(header)}")
        tag = cells[column]
        if not _TAG.match(tag):
            raise EntityError(f"{path}:{number}: {tag!r} is not an IOB tag (O, B-type, I-type)")
        space = misc is None or "NoSpaceAfter" not in cells[misc].split("|")
        documents[-1].tokens.append(Token(cells[0], number, space, "O" if tag == "_" else tag))
    return HipeFile(path, lines, column, dataset, [d for d in documents if d.tokens])


def read_bio(path: Path | str, max_tokens: int = 80) -> list[Document]:
    """A BIO file (`token label` a line, a blank line between sentences): sentences as documents,
    long ones cut after a full stop or at `max_tokens`."""
    path = Path(path)
    documents, current = [], Document(f"{path.name}:1")
    for number, raw in enumerate(_lines(path), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if current.tokens:
                documents.append(current)
            current = Document(f"{path.name}:{number + 1}")
            continue
        cells = line.split()
        if len(cells) != 2 or not _TAG.match(cells[1]):
            raise EntityError(f"{path}:{number}: expected 'token label' (label O, B-type or I-type), "
                              f"not {line[:80]!r}")
        current.tokens.append(Token(cells[0], number, True, cells[1]))
        full = cells[0] in (".", "!", "?") and len(current.tokens) >= 8
        if full or len(current.tokens) >= max_tokens:
            documents.append(current)
            current = Document(f"{path.name}:{number + 1}")
    if current.tokens:
        documents.append(current)
    return documents


def _lines(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise EntityError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise EntityError(f"{path}:{line}: not UTF-8 text") from None
    return _LINE.findall(text)  # on "\n" only: a U+2028 inside a token is not a line break


def entity_runs(tags: Sequence[str]) -> Iterator[tuple[int, int, str]]:
    """(first, last, label) of each entity in IOB1 or IOB2 tags: `B-` starts one, `I-` continues one
    of its label or starts one after anything else."""
    start, label = -1, ""
    for i, tag in enumerate(tags):
        kind = tag[2:] if tag[:2] in ("B-", "I-") else ""
        if start >= 0 and (not kind or tag.startswith("B-") or kind != label):
            yield start, i - 1, label
            start = -1
        if kind and start < 0:
            start, label = i, kind
    if start >= 0:
        yield start, len(tags) - 1, label


def tags_for(document: Document, mentions: Iterable[Mention], scheme: dict[str, str]) -> list[str]:
    """IOB2 tags of `document`'s tokens for `mentions` of its text; types outside `scheme` are left out,
    and a mention covers every token it overlaps."""
    _, spans = document.text()
    tags = ["O"] * len(spans)
    for mention in sorted(mentions):
        label = scheme.get(mention.type)
        if label is None:
            continue
        inside = [i for i, (s, e) in enumerate(spans) if s < mention.end and mention.start < e]
        if not inside or any(tags[i] != "O" for i in inside):
            continue
        for n, i in enumerate(inside):
            tags[i] = ("B-" if n == 0 else "I-") + label
    return tags


def scheme_of(hipe: HipeFile, name: str | None = None) -> dict[str, str]:
    """The label set to write: `name` if given, else the file's dataset's, else HIPE's lower-case one."""
    key = name or (hipe.dataset if hipe.dataset in SCHEMES else "hipe")
    if key not in SCHEMES:
        raise EntityError(f"unknown label set {key!r}; known: {', '.join(SCHEMES)}")
    return SCHEMES[key]


def write_tagged(hipe: HipeFile, tags: dict[int, str], out: Path | str) -> None:
    """`hipe`'s bytes with `NE-COARSE-LIT` set to `tags` (line number -> tag) on token lines."""
    lines = list(hipe.lines)
    for number, tag in tags.items():
        raw = lines[number - 1]
        body = raw.rstrip("\r\n")
        cells = body.split("\t")
        cells[hipe.column] = tag
        lines[number - 1] = "\t".join(cells) + raw[len(body):]
    Path(out).write_bytes("".join(lines).encode("utf-8"))
