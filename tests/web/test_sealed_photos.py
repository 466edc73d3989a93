"""A visitor's photo is sealed in its page: any worker with the secret opens it, not a forged or old one."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from vitrine.web import create_app
from vitrine.web.photos import PhotoSeal
from vitrine.web.security import WebError

SECRET = "a-secret-both-workers-share-" + "x" * 8


@pytest.fixture(scope="module")
def workers(collection_path: Path, web_settings: Any) -> Iterator[tuple[TestClient, TestClient]]:
    """Two separate apps of one collection with one secret: two workers behind a proxy."""
    settings = web_settings(collection_path.parent, secret_key=SECRET)
    one, two = create_app(settings, collection_path), create_app(settings, collection_path)
    with (TestClient(one, raise_server_exceptions=False) as a,
          TestClient(two, raise_server_exceptions=False) as b):
        yield a, b


@pytest.fixture
def visitor_photo(draw_artwork: Any, to_jpeg: Any) -> bytes:
    """A photo of work 11 no other test shares (the gallery refuses a photo twice with a work)."""
    photo: bytes = to_jpeg(draw_artwork(11, (420, 300)).rotate(3, fillcolor=(250, 250, 250)))
    return photo


def share(client: TestClient, photo: bytes) -> str:
    page = client.post("/share", files={"photo": ("view.jpg", photo, "image/jpeg")})
    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store"
    sealed = re.search(r'name="sealed" value="([A-Za-z0-9_=-]+)"', page.text)
    assert sealed is not None
    return sealed.group(1)


def test_one_worker_shares_the_other_makes_the_composite_and_adds_to_the_gallery(
    workers: tuple[TestClient, TestClient], visitor_photo: bytes, collection_path: Path,
) -> None:
    a, b = workers
    sealed = share(a, visitor_photo)
    composite = b.post("/share/composite.png", data={"sealed": sealed, "identifier": "w11"})
    assert composite.status_code == 200, composite.text
    assert Image.open(io.BytesIO(composite.content)).format == "PNG"
    added = b.post("/share/gallery", data={"sealed": sealed, "identifier": "w11", "consent": "yes"})
    assert added.status_code == 200, added.text
    link = re.search(r'id="removal-link" href="([^"]+)"', added.text)
    assert link is not None
    entry_id = link.group(1).split("/")[2]
    assert (collection_path / "gallery" / f"{entry_id}.jpg").is_file()
    again = a.post("/share/gallery", data={"sealed": sealed, "identifier": "w11", "consent": "yes"})
    assert again.status_code == 409  # the same photo twice, whichever worker is asked
    removal = re.search(r"token=([^&\"]+)", link.group(1))
    assert removal is not None
    removed = a.post(f"/gallery/{entry_id}/remove", data={"token": removal.group(1)})
    assert removed.status_code == 200 and not (collection_path / "gallery" / f"{entry_id}.jpg").exists()


def test_the_research_pages_searched_image_works_on_any_worker(
    workers: tuple[TestClient, TestClient], visitor_photo: bytes,
) -> None:
    """The research page's links carry the searched image's vector, sealed: another worker answers."""
    a, b = workers
    upload = {"photo": ("v.jpg", visitor_photo, "image/jpeg")}
    searched = a.post("/search", files=upload, follow_redirects=False)
    assert searched.status_code == 303
    target = searched.headers["location"]
    first, second = a.get(target), b.get(target)
    assert first.status_code == second.status_code == 200
    cards = re.compile(r'href="/records/([^"]+)"')
    assert cards.findall(first.text) == cards.findall(second.text) and cards.findall(first.text)
    thumb = re.search(r'src="(/search/photo/[A-Za-z0-9_-]+\.jpg)"', second.text)
    assert thumb is not None and b.get(thumb.group(1)).headers["content-type"] == "image/jpeg"


def test_a_photo_sealed_under_another_secret_is_refused(
    workers: tuple[TestClient, TestClient], client: TestClient, visitor_photo: bytes,
) -> None:
    sealed = share(client, visitor_photo)  # the default test app: another secret
    answer = workers[0].post("/share/composite.jpg", data={"sealed": sealed, "identifier": "w11"},
                             headers={"accept": "application/json"})
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "photo_invalid"


def _tampered(sealed: str) -> list[str]:
    middle = len(sealed) // 2
    flipped = sealed[:middle] + ("A" if sealed[middle] != "A" else "B") + sealed[middle + 1:]
    return [flipped, sealed[: len(sealed) - 40], sealed[:60], "x" * 80, sealed + "AAAA", "é" * 10]


def test_a_tampered_or_cut_photo_is_refused(
    workers: tuple[TestClient, TestClient], visitor_photo: bytes,
) -> None:
    a, b = workers
    sealed = share(a, visitor_photo)
    for forged in _tampered(sealed):
        for url, extra in (("/share/composite.jpg", {}), ("/share/gallery", {"consent": "yes"})):
            answer = b.post(url, data={"sealed": forged, "identifier": "w11", **extra})
            assert answer.status_code == 422, (url, forged[:20], answer.text[:200])
            assert "please share it again" in answer.text
    assert b.post("/share/composite.jpg", data={"sealed": sealed, "identifier": "w11"}).status_code == 200


def test_an_expired_photo_is_gone(
    workers: tuple[TestClient, TestClient], visitor_photo: bytes, monkeypatch: pytest.MonkeyPatch,
) -> None:
    a, b = workers
    sealed = share(a, visitor_photo)
    import vitrine.web.photos as photos

    later = photos.time.time() + 31 * 60
    monkeypatch.setattr(photos.time, "time", lambda: later)
    for url, extra in (("/share/composite.jpg", {}), ("/share/gallery", {"consent": "yes"})):
        answer = b.post(url, data={"sealed": sealed, "identifier": "w11", **extra})
        assert answer.status_code == 410 and "please share it again" in answer.text, url


def test_the_seal_keeps_the_photo_and_the_works_shown() -> None:
    seal = PhotoSeal(SECRET)
    held = seal.open(seal.seal(b"\xff\xd8\xff\xe0jpeg", ["w02", "w01", "w02"]))
    assert held.jpeg == b"\xff\xd8\xff\xe0jpeg" and held.shown == frozenset({"w01", "w02"})
    with pytest.raises(WebError) as refused:
        seal.open(seal.seal(b"<html>not a photo</html>", ["w01"]))  # only JPEGs this server cleaned
    assert refused.value.status == 422
    with pytest.raises(WebError) as other:
        PhotoSeal(SECRET + "!").open(seal.seal(b"\xff\xd8\xff", []))
    assert other.value.status == 422
