"""`vitrine faces index|similar`: describe the faces of a collection, and find other portraits of a sitter."""

from __future__ import annotations

import click

from vitrine.cli._common import App, collection_argument, echo_json, parse_options, pass_app, progress_bar


@click.group("faces")
def faces() -> None:
    """Faces across a collection: dlib's descriptors, and the same sitter in other images."""


@faces.command("index")
@collection_argument()
@click.option("--detector", help="yunet, hog, cnn or a plugin's [default: VITRINE_FACES__DETECTOR, 'auto'].")
@click.option("-o", "--option", "options", multiple=True, metavar="KEY=VALUE",
              help="A detector option (size=640, threshold=0.6, model=PATH for YuNet); repeatable.")
@pass_app
def index(app: App, /, name: str, detector: str | None, options: tuple[str, ...]) -> None:
    """Detect and describe the faces of every image of NAME not yet described (resumes)."""
    from vitrine.faces.sitters import index_faces

    with app.open(name) as coll, progress_bar("faces", unit="image") as progress:
        report = index_faces(coll, detector=detector, progress=progress, **parse_options(options))
    click.echo(f"{report.faces} faces in the index; {report.described} images described now with "
               f"{report.detector} ({report.failed} unreadable) of {report.images}, in {report.seconds:.1f}s")


@faces.command("similar")
@collection_argument()
@click.argument("image_id", type=int)
@click.option("-k", "k", type=int, default=10, show_default=True, help="Nearest faces shown per face.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def similar(app: App, /, name: str, image_id: int, k: int, as_json: bool) -> None:
    """The faces nearest to each face of image IMAGE_ID: other portraits of the same sitter."""
    from dataclasses import asdict

    from vitrine.faces.sitters import SAME_SITTER, similar_faces

    with app.open(name) as coll:
        found = similar_faces(coll, image_id, k=k)
    if as_json:
        echo_json([asdict(q) | {"matches": [asdict(m) | {"same_sitter": m.same_sitter} for m in q.matches]}
                   for q in found])
        return
    for query in found:
        click.echo(f"face {query.box} (score {query.score:.2f}):")
        for match in query.matches:
            mark = "same sitter" if match.same_sitter else ""
            click.echo(f"  {match.distance:.3f}  {match.identifier}  image {match.image_id}  {match.box}"
                       f"  {match.title or ''}  {mark}".rstrip())
    click.echo(f"(distance below {SAME_SITTER}: the same person by dlib's threshold)")
