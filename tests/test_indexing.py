"""The indexing pipeline end to end: hostile files, remote images, interruption, re-embedding."""

from __future__ import annotations

import io
import time
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image

from httpserver import LOOPBACK
from imagegen import draw_picture, hostile_files, make_images
from vitrine import fetch
from vitrine.collection import create_collection, open_collection
from vitrine.errors import EmbedderMismatch
from vitrine.importers.base import run_import
from vitrine.importers.folder import FolderSource
from vitrine.importers.iiif import IIIFSource
from vitrine.importers.museums import ClevelandMuseumOfArt
from vitrine.indexing import index_collection
from vitrine.indexing.check import check_collection
from vitrine.jobs import Progress
from vitrine.search.core import search_by_image

REFUSED = {"bomb_header", "bomb_real", "huge_header", "truncated", "text"}


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_hostile_files_are_reported_and_the_rest_indexed(tmp_path: Path) -> None:
    make_images(tmp_path / "src", 6, seed=1)
    hostile_files(tmp_path / "src" / "hostile")
    collection = create_collection(tmp_path / "c", index="faiss")
    imported = run_import(collection, FolderSource(tmp_path / "src"))

    report = index_collection(collection, workers=2)

    assert {Path(item).stem for item, _ in imported.errors} == {"empty", "zero"}

    failed = {Path(location).stem: reason for location, reason in report.errors}
    assert set(failed) == REFUSED
    assert "decompression bomb" in failed["bomb_header"]
    assert "not an image" in failed["text"]
    assert "truncated" in failed["truncated"] or "corrupt" in failed["truncated"]
    assert report.embedded == 6 + 6  # the six pictures and the six decodable hostile files
    assert len(collection.index) == 12
    assert check_collection(collection).ok
    # A second run neither retries the refused files nor re-embeds the good ones.
    again = index_collection(collection)
    assert (again.embedded, again.failed) == (0, 0)


def test_an_image_over_the_pixel_budget_fails_with_the_reason_and_the_rest_index(tmp_path: Path) -> None:
    make_images(tmp_path / "src", 3, seed=4, size=(96, 64))  # 6,144 pixels each
    draw_picture(5, (200, 100)).save(tmp_path / "src" / "big.png")  # 20,000 pixels
    collection = create_collection(tmp_path / "c", index="memory")
    run_import(collection, FolderSource(tmp_path / "src"))

    report = index_collection(collection, workers=2, max_image_pixels=10_000)

    assert (report.embedded, report.failed) == (3, 1)
    [(location, reason)] = report.errors
    assert Path(location).name == "big.png"
    assert "200x100" in reason and "over the limit of 10,000" in reason
    assert collection.catalog.stats()["images_failed"] == 1
    assert len(collection.index) == 3


def test_an_image_within_the_pixel_budget_indexes(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    draw_picture(5, (200, 100)).save(tmp_path / "src" / "big.png")  # 20,000 pixels: just within
    collection = create_collection(tmp_path / "c", index="memory")
    run_import(collection, FolderSource(tmp_path / "src"))

    report = index_collection(collection, workers=1, max_image_pixels=20_000)

    assert (report.embedded, report.failed, report.errors) == (1, 0, [])
    assert len(collection.index) == 1


def test_iiif_images_are_fetched_through_the_image_api(tmp_path: Path, http_server) -> None:
    pictures = {f"img{i}": draw_picture(i, (640, 480)) for i in range(3)}
    server = http_server()
    base = server.url("/iiif")
    for name, picture in pictures.items():
        server.add(f"/iiif/{name}/full/!256,256/0/default.jpg", _jpeg(picture.resize((256, 192))),
                   content_type="image/jpeg")
    canvases = [_canvas(base, name, i) for i, name in enumerate(pictures)]
    manifest = {
        "@context": "http://iiif.io/api/presentation/3/context.json",
        "id": server.url("/manifest.json"), "type": "Manifest",
        "label": {"en": ["Three pictures"]}, "items": canvases,
    }
    server.add("/manifest.json", manifest)
    collection = create_collection(tmp_path / "c", index="memory")

    imported = run_import(collection, IIIFSource(server.url("/manifest.json"), size=256, fetch=LOOPBACK))
    report = index_collection(collection, workers=1, fetch=LOOPBACK)

    assert (imported.added, report.embedded, report.failed) == (1, 3, 0)
    assert sum(1 for p in collection.cache_dir.rglob("*") if p.is_file()) == 3
    hit = search_by_image(collection, pictures["img1"]).hits[0]
    assert collection.catalog.image(hit.image_id).location.startswith(f"{base}/img1/")


def test_museum_api_records_index_their_images(tmp_path: Path, http_server) -> None:
    server = http_server()
    artworks = []
    for i in range(3):
        server.add(f"/img/{i}.jpg", _jpeg(draw_picture(10 + i, (300, 400))), content_type="image/jpeg")
        artworks.append({
            "id": 100 + i, "accession_number": f"1916.{i}", "share_license_status": "CC0",
            "title": f"Print {i}", "creation_date": "c. 1500", "type": "Print",
            "creators": [{"description": "Albrecht Dürer (German, 1471–1528)", "role": "artist"}],
            "images": {"web": {"url": server.url(f"/img/{i}.jpg"), "width": "300", "height": "400"}},
        })
    server.add("/api/artworks/", {"info": {"total": 3}, "data": artworks})
    collection = create_collection(tmp_path / "c", index="memory")

    run_import(collection, ClevelandMuseumOfArt(server.url("/api"), fetch=LOOPBACK))
    report = index_collection(collection, workers=1, fetch=LOOPBACK)

    assert (report.embedded, report.failed) == (3, 0)
    record = collection.catalog.get("cma:100")
    assert record.creators and "Dürer" in record.creators[0] and record.rights
    assert search_by_image(collection, draw_picture(12, (300, 400))).hits[0].identifier == "cma:102"


def test_worker_processes_download_with_the_timeout_and_policy_they_are_given(
    tmp_path: Path, http_server, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(fetch, "sleep", lambda seconds: None)  # forked workers inherit it

    def slow(path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
        time.sleep(0.3)
        return 200, "image/jpeg", _jpeg(draw_picture(0, (32, 32)))

    server = http_server({"/img/0.jpg": slow})
    artworks = []
    for i in range(40):  # two chunks of work, so the pool of workers runs
        if i:
            server.add(f"/img/{i}.jpg", _jpeg(draw_picture(i, (32, 32))), content_type="image/jpeg")
        artworks.append({"id": i, "accession_number": f"a.{i}", "share_license_status": "CC0",
                         "title": f"Print {i}", "images": {"web": {"url": server.url(f"/img/{i}.jpg")}}})
    server.add("/api/artworks/", {"info": {"total": 40}, "data": artworks})
    collection = create_collection(tmp_path / "c", index="memory")
    run_import(collection, ClevelandMuseumOfArt(server.url("/api"), fetch=LOOPBACK))

    report = index_collection(collection, workers=2, fetch=replace(LOOPBACK, timeout=0.1))

    assert (report.embedded, report.failed) == (39, 1)
    [(location, reason)] = report.errors
    assert location == server.url("/img/0.jpg") and "timed out" in reason


def test_an_interrupted_run_leaves_a_consistent_collection_and_resumes(tmp_path: Path) -> None:
    make_images(tmp_path / "src", 80, seed=2)
    collection = create_collection(tmp_path / "c", index="faiss")
    run_import(collection, FolderSource(tmp_path / "src"))

    def interrupt(progress: Progress) -> None:
        if progress.done:  # after the first chunk is written, before the run ends
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        index_collection(collection, workers=1, progress=interrupt)
    collection.close()

    reopened = open_collection(tmp_path / "c")
    assert check_collection(reopened).missing == []
    report = index_collection(reopened, workers=2)
    assert len(reopened.index) == 80 and report.embedded <= 80
    assert check_collection(reopened).ok


def test_another_embedder_is_refused_until_the_collection_is_re_embedded(tmp_path: Path) -> None:
    make_images(tmp_path / "src", 5, seed=3)
    collection = create_collection(tmp_path / "c", embedder="classic", index="memory")
    run_import(collection, FolderSource(tmp_path / "src"))
    index_collection(collection, workers=1)

    collection.set_embedder("fake")
    with pytest.raises(EmbedderMismatch, match="re-embed"):
        search_by_image(collection, draw_picture(0))
    report = index_collection(collection, rebuild=True, workers=1)

    assert report.embedded == 5
    assert collection.vectors_key == collection.embedder.key
    assert search_by_image(collection, draw_picture(0)).hits


def _canvas(base: str, name: str, i: int) -> dict[str, object]:
    return {
        "id": f"{base}/canvas/{i}", "type": "Canvas", "width": 640, "height": 480,
        "items": [{"id": f"{base}/page/{i}", "type": "AnnotationPage", "items": [{
            "id": f"{base}/anno/{i}", "type": "Annotation", "motivation": "painting",
            "target": f"{base}/canvas/{i}",
            "body": {"id": f"{base}/{name}/full/max/0/default.jpg", "type": "Image",
                     "format": "image/jpeg", "width": 640, "height": 480,
                     "service": [{"id": f"{base}/{name}", "type": "ImageService3", "profile": "level1"}]},
        }]}],
    }
