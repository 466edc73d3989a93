"""A record's IIIF manifest carries its suggestions as W3C Web Annotations: accepted ones for everyone,
proposed ones for staff or where the collection shows them, each with its agent, region and status;
the manifests pass iiif-prezi3's models."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from annotated import (
    DATE_TEXT,
    DESCRIPTION,
    EDITED_TAG,
    FACE,
    POLYGON_TAG,
    RECORD_TAG,
    RECORD_TAG_URI,
    STATE,
    annotations_of,
    seed,
    texts,
    validate,
)
from vitrine.collection import Collection
from vitrine.exports import annotations as anno
from vitrine.exports.iiif import IIIF_CONTEXT, record_manifest_of
from vitrine.records import Record, StoredImage
from vitrine.suggestions import review

BASE = "https://museum.example/"
MANIFEST = "https://museum.example/iiif/r01/manifest"
CANVAS = f"{MANIFEST}/canvas/1"


def _decided(collection: Collection) -> dict[str, Any]:
    """r01's suggestions: the face and the record tag accepted, the tag edited, the rest proposed."""
    made = seed(collection, "r01")
    catalog = collection.catalog
    review.decide(catalog, made[FACE].id, "accept", actor="editor-ed")
    review.decide(catalog, made[RECORD_TAG].id, "edit", actor="editor-ed",
                  value={"label": EDITED_TAG, "uri": RECORD_TAG_URI})
    return made


def _by_status(manifest: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for items in annotations_of(manifest).values():
        for item in items:
            out.setdefault(item["vitrine:status"], []).append(item)
    return out


def test_the_public_manifest_carries_accepted_values_only(fake_collection: Collection) -> None:
    made = _decided(fake_collection)
    manifest = record_manifest_of(fake_collection, "r01", BASE, staff=False)
    validate(manifest)
    assert manifest["@context"] == [f"{BASE}iiif/context.json", IIIF_CONTEXT]
    canvas = manifest["items"][0]
    assert [p["id"] for p in canvas["annotations"]] == [f"{CANVAS}/annotations/accepted"]
    assert canvas["annotations"][0]["label"] == {"en": ["Accepted by the cataloguers"]}
    face, tag = canvas["annotations"][0]["items"]  # the order they were accepted in
    assert face["id"] == f"{CANVAS}/annotation/s{made[FACE].id}"
    assert face["motivation"] == "identifying" and texts(face) == [FACE]
    assert face["vitrine:status"] == "accepted" and "vitrine:reviewedBy" not in face
    assert face["vitrine:score"] == 0.91 and face["vitrine:probability"] == 0.88
    assert face["created"].endswith("Z") and face["vitrine:reviewedAt"] >= face["created"]
    assert face["creator"] == {
        "type": "Software", "name": "vitrine-tests.regions 2.1", "nickname": "regions-test",
        "vitrine:softwareVersion": "2.1", "vitrine:model": "boxes", "vitrine:modelVersion": "2024a",
        "vitrine:stateSha256": STATE,
        "vitrine:agentVersion": fake_collection.catalog.suggestions.agent(made[FACE].agent_id).key}
    assert face["generator"]["type"] == "Software" and face["generator"]["nickname"] == "vitrine"
    # r01's image is 64 x 64 (tests/conftest.py): the box is its middle third, in canvas pixels
    assert (canvas["width"], canvas["height"]) == (64, 64)
    assert face["target"] == {"type": "SpecificResource", "source": CANVAS, "selector": {
        "type": "FragmentSelector", "conformsTo": "http://www.w3.org/TR/media-frags/",
        "value": "xywh=21,21,22,22"}}
    assert tag["motivation"] == ["tagging", "identifying"] and tag["target"] == CANVAS  # the whole record
    assert tag["vitrine:status"] == "edited" and texts(tag) == [EDITED_TAG]
    assert tag["body"] == [
        {"type": "TextualBody", "value": EDITED_TAG, "format": "text/plain", "purpose": "tagging"},
        {"type": "SpecificResource", "source": RECORD_TAG_URI, "purpose": "identifying"}]
    assert "proposed" not in _by_status(manifest)


def test_staff_see_proposed_suggestions_apart_and_marked(fake_collection: Collection) -> None:
    made = _decided(fake_collection)
    manifest = record_manifest_of(fake_collection, "r01", BASE, staff=True)
    validate(manifest)
    pages = manifest["items"][0]["annotations"]
    assert [p["label"]["en"][0] for p in pages] == [
        "Accepted by the cataloguers", "Machine suggestions, not reviewed"]
    assert {a["vitrine:reviewedBy"] for a in pages[0]["items"]} == {"editor-ed"}
    proposed = {a["id"].rsplit("/", 1)[1]: a for a in pages[1]["items"]}
    assert set(proposed) == {f"s{made[k].id}" for k in (POLYGON_TAG, "1850~", DESCRIPTION)}
    for item in proposed.values():
        assert item["vitrine:status"] == "proposed" and "vitrine:reviewedAt" not in item
        assert texts(item)[-1] == anno.NOT_REVIEWED and item["body"][-1]["purpose"] == "commenting"
    polygon = proposed[f"s{made[POLYGON_TAG].id}"]
    assert polygon["motivation"] == "tagging" and texts(polygon)[0] == POLYGON_TAG
    fragment, svg = polygon["target"]["selector"]
    assert fragment["value"] == "xywh=0,0,32,64" and svg["type"] == "SvgSelector"
    assert svg["value"] == "<svg xmlns='http://www.w3.org/2000/svg'><path d='M0,64 L16,0 L32,64 Z'/></svg>"
    date = proposed[f"s{made['1850~'].id}"]
    assert date["motivation"] == "describing" and texts(date)[0] == f"Date: {DATE_TEXT} (EDTF 1850~)"
    assert date["target"] == CANVAS and date["creator"]["name"] == "vitrine-tests.record 0.3"
    assert "vitrine:probability" not in date  # the record agent is not calibrated
    description = proposed[f"s{made[DESCRIPTION].id}"]
    assert description["body"][0]["language"] == "en"


def test_a_collection_may_show_proposed_suggestions_publicly(fake_collection: Collection) -> None:
    made = _decided(fake_collection)
    review.decide(fake_collection.catalog, made[DESCRIPTION].id, "reject", actor="editor-ed")
    fake_collection.set_proposed_public(True)
    public = record_manifest_of(fake_collection, "r01", BASE, staff=False)
    validate(public)
    statuses = _by_status(public)
    assert len(statuses["proposed"]) == 2  # the rejected description is never shown
    assert all(anno.NOT_REVIEWED in texts(a) for a in statuses["proposed"])
    assert not any("vitrine:reviewedBy" in a for a in statuses["accepted"] + statuses["edited"])
    fake_collection.set_proposed_public(False)
    assert "proposed" not in _by_status(record_manifest_of(fake_collection, "r01", BASE, staff=False))


def test_stale_suggestions_and_records_without_any_are_left_plain(fake_collection: Collection) -> None:
    made = _decided(fake_collection)
    catalog = fake_collection.catalog
    record = catalog.get("r01")
    record.title = "A changed title"  # the record agent's suggestions were made from the old record
    catalog.upsert(record)
    proposed = _by_status(record_manifest_of(fake_collection, "r01", BASE, staff=True))["proposed"]
    assert [a["id"].rsplit("/", 1)[1] for a in proposed] == [f"s{made[POLYGON_TAG].id}"]
    plain = record_manifest_of(fake_collection, "r02", BASE, staff=True)
    assert plain["@context"] == IIIF_CONTEXT and "annotations" not in plain["items"][0]
    validate(plain)


def test_the_validation_fails_on_a_broken_annotation(fake_collection: Collection) -> None:
    _decided(fake_collection)
    manifest = record_manifest_of(fake_collection, "r01", BASE, staff=True)
    broken = manifest["items"][0]["annotations"][1]["items"][0]
    broken["target"]["selector"] = {"type": "FragmentSelector"}  # no value
    with pytest.raises(ValidationError):
        validate(manifest)
    broken["target"] = "not a canvas"
    with pytest.raises(ValidationError):
        validate(manifest)


def _view(width: int, height: int, image: tuple[int | None, int | None]) -> anno.CanvasView:
    stored = StoredImage(7, 1, "r", "img.png", None, image[0], image[1], None)
    return anno.CanvasView("https://m.example/c/1", width, height, stored)


def test_regions_scale_from_image_pixels_to_the_canvas_and_stay_inside_it() -> None:
    view = _view(1000, 500, (200, 100))  # the canvas is five times the image
    box = anno.annotation_target(view, {"box": [10, 20, 30, 40]})
    assert isinstance(box, dict) and box["selector"]["value"] == "xywh=50,100,150,200"
    edge = anno.annotation_target(view, {"box": [190, 90, 50, 50]})
    assert isinstance(edge, dict) and edge["selector"]["value"] == "xywh=950,450,50,50"
    polygon = anno.annotation_target(view, {"polygon": [[0, 0], [10.5, 0], [10.5, 10]]})
    assert isinstance(polygon, dict)
    assert [s["value"] for s in polygon["selector"]] == [
        "xywh=0,0,53,50", "<svg xmlns='http://www.w3.org/2000/svg'><path d='M0,0 L52.5,0 L52.5,50 Z'/></svg>"]
    assert anno.annotation_target(view, None) == "https://m.example/c/1"
    assert anno.annotation_target(_view(1000, 1000, (None, None)), {"box": [1, 1, 2, 2]}) is None


@pytest.mark.parametrize(("kind", "value", "on_image", "expected"), [
    ("tag", {"label": "ship"}, False, "tagging"),
    ("class", {"label": "portrait"}, True, "classifying"),
    ("face", {}, True, "tagging"),
    ("face", {"person": "https://www.wikidata.org/entity/Q5598"}, True, "identifying"),
    ("text", {"text": "FINIS"}, True, "supplementing"),
    ("text", {"text": "FINIS"}, False, "describing"),
    ("entity", {"text": "Paris", "type": "place"}, False, "tagging"),
    ("date", {"text": "1850", "edtf": "1850", "earliest": 1850, "latest": 1850}, False, "describing"),
    ("link", {"uri": "https://www.wikidata.org/entity/Q12418", "label": "Mona Lisa"}, False, "identifying"),
    ("link", {"uri": "http://vocab.getty.edu/ulan/500010879", "label": "Rembrandt", "field": "creator"},
     False, "tagging"),
    ("duplicate", {"identifier": "r02"}, True, "identifying"),
    ("description", {"text": "A ship"}, False, "describing"),
    ("inconsistency", {"fields": ["date_text", "year_min"], "message": "disagree"}, False, "assessing"),
])
def test_each_kind_has_its_motivation(kind: str, value: dict[str, Any], on_image: bool,
                                      expected: str) -> None:
    assert anno.motivation(kind, value, on_image=on_image) == expected


def test_a_duplicate_points_at_the_other_records_manifest() -> None:
    [text, other] = anno.bodies("duplicate", {"identifier": "acc/1850/5"}, "identifying", BASE)
    assert text["value"] == "The same work as record acc/1850/5"
    assert other["source"] == "https://museum.example/iiif/acc%2F1850%2F5/manifest"


def test_a_record_without_images_carries_its_annotations_on_the_manifest() -> None:
    from vitrine.exports.iiif import record_manifest

    item = anno.Annotated(key="s1", kind="tag", value={"label": "ship"}, status="accepted")
    manifest = record_manifest(Record(identifier="r1", title="Ship"), [], BASE, [item])
    [page] = manifest["annotations"]
    assert page["items"][0]["target"] == "https://museum.example/iiif/r1/manifest"
    assert "creator" not in page["items"][0]
