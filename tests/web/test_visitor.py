"""Share your view: match, composite download, consent, gallery removal, nothing kept without consent."""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image


def share(client: TestClient, data: bytes, name: str = "view.jpg") -> tuple[str, str]:
    response = client.post("/share", files={"photo": (name, data, "image/jpeg")})
    assert response.status_code == 200, response.text
    token = re.search(r"/share/([A-Za-z0-9_-]+)/composite\.jpg", response.text)
    assert token is not None
    return response.text, token.group(1)


def test_a_photo_finds_its_work_side_by_side_with_label(client: TestClient, photo: bytes) -> None:
    page, token = share(client, photo)
    assert 'id="best-match"' in page
    assert "Study in colour no. 7" in page
    assert "Anna Painter" in page and "1820" in page
    assert "Gift of a friend, 1907" in page
    words = "A striking match|A strong likeness|A clear resemblance|A loose echo"
    assert re.search(rf"<h1[^>]*>({words})</h1>", page)
    assert "The next closest works" in page
    assert client.get(f"/share/{token}/photo.jpg").headers["content-type"] == "image/jpeg"


@pytest.mark.parametrize("fmt", ["jpg", "png"])
def test_composite_holds_the_photo_and_the_artwork(client: TestClient, photo: bytes, fmt: str,
                                                   draw_artwork: Any) -> None:
    _, token = share(client, photo)
    response = client.get(f"/share/{token}/composite.{fmt}", params={"identifier": "w07"})
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
    response = client.get("/share/" + "x" * 32 + "/composite.jpg", params={"identifier": "w07"})
    assert response.status_code == 410
    assert "please share it again" in response.text


def test_consent_adds_to_the_gallery_and_the_private_link_removes(client: TestClient, photo: bytes,
                                                                   collection_path: Path) -> None:
    _, token = share(client, photo)
    refused = client.post(f"/share/{token}/gallery", data={"identifier": "w07"})
    assert refused.status_code == 422 and "tick the box" in refused.text.lower()
    added = client.post(f"/share/{token}/gallery", data={"identifier": "w07", "consent": "yes"})
    assert added.status_code == 200
    link = re.search(r'id="removal-link" href="([^"]+)"', added.text)
    assert link is not None
    entry_id = link.group(1).split("/")[2]
    stored = collection_path / "gallery" / f"{entry_id}.jpg"
    assert stored.is_file()
    with Image.open(stored) as kept:
        assert not kept.getexif() and "exif" not in kept.info  # GPS and camera data are gone
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
    _, token = share(client, big)
    assert client.get(f"/share/{token}/composite.png", params={"identifier": "w07"}).status_code == 200
    monkeypatch.undo()
    assert tempfile.SpooledTemporaryFile is real_spooled
    assert _files(collection_path) == before
    assert not list(private_tmp.iterdir())


def test_the_visitor_page_offers_camera_upload_and_drop(client: TestClient) -> None:
    page = client.get("/").text
    assert 'id="camera-start"' in page and 'type="file"' in page and 'id="dropzone"' in page
    assert 'class="skip-link"' in page and '<label class="button file-label" for="photo">' in page
