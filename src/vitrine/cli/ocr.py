"""`vitrine ocr`: read a page image, search the pages' text, export a page as ALTO, hOCR or IIIF.

The text of a collection's pages is read by the `ocr` agent (`vitrine suggest run NAME ocr`) and
reviewed like any suggestion; these commands are staff tools, so they see machine-read text too,
marked as such (`--decided-only` shows what the public sees when proposals are not public).
"""

from __future__ import annotations

from pathlib import Path

import click

from vitrine.cli._common import App, collection_argument, echo_json, pass_app, shorten


@click.group("ocr")
def ocr() -> None:
    """OCR with Tesseract: read a page, search the pages' text, export ALTO, hOCR, IIIF."""


@ocr.command("read")
@click.argument("image", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--languages", default="eng", show_default=True, help="Tesseract's languages, e.g. eng+fra.")
@click.option("--psm", type=int, default=3, show_default=True, help="Tesseract's page segmentation mode.")
@click.option("--json", "as_json", is_flag=True, help="Print the words with boxes and confidences as JSON.")
def read(image: Path, languages: str, psm: int, as_json: bool) -> None:
    """Read the text of one page IMAGE (the page minus its picture blocks)."""
    from vitrine.images import read_image
    from vitrine.ocr import OcrOptions, read_page

    picture, _ = read_image(image)
    page = read_page(picture, OcrOptions(languages=languages, psm=psm))
    if as_json:
        echo_json({"text": page.text, "confidence": page.confidence, "width": page.width,
                   "height": page.height, "words": [w.as_list() for w in page.words]})
        return
    click.echo(page.text if page.text else f"(no legible text; confidence {page.confidence})")


@ocr.command("search")
@collection_argument()
@click.argument("query")
@click.option("--decided-only", is_flag=True, help="Only accepted or edited text (no machine-read text).")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_app
def search(app: App, name: str, query: str, decided_only: bool, limit: int, as_json: bool) -> None:
    """Pages of NAME whose text matches QUERY; machine-read text is marked as not reviewed."""
    from vitrine.ocr.search import search_text

    with app.open(name) as coll:
        hits = search_text(coll, query, proposed=not decided_only, limit=limit)
    if as_json:
        echo_json([{"identifier": h.identifier, "image_id": h.image_id, "suggestion_id": h.suggestion_id,
                    "status": h.status, "machine_read": h.status == "proposed",
                    "snippet": h.snippet.replace("\ue000", "[").replace("\ue001", "]")} for h in hits])
        return
    for h in hits:
        mark = "machine-read, not reviewed" if h.status == "proposed" else h.status
        snippet = " ".join(h.snippet.replace("\ue000", "[").replace("\ue001", "]").split())
        click.echo(f"{h.identifier}  image {h.image_id}  ({mark})  {shorten(snippet, 100)}")
    if not hits:
        click.echo("no page matches")


@ocr.command("export")
@collection_argument()
@click.argument("identifier")
@click.option("--image", "image_id", type=int, help="The image's id (default: the record's first image).")
@click.option("--format", "fmt", type=click.Choice(["alto", "hocr", "iiif", "text"]), default="alto",
              show_default=True)
@click.option("--base-url", default="http://localhost:8000", show_default=True, help="For IIIF ids.")
@click.option("--decided-only", is_flag=True, help="Only accepted or edited text.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@pass_app
def export(app: App, name: str, identifier: str, image_id: int | None, fmt: str, base_url: str,
           decided_only: bool, output: Path | None) -> None:
    """Write the text of one image of record IDENTIFIER as ALTO XML, hOCR, a IIIF AnnotationPage or text."""
    from vitrine.fsutil import write_atomic
    from vitrine.ocr.search import export_page

    with app.open(name) as coll:
        if image_id is None:
            images = coll.catalog.images_of(identifier)
            if not images:
                raise click.ClickException(f"record {identifier!r} has no image")
            image_id = images[0].id
        document, _ = export_page(coll, identifier, image_id, fmt, proposed=not decided_only,
                                  base_url=base_url)
    if output is None:
        click.echo(document, nl=False)
    else:
        write_atomic(output, document)
        click.echo(f"wrote {output}")



