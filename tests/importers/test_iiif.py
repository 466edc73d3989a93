"""IIIF Presentation 2/3 manifests and collections: the Cookbook served locally, v2 fixtures made here."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from httpserver import LOOPBACK
from vitrine.collection import create_collection
from vitrine.fetch import fetch_bytes
from vitrine.importers.base import run_import
from vitrine.importers.iiif import IIIFSource, image_ref, manifest_record, texts

# Cookbook manifests whose painted images are not exactly one (every other manifest has one).
# Sound/video manifests have none; 0036 composes two images on a canvas; 0283 has a canvas left blank.
COOKBOOK_IMAGES = {
    "0000_template/manifest.json": 0,
    "0002-mvm-audio/manifest.json": 0,
    "0003-mvm-video/manifest.json": 0,
    "0009-book-1/manifest.json": 5,
    "0010-book-2-viewing-direction/manifest-rtl.json": 5,
    "0010-book-2-viewing-direction/manifest-ttb.json": 4,
    "0011-book-3-behavior/manifest-continuous.json": 4,
    "0011-book-3-behavior/manifest-individuals.json": 4,
    "0013-placeholderCanvas/manifest.json": 0,
    "0014-accompanyingcanvas/manifest.json": 0,
    "0015-start/manifest.json": 0,
    "0017-transcription-av/manifest.json": 0,
    "0022-linking-with-a-hotspot/manifest.json": 2,
    "0024-book-4-toc/manifest.json": 6,
    "0025-newspaper-article-index/manifest.json": 5,
    "0026-toc-opera/manifest.json": 0,
    "0027-alternative-page-order/manifest.json": 4,
    "0029-metadata-anywhere/manifest.json": 2,
    "0030-multi-volume/manifest_v1.json": 5,
    "0030-multi-volume/manifest_v2.json": 5,
    "0031-bound-multivolume/manifest.json": 6,
    "0035-foldouts/manifest.json": 9,
    "0036-composition-from-multiple-images/manifest.json": 2,
    "0046-rendering/manifest.json": 5,
    "0053-seeAlso/manifest.json": 5,
    "0064-opera-one-canvas/manifest.json": 0,
    "0065-opera-multiple-canvases/manifest.json": 0,
    "0068-newspaper/newspaper_issue_1-manifest.json": 2,
    "0068-newspaper/newspaper_issue_2-manifest.json": 2,
    "0074-multiple-language-captions/manifest.json": 0,
    "0103-poetry-reading-annotations/manifest.json": 0,
    "0202-start-canvas/manifest.json": 5,
    "0219-using-caption-file/manifest.json": 0,
    "0229-behavior-ranges/manifest.json": 0,
    "0232-image-thumbnail-canvas/manifest-av.json": 0,
    "0232-image-thumbnail-canvas/manifest-image.json": 2,
    "0240-navPlace-on-canvases/manifest.json": 2,
    "0283-missing-image/manifest.json": 3,
    "0309-annotation-collection/manifest.json": 2,
    "0434-choice-av/manifest.json": 0,
    "0540-link-for-opening-multiple-canvases/manifest.json": 2,
    "0560-resources-on-a-timeline/manifest.json": 2,
}


def _cookbook(shared_dir: Path) -> Path:
    folder = shared_dir / "data" / "iiif" / "cookbook"
    if not folder.is_dir():
        pytest.skip(f"{folder} is absent")
    return folder


def _manifest_files(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.json")):
        doc = json.loads(path.read_text())
        if doc.get("type", doc.get("@type")) in ("Manifest", "sc:Manifest"):
            found.append(path.relative_to(folder).as_posix())
    return found


@pytest.mark.shared
def test_every_cookbook_manifest_imports_over_http_with_its_images(shared_dir: Path, http_server) -> None:
    folder = _cookbook(shared_dir)
    server = http_server(directory=folder)
    files = _manifest_files(folder)
    assert len(files) == 85
    for name in files:
        items = list(IIIFSource(server.url(name), fetch=LOOPBACK).read())
        assert len(items) == 1 and items[0].error is None, (name, items[0].error)
        record = items[0].record
        assert record is not None
        expected = 1 if name.endswith("manifest-v2.json") else COOKBOOK_IMAGES.get(name, 1)
        assert len(record.images) == expected, name
        assert all(i.location.startswith("https://") for i in record.images), name


@pytest.mark.shared
def test_cookbook_folder_imports_into_a_collection(shared_dir: Path, tmp_path: Path) -> None:
    folder = _cookbook(shared_dir)
    collection = create_collection(tmp_path / "c", embedder="fake", index="memory")
    report = run_import(collection, IIIFSource(folder))
    # 85 manifests; the v2 and v3 renditions of recipe 0057 share one id, hence one record
    assert (report.total, report.failed, collection.catalog.count()) == (85, 0, 84)
    record = collection.catalog.get("0029-metadata-anywhere/manifest.json")
    assert record.creators == ["Glindoni, Henry Gillard, 1852-1913"]
    assert (record.year_min, record.year_max) == (1800, 1899)
    assert record.extra["Reference"] == "Wellcome Library no. 47369i"
    rights = collection.catalog.get("0008-rights/manifest.json")
    assert rights.rights == "http://creativecommons.org/licenses/by-sa/3.0/"
    assert rights.credit_line and rights.credit_line.startswith("Glen Robson")
    homepage = collection.catalog.get("0047-homepage/manifest.json")
    assert homepage.source_url == "https://www.getty.edu/art/collection/object/103RQQ"
    collection.close()


@pytest.mark.shared
def test_cookbook_collection_pulls_its_members(shared_dir: Path, http_server) -> None:
    server = http_server(directory=_cookbook(shared_dir))
    items = list(IIIFSource(server.url("0032-collection/collection.json"), fetch=LOOPBACK).read())
    assert [i.record.title for i in items if i.record] == ["The Gulf Stream", "Northeaster"]
    assert items[0].record and items[0].record.identifier == server.url("0032-collection/manifest-01.json")
    assert [i.cursor for i in items] == ["1", "2"]


# -- fixtures made in code ---------------------------------------------------------------------


def v2_manifest(base: str, name: str, images: int = 2) -> dict[str, Any]:
    canvases = [
        {
            "@id": f"{base}/{name}/canvas/{i}",
            "@type": "sc:Canvas",
            "label": f"folio {i}",
            "width": 2000,
            "height": 3000,
            "images": [
                {
                    "@type": "oa:Annotation",
                    "motivation": "sc:painting",
                    "resource": {
                        "@id": f"{base}/iiif/{name}-{i}/full/full/0/default.jpg",
                        "@type": "dctypes:Image",
                        "service": {
                            "@context": "http://iiif.io/api/image/2/context.json",
                            "@id": f"{base}/iiif/{name}-{i}",
                            "profile": "http://iiif.io/api/image/2/level2.json",
                        },
                    },
                    "on": f"{base}/{name}/canvas/{i}",
                }
            ],
        }
        for i in range(images)
    ]
    return {
        "@context": "http://iiif.io/api/presentation/2/context.json",
        "@id": f"{base}/{name}.json",
        "@type": "sc:Manifest",
        "label": [
            {"@value": "Livre d'heures", "@language": "fr"},
            {"@value": "Book of hours", "@language": "en"},
        ],
        "metadata": [
            {"label": "Artist", "value": "Master of <i>the</i> Hours"},
            {"label": "Date", "value": "c. 1450"},
            {"label": "Materials", "value": "ink on parchment"},
            {"label": "Shelfmark", "value": "MS 12"},
        ],
        "description": "A small book.",
        "attribution": "Some Library",
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "related": {"@id": "https://library.example.org/ms12", "format": "text/html"},
        "sequences": [{"@type": "sc:Sequence", "canvases": canvases}],
    }


def test_v2_manifest_maps_fields_and_images(http_server) -> None:
    server = http_server()
    server.add("/ms12.json", v2_manifest(server.base_url, "ms12"))
    [item] = list(IIIFSource(server.url("/ms12.json"), size=512, fetch=LOOPBACK).read())
    record = item.record
    assert record is not None
    assert record.identifier == server.url("/ms12.json")
    assert (record.title, record.creators, record.date_text) == (
        "Book of hours",
        ["Master of the Hours"],
        "c. 1450",
    )
    assert (record.medium, record.credit_line) == ("ink on parchment", "Some Library")
    assert record.rights == "https://creativecommons.org/publicdomain/zero/1.0/"
    assert record.source_url == "https://library.example.org/ms12"
    assert record.extra["Shelfmark"] == "MS 12" and record.extra["summary"] == "A small book."
    assert [i.location for i in record.images] == [
        f"{server.base_url}/iiif/ms12-{i}/full/!512,512/0/default.jpg" for i in range(2)
    ]
    assert record.images[1].label == "folio 1"


def test_v2_collection_pulls_manifests_and_subcollections(http_server) -> None:
    server = http_server()
    base = server.base_url
    for name in ("a", "b", "c"):
        server.add(f"/{name}.json", v2_manifest(base, name, images=1))
    server.add(
        "/sub.json",
        {
            "@id": f"{base}/sub.json",
            "@type": "sc:Collection",
            "manifests": [{"@id": f"{base}/c.json", "@type": "sc:Manifest"}],
        },
    )
    server.add(
        "/top.json",
        {
            "@id": f"{base}/top.json",
            "@type": "sc:Collection",
            "collections": [{"@id": f"{base}/sub.json", "@type": "sc:Collection"}],
            "manifests": [
                {"@id": f"{base}/a.json", "@type": "sc:Manifest"},
                {"@id": f"{base}/b.json", "@type": "sc:Manifest"},
            ],
        },
    )
    items = list(IIIFSource(server.url("/top.json"), fetch=LOOPBACK).read())
    assert [i.record.identifier for i in items if i.record] == [f"{base}/{n}.json" for n in "cab"]


def test_resume_skips_manifests_already_read(http_server) -> None:
    server = http_server()
    base = server.base_url
    for name in ("a", "b", "c"):
        server.add(f"/{name}.json", v2_manifest(base, name, images=1))
    server.add(
        "/top.json",
        {
            "id": f"{base}/top.json",
            "type": "Collection",
            "items": [{"id": f"{base}/{n}.json", "type": "Manifest"} for n in "abc"],
        },
    )
    items = list(IIIFSource(server.url("/top.json"), fetch=LOOPBACK).read(cursor="2"))
    assert [(i.record.identifier if i.record else None, i.cursor) for i in items] == [(f"{base}/c.json", "3")]
    assert "/a.json" not in server.requests and "/b.json" not in server.requests


def test_broken_members_are_reported_not_fatal(http_server, tmp_path: Path) -> None:
    server = http_server()
    base = server.base_url
    server.add("/good.json", v2_manifest(base, "good", images=1))
    server.add("/bad.json", b"{ this is not json", content_type="application/json")
    server.add("/list.json", [1, 2])
    server.add(
        "/top.json",
        {
            "id": f"{base}/top.json",
            "type": "Collection",
            "items": [
                {"id": f"{base}/{n}.json", "type": "Manifest"} for n in ("bad", "missing", "list", "good")
            ]
            + [{"id": "file:///etc/passwd", "type": "Manifest"}, {"id": "/etc/passwd", "type": "Manifest"}],
        },
    )
    collection = create_collection(tmp_path / "c", embedder="fake", index="memory")
    report = run_import(collection, IIIFSource(server.url("/top.json"), fetch=LOOPBACK))
    assert (report.added, report.failed) == (1, 4)
    reasons = dict(report.errors)
    assert "not valid JSON" in reasons[f"{base}/bad.json"]
    assert "HTTP 404" in reasons[f"{base}/missing.json"]
    assert "not a IIIF manifest" in reasons[f"{base}/list.json"]
    # a remote collection cannot point at local files: a bare path is a path on its own host
    assert "HTTP 404" in reasons[f"{base}/etc/passwd"] and "file:///etc/passwd" not in reasons
    collection.close()


def test_malformed_local_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("{")
    (tmp_path / "b.json").write_text(json.dumps(v2_manifest("https://x.org", "b", images=1)))
    (tmp_path / "notes.json").write_text(json.dumps({"type": "AnnotationPage", "items": []}))
    items = list(IIIFSource(tmp_path).read())
    assert [(i.item, i.error is None) for i in items] == [("a.json", False), ("b.json", True)]
    assert items[0].error and "not valid JSON" in items[0].error and str(tmp_path) in items[0].error


def test_language_maps_prefer_english_then_none() -> None:
    assert texts({"fr": ["Bonjour"], "en": ["Hello", "Hi"]}) == ["Hello", "Hi"]
    assert texts({"fr": ["Bonjour"], "none": ["Hallo"]}) == ["Hallo"]
    assert texts({"de": ["Guten Tag"], "fr": ["Bonjour"]}) == ["Guten Tag"]
    assert texts("<span>A &amp; B</span>") == ["A & B"]
    assert texts(None) == [] and texts({}) == []


def test_image_url_choices() -> None:
    service3 = {"id": "https://h/iiif/x", "type": "ImageService3", "profile": "level1"}
    big = {"id": "https://h/x.jpg", "type": "Image", "width": 4000, "height": 3000, "service": [service3]}
    small = {**big, "width": 800, "height": 600}
    assert image_ref(big, 1024).location == "https://h/iiif/x/full/!1024,1024/0/default.jpg"  # type: ignore[union-attr]
    assert image_ref(small, 1024).location == "https://h/iiif/x/full/max/0/default.jpg"  # type: ignore[union-attr]
    assert image_ref(big, None).location == "https://h/iiif/x/full/max/0/default.jpg"  # type: ignore[union-attr]
    level0 = {
        **big,
        "service": [
            {
                **service3,
                "profile": "level0",
                "sizes": [{"width": 400, "height": 300}, {"width": 1600, "height": 1200}],
            }
        ],
    }
    ref = image_ref(level0, 1024)
    assert ref is not None and (ref.location, ref.width) == (
        "https://h/iiif/x/full/1600,1200/0/default.jpg",
        1600,
    )
    bare_level0 = {**big, "service": [{**service3, "profile": "level0"}]}
    assert image_ref(bare_level0, 1024).location == "https://h/x.jpg"  # type: ignore[union-attr]
    assert image_ref({"id": "{{ id.path }}/x.jpg", "type": "Image"}, 1024) is None
    assert image_ref({"id": "file:///etc/passwd", "type": "Image"}, 1024) is None


def test_audio_video_manifest_is_a_record_without_images() -> None:
    doc = {
        "id": "https://h/av.json",
        "type": "Manifest",
        "label": {"en": ["A song"]},
        "items": [
            {
                "id": "https://h/c1",
                "type": "Canvas",
                "duration": 10,
                "items": [
                    {
                        "type": "AnnotationPage",
                        "items": [
                            {
                                "type": "Annotation",
                                "motivation": "painting",
                                "body": {"id": "https://h/a.mp3", "type": "Sound"},
                            }
                        ],
                    }
                ],
            }
        ],
    }
    record = manifest_record(doc, "https://h/av.json")
    assert (record.title, record.images) == ("A song", [])


def _jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_produced_image_urls_are_fetchable(http_server) -> None:
    """A v3 manifest on the local server whose image services answer Image API paths."""
    server = http_server()
    base = server.base_url
    server.add("/iiif/a/full/!64,64/0/default.jpg", _jpeg(64, 48), content_type="image/jpeg")
    server.add("/iiif/b/full/32,24/0/default.jpg", _jpeg(32, 24), content_type="image/jpeg")
    server.add("/static/c.jpg", _jpeg(20, 20), content_type="image/jpeg")
    bodies = [
        {
            "id": f"{base}/iiif/a/full/max/0/default.jpg",
            "type": "Image",
            "width": 640,
            "height": 480,
            "service": [{"id": f"{base}/iiif/a", "type": "ImageService3", "profile": "level2"}],
        },
        {
            "id": f"{base}/iiif/b/full/max/0/default.jpg",
            "type": "Image",
            "width": 640,
            "height": 480,
            "service": [
                {
                    "id": f"{base}/iiif/b",
                    "type": "ImageService3",
                    "profile": "level0",
                    "sizes": [{"width": 32, "height": 24}],
                }
            ],
        },
        {"id": f"{base}/static/c.jpg", "type": "Image", "format": "image/jpeg"},
    ]
    server.add(
        "/m.json",
        {
            "id": f"{base}/m.json",
            "type": "Manifest",
            "label": {"none": ["Three"]},
            "items": [
                {
                    "id": f"{base}/canvas/{i}",
                    "type": "Canvas",
                    "items": [
                        {
                            "type": "AnnotationPage",
                            "items": [{"type": "Annotation", "motivation": "painting", "body": body}],
                        }
                    ],
                }
                for i, body in enumerate(bodies)
            ],
        },
    )
    [item] = list(IIIFSource(server.url("/m.json"), size=64, fetch=LOOPBACK).read())
    assert item.record is not None and len(item.record.images) == 3
    fetched = [fetch_bytes(i.location, options=LOOPBACK) for i in item.record.images]
    sizes = [Image.open(io.BytesIO(data)).size for data in fetched]
    assert sizes == [(64, 48), (32, 24), (20, 20)]
