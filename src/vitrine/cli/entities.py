"""`vitrine entities tag-hipe|score-hipe|train|find`: named entities in HIPE-2022 files and in text."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from vitrine.cli._common import echo_json

if TYPE_CHECKING:
    from vitrine.entities.recognise import Combined

_LAYERS = click.option("--layers", help="Recognisers in order of trust, joined by '+': rules, patterns, "
                       "gazetteer, sm, md, trained [default: rules+trained with --model, else rules].")
_MODEL = click.option("--model", type=click.Path(path_type=Path),
                      help="The pipeline folder made by 'vitrine entities train' (its model-best).")
_AUTHORITY = click.option("--authority", "authorities", multiple=True, type=click.Path(path_type=Path),
                          help="An authority CSV of names (name, type, alternative_names); repeatable.")
_GAZETTEER = click.option(
    "--gazetteer-from", "gazetteer_from", multiple=True, type=click.Path(path_type=Path),
    help="Annotated files (HIPE TSV or BIO) whose entity names join the gazetteer; repeatable.")


@click.group("entities")
def entities() -> None:
    """Named entities and dates: rules, gazetteers and spaCy pipelines; HIPE-2022 files."""


def _recogniser(layers: str | None, model: Path | None, authorities: tuple[Path, ...],
                gazetteer_from: tuple[Path, ...]) -> Combined:
    from vitrine.entities.gazetteer import Gazetteer, read_authority
    from vitrine.entities.recognise import build_recogniser
    from vitrine.entities.train import names_from

    gazetteer = Gazetteer("authority")
    for path in authorities:
        read_authority(path, gazetteer)
    for path in gazetteer_from:
        names_from(path, gazetteer)
    chosen = layers or ("rules+trained" if model else "rules")
    return build_recogniser(chosen, model=model, gazetteer=gazetteer)


@entities.command("tag-hipe")
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("out", type=click.Path(path_type=Path))
@_LAYERS
@_MODEL
@_AUTHORITY
@_GAZETTEER
@click.option("--labels", type=click.Choice(["newseye", "ajmc", "hipe"]),
              help="The label set written [default: the file's dataset's; else pers loc org prod time].")
def tag_hipe_command(source: Path, out: Path, layers: str | None, model: Path | None,
                     authorities: tuple[Path, ...], gazetteer_from: tuple[Path, ...],
                     labels: str | None) -> None:
    """Write SOURCE (a HIPE-2022 TSV file) to OUT with NE-COARSE-LIT filled with IOB tags."""
    from vitrine.entities.tagging import tag_hipe

    report = tag_hipe(source, out, _recogniser(layers, model, authorities, gazetteer_from), labels)
    click.echo(f"{report.entities} entities in {report.tokens} tokens of {report.documents} documents "
               f"({report.tokens_per_second:,.0f} tokens/s) -> {out}")


@entities.command("score-hipe")
@click.argument("gold", type=click.Path(path_type=Path))
@click.argument("predicted", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def score_hipe_command(gold: Path, predicted: Path, as_json: bool) -> None:
    """Strict and fuzzy micro P/R/F1 per type of PREDICTED against GOLD, by the HIPE-scorer."""
    from dataclasses import asdict

    from vitrine.entities.scoring import score_hipe

    rows = score_hipe(gold, predicted)
    if as_json:
        echo_json([asdict(row) for row in rows])
        return
    click.echo(f"{'type':<10} {'strict P':>8} {'R':>6} {'F1':>6}   {'fuzzy P':>7} {'R':>6} {'F1':>6}")
    for row in rows:
        s, f = row.strict, row.fuzzy
        click.echo(f"{row.type:<10} {s.precision:>8.3f} {s.recall:>6.3f} {s.f1:>6.3f}   "
                   f"{f.precision:>7.3f} {f.recall:>6.3f} {f.f1:>6.3f}")


@entities.command("train")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), required=True, help="Folder of the pipeline.")
@click.option("--epochs", type=int, default=3, show_default=True)
@click.option("--hold-out", type=int, default=20, show_default=True,
              help="Every Nth document is held out to choose the best epoch.")
@click.option("--lang", default="fr", show_default=True, help="spaCy language of the tokenizer.")
def train_command(files: tuple[Path, ...], out: Path, epochs: int, hold_out: int, lang: str) -> None:
    """Train a small spaCy NER pipeline on annotated FILES (HIPE-2022 TSV or BIO); never on what you score."""
    from vitrine.entities.train import train

    report = train(files, out, epochs=epochs, hold_out=hold_out, lang=lang)
    click.echo(f"trained on {report.documents} documents ({report.tokens} tokens, "
               f"{report.held_out} held out) "
               f"in {report.seconds:.0f}s -> {report.model}")


@entities.command("find")
@click.argument("text")
@_LAYERS
@_MODEL
@_AUTHORITY
def find_command(text: str, layers: str | None, model: Path | None, authorities: tuple[Path, ...]) -> None:
    """The entities of TEXT, one a line: start, end, type, recogniser, text."""
    (mentions,) = _recogniser(layers, model, authorities, ()).find_many([text])
    for m in mentions:
        click.echo(f"{m.start}\t{m.end}\t{m.type}\t{m.source}\t{text[m.start:m.end]}")
