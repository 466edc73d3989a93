"""A small indexed collection and a TestClient for the web tests (built once per session)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw

from browsing import ARGS, CHROMIUM, new_page, serve
from vitrine.collection import create_collection
from vitrine.indexing import index_collection
from vitrine.records import ImageRef, Record
from vitrine.settings import Settings, WebSettings
from vitrine.web import create_app

N_WORKS = 24
LONG_TITLE = ("An extraordinarily long title of a very large allegorical painting, with every one of its "
              "many subjects named one after the other, which must wrap instead of breaking the layout")


def artwork(i: int, size: tuple[int, int] = (240, 180)) -> Image.Image:
    """Work i: a flat colour field with a block in the middle, unlike the others."""
    colour = ((i * 97) % 256, (i * 57 + 80) % 256, (i * 31 + 160) % 256)
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    w, h = size
    inverse = (255 - colour[0], 255 - colour[1], 255 - colour[2])
    draw.rectangle([w // 3, h // 3, 2 * w // 3, 2 * h // 3], fill=inverse)
    return image


def jpeg_bytes(image: Image.Image, **params: object) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=92, **params)
    return buf.getvalue()


def records(folder: Path) -> list[Record]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(N_WORKS):
        path = folder / f"work{i:02d}.png"
        artwork(i).save(path)
        out.append(Record(
            identifier=f"w{i:02d}" if i != 5 else "acc/1850/5",
            title=LONG_TITLE if i == 3 else (None if i == 4 else f"Study in colour no. {i}"),
            creators=[] if i == 4 else (["Anna Painter"] if i % 2 else ["Bruno Engraver"]),
            date_text=None if i == 4 else str(1750 + 10 * i),
            object_type="painting" if i % 2 else "print",
            medium="oil on canvas" if i % 2 else "etching",
            credit_line=f"Gift of a friend, {1900 + i}", rights="Public domain",
            source_url=f"https://museum.example/objects/{i}",
            source="North Museum" if i < 12 else "South Museum",
            extra={"school": "Dutch" if i % 3 else "French", "inventory": f"INV-{i}"},
            images=[ImageRef(location=str(path))]))
    return out


@pytest.fixture(scope="session")
def collection_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web")
    collection = create_collection(root / "coll", embedder="fake", index="memory", title="Test Museum")
    for record in records(root / "pictures"):
        collection.catalog.upsert(record)
    index_collection(collection, workers=1)
    collection.close()
    return root / "coll"


def make_settings(tmp: Path, **web: object) -> Settings:
    # The fake screener (flags a magenta centre) keeps gallery tests fast and their outcome known;
    # tests/visitor/test_screening.py runs the real NudeNet.
    options = {"rate_limit_per_minute": 0, "facet_fields": ["school"], "gallery_screener": "fake", **web}
    return Settings(data_dir=tmp, web=WebSettings(**options))  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def app(collection_path: Path) -> FastAPI:
    return create_app(make_settings(collection_path.parent), collection_path)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def photo() -> bytes:
    """A visitor's photo of work 7 (slightly off), with EXIF GPS data."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = {1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)}
    exif[0x8825] = gps
    image = artwork(7, (400, 300)).rotate(2, fillcolor=(255, 255, 255))
    return jpeg_bytes(image, exif=exif.tobytes())


@pytest.fixture(scope="session")
def draw_artwork() -> Callable[..., Image.Image]:
    """The picture of work i (what the collection holds)."""
    return artwork


@pytest.fixture(scope="session")
def to_jpeg() -> Callable[..., bytes]:
    return jpeg_bytes


@pytest.fixture(scope="session")
def web_settings() -> Callable[..., Settings]:
    """Factory: test settings (no rate limit, 'school' as an extra facet) with web overrides."""
    return make_settings


@pytest.fixture(scope="session")
def server(app: FastAPI) -> Iterator[str]:
    """The shared test app under uvicorn; its base URL."""
    with serve(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless chromium (Playwright never downloads a browser here)."""
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="needs Playwright for Python (pip install playwright)")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    tab = new_page(browser, server)
    yield tab
    tab.context.close()


@pytest.fixture(scope="session")
def researcher(app: FastAPI, client: TestClient) -> TestClient:
    """A client signed in as a researcher (saved sets need an account), with its CSRF token."""
    from web.staff import staff_client

    return staff_client(app, "researcher")
