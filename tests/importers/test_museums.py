"""AIC and CMA open-access APIs, stood in for by a local server answering in their documented shapes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from httpserver import LOOPBACK
from vitrine.collection import create_collection
from vitrine.importers.base import run_import
from vitrine.importers.museums import MUSEUMS, ArtInstituteOfChicago, ClevelandMuseumOfArt


def aic_artwork(i: int) -> dict[str, Any]:
    return {
        "id": 27990 + i,
        "title": f"Painting {i}",
        "artist_display": f"Artist {i}\nFrench, 1840–1926",
        "artist_title": f"Artist {i}",
        "date_display": f"{1870 + i}",
        "date_start": 1870 + i,
        "date_end": 1871 + i,
        "medium_display": "Oil on canvas",
        "dimensions": "65 × 81 cm",
        "artwork_type_title": "Painting",
        "place_of_origin": "France",
        "is_public_domain": True,
        "credit_line": "Mr. and Mrs. Martin A. Ryerson Collection",
        "image_id": f"img-{i}",
        "main_reference_number": f"1933.{i}",
        "department_title": "Painting and Sculpture of Europe",
        "thumbnail": {"alt_text": f"A painting number {i}.", "width": 3000, "height": 2400},
    }


def aic_api(artworks: list[Any]) -> Any:
    """A handler for /artworks/search in the shape of api.artic.edu (page + limit paging)."""

    def handle(path: str, query: dict[str, list[str]]) -> tuple[int, str, Any]:
        assert query["query[term][is_public_domain]"] == ["true"] and "image_id" in query["fields"][0]
        limit, page = int(query["limit"][0]), int(query["page"][0])
        start = (page - 1) * limit
        data = [a for a in artworks if a is not None and (not query.get("q") or query["q"][0] in a["title"])]
        pages = -(-len(data) // limit)
        body = {
            "preference": None,
            "pagination": {
                "total": len(data),
                "limit": limit,
                "offset": start,
                "total_pages": pages,
                "current_page": page,
                "next_url": f"https://api.artic.edu/api/v1/artworks/search?page={page + 1}"
                if page < pages
                else None,
            },
            "data": data[start : start + limit],
            "info": {"license_text": "The `description` field ...", "version": "1.13"},
            "config": {"iiif_url": "https://www.artic.edu/iiif/2", "website_url": "http://www.artic.edu"},
        }
        return 200, "application/json", body

    return handle


def cma_artwork(i: int) -> dict[str, Any]:
    return {
        "id": 94970 + i,
        "accession_number": f"1916.{1040 + i}",
        "share_license_status": "CC0",
        "url": f"https://clevelandart.org/art/1916.{1040 + i}",
        "title": f"Print {i}",
        "creation_date": f"c. {1500 + i}",
        "creation_date_earliest": 1495 + i,
        "creation_date_latest": 1505 + i,
        "type": "Print",
        "technique": "engraving",
        "measurements": "Sheet: 10 x 8 cm",
        "creditline": "Gift of a donor",
        "credit_line": "Gift of a donor",
        "culture": ["Germany, 16th century"],
        "department": "Prints",
        "collection": "PR - German",
        "creators": [{"id": 1, "description": "Albrecht Dürer (German, 1471–1528)", "role": "artist"}],
        "images": {
            "web": {
                "url": f"https://openaccess-cdn.clevelandart.org/1916.{1040 + i}/web.jpg",
                "width": "893",
                "height": "1100",
                "filename": "web.jpg",
                "filesize": "10",
            }
        },
    }


def cma_api(artworks: list[Any]) -> Any:
    """A handler for /artworks/ in the shape of openaccess-api.clevelandart.org (skip + limit paging)."""

    def handle(path: str, query: dict[str, list[str]]) -> tuple[int, str, Any]:
        assert query["cc0"] == ["1"] and query["has_image"] == ["1"]
        limit, skip = int(query["limit"][0]), int(query["skip"][0])
        body = {
            "info": {"total": len(artworks), "parameters": {"cc0": "1", "limit": str(limit)}},
            "data": artworks[skip : skip + limit],
        }
        return 200, "application/json", body

    return handle


@pytest.fixture
def aic(http_server) -> Any:
    artworks = [aic_artwork(i) for i in range(7)]
    return http_server({"/api/v1/artworks/search": aic_api(artworks)})


@pytest.fixture
def cma(http_server) -> Any:
    artworks: list[Any] = [cma_artwork(i) for i in range(7)]
    artworks[3] = {"title": "no id here"}
    return http_server({"/api/artworks/": cma_api(artworks)})


def test_aic_pages_and_maps_fields(aic) -> None:
    source = MUSEUMS["aic"](base_url=aic.url("/api/v1"), page_size=3, fetch=LOOPBACK)
    items = list(source.read())
    assert [i.cursor for i in items] == [str(n) for n in range(1, 8)]
    assert sum(1 for r in aic.requests if "/artworks/search" in r) == 3
    record = items[1].record
    assert record is not None
    assert (record.identifier, record.source, record.rights) == ("aic:27991", "aic", "CC0")
    assert (record.title, record.creators, record.date_text) == ("Painting 1", ["Artist 1"], "1871")
    assert (record.year_min, record.year_max) == (1871, 1872)
    assert (record.medium, record.object_type, record.dimensions) == (
        "Oil on canvas",
        "Painting",
        "65 × 81 cm",
    )
    assert record.credit_line == "Mr. and Mrs. Martin A. Ryerson Collection"
    assert record.source_url == "https://www.artic.edu/artworks/27991"
    assert record.extra["place_of_origin"] == "France"
    assert [i.location for i in record.images] == [
        "https://www.artic.edu/iiif/2/img-1/full/843,/0/default.jpg"
    ]


def test_aic_limit_and_query(aic) -> None:
    limited = MUSEUMS["aic"](base_url=aic.url("/api/v1"), limit=4, page_size=3, fetch=LOOPBACK)
    assert len(list(limited.read())) == 4
    items = list(ArtInstituteOfChicago(aic.url("/api/v1"), query="Painting 5", fetch=LOOPBACK).read())
    assert [i.record.identifier for i in items if i.record] == ["aic:27995"]


def test_cma_pages_maps_fields_and_reports_a_broken_item(cma) -> None:
    items = list(MUSEUMS["cma"](base_url=cma.url("/api"), page_size=3, fetch=LOOPBACK).read())
    assert len(items) == 7 and [i.error is None for i in items].count(False) == 1
    assert items[3].error and "no id" in items[3].error and items[3].cursor == "4"
    record = items[0].record
    assert record is not None
    assert (record.identifier, record.source, record.rights) == ("cma:94970", "cma", "CC0")
    assert (record.creators, record.date_text, (record.year_min, record.year_max)) == (
        ["Albrecht Dürer"],
        "c. 1500",
        (1495, 1505),
    )
    assert (record.medium, record.object_type, record.dimensions) == (
        "engraving",
        "Print",
        "Sheet: 10 x 8 cm",
    )
    assert record.source_url == "https://clevelandart.org/art/1916.1040"
    assert record.extra["creators_display"] == "Albrecht Dürer (German, 1471–1528)"
    image = record.images[0]
    assert (image.location, image.width, image.height) == (
        "https://openaccess-cdn.clevelandart.org/1916.1040/web.jpg",
        893,
        1100,
    )
    assert any("skip=3" in r for r in cma.requests) and any("skip=6" in r for r in cma.requests)


def test_resume_from_a_saved_cursor_asks_only_for_the_rest(cma) -> None:
    source = ClevelandMuseumOfArt(cma.url("/api"), page_size=3, fetch=LOOPBACK)
    items = list(source.read(cursor="5"))
    assert [i.record.identifier for i in items if i.record] == ["cma:94975", "cma:94976"]
    assert [r for r in cma.requests if "skip=0" in r] == []


def test_interrupted_import_resumes_where_it_stopped(cma, tmp_path: Path) -> None:
    collection = create_collection(tmp_path / "c", embedder="fake", index="memory")
    source = ClevelandMuseumOfArt(cma.url("/api"), page_size=3, fetch=LOOPBACK)
    run = collection.catalog.begin_import(source.key(), source.kind)
    for n, item in enumerate(source.read()):  # an import killed after four items
        if item.record:
            collection.catalog.upsert(item.record)
        collection.catalog.save_cursor(run.id, item.cursor)
        if n == 3:
            break
    cma.requests.clear()
    report = run_import(collection, source)
    assert report.resumed and (report.added, report.failed) == (3, 0)
    assert collection.catalog.count() == 6
    assert all("skip=0" not in r for r in cma.requests)
    collection.close()


def test_a_failing_page_is_reported_and_ends_the_read(http_server) -> None:
    server = http_server({"/api/artworks/": (404, "text/plain", b"no")})
    items = list(ClevelandMuseumOfArt(server.url("/api"), fetch=LOOPBACK).read())
    assert len(items) == 1 and items[0].error and "HTTP 404" in items[0].error and items[0].cursor is None


def test_registry_builds_sources_with_default_urls() -> None:
    assert MUSEUMS["aic"]().page_url(0).startswith("https://api.artic.edu/api/v1/artworks/search?")
    assert (
        MUSEUMS["cma"](query="monet")
        .page_url(200)
        .startswith("https://openaccess-api.clevelandart.org/api/artworks/?cc0=1&has_image=1&limit=")
    )
    assert MUSEUMS["aic"](query="a").key() != MUSEUMS["aic"](query="b").key()
