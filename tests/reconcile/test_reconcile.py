"""Reconciling names: the local authority file, candidates and their features, the calibration."""

from __future__ import annotations

from pathlib import Path

import pytest

from vitrine.errors import SuggestionError
from vitrine.reconcile.authority import Columns, load_authority
from vitrine.reconcile.calibration import DEFAULT, Model, fit, window_of
from vitrine.reconcile.candidates import Query, candidates
from vitrine.reconcile.measure import read_labels
from vitrine.reconcile.names import fold, forward, key

HEADER = ("constituentid,ulanid,preferreddisplayname,forwarddisplayname,lastname,displaydate,"
          "artistofngaobject,beginyear,endyear,visualbrowsertimespan,nationality,visualbrowsernationality,"
          "constituenttype,wikidataid")
ROWS = [
    '1,500000001,"Painter, Anna",Anna Painter,Painter,"Dutch, 1580 - 1660",1,1580,1660,,Dutch,Dutch,'
    'individual,Q1',
    '2,,"Painter, Anne",Anne Painter,Painter,"American, 1900 - 1980",0,1900,1980,,American,American,'
    'individual,',
    '3,,"Engraver, Bruno",Bruno Engraver,Engraver,"Flemish, 1500 - 1570",1,1500,1570,,Flemish,Flemish,'
    'individual,',
    '4,,"Studio, Carl",Carl Studio,Studio,,1,,,,,,individual,',
]


@pytest.fixture
def authority_files(tmp_path: Path) -> tuple[Path, Path]:
    main = tmp_path / "constituents.csv"
    main.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    alt = tmp_path / "constituents_altnames.csv"
    alt.write_text("altnameid,constituentid,lastname,displayname,forwarddisplayname,nametype\n"
                   '9,1,Schilder,"Schilder, Anna",,Variant\n', encoding="utf-8")
    return main, alt


def test_names_fold_to_one_key() -> None:
    assert forward("Abbey, Edwin Austin") == "Edwin Austin Abbey"
    assert forward("Rubens, Peter Paul, Sir") == "Peter Paul Rubens"
    assert fold("Ménil, Dóra") == "menil dora"
    assert key("Soutine, Chaïm") == key("Chaim Soutine") == "chaim soutine"


def test_the_authority_file_reads_names_dates_and_other_identifiers(
        authority_files: tuple[Path, Path]) -> None:
    authority = load_authority(*authority_files[:1], altnames=authority_files[1])
    anna = authority.entities["1"]
    assert anna.names == ("Painter, Anna", "Anna Painter", "Schilder, Anna")
    assert (anna.birth, anna.death, anna.artist) == (1580, 1660, True)
    assert anna.same_as == ("http://vocab.getty.edu/ulan/500000001", "http://www.wikidata.org/entity/Q1")
    assert anna.uri == "https://www.nga.gov/collection/artist-info.1.html"
    found = candidates(authority, Query("Anna Schilder"))
    assert found[0].entity.id == "1"  # found by the alternative name


def test_bad_authority_files_are_refused_with_the_line(tmp_path: Path,
                                                       authority_files: tuple[Path, Path]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([HEADER, ROWS[0], ROWS[1].replace("1900", "nineteen hundred")]) + "\n")
    with pytest.raises(SuggestionError, match=r"bad.csv, line 3: the 'beginyear' column does not hold"):
        load_authority(bad)
    other = tmp_path / "people.csv"
    other.write_text("pid,label,born\nx1,Anna Painter,1580\n")
    with pytest.raises(SuggestionError, match=r"line 1: the header has no column 'constituentid'"):
        load_authority(other)
    mapped = Columns.from_mapping({"id": "pid", "name": "label", "birth": "born", "death": "",
                                   "other_names": [], "uri": "https://people.example/{id}"})
    assert load_authority(other, mapped).entities["x1"].uri == "https://people.example/x1"
    with pytest.raises(SuggestionError, match="unknown column option 'nom'"):
        Columns.from_mapping({"nom": "label"})
    with pytest.raises(SuggestionError, match="cannot read the authority file"):
        load_authority(tmp_path / "absent.csv")


def test_features_explain_the_score(authority_files: tuple[Path, Path]) -> None:
    authority = load_authority(authority_files[0])
    same = candidates(authority, Query("Painter, Anna", 1580, 1660))
    assert same[0].entity.id == "1" and same[0].match
    assert same[0].features["name_exact"] and same[0].features["birth_agrees"]
    assert same[0].score >= DEFAULT.accept_from
    wrong_dates = candidates(authority, Query("Anna Painter", 1900, 1980))
    assert wrong_dates[0].features["birth_conflicts"] or wrong_dates[0].entity.id == "2"
    assert max(c.score for c in wrong_dates if c.entity.id == "1") < same[0].score
    work = candidates(authority, Query("Bruno Engraver", year=1650))
    assert work[0].features["work_outside_life"] and not work[0].features["work_in_life"]
    assert candidates(authority, Query("Bruno Engraver", year=1540))[0].features["work_in_life"]
    assert candidates(authority, Query("   ")) == []


def test_the_window_follows_measured_precision() -> None:
    scored = [(0.99, True), (0.97, True), (0.9, True), (0.8, False), (0.6, True), (0.3, False), (0.1, False),
              (0.02, False)]
    accept_from, reject_below = window_of(scored, 0.95)
    assert accept_from == 0.95 or accept_from >= 0.9  # never below the model's own 0.95
    assert reject_below <= 0.05
    rows = [({"name_sort": 1.0, "name_exact": True, "birth_agrees": True}, True),
            ({"name_sort": 0.5}, False)] * 20 + [({"name_sort": 0.9}, True), ({"name_sort": 0.9}, False)]
    model = fit(rows, target=0.95)
    assert isinstance(model, Model) and model.weights["name_exact"] > 0
    assert model.reject_below <= model.accept_from
    with pytest.raises(ValueError, match="both right and wrong"):
        fit([({"name_sort": 1.0}, True)])


def test_labels_without_a_decision_are_refused(tmp_path: Path) -> None:
    labels = tmp_path / "labels.csv"
    labels.write_text("tate_id,name,dates,birth,death,birth_place,death_place,split,candidates,same,note\n"
                      "1,Anna,,1580,,,,tune,1,1,\n2,Bruno,,,,,,report,,,\n")
    with pytest.raises(SuggestionError, match=r"labels.csv, line 3: no decision"):
        read_labels(labels)


def test_calibrate_prints_the_model_and_both_splits(authority_files: tuple[Path, Path],
                                                    tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from vitrine.cli import cli

    labels = tmp_path / "labels.csv"
    rows = ["tate_id,name,dates,birth,death,birth_place,death_place,split,candidates,same,note"]
    for i in range(6):
        rows += [f"a{i},\"Painter, Anna\",,1580,1660,,,tune,1;2,1,",
                 f"b{i},Anne Painter,,1900,1980,,,tune,2;1,2,",
                 f"c{i},Bruno Engraver,,1500,1570,,,report,3,3,", f"d{i},Carla Nobody,,,,,,report,,none,"]
    labels.write_text("\n".join(rows) + "\n")
    result = CliRunner().invoke(cli, ["reconcile", "calibrate", str(labels), "--authority",
                                      str(authority_files[0]), "--altnames", str(authority_files[1])])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["model"]["weights"]["name_exact"] > 0 and printed["model"]["accept_from"] >= 0.95
    assert [f["split"] for f in printed["figures"]] == ["tune", "report"]
    assert printed["figures"][1]["with_truth"] == 6


@pytest.mark.shared
def test_the_hand_checked_report_split_keeps_its_figures(shared_dir: Path) -> None:
    """The figures docs/reconcile.md quotes, on the labels kept in the repository."""
    from vitrine.reconcile.measure import evaluate

    nga = shared_dir / "data" / "nga"
    authority = load_authority(nga / "constituents.csv", altnames=nga / "constituents_altnames.csv")
    repository = Path(__file__).resolve().parents[2]
    labels = read_labels(repository / "data" / "labels" / "reconcile" / "tate-nga.csv")
    assert len(labels) == 240
    figures = evaluate(authority, labels, DEFAULT, "report").figures()
    assert figures["precision_match"] == 1.0 and figures["recall_match"] == 0.906
    assert figures["share_window"] == 0.026
