"""The duplicates page, a record's duplicates, and the JSON and CSV API."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from duplicate_images import PLANTED, build_collection
from vitrine.duplicates.find import find_duplicates
from vitrine.settings import Settings
from vitrine.web import create_app


@pytest.fixture(scope="module")
def dup_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A collection with planted copies and its saved report."""
    collection = build_collection(tmp_path_factory.mktemp("webdups"), works=8)
    find_duplicates(collection)
    collection.close()
    return collection.root


@pytest.fixture(scope="module")
def dups(dup_path: Path, web_settings: Callable[..., Settings]) -> Iterator[TestClient]:
    app = create_app(web_settings(dup_path.parent), dup_path)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_api_report_pages_groups(dups: TestClient) -> None:
    body = dups.get("/api/duplicates", params={"per_page": 3}).json()
    assert body["status"] == "fresh" and body["total"] == len(PLANTED) and body["pages"] == 2
    assert len(body["groups"]) == 3 and body["command"] == "vitrine duplicates find coll"
    group = body["groups"][0]
    assert group["members"][0]["url"].startswith("/records/")
    assert group["members"][0]["thumbnail_url"].startswith("/images/")
    second = dups.get("/api/duplicates", params={"per_page": 3, "page": 2}).json()
    seen = {m["identifier"] for g in body["groups"] + second["groups"] for m in g["members"]}
    assert {"copy-exact", "copy-jpeg", "copy-rescan", "copy-crop"} <= seen
    assert dups.get("/api/duplicates", params={"per_page": 500}).status_code == 422


def test_api_csv_download(dups: TestClient) -> None:
    response = dups.get("/api/duplicates.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 2 * len(PLANTED)
    assert {r["kind"] for r in rows} >= {"exact", "near", "crop"}


def test_api_record_duplicates(dups: TestClient) -> None:
    body = dups.get("/api/records/work01/duplicates").json()
    assert [m["identifier"] for m in body["matches"]] == ["copy-jpeg"]
    assert body["matches"][0]["score"] > 0.9
    assert dups.get("/api/records/work05/duplicates").json()["matches"] == []
    missing = dups.get("/api/records/nope/duplicates")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_the_other_record_api_still_answers(dups: TestClient) -> None:
    assert dups.get("/api/records/work01").json()["identifier"] == "work01"


def test_page_shows_groups_with_links(dups: TestClient) -> None:
    html = dups.get("/duplicates").text
    assert 'id="group-1"' in html and "/records/copy-crop" in html and "Download as CSV" in html
    assert "out of date" not in html and "Work number 3" in html


def test_record_page_lists_duplicates(dups: TestClient) -> None:
    html = dups.get("/duplicates", params={"record": "work02"}).text
    assert "Near-duplicates of" in html and "/records/copy-rescan" in html and "/records/work05" not in html
    assert dups.get("/duplicates", params={"record": "nope"}).status_code == 404


def test_stale_and_missing_reports_say_how_to_recompute(
    tmp_path: Path, web_settings: Callable[..., Settings], client: TestClient,
) -> None:
    body = client.get("/api/duplicates").json()  # the shared web collection has no report
    assert body["status"] == "missing" and body["groups"] == []
    assert "vitrine duplicates find" in client.get("/duplicates").text
    assert client.get("/api/duplicates.csv").status_code == 404
    collection = build_collection(tmp_path, works=3)
    find_duplicates(collection)
    collection.catalog.set_meta("vectors_embedder", "other/1/8")  # as after a switch of embedder
    collection.close()
    with TestClient(create_app(web_settings(tmp_path), tmp_path / "coll")) as stale:
        page = stale.get("/duplicates").text
        assert 'id="duplicates-stale"' in page and "vitrine duplicates find coll" in page
        assert stale.get("/api/duplicates").json()["status"] == "stale"
