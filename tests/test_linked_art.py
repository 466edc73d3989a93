"""Records as Linked Art: the documents, their accepted values with provenance, the model's schemas."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from linkedart import Validate, linked_art_schemas, validate_any
from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.collection import Collection
from vitrine.errors import VitrineError
from vitrine.exports.dimensions import Measurement, parse_dimensions
from vitrine.exports.linked_art import (
    LinkedArt,
    export_linked_art,
    file_name,
    linked_art,
    record_linked_art,
    timespan,
)
from vitrine.records import Record
from vitrine.suggestions import review
from vitrine.suggestions.agents import AGENTS, Agent, AgentInfo, Item, Proposal
from vitrine.suggestions.run import Scope, run_agent

BASE = "http://museum.example/app"
AI_CONTENT = "http://vocab.getty.edu/aat/300456841"


@pytest.fixture
def schemas(shared_dir: Path) -> dict[str, Validate]:
    return linked_art_schemas(shared_dir)


def _validate(schemas: dict[str, Validate], docs: LinkedArt) -> None:
    validate_any(schemas, docs.object)
    if docs.visual is not None:
        validate_any(schemas, docs.visual)


def _accept_all(collection: Collection, identifier: str, actor: str = "ed") -> list[Any]:
    found = collection.catalog.suggestions.find(SuggestionQuery(limit=100, order="id"))
    mine = [s for s in found if s.identifier == identifier]
    return [review.decide(collection.catalog, s.id, "accept", actor=actor) for s in mine]


def _ids(values: list[dict[str, Any]]) -> list[str]:
    return [v["id"] for v in values]


# -- a record without accepted values ---------------------------------------------------------------

def test_a_plain_record_has_its_fields_in_the_model(fake_collection: Collection,
                                                    schemas: dict[str, Validate]) -> None:
    docs = record_linked_art(fake_collection, "r01", BASE + "/")
    doc = docs.object
    assert doc["id"] == f"{BASE}/records/r01" and doc["type"] == "HumanMadeObject"
    assert doc["_label"] == "Portrait of a lady" and docs.visual is None and "shows" not in doc
    names = {i["type"]: i for i in doc["identified_by"] if i["type"] == "Name"}
    assert names["Name"]["content"] == "Portrait of a lady"
    identifiers = {i["classified_as"][0]["_label"]: i["content"] for i in doc["identified_by"]
                   if i["type"] == "Identifier"}
    assert identifiers == {"System-Assigned Number": "r01", "Accession Number": "INV-1"}
    assert doc["classified_as"][0]["id"] == "http://vocab.getty.edu/aat/300033618"  # painting
    production = doc["produced_by"]
    assert production["timespan"]["begin_of_the_begin"] == "1625-01-01T00:00:00Z"
    assert production["timespan"]["end_of_the_end"] == "1625-12-31T23:59:59Z"
    assert production["timespan"]["identified_by"][0]["content"] == "1625"
    assert [a["_label"] for a in production["carried_out_by"]] == ["Anna Painter"]
    assert [m["_label"] for m in doc["made_of"]] == ["oil paint", "canvas"]
    assert len(doc["representation"]) == 1 and "attributed_by" not in doc
    pages = [p["digitally_carried_by"][0] for p in doc["subject_of"]]
    assert pages[-1]["access_point"][0]["id"] == f"{BASE}/iiif/r01/manifest"
    _validate(schemas, docs)


# -- accepted values and their provenance --------------------------------------------------------------

def test_accepted_fake_tags_are_shown_with_who_accepted_them_and_which_agent_said_so(
        fake_collection: Collection, schemas: dict[str, Validate]) -> None:
    run_agent(fake_collection, "fake", scope=Scope(identifiers=("r08",)))  # "Winter landscape with skaters"
    found = fake_collection.catalog.suggestions.find(SuggestionQuery(limit=10, order="id"))
    labels = [s.label for s in found]
    assert labels == ["winter", "landscape", "skaters"]
    review.decide(fake_collection.catalog, found[0].id, "accept", actor="ed")
    review.decide(fake_collection.catalog, found[1].id, "edit", actor="flo", value={"label": "landscapes"})
    review.decide(fake_collection.catalog, found[2].id, "reject", actor="ed")
    docs = record_linked_art(fake_collection, "r08", BASE)
    assert docs.visual is not None and docs.object["shows"][0]["id"] == docs.visual["id"]
    assert docs.visual["id"] == f"{BASE}/linked-art/visual/r08"
    shown = docs.visual["represents_instance_of_type"]
    assert [t["_label"] for t in shown] == ["winter", "landscapes"]  # the rejected one is not there
    winter, landscapes = docs.visual["attributed_by"]
    assert winter["assigned_property"] == "represents_instance_of_type" and winter["assigned"] == [shown[0]]
    assert winter["carried_out_by"] == [{"id": f"{BASE}/linked-art/account/ed", "type": "Person",
                                         "_label": "ed"}]
    assert winter["influenced_by"][0]["type"] == "DigitalObject"
    assert winter["influenced_by"][0]["_label"].startswith("fake (vitrine.suggestions.fake ")
    assert "model title words 1" in winter["influenced_by"][0]["_label"]
    note = winter["referred_to_by"][0]["content"]
    assert note.startswith("Suggested by the agent fake (") and "score" in note
    assert "accepted by ed on" in note
    assert "edited and accepted by flo" in landscapes["referred_to_by"][0]["content"]
    stamp = winter["timespan"]["begin_of_the_begin"]
    assert stamp == winter["timespan"]["end_of_the_end"] and stamp.endswith("Z")
    # the fake agent has no trained state: machine-made, but not AI
    assert "classified_as" not in winter and "technique" not in winter
    _validate(schemas, docs)


class _Trained(Agent):
    """An agent with a trained state, proposing one value of every kind about each record."""

    name = "trained"
    kinds = ("tag", "class", "face", "text", "entity", "date", "link", "duplicate", "description",
             "inconsistency")

    def info(self) -> AgentInfo:
        return AgentInfo(name="trained", software="tests", software_version="2.0", model="net",
                         model_version="2024a", state_sha256="ab" * 32)

    def suggest(self, item: Item) -> list[Proposal]:
        values: list[tuple[str, dict[str, Any]]] = [
            ("tag", {"label": "ship", "uri": "http://vocab.getty.edu/aat/300046081"}),
            ("class", {"label": "seascape"}),
            ("face", {"label": "Anna", "person": "http://www.wikidata.org/entity/Q1"}),
            ("face", {"landmarks": []}),
            ("text", {"text": "signed lower left"}),
            ("entity", {"text": "Amsterdam", "type": "LOC", "uri": "http://www.wikidata.org/entity/Q727"}),
            ("date", {"text": "1950, cast 1984", "edtf": "1950", "earliest": 1950, "latest": 1950,
                      "events": [{"role": "cast", "edtf": "1984", "earliest": 1984, "latest": 1984}]}),
            ("link", {"uri": "http://vocab.getty.edu/ulan/500000001", "label": "Anna Painter (ULAN)",
                      "field": "creators", "text": "Anna Painter"}),
            ("link", {"uri": "http://www.wikidata.org/entity/Q2", "label": "this painting"}),
            ("link", {"uri": "http://vocab.getty.edu/aat/300015050", "label": "oil", "field": "medium"}),
            ("link", {"uri": "http://vocab.getty.edu/aat/300055768", "label": "war", "field": "subject"}),
            ("duplicate", {"identifier": "r03"}),
            ("description", {"text": "A ship in a storm."}),
            ("inconsistency", {"fields": ["date_text"], "message": "the date disagrees with the title"}),
        ]
        return [Proposal(kind, value, score=0.9) for kind, value in values]


@pytest.fixture
def trained(fake_collection: Collection) -> Iterator[Collection]:
    AGENTS.register("trained", _Trained)
    try:
        run_agent(fake_collection, "trained", scope=Scope(identifiers=("r01",)))
        yield fake_collection
    finally:
        AGENTS.unregister("trained")


def test_every_kind_lands_in_its_property_and_ai_values_say_so(
        trained: Collection, schemas: dict[str, Validate]) -> None:
    decided = _accept_all(trained, "r01")
    assert len(decided) == 14
    docs = record_linked_art(trained, "r01", BASE)
    doc, visual = docs.object, docs.visual
    assert visual is not None
    assert _ids(visual["represents_instance_of_type"]) == ["http://vocab.getty.edu/aat/300046081",
                                                           f"{BASE}/linked-art/concept/face/person"]
    assert _ids(visual["classified_as"]) == [f"{BASE}/linked-art/concept/class/seascape"]
    assert visual["represents"] == [{"id": "http://www.wikidata.org/entity/Q1", "type": "Person",
                                     "_label": "Anna"}]
    assert [(a["type"], a["id"]) for a in visual["about"]] == [
        ("Place", "http://www.wikidata.org/entity/Q727"), ("Type", "http://vocab.getty.edu/aat/300055768")]
    assert _ids(doc["equivalent"]) == ["http://www.wikidata.org/entity/Q2", f"{BASE}/records/r03"]
    assert _ids(doc["made_of"]) == ["http://vocab.getty.edu/aat/300015050", "http://vocab.getty.edu/aat/300014078"]
    statements = {s["classified_as"][0]["_label"]: s for s in doc["referred_to_by"]}
    assert statements["Description"]["content"] == "A ship in a storm."
    assert statements["Inscription Statement"]["content"] == "signed lower left"
    assert AI_CONTENT in _ids(statements["Description"]["classified_as"])  # the simple pattern too
    assert AI_CONTENT not in _ids(statements["Materials Statement"]["classified_as"])  # catalogued
    # the accepted date: the catalogue's years, its event as a part, its assignment on the production
    production = doc["produced_by"]
    assert production["timespan"]["begin_of_the_begin"] == "1950-01-01T00:00:00Z"
    assert production["part"][0]["_label"] == "cast"
    assert production["part"][0]["timespan"]["end_of_the_end"] == "1984-12-31T23:59:59Z"
    anna = production["carried_out_by"][0]
    assert anna["equivalent"] == [{"id": "http://vocab.getty.edu/ulan/500000001", "type": "Person",
                                   "_label": "Anna Painter (ULAN)"}]
    assert {a["assigned_property"] for a in production["attributed_by"]} == {"carried_out_by", "timespan"}
    every = doc["attributed_by"] + visual["attributed_by"] + production["attributed_by"]
    assert len(every) == 14  # one assignment per accepted value
    for assignment in every:
        assert _ids(assignment["classified_as"]) == [AI_CONTENT]
        assert assignment["technique"][0]["id"] == "http://vocab.getty.edu/aat/300456842"
        assert "model net 2024a" in assignment["influenced_by"][0]["_label"]
    _validate(schemas, docs)


def test_an_edited_ai_value_is_not_ai_content_but_keeps_its_provenance(trained: Collection) -> None:
    found = trained.catalog.suggestions.find(SuggestionQuery(kinds=("description",), limit=5))
    review.decide(trained.catalog, found[0].id, "edit", actor="ed", value={"text": "A ship."})
    doc = record_linked_art(trained, "r01", BASE).object
    statement = next(s for s in doc["referred_to_by"] if s["content"] == "A ship.")
    assert AI_CONTENT not in _ids(statement["classified_as"])
    assignment = doc["attributed_by"][0]
    assert "classified_as" not in assignment and assignment["technique"]
    assert "edited and accepted by ed" in assignment["_label"]


def test_an_undone_value_leaves_the_export(trained: Collection) -> None:
    decided = _accept_all(trained, "r01")
    for suggestion in decided:
        review.undo(trained.catalog, suggestion.id, actor="ed")
    docs = record_linked_art(trained, "r01", BASE)
    assert docs.visual is None and "attributed_by" not in docs.object and "equivalent" not in docs.object
    assert docs.object["produced_by"]["timespan"]["begin_of_the_begin"] == "1625-01-01T00:00:00Z"


# -- odd records --------------------------------------------------------------------------------------

ODD = [
    Record(identifier="acc/1850/5 é", title=None, date_text="ca. 50–40 BCE",
           dimensions="22 1/4 × 30 in. (56.5 × 76.2 cm)"),
    Record(identifier="far", title="Far future", year_min=12000, year_max=12001,
           dimensions="object: 255 x 365 x 255 mm, 30.2 kg", creators=["Studio of Rubens", "A. Hand"]),
    Record(identifier="undated", title="Undated", date_text="date not known", dimensions="variable",
           medium="mixed media", object_type="objet trouvé", rights="https://creativecommons.org/p/zero/1.0/"),
    Record(identifier="years-only", title="Backwards", year_min=1700, year_max=1650,
           dimensions="H. 30 cm; diam. 12.5 cm", source_url="not a url"),
]


def test_odd_dates_and_dimensions_still_validate(schemas: dict[str, Validate]) -> None:
    docs = {r.identifier: linked_art(r, [], [], BASE) for r in ODD}
    for one in docs.values():
        _validate(schemas, one)
    bce = docs["acc/1850/5 é"].object
    assert bce["id"] == f"{BASE}/records/acc%2F1850%2F5%20%C3%A9" and bce["_label"] == "acc/1850/5 é"
    span = bce["produced_by"]["timespan"]
    assert (span["begin_of_the_begin"], span["end_of_the_end"]) == ("-0054-01-01T00:00:00Z",
                                                                    "-0034-12-31T23:59:59Z")
    assert [(d["classified_as"][0]["_label"], d["value"], d["unit"]["_label"]) for d in bce["dimension"]] == [
        ("Height", 22.25, "inches"), ("Width", 30.0, "inches")]
    far = docs["far"].object
    assert far["produced_by"]["timespan"]["end_of_the_end"] == "12001-12-31T23:59:59Z"
    assert [a["type"] for a in far["produced_by"]["carried_out_by"]] == ["Group", "Person"]
    undated = docs["undated"].object
    assert undated["produced_by"]["timespan"] == {"type": "TimeSpan", "identified_by": [
        {"type": "Name", "content": "date not known", "classified_as": [
            {"id": "http://vocab.getty.edu/aat/300404669", "type": "Type", "_label": "Display Name"}]}]}
    assert "dimension" not in undated and "made_of" not in undated
    assert undated["classified_as"][0]["id"] == f"{BASE}/linked-art/concept/object_type/objet%20trouv%C3%A9"
    backwards = docs["years-only"].object
    assert backwards["produced_by"]["timespan"]["begin_of_the_begin"].startswith("1650")
    assert len(backwards["subject_of"]) == 1  # not a URL: no page at the source


def test_dimension_texts_as_museums_write_them() -> None:
    assert parse_dimensions("support: 331 x 206 mm\r\nframe: 400 x 300 x 50 mm") == [
        Measurement("height", 331, "mm"), Measurement("width", 206, "mm")]
    assert parse_dimensions("frame: 400 x 300 x 50 mm\nsupport: 331 x 206 mm")[0].value == 331
    assert parse_dimensions("object: 255 x 365 x 255 mm, 30.2 kg")[-1] == Measurement("weight", 30.2, "kg")
    assert parse_dimensions("height 40 cm, width 30.5 cm") == [
        Measurement("height", 40, "cm"), Measurement("width", 30.5, "cm")]
    assert parse_dimensions("12 in.") == [Measurement("unknown", 12, "in")]
    for nothing in (None, "", "variable", "dimensions variable", "3 parts", "1984"):
        assert parse_dimensions(nothing) == []


def test_timespans_from_years() -> None:
    assert timespan(None, None, None) is None
    assert timespan(-1, -1, None) == {"type": "TimeSpan", "begin_of_the_begin": "0000-01-01T00:00:00Z",
                                      "end_of_the_end": "0000-12-31T23:59:59Z"}  # 1 BCE is year 0
    assert timespan(5, None, None)["end_of_the_end"] == "0005-12-31T23:59:59Z"  # type: ignore[index]


def test_file_names_are_safe_and_distinct() -> None:
    assert file_name("r01") == "r01" and file_name("T09007") == "T09007"
    names = [file_name(i) for i in ("a/b", "a_b", "a b", "../../etc/passwd", "con", ".hidden", "é")]
    assert names[1] == "a_b" and len(set(names)) == len(names)
    assert all("/" not in n and not n.startswith(".") and n for n in names)


def test_the_export_writes_one_file_per_record_and_refuses_a_bad_base_url(
        fake_collection: Collection, tmp_path: Path, schemas: dict[str, Validate]) -> None:
    fake_collection.catalog.upsert(Record(identifier="R01", title="Case twin of r01"))
    run_agent(fake_collection, "fake", scope=Scope(identifiers=("r02",)))
    _accept_all(fake_collection, "r02")
    with pytest.raises(VitrineError, match="base URL"):
        export_linked_art(fake_collection, tmp_path / "out", "museum.example")
    count = export_linked_art(fake_collection, tmp_path / "out", BASE)
    files = sorted(p.name for p in (tmp_path / "out").glob("*.json"))
    assert count == 13 == len(files) and "r02.json" in files
    twins = [f for f in files if f.lower().startswith("r01")]  # apart on a case-insensitive disk too
    assert len({f.lower() for f in twins}) == 2 and "R01.json" in twins
    assert [p.name for p in (tmp_path / "out" / "visual").iterdir()] == ["r02.json"]
    import json

    for path in (tmp_path / "out").rglob("*.json"):
        validate_any(schemas, json.loads(path.read_text(encoding="utf-8")))


def test_the_schema_check_refuses_what_the_model_does_not_allow(schemas: dict[str, Validate]) -> None:
    doc = linked_art(ODD[1], [], [], BASE).object
    doc["produced_by"]["timespan"]["begin_of_the_begin"] = "1625"
    with pytest.raises(AssertionError, match="begin_of_the_begin"):
        schemas["HumanMadeObject"](doc)
    # software cannot carry out an assignment: hence `influenced_by` for the agent
    doc = linked_art(ODD[1], [], [], BASE).object
    doc["attributed_by"] = [{"type": "AttributeAssignment", "assigned_property": "classified_as",
                             "carried_out_by": [{"id": f"{BASE}/agent", "type": "DigitalObject"}]}]
    with pytest.raises(AssertionError, match="attributed_by/0/carried_out_by/0"):
        schemas["HumanMadeObject"](doc)


@pytest.mark.shared
def test_tate_records_validate_and_their_dimensions_parse(shared_dir: Path,
                                                         schemas: dict[str, Validate]) -> None:
    """The first 400 of Tate's records (scripts/linked_art_tate.py checks all 12,000)."""
    import itertools
    import json

    tate = shared_dir / "data" / "tate" / "artworks.jsonl"
    if not tate.is_file():
        pytest.skip(f"{tate} is absent: this test reads Tate's records in place")
    with tate.open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in itertools.islice(lines, 400)]
    records = [Record(identifier=r["acno"], title=r.get("title"), date_text=r.get("dateText"),
                      creators=[c["fc"] for c in r.get("contributors") or []], medium=r.get("medium"),
                      dimensions=r.get("dimensions"), credit_line=r.get("creditLine"),
                      source_url=r.get("url"), object_type=r.get("classification")) for r in rows]
    with_dimensions = [linked_art(r, [], [], BASE).object for r in records if r.dimensions]
    for doc in with_dimensions:
        validate_any(schemas, doc)
    measured = sum(1 for doc in with_dimensions if "dimension" in doc)
    assert measured >= 0.95 * len(with_dimensions)


def test_the_note_says_which_image_and_region_a_value_is_about() -> None:
    from vitrine.catalog.suggestions import Assertion
    from vitrine.exports.linked_art_values import provenance_note

    face = Assertion(id=1, record_id=1, image_id=7, region={"box": [10, 20, 30, 40]}, kind="face",
                     value={"label": "Anna"}, label="Anna", suggestion_id=3, accepted_by="ed",
                     accepted_at=0.0, edited=False, agent=None, score=None)
    assert provenance_note(face) == ("Suggested about image 7 (xywh=10,20,30,40) by the agent"
                                     " (unknown: its record is gone); accepted by ed on 1970-01-01.")
