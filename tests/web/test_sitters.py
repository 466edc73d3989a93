"""Other portraits of this sitter in the web app: the staff page, its JSON, the face crops, the record link.

The face index is written by hand (descriptors chosen so that w00 and w01 show one sitter, w02
another, w03 none), so these tests need neither dlib nor a detector; tests/faces/test_sitters.py
makes real descriptors."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from vitrine.collection import create_collection, open_collection
from vitrine.faces.detectors import Face
from vitrine.faces.sitters import DESCRIPTORS, FaceIndex
from vitrine.indexing import index_collection
from vitrine.web import create_app
from web.conftest import make_settings, records
from web.staff import staff_client

BOX = (40, 30, 60, 80)


def _vector(seed: int, near: np.ndarray | None = None) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if near is not None:
        return (near + 0.01 * rng.standard_normal(128)).astype(np.float32)
    return (rng.standard_normal(128) * 0.2).astype(np.float32)


@pytest.fixture(scope="module")
def sitter_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    root = tmp_path_factory.mktemp("sitters")
    collection = create_collection(root / "coll", embedder="fake", index="memory")
    for record in records(root / "pictures")[:4]:
        collection.catalog.upsert(record)
    index_collection(collection, workers=1)
    collection.close()
    app = create_app(make_settings(root), root / "coll")
    yield app


def _write_index(root: Path) -> None:
    collection = open_collection(root)
    with collection:
        sha = {r: collection.catalog.images_of(r)[0].sha256 for r in ("w00", "w01", "w02", "w03")}
        index = FaceIndex("test")
        a = _vector(1)
        for record, vector in (("w00", a), ("w01", _vector(2, near=a)), ("w02", _vector(3))):
            index.add(str(sha[record]), [Face(BOX, 0.9)], vector[None, :])
        # a second face in w01, nearer than w02's: w01 is still listed once, at its nearest face
        index.add(str(sha["w01"]), [Face((5, 5, 20, 20), 0.7)], _vector(4, near=a + 0.05)[None, :])
        index.seen.add(str(sha["w03"]))  # looked at, no face
        index.save(root / DESCRIPTORS)


@pytest.fixture(scope="module")
def staff(sitter_app: FastAPI) -> Iterator[TestClient]:
    with TestClient(sitter_app, raise_server_exceptions=False):
        yield staff_client(sitter_app, "researcher")


def test_before_the_faces_are_described_the_page_says_what_to_run(staff: TestClient) -> None:
    answer = staff.get("/api/sitters", params={"record": "w00"})
    assert answer.status_code == 409 and "vitrine faces index coll" in answer.json()["error"]["message"]
    page = staff.get("/sitters", params={"record": "w00"})
    assert page.status_code == 200 and "vitrine faces index coll" in page.text
    assert 'id="record-sitters"' not in staff.get("/records/w00").text


def test_staff_see_the_nearest_faces_with_crops_and_the_record_links_there(
        sitter_app: FastAPI, staff: TestClient) -> None:
    _write_index(sitter_app.state.collection.root)
    body = staff.get("/api/sitters", params={"record": "w00", "k": 5}).json()
    (image,) = body["images"]
    (face,) = image["faces"]
    assert face["box"] == list(BOX) and body["threshold"] == 0.6
    assert [m["identifier"] for m in face["matches"]] == ["w01", "w02"]  # one face a work
    assert face["matches"][0]["box"] == list(BOX)
    assert face["matches"][0]["same_sitter"] and not face["matches"][1]["same_sitter"]
    assert face["matches"][0]["distance"] < face["matches"][1]["distance"]
    assert face["matches"][0]["url"] == "/records/w01"
    crop = staff.get(face["matches"][0]["crop_url"])
    assert crop.status_code == 200 and crop.headers["content-type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(crop.content)).size) == 96
    page = staff.get("/sitters", params={"record": "w00"}).text
    assert "Study in colour no. 1" in page and f"distance {face['matches'][0]['distance']:.3f}" in page
    assert face["matches"][0]["crop_url"] in page
    assert 'href="/sitters?record=w00"' in staff.get("/records/w00").text
    assert 'id="record-sitters"' not in staff.get("/records/w03").text  # looked at, no face
    answer = staff.get("/api/sitters", params={"record": "w03"})
    assert answer.status_code == 409 and "no face was found" in answer.json()["error"]["message"]


def test_visitors_get_neither_the_page_nor_the_crops_nor_the_link(
        sitter_app: FastAPI, staff: TestClient) -> None:
    _write_index(sitter_app.state.collection.root)
    image_id = sitter_app.state.collection.catalog.images_of("w00")[0].id
    anonymous = TestClient(sitter_app, raise_server_exceptions=False)
    assert anonymous.get("/api/sitters", params={"record": "w00"}).status_code == 401
    assert anonymous.get("/sitters", params={"record": "w00"}).status_code == 401
    assert anonymous.get(f"/sitters/crop/{image_id}", params={"box": "1,1,5,5"}).status_code == 401
    assert 'id="record-sitters"' not in anonymous.get("/records/w00").text


def test_bad_requests_are_refused_clearly(sitter_app: FastAPI, staff: TestClient) -> None:
    image_id = sitter_app.state.collection.catalog.images_of("w00")[0].id
    assert staff.get(f"/sitters/crop/{image_id}", params={"box": "9000,9000,5,5"}).status_code == 422
    assert staff.get(f"/sitters/crop/{image_id}", params={"box": "1,2,x,4"}).status_code == 422
    assert staff.get("/sitters/crop/99999", params={"box": "1,1,5,5"}).status_code == 404
    assert staff.get("/api/sitters", params={"record": "nope"}).status_code == 404
    assert staff.get("/api/sitters", params={"record": "w00", "k": 0}).status_code == 422
