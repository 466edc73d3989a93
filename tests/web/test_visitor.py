"""Share your view: recognition or look-alikes, composite download, consent, gallery, nothing kept unasked."""

from __future__ import annotations

import base64
import io
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from web.staff import staff_client


def share(client: TestClient, data: bytes, name: str = "view.jpg") -> tuple[str, str]:
    """The results page and the sealed photo it carries."""
    response = client.post("/share", files={"photo": (name, data, "image/jpeg")})
    assert response.status_code == 200, response.text
    sealed = re.search(r'name="sealed" value="([A-Za-z0-9_=-]+)"', response.text)
    assert sealed is not None
    return response.text, sealed.group(1)


def shown_photo(page: str) -> bytes:
    """The photo the results page shows (a data: address, so any worker's page shows it)."""
    found = re.search(r'<img src="data:image/jpeg;base64,([A-Za-z0-9+/=]+)"', page)
    assert found is not None
    return base64.b64decode(found.group(1))


def test_a_photo_finds_its_work_side_by_side_with_label(client: TestClient, photo: bytes) -> None:
    page, _sealed = share(client, photo)
    assert 'id="best-match"' in page
    assert "Study in colour no. 7" in page
    assert "Anna Painter" in page and "1820" in page
    assert "Gift of a friend, 1907" in page
    words = "A striking match|A strong likeness|A clear resemblance|A loose echo"
    assert re.search(rf"<h1[^>]*>({words})</h1>", page)
    assert "The next closest works" in page
    assert Image.open(io.BytesIO(shown_photo(page))).format == "JPEG"


@pytest.mark.parametrize("fmt", ["jpg", "png"])
def test_composite_holds_the_photo_and_the_artwork(client: TestClient, photo: bytes, fmt: str,
                                                   draw_artwork: Any) -> None:
    _, sealed = share(client, photo)
    response = client.post(f"/share/composite.{fmt}", data={"sealed": sealed, "identifier": "w07"})
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    image = Image.open(io.BytesIO(response.content))
    assert image.format == ("JPEG" if fmt == "jpg" else "PNG")
    pixels = np.asarray(image.convert("RGB"), np.float32)
    # The artwork is the right-hand panel: its corner colour and its centre block must be there.
    work = np.asarray(draw_artwork(7), np.float32)
    h, w, _ = pixels.shape
    right = pixels[: h * 2 // 3, w // 2:]
    for colour in (work[5, 5], work[work.shape[0] // 2, work.shape[1] // 2]):
        distance = np.abs(right - colour).sum(axis=2)
        assert (distance < 30).mean() > 0.05, colour


def test_a_forgotten_photo_gives_a_clear_gone_page(client: TestClient) -> None:
    response = client.post("/share/composite.jpg", data={"identifier": "w07"})  # no photo came back
    assert response.status_code == 410
    assert "please share it again" in response.text


def test_consent_adds_to_the_gallery_and_the_private_link_removes(
    client: TestClient, photo: bytes, collection_path: Path, app: FastAPI,
) -> None:
    _, sealed = share(client, photo)
    refused = client.post("/share/gallery", data={"sealed": sealed, "identifier": "w07"})
    assert refused.status_code == 422 and "tick the box" in refused.text.lower()
    added = client.post("/share/gallery", data={"sealed": sealed, "identifier": "w07", "consent": "yes"})
    assert added.status_code == 200
    link = re.search(r'id="removal-link" href="([^"]+)"', added.text)
    assert link is not None
    entry_id = link.group(1).split("/")[2]
    stored = collection_path / "gallery" / f"{entry_id}.jpg"
    assert stored.is_file()
    with Image.open(stored) as kept:
        assert not kept.getexif() and "exif" not in kept.info  # GPS and camera data are gone
    assert entry_id not in client.get("/gallery").text  # pending: not public until a moderator says so
    assert client.get(f"/gallery/{entry_id}/photo.jpg").status_code == 404
    moderator = staff_client(app, "moderator")
    assert moderator.post(f"/api/moderation/{entry_id}/approve").status_code == 200
    assert entry_id in client.get("/gallery").text
    assert client.get(f"/gallery/{entry_id}/photo.jpg").status_code == 200
    assert client.post(f"/gallery/{entry_id}/remove", data={"token": "wrong" * 6}).status_code == 404
    confirm = client.get(link.group(1).replace("&amp;", "&"))
    assert confirm.status_code == 200 and 'id="confirm-remove"' in confirm.text
    token_value = re.search(r'name="token" value="([^"]+)"', confirm.text)
    assert token_value is not None
    removed = client.post(f"/gallery/{entry_id}/remove", data={"token": token_value.group(1)})
    assert removed.status_code == 200 and "was removed" in removed.text
    assert not stored.exists()
    assert entry_id not in client.get("/gallery").text


def test_the_gallery_takes_a_photo_once_and_only_with_a_work_it_was_shown(
    client: TestClient, photo: bytes,
) -> None:
    page, sealed = share(client, photo)
    unshown = next(f"w{i:02d}" for i in range(24) if f"/records/w{i:02d}" not in page)
    forged = client.post("/share/gallery", data={"sealed": sealed, "identifier": unshown, "consent": "yes"})
    assert forged.status_code == 422 and "matched with" in forged.text
    first = client.post("/share/gallery", data={"sealed": sealed, "identifier": "w07", "consent": "yes"})
    assert first.status_code == 200
    again = client.post("/share/gallery", data={"sealed": sealed, "identifier": "w07", "consent": "yes"},
                        headers={"accept": "application/json"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_in_gallery"
    _, sealed2 = share(client, photo)  # the same photo sent again is still the same photo
    twice = client.post("/share/gallery", data={"sealed": sealed2, "identifier": "w07", "consent": "yes"})
    assert twice.status_code == 409 and "already" in twice.text


def test_a_removal_without_a_form_says_what_is_missing(client: TestClient) -> None:
    answer = client.post(f"/gallery/{'0' * 16}/remove", headers={"accept": "application/json"})
    assert answer.status_code == 422
    assert "removal token is missing" in answer.json()["error"]["message"]
    assert "multipart" not in answer.text


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_without_consent_nothing_is_written_anywhere(
    client: TestClient, collection_path: Path, to_jpeg: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    rng = np.random.default_rng(1)
    big = to_jpeg(Image.fromarray(rng.integers(0, 256, (1200, 1600, 3), dtype=np.uint8)))
    assert len(big) > 1024 * 1024  # over the multipart parser's default in-memory spool size
    private_tmp = tmp_path / "tmp"
    private_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private_tmp))
    before = _files(collection_path)
    real_spooled = tempfile.SpooledTemporaryFile

    def no_temp_files(*args: object, **kwargs: object) -> None:
        raise AssertionError("a temporary file was created for an upload")

    for name in ("TemporaryFile", "NamedTemporaryFile", "mkstemp"):
        monkeypatch.setattr(tempfile, name, no_temp_files)
    _, sealed = share(client, big)
    assert len(sealed) > 500_000  # the whole photo travels back in one form field
    kept = client.post("/share/composite.png", data={"sealed": sealed, "identifier": "w07"})
    assert kept.status_code == 200
    monkeypatch.undo()
    assert tempfile.SpooledTemporaryFile is real_spooled
    assert _files(collection_path) == before
    assert not list(private_tmp.iterdir())


def test_the_visitor_page_offers_camera_upload_and_drop(client: TestClient) -> None:
    page = client.get("/").text
    assert 'id="camera-start"' in page and 'type="file"' in page and 'id="dropzone"' in page
    assert 'class="skip-link"' in page and '<label class="button file-label" for="photo">' in page


# -- recognising the work in the photo (a collection with a local-feature index) ------------------


@pytest.fixture(scope="module")
def gallery_client(tmp_path_factory: pytest.TempPathFactory, web_settings: Any) -> Iterator[TestClient]:
    """A client of a collection of textured works r0..r9 with a local-feature index."""
    from artworks import recognition_collection
    from vitrine.web import create_app

    root = tmp_path_factory.mktemp("recognise")
    recognition_collection(root, 10).close()
    app = create_app(web_settings(root, max_upload_bytes=2_000_000), root / "coll")
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def gallery_jpeg(seed: int, family: str = "perspective") -> bytes:
    from artworks import textured
    from vitrine.bench.gallery_photos import family_photo

    buf = io.BytesIO()
    family_photo(textured(seed), family, 11).image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def test_a_recognised_work_is_named_with_a_link_and_look_alikes_below(gallery_client: TestClient) -> None:
    page, _token = share(gallery_client, gallery_jpeg(4))
    heading = re.search(r'<h1[^>]*id="recognised"[^>]*>(.*?)</h1>', page, re.S)
    assert heading is not None
    assert "This is" in heading.group(1) and "Work 4" in heading.group(1) and "A. Painter" in heading.group(1)
    assert 'href="/records/r4"' in heading.group(1)
    assert 'id="full-record" href="/records/r4"' in page
    assert 'id="work-outline"' in page and '<polygon class="work-1" points=' in page
    assert 'id="all-recognised"' not in page  # one work: no list
    assert "Other works that look alike" in page
    # the composite download pairs the photo with the recognised work
    assert 'name="identifier" value="r4"' in page


def test_an_unknown_work_keeps_the_look_alike_flow(gallery_client: TestClient) -> None:
    page, _token = share(gallery_client, gallery_jpeg(77, "mild"))
    assert 'id="recognised"' not in page and "This is" not in page and 'id="work-outline"' not in page
    assert 'id="best-match"' in page and "The next closest works" in page


def test_without_local_features_the_share_page_is_unchanged(client: TestClient, photo: bytes) -> None:
    page, _ = share(client, photo)
    assert 'id="recognised"' not in page and "This is" not in page


def test_api_recognize_returns_the_record_quad_and_timings(gallery_client: TestClient) -> None:
    response = gallery_client.post("/api/recognize", files={"photo": ("v.jpg", gallery_jpeg(2), "image/jpg")})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["matched"] is True and body["method"] == "local"
    assert body["record"]["identifier"] == "r2" and body["record"]["url"] == "/records/r2"
    assert body["inliers"] >= body["threshold"]
    quad = np.array(body["quad"])
    assert quad.shape == (4, 2)
    centre = quad.mean(axis=0)
    assert 0 < centre[0] < body["photo_width"] and 0 < centre[1] < body["photo_height"]
    assert body["timings_ms"]["local_ms"] > 0
    assert [w["record"]["identifier"] for w in body["works"]] == ["r2"]
    assert body["works"][0]["quad"] == body["quad"]


def wall_jpeg() -> bytes:
    from artworks import textured
    from vitrine.bench.gallery_walls import wall_photo

    return wall_photo([textured(1), textured(99), textured(4, (240, 300))], np.random.default_rng(2)).jpeg


def test_every_work_on_a_wall_is_outlined_and_listed(gallery_client: TestClient) -> None:
    page, _token = share(gallery_client, wall_jpeg())
    assert page.count("<polygon class=") == 2 and '<polygon class="work-2"' in page
    listed = re.search(r'<ol class="recognised-list">(.*?)</ol>', page, re.S)
    assert listed is not None
    assert 'href="/records/r1"' in listed.group(1) and 'href="/records/r4"' in listed.group(1)
    assert "<script" not in listed.group(1)
    body = gallery_client.post("/api/recognize", files={"photo": ("w.jpg", wall_jpeg(), "image/jpeg")}).json()
    assert {w["record"]["identifier"] for w in body["works"]} == {"r1", "r4"}
    assert body["record"]["identifier"] == body["works"][0]["record"]["identifier"]


def test_the_share_page_embeds_the_photo_once(
    gallery_client: TestClient, monkeypatch: pytest.MonkeyPatch,
) -> None:
    from vitrine.search import core
    from vitrine.visitor import recognize

    calls: list[int] = []
    original = core.embed_query_image

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(core, "embed_query_image", counted)
    monkeypatch.setattr(recognize, "embed_query_image", counted)
    page, _token = share(gallery_client, gallery_jpeg(4))
    assert 'id="recognised"' in page and len(calls) == 1


def test_api_recognize_says_no_match_for_an_unknown_work(gallery_client: TestClient) -> None:
    photo = gallery_jpeg(88, "mild")
    response = gallery_client.post("/api/recognize", files={"photo": ("v.jpg", photo, "image/jpeg")})
    assert response.status_code == 200
    body = response.json()
    assert body["matched"] is False and body["record"] is None and body["quad"] is None


def test_api_recognize_without_local_index_says_so(client: TestClient, photo: bytes) -> None:
    body = client.post("/api/recognize", files={"photo": ("v.jpg", photo, "image/jpeg")}).json()
    assert body["method"] == "global" and "no local-feature index" in body["note"]


@pytest.mark.parametrize(("kwargs", "status", "code"), [
    ({"files": {"photo": ("v.jpg", b"", "image/jpeg")}}, 422, "no_photo"),
    ({"files": {"photo": ("v.jpg", b"%PDF-1.4 not an image at all", "image/jpeg")}}, 415, "not_an_image"),
    ({"files": {"photo": ("v.jpg", b"\xff\xd8\xff\xe0 truncated", "image/jpeg")}}, 422, "bad_image"),
    ({"data": {"photo": "text"}}, 422, "no_photo"),
    ({"json": {"photo": "text"}}, 415, "unsupported_media_type"),
    ({"files": {"photo": ("v.jpg", b"\xff\xd8\xff" + bytes(2_100_000), "image/jpeg")}}, 413, "too_large"),
])
def test_api_recognize_refuses_bad_uploads_clearly(gallery_client: TestClient, kwargs: dict[str, Any],
                                                   status: int, code: str) -> None:
    response = gallery_client.post("/api/recognize", **kwargs)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def test_api_recognize_is_documented(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/api/recognize"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert "/share" not in spec["paths"] and "/" not in spec["paths"]
