"""The moderated gallery through the web: consent -> pending -> approved by a moderator -> public;
rejected -> deleted; the queue refused to other roles; the removal link in every state; auto-approval."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import ImageDraw

from web.conftest import artwork, jpeg_bytes
from web.staff import staff_client, staff_cookie
from web.test_visitor import share


def visitor_photo(seed: int, magenta: bool = False) -> bytes:
    """A distinct photo of work 7 (the gallery takes a photo only once); a magenta centre is what
    the fake screener flags."""
    image = artwork(7, (400, 300)).rotate(1 + seed / 10, fillcolor=(255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 10 + seed, 8], fill=(seed * 7 % 256, 40, 90))
    if magenta:
        draw.rectangle([170, 120, 230, 180], fill=(255, 0, 255))
    return jpeg_bytes(image)


def consent(client: TestClient, data: bytes) -> tuple[str, str, str]:
    """Share a photo and add it to the gallery: the entry id, its removal link, and the page."""
    _, sealed = share(client, data)
    added = client.post("/share/gallery", data={"sealed": sealed, "identifier": "w07", "consent": "yes"})
    assert added.status_code == 200, added.text
    link = re.search(r'id="removal-link" href="([^"]+)"', added.text)
    assert link is not None
    removal = link.group(1).replace("&amp;", "&")
    return removal.split("/")[2], removal, added.text


def as_role(app: FastAPI, role: str) -> TestClient:
    return staff_client(app, role)


def is_public(client: TestClient, entry_id: str) -> bool:
    listed = entry_id in client.get("/gallery").text
    assert listed == any(e["id"] == entry_id for e in client.get("/api/gallery").json()["entries"])
    photo = client.get(f"/gallery/{entry_id}/photo.jpg").status_code
    assert photo == (200 if listed else 404)
    return listed


def test_consent_pending_approved_public(client: TestClient, app: FastAPI) -> None:
    entry_id, _, page = consent(client, visitor_photo(1))
    assert 'id="gallery-pending"' in page and not is_public(client, entry_id)
    moderator = as_role(app, "moderator")
    queue = moderator.get("/moderate")
    assert queue.status_code == 200 and f'id="entry-{entry_id}"' in queue.text
    assert '<script src="/static/moderate.js"></script>' in queue.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', queue.text)
    assert csrf is not None and len(csrf.group(1)) > 20  # the session's own token, for the CSRF check
    assert moderator.get(f"/gallery/{entry_id}/photo.jpg").status_code == 200  # moderators see pending
    assert any(e["id"] == entry_id for e in moderator.get("/api/moderation").json()["entries"])
    decided = moderator.post(f"/moderate/{entry_id}/approve", data={"csrf": csrf.group(1)},
                             follow_redirects=False)
    assert decided.status_code == 303 and decided.headers["location"] == "/moderate"
    assert is_public(client, entry_id)
    assert f'id="entry-{entry_id}"' not in moderator.get("/moderate").text
    (row,) = app.state.collection.catalog.audit.entries(action="gallery.approve", limit=50)[:1]
    assert (row.actor, row.object, row.before["state"], row.after["state"]) == (
        "test-moderator", entry_id, "pending", "approved")


def test_a_rejected_photo_is_deleted(client: TestClient, app: FastAPI, collection_path: Path) -> None:
    entry_id, removal, _ = consent(client, visitor_photo(2))
    stored = collection_path / "gallery" / f"{entry_id}.jpg"
    assert stored.is_file()
    answer = as_role(app, "admin").post(f"/api/moderation/{entry_id}/reject")
    assert answer.status_code == 200 and answer.json() == {"id": entry_id, "state": "deleted"}
    assert not stored.exists() and not is_public(client, entry_id)
    assert client.get(removal).status_code == 404
    assert as_role(app, "moderator").post(f"/api/moderation/{entry_id}/approve").status_code == 404
    rows = app.state.collection.catalog.audit.entries(action="gallery.reject", actor="test-admin")
    assert rows[0].object == entry_id and rows[0].after == {"state": "deleted"}


@pytest.mark.parametrize(("role", "status", "seed"),
                         [(None, 401, 3), ("researcher", 403, 4), ("editor", 403, 5)])
def test_the_queue_is_refused_to_others(client: TestClient, app: FastAPI, role: str | None, status: int,
                                        seed: int) -> None:
    entry_id, _, _ = consent(client, visitor_photo(seed))
    other = client if role is None else as_role(app, role)
    headers = {"accept": "application/json"}
    assert other.get("/moderate", headers=headers).status_code == status
    assert other.get("/api/moderation").status_code == status
    for path in (f"/moderate/{entry_id}/approve", f"/api/moderation/{entry_id}/approve",
                 f"/moderate/{entry_id}/reject", f"/api/moderation/{entry_id}/reject"):
        assert other.post(path, headers=headers).status_code == status, path
    assert not is_public(client, entry_id) and other.get(f"/gallery/{entry_id}/photo.jpg").status_code == 404
    assert app.state.gallery.get(entry_id).state == "pending"


@pytest.mark.parametrize("state", ["pending", "approved"])
def test_the_removal_link_works_in_each_state(client: TestClient, app: FastAPI, state: str,
                                              collection_path: Path) -> None:
    entry_id, removal, _ = consent(client, visitor_photo(20 if state == "pending" else 21))
    if state == "approved":
        assert as_role(app, "moderator").post(f"/api/moderation/{entry_id}/approve").status_code == 200
    confirm = client.get(removal)
    assert confirm.status_code == 200 and 'id="confirm-remove"' in confirm.text
    photo_url = re.search(r'<img src="(/gallery/[^"]+)" alt="Your photo"', confirm.text)
    assert photo_url is not None
    assert client.get(photo_url.group(1).replace("&amp;", "&")).status_code == 200  # the visitor sees it
    token = re.search(r'name="token" value="([^"]+)"', confirm.text)
    assert token is not None
    assert client.post(f"/gallery/{entry_id}/remove", data={"token": "wrong" * 6}).status_code == 404
    removed = client.post(f"/gallery/{entry_id}/remove", data={"token": token.group(1)})
    assert removed.status_code == 200 and "was removed" in removed.text
    assert not (collection_path / "gallery" / f"{entry_id}.jpg").exists()
    assert app.state.gallery.get(entry_id) is None


def test_a_pending_photo_needs_its_own_token(client: TestClient) -> None:
    entry_id, _, _ = consent(client, visitor_photo(30))
    other_id, other_removal, _ = consent(client, visitor_photo(31))
    other_token = other_removal.split("token=")[1]
    assert client.get(f"/gallery/{entry_id}/photo.jpg", params={"token": other_token}).status_code == 404
    assert client.get(f"/gallery/{entry_id}/remove", params={"token": other_token}).status_code == 404
    assert client.get(f"/gallery/{other_id}/photo.jpg", params={"token": other_token}).status_code == 200


@pytest.fixture(scope="module")
def kiosk(collection_path: Path, web_settings: Any) -> Iterator[TestClient]:
    """The app as a supervised kiosk: screened, unflagged photos approved at once."""
    from vitrine.web import create_app

    app = create_app(web_settings(collection_path.parent, gallery_auto_approve=True), collection_path)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_auto_approve_shows_clean_photos_at_once(kiosk: TestClient, client: TestClient) -> None:
    entry_id, _, page = consent(kiosk, visitor_photo(40))
    assert "your photo is in the visitor gallery" in page and is_public(kiosk, entry_id)
    entry_id, _, page = consent(client, visitor_photo(41))  # the default app: off
    assert 'id="gallery-pending"' in page and not is_public(client, entry_id)


def test_a_flagged_photo_is_never_auto_approved_and_is_marked(kiosk: TestClient, app: FastAPI) -> None:
    entry_id, _, page = consent(kiosk, visitor_photo(42, magenta=True))
    assert 'id="gallery-pending"' in page and not is_public(kiosk, entry_id)
    moderator = as_role(app, "moderator")
    item = moderator.get("/moderate").text.split(f'id="entry-{entry_id}"')[0].rsplit("<li", 1)[1]
    assert "flagged" in item
    after = moderator.get("/moderate").text.split(f'id="entry-{entry_id}"')[1].split("</li>")[0]
    assert "Flagged by screening" in after and "BUTTOCKS_EXPOSED 0.95" in after
    (entry,) = [e for e in moderator.get("/api/moderation").json()["entries"] if e["id"] == entry_id]
    assert entry["flagged"] and entry["screened"] and entry["labels"] == {"BUTTOCKS_EXPOSED": 0.95}


def test_with_screening_off_photos_wait_unflagged_and_the_queue_says_so(
    kiosk: TestClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch,
) -> None:
    screener = kiosk.app.state.screener  # type: ignore[attr-defined]
    note = "screening is off: NudeNet is not installed (pip install 'vitrine[screen]')"
    monkeypatch.setattr(screener, "_screen", lambda jpeg: (_ for _ in ()).throw(ImportError("nudenet")))
    entry_id, _, _ = consent(kiosk, visitor_photo(43))  # a kiosk, yet not approved: it was not screened
    assert not is_public(kiosk, entry_id) and screener.note == note
    queue = TestClient(kiosk.app, cookies=staff_cookie(app, "moderator")).get("/moderate").text
    assert 'id="screening-off"' in queue and "NudeNet is not installed" in queue
    assert "Not screened" in queue.split(f'id="entry-{entry_id}"')[1].split("</li>")[0]
    assert kiosk.app.state.gallery.get(entry_id).labels is None  # type: ignore[attr-defined]
