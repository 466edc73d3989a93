"""vitrine demo: build, index and search a demo collection, then (optionally) serve it.

The data: $VITRINE_DEMO_DATA or ../shared/data/public-art (paintings with records.csv) when
present, a subset by default for speed (--full for all); otherwise a generated synthetic
collection, so a fresh machine with nothing downloaded still gets a working demo. In development
mode it also makes the admin account `demo-admin` (see `staff_access`) so the staff pages can be
seen too.
"""

from __future__ import annotations

import os
import random
import secrets
from collections.abc import Iterator
from pathlib import Path

import click
from PIL import Image, ImageDraw

from vitrine import accounts
from vitrine.accounts import Role
from vitrine.cli._common import App, pass_app, progress_bar
from vitrine.cli.imports import print_import_report
from vitrine.cli.index import run_indexing
from vitrine.cli.search import show
from vitrine.cli.users import actor
from vitrine.collection import CONFIG_FILE, Collection, create_collection, open_collection
from vitrine.errors import AgentError
from vitrine.importers.base import Source, SourceItem, run_import
from vitrine.records import ImageRef, Record
from vitrine.settings import Settings

PUBLIC_ART_MAPPING = "identifier=id,title=title,creators=artist,image=file,date_text=date,medium=medium"
_SUBJECTS = ["harbour", "portrait", "storm", "garden", "river", "mountain", "market", "church"]
_MOODS = ["at dawn", "in winter", "by moonlight", "after rain", "at noon", "in autumn"]
_ARTISTS = ["Anna Vermeer", "Bruno Lenz", "Clara Moss", "Diego Alba", "Eva Lund"]
DEMO_ADMIN = "demo-admin"


@click.command("demo")
@click.option("--name", default="demo", show_default=True, help="Name of the demo collection.")
@click.option("--full", is_flag=True, help="Every public-art painting, not a subset.")
@click.option("--limit", type=int, default=500, show_default=True, help="Size of the subset.")
@click.option("--embedder", default="classic", show_default=True)
@click.option("--index", "index_uri", default="faiss", show_default=True)
@click.option("--synthetic", is_flag=True, help="Use generated pictures even when real data is there.")
@click.option("--research/--no-research", default=True, show_default=True,
              help="Also build the local-feature index, the similarity map and the duplicates report.")
@click.option("--map-method", type=click.Choice(["umap", "pca"]), default="umap", show_default=True,
              help="Layout of the similarity map (pca is instant but groups less well).")
@click.option("--serve/--no-serve", default=False, show_default=True,
              help="Start the web app on the demo collection afterwards (needs the web extra).")
@pass_app
@click.pass_context
def demo(ctx: click.Context, app: App, name: str, full: bool, limit: int, embedder: str,
         index_uri: str, synthetic: bool, research: bool, map_method: str,
         serve: bool) -> None:
    """Build a demo collection, index it, and run a sample image and text search."""
    root = app.path(name)
    data = None if synthetic else demo_data()
    with _open_or_create(root, embedder, index_uri) as coll:
        source = _source(coll, data, None if full else limit)
        with progress_bar(f"importing into {coll.name}", "record") as progress:
            print_import_report(run_import(coll, source, progress))
        run_indexing(coll, app.settings)
        _sample_searches(coll)
        _first_suggestions(coll)
    if research:
        _build_research_views(ctx, str(root), map_method)
    with open_collection(root) as coll:  # last, so a password is never made and then lost to a failure
        click.echo("\n" + "\n".join(staff_access(coll, app.settings, name)))
    if serve:
        root_group = ctx.find_root().command
        assert isinstance(root_group, click.Group)
        command = root_group.get_command(ctx, "serve")
        if command is None:
            raise click.ClickException("the web app is not installed: pip install 'vitrine[web]'")
        ctx.invoke(command, name=str(root), host=None, port=None, production=None)
    else:
        click.echo(f"\nexplore it: vitrine search text {name} \"storm\"  |  vitrine serve {name}")


def staff_access(coll: Collection, settings: Settings, name: str) -> list[str]:
    """Where the staff pages are and how to sign in: in development, a `demo-admin` account is
    made when the collection has no admin, so a newcomer sees the cataloguers' pages too.

    Its random password is printed once, when made; only its hash is stored, so a later run cannot
    print it again and says how to reset it. Production never gets an account with a printed
    password: an operator makes the admins there.
    """
    base = f"http://{settings.web.host}:{settings.web.port}"
    pages = [f"  sign in:       {base}/login", f"  review queue:  {base}/review",
             f"  moderation:    {base}/moderate", f"  audit trail:   {base}/admin/audit"]
    if settings.web.production:
        return [f"web app: {base}/ (production mode: no demo account made; add an admin with "
                f"vitrine user add {name} ACCOUNT --role admin --password-stdin)", *pages]
    catalog = coll.catalog
    if catalog.accounts.user(DEMO_ADMIN) is not None:
        how = (f"sign in as {DEMO_ADMIN} with the password printed when it was made, or reset it with "
               f"vitrine user set-password {name} {DEMO_ADMIN}")
    elif catalog.accounts.count_admins():
        how = f"sign in with one of the collection's admin accounts (vitrine user list {name})"
    else:
        password = secrets.token_urlsafe(18)
        accounts.add_user(catalog, DEMO_ADMIN, Role.ADMIN.value, password, actor=actor())
        how = f"sign in as {DEMO_ADMIN} with the password {password} (shown this once)"
    return [f"web app: {base}/", f"staff pages: {how}", *pages]


def _first_suggestions(coll: Collection) -> None:
    """The cataloguers' queue gets its first suggestions: dates read from the date texts, records
    that may describe the same work, makers spelt several ways, self-contradicting records, and
    faces in the pictures (YuNet where its model is found, else dlib's HOG detector)."""
    from vitrine.cli.suggest import run_with_progress

    click.echo("\nmachine suggestions (for the review queue):", err=True)
    job = run_with_progress(coll, "dates")
    click.echo(f"  the date agent looked at {job.done} records and proposed {job.made} dates to review")
    job = run_with_progress(coll, "records")
    click.echo(f"  the records agent looked at {job.done} records and proposed {job.made} duplicates"
               " and inconsistencies to review")
    try:
        job = run_with_progress(coll, "faces")
    except AgentError as exc:  # neither YuNet's model nor dlib here: the demo goes on without faces
        click.echo(f"  no face suggestions: {exc}", err=True)
        return
    click.echo(f"  the faces agent looked at {job.done} images and proposed {job.made} faces to review")


def _build_research_views(ctx: click.Context, collection: str, map_method: str) -> None:
    """What the research pages need: local features (details, photo recognition), map, duplicates."""
    from vitrine.cli.duplicates import find
    from vitrine.cli.maps import build
    from vitrine.cli.regions import index

    click.echo("\nlocal features (region search, photo recognition):", err=True)
    ctx.invoke(index, name=collection)
    click.echo("\nsimilarity map:", err=True)
    ctx.invoke(build, name=collection, method=map_method)
    click.echo("\nnear-duplicates:", err=True)
    ctx.invoke(find, name=collection)


def demo_data() -> Path | None:
    """The public-art folder (holding records.csv) to build the demo from, when there is one."""
    candidates = [os.environ.get("VITRINE_DEMO_DATA")]
    repo = Path(__file__).resolve().parents[3]
    candidates += [str(repo / ".." / "shared" / "data" / "public-art"),
                   str(Path.cwd() / ".." / "shared" / "data" / "public-art")]
    for candidate in filter(None, candidates):
        if (Path(candidate) / "records.csv").is_file():
            return Path(candidate).resolve()
    return None


def _open_or_create(root: Path, embedder: str, index_uri: str) -> Collection:
    if (root / CONFIG_FILE).is_file():
        return open_collection(root)
    return create_collection(root, embedder=embedder, index=index_uri, title="vitrine demo")


def _source(coll: Collection, data: Path | None, limit: int | None) -> Source:
    if data is None:
        click.echo("no public-art data found: generating a synthetic collection", err=True)
        return SyntheticSource(coll.root / "demo-images", limit or 500)
    from vitrine.importers.mapping import ColumnMapping
    from vitrine.importers.tabular import TabularSource

    click.echo(f"building the demo from {data}", err=True)
    mapping = ColumnMapping.parse(PUBLIC_ART_MAPPING, source_name="public-art")
    tabular = TabularSource(data / "records.csv", mapping)
    return tabular if limit is None else Limited(tabular, limit)


def _sample_searches(coll: Collection) -> None:
    from vitrine.images import read_image
    from vitrine.search import core as search

    first = next(coll.catalog.iter_records(batch=1), None)
    if first is None or not first.images:
        return
    picture, _ = read_image(Path(first.images[0].location))
    click.echo(f"\nimage search with the picture of {first.identifier!r} ({first.title}):")
    show(search.search_by_image(coll, picture, per_page=5), as_json=False)
    word = next((w for w in (first.title or "").split() if len(w) > 3), "portrait")
    click.echo(f"\ntext search for {word!r}:")
    show(search.search_by_text(coll, word, per_page=5), as_json=False)


class Limited(Source):
    """The first `limit` items of another source (a quick subset)."""

    def __init__(self, inner: Source, limit: int) -> None:
        self.inner, self.limit, self.kind = inner, limit, inner.kind

    def key(self) -> str:
        return f"{self.inner.key()}#first-{self.limit}"

    def total(self) -> int | None:
        total = self.inner.total()
        return self.limit if total is None else min(total, self.limit)

    def read(self, cursor: str | None = None) -> Iterator[SourceItem]:
        for n, item in enumerate(self.inner.read(cursor)):
            if n >= self.limit:
                return
            yield item


class SyntheticSource(Source):
    """Seeded generated pictures and records, with near-copies so that image search finds pairs."""

    kind = "synthetic"

    def __init__(self, folder: Path, count: int) -> None:
        self.folder, self.count = folder, count

    def key(self) -> str:
        return f"synthetic:{self.folder}:{self.count}"

    def total(self) -> int | None:
        return self.count

    def read(self, cursor: str | None = None) -> Iterator[SourceItem]:
        start = int(cursor) + 1 if cursor else 0
        for i in range(start, self.count):
            yield SourceItem(item=f"synthetic-{i}", record=self._record(i), cursor=str(i))

    def _record(self, i: int) -> Record:
        rng = random.Random(i)
        path = self.folder / f"synthetic-{i:05d}.jpg"
        if not path.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            draw_picture(i - i % 2, variant=i % 2).save(path, quality=90)
        year = rng.randrange(1500, 1900)
        return Record(
            identifier=f"synthetic-{i:05d}",
            title=f"{rng.choice(_SUBJECTS).capitalize()} {rng.choice(_MOODS)}",
            creators=[rng.choice(_ARTISTS)], date_text=_date_text(rng, year),
            object_type=rng.choice(["painting", "print", "drawing"]), source="synthetic",
            images=[ImageRef(location=str(path))])


def _date_text(rng: random.Random, year: int) -> str:
    """Date texts as catalogues write them: mostly a year, some the date agent has something to say about."""
    forms = [str(year)] * 6 + [f"c. {year}", f"{year}, printed {year + 30}", f"{year // 100 + 1}th century",
                               f"{year // 10 * 10}s", f"{year}-{str(year + 4)[-2:]}"]
    return rng.choice(forms)


def draw_picture(seed: int, variant: int = 0, size: int = 256) -> Image.Image:
    """A seeded picture of coloured shapes; variant 1 is a slightly shifted, darker copy."""
    rng = random.Random(seed * 7919)
    image = Image.new("RGB", (size, size), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    shift = 6 * variant
    for _ in range(rng.randrange(4, 9)):
        x0, x1 = sorted(rng.randrange(size) for _ in range(2))
        y0, y1 = sorted(rng.randrange(size) for _ in range(2))
        colour = tuple(max(0, rng.randrange(256) - 20 * variant) for _ in range(3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape([x0 + shift, y0 + shift, x1 + shift + 2, y1 + shift + 2], fill=colour)
    return image
