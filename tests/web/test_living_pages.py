"""Living portraits on the web: who may make, allow and see them; the record page's action; /living."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from vitrine.collection import create_collection
from vitrine.living.make import make_living
from vitrine.records import ImageRef, Record
from vitrine.web import create_app
from web.conftest import artwork, make_settings
from web.staff import staff_client

pytest.importorskip("av", reason="PyAV is not installed (vitrine's living extra)")


@pytest.fixture
def app_client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """An app over its own collection of two works; portraits made with the fake landmarks, silent."""
    collection = create_collection(tmp_path / "coll", embedder="fake", index="memory")
    for i, identifier in enumerate(("p1", "p2")):
        path = tmp_path / f"{identifier}.png"
        artwork(i).save(path)
        collection.catalog.upsert(Record(identifier=identifier, title=f"Portrait {i}",
                                         images=[ImageRef(str(path))]))
    collection.close()
    fast = functools.partial(make_living, landmarker="fake", speech=False, size=128)
    monkeypatch.setattr("vitrine.living.make.make_living", fast)
    app = create_app(make_settings(tmp_path), tmp_path / "coll")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_visitors_and_researchers_may_not_make_or_allow(app_client: TestClient) -> None:
    assert app_client.post("/living/make/p1").status_code in (401, 403)
    researcher = staff_client(app_client.app, "researcher")  # type: ignore[arg-type]
    assert researcher.post("/living/make/p1").status_code == 403
    assert researcher.post("/living/allow/p1", data={"allowed": "on"}).status_code == 403
    assert not (app_client.app.state.collection.root / "living").exists()  # type: ignore[attr-defined]


def test_staff_bring_a_portrait_to_life_and_the_public_sees_it_once_allowed(app_client: TestClient) -> None:
    editor = staff_client(app_client.app, "editor")  # type: ignore[arg-type]
    page = editor.get("/records/p1")
    assert 'id="bring-to-life"' in page.text and 'name="csrf"' in page.text
    made = editor.post("/living/make/p1", follow_redirects=False)
    assert made.status_code == 303 and made.headers["location"] == "/records/p1#living"
    page = editor.get("/records/p1").text
    assert "<video" in page and "Machine-animated" in page
    src = page.split('<source src="', 1)[1].split('"', 1)[0]
    assert editor.get(src).headers["content-type"] == "video/mp4"
    assert "p1" in editor.get("/living").text

    assert app_client.get(src).status_code == 404  # not allowed: the public is not told it exists
    assert "<video" not in app_client.get("/records/p1").text
    assert "/living/media/" not in app_client.get("/living").text

    allowed = editor.post("/living/allow/p1", data={"allowed": "on"}, follow_redirects=False)
    assert allowed.status_code == 303
    assert app_client.get(src).status_code == 200
    assert "/living/media/" in app_client.get("/living").text
    assert "<video" in app_client.get("/records/p1").text
    assert 'id="bring-to-life"' not in app_client.get("/records/p1").text  # no action for the public
    catalog = app_client.app.state.collection.catalog  # type: ignore[attr-defined]
    assert [(r.action, r.actor) for r in catalog.audit.entries(action="living.")] == [
        ("living.allow", "test-editor"), ("living.make", "test-editor")]


def test_making_without_the_csrf_token_is_refused(app_client: TestClient) -> None:
    editor = staff_client(app_client.app, "editor")  # type: ignore[arg-type]
    editor.headers.pop("X-CSRF-Token")
    assert editor.post("/living/make/p1").status_code == 403


def test_a_work_without_a_face_gets_a_clear_error(app_client: TestClient,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from vitrine.errors import LivingUnavailable
    from vitrine.living.landmarks import DlibLandmarker

    try:
        DlibLandmarker().describe()
    except LivingUnavailable as exc:
        pytest.skip(f"dlib's 68-point landmark model is not installed (the faces extra): {exc}")
    monkeypatch.setattr("vitrine.living.make.make_living",
                        functools.partial(make_living, speech=False, size=256))
    editor = staff_client(app_client.app, "editor")  # type: ignore[arg-type]
    refused = editor.post("/living/make/p2", headers={"Accept": "text/html"})
    assert refused.status_code == 422 and "No face found in record &#39;p2&#39;" in refused.text
