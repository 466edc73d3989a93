"""Ground truth: truth files read with errors naming the line; P/R/F1 per threshold; the CLI command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from vitrine.cli._common import App
from vitrine.cli.evaluate import evaluate as evaluate_command
from vitrine.collection import Collection
from vitrine.errors import SuggestionError
from vitrine.settings import load_settings
from vitrine.suggestions.evaluate import evaluate, read_truth
from vitrine.suggestions.prcurve import plot_curve
from vitrine.suggestions.run import run_agent

# What the date agent proposes on the `dated` records (conftest.py), with its score: r00 1950 (0.99),
# r08 1846 (0.99), r07 1950 (0.98), r09 1950-1959 (0.95), r06 1780-1783 (0.7); see test_date_agent.py.
TRUTH = """identifier,kind,label,earliest,latest,note
r00,date,,1950,1950,
r06,date,,1780,1785,Tate's early 1780s
r07,date,,1950,1950,
r08,date,,1846,1847,the exhibition year too
r11,date,,1875,1875,never proposed: the catalogue has it
r04,date,,,,no date
zz99,date,,1900,1900,not in the catalogue
r01,tag,storm,,,not a kind the date agent makes
"""


@pytest.fixture
def proposed(dated: Collection) -> Collection:
    """The `dated` records with the date agent's suggestions stored."""
    run_agent(dated, "dates")
    return dated


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_precision_recall_and_f1_at_each_threshold_as_worked_by_hand(proposed: Collection,
                                                                     tmp_path: Path) -> None:
    result = evaluate(proposed.catalog, "dates", _write(tmp_path / "truth.csv", TRUTH))
    assert (result.rows, result.positives, result.judged, result.unjudged) == (8, 5, 4, 1)  # r09 unjudged
    assert result.unknown == ["zz99"] and result.other_kinds == 1
    got = [(p.threshold, p.answered, p.right, p.wrong, p.missed) for p in result.points]
    assert got == [(0.99, 2, 1, 1, 4), (0.98, 3, 2, 1, 3), (0.7, 4, 2, 2, 3)]
    # t=0.99: P 1/2, R 1/5; t=0.98: P 2/3, R 2/5, F1 = 2(2/3)(2/5)/(2/3+2/5) = 1/2; t=0.7: P 1/2, R 2/5
    assert [round(p.precision or 0, 4) for p in result.points] == [0.5, 0.6667, 0.5]
    assert [p.recall for p in result.points] == [0.2, 0.4, 0.4]
    assert [round(p.f1 or 0, 4) for p in result.points] == [0.2857, 0.5, 0.4444]
    assert result.best is result.points[1]
    assert result.average_precision == pytest.approx(0.2 * 0.5 + 0.2 * 2 / 3)
    assert "<- best F1" in result.table()


def test_average_precision_agrees_with_scikit_learn_when_every_answer_is_proposed(
        proposed: Collection, tmp_path: Path) -> None:
    from sklearn.metrics import average_precision_score

    truth = "identifier,kind,earliest,latest\nr00,date,1950,1950\nr08,date,1846,1846\nr07,date,,\n" \
            "r09,date,1950,1959\nr06,date,,\n"
    result = evaluate(proposed.catalog, "dates", _write(tmp_path / "t.csv", truth))
    assert result.positives == 3 and result.points[-1].missed == 0
    expected = average_precision_score([1, 1, 0, 1, 0], [0.99, 0.99, 0.98, 0.95, 0.7])
    assert result.average_precision == pytest.approx(expected)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("a.csv", "identifier,kind,label\nr00,tag,ship\nr01,tags,ship\n", "line 3: unknown kind 'tags'"),
    ("b.csv", "identifier,kind,earliest,latest\nr00,date,1950,1950\n\nr01,date,1950,\n",
     "line 4: give both 'earliest' and 'latest'"),
    ("c.csv", "identifier,kind,earliest,latest\nr00,date,1960,1950\n",
     r"line 2: 'earliest' \(1960\) is after"),
    ("d.csv", "identifier,kind,earliest,latest\nr00,date,c.1950,1950\n", "line 2: 'earliest' must be a year"),
    ("e.csv", "identifier,kind,colour\n", "line 1: unknown column 'colour'"),
    ("f.csv", "identifier,label\nr00,x\n", "line 1: the header lacks 'kind'"),
    ("g.csv", "identifier,kind,label\nr00,tag,ship,extra\n", "line 2: more values than columns"),
    ("h.csv", "identifier,kind,label\n,tag,ship\n", "line 2: 'identifier' is empty"),
    ("i.csv", "identifier,kind,label,earliest\nr00,tag,ship,1950\n",
     "line 2: 'earliest' and 'latest' go with"),
    ("j.jsonl", '{"identifier": "r00", "kind": "tag", "label": "ship"}\n{"identifier": "r01", "kind": \n',
     "line 2: not JSON"),
    ("k.jsonl", '{"identifier": "r00", "kind": "date", "earliest": 1950, "latest": 1950}\n\n[1, 2]\n',
     "line 3: a row is a JSON object"),
    ("l.jsonl", '{"identifier": "r00", "kind": "date", "earliest": true, "latest": 1950}\n',
     "line 1: 'earliest' must be a year"),
    ("m.csv", "identifier,kind,label\n", "no answers in the truth file"),
])
def test_a_bad_truth_file_is_refused_naming_the_line(tmp_path: Path, name: str, text: str,
                                                     message: str) -> None:
    with pytest.raises(SuggestionError, match=message):
        read_truth(_write(tmp_path / name, text))


def test_json_lines_truth_reads_like_csv(tmp_path: Path) -> None:
    rows = [{"identifier": "r00", "kind": "date", "earliest": 1950, "latest": 1950},
            {"identifier": "r01", "kind": "tag", "label": "Ship", "note": "any case"},
            {"identifier": "r02", "kind": "tag", "label": ""}]
    truth = read_truth(_write(tmp_path / "t.jsonl", "\n".join(json.dumps(r) for r in rows)))
    assert truth.answers == {("r00", "date"): {(1950, 1950)}, ("r01", "tag"): {"ship"}, ("r02", "tag"): set()}


def test_an_agent_that_made_nothing_here_is_named(proposed: Collection, tmp_path: Path) -> None:
    with pytest.raises(SuggestionError, match=r"no suggestions from an agent named 'faces'.*dates"):
        evaluate(proposed.catalog, "faces", _write(tmp_path / "t.csv", TRUTH))


def test_the_curve_is_drawn_as_a_png(proposed: Collection, tmp_path: Path) -> None:
    result = evaluate(proposed.catalog, "dates", _write(tmp_path / "truth.csv", TRUTH))
    out = plot_curve(result, tmp_path / "pr.png")
    with Image.open(out) as image:
        assert image.format == "PNG" and image.size == (720, 560)
        colours = {c for _, c in image.convert("RGB").getcolors(100_000) or []}
    assert (31, 94, 168) in colours  # the curve's blue


def test_the_cli_command_prints_the_table_writes_the_plot_and_json(proposed: Collection,
                                                                   tmp_path: Path) -> None:
    truth = _write(tmp_path / "truth.csv", TRUTH)
    app = App(load_settings(data_dir=tmp_path), tmp_path)
    runner = CliRunner()
    args = [str(proposed.root), "dates", "--truth", str(truth), "--plot", str(tmp_path / "pr.png")]
    result = runner.invoke(evaluate_command, args, obj=app, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "0.9800" in result.output and "<- best F1" in result.output and "average precision 0.233" in \
        result.output
    assert (tmp_path / "pr.png").is_file()
    as_json = runner.invoke(evaluate_command, [*args[:4], "--json"], obj=app, catch_exceptions=False)
    data = json.loads(as_json.output)
    assert data["best"]["threshold"] == 0.98 and data["unknown_identifiers"] == ["zz99"]
    bad = _write(tmp_path / "bad.csv", "identifier,kind\nr00,nope\n")
    failed = runner.invoke(evaluate_command, [str(proposed.root), "dates", "--truth", str(bad)], obj=app)
    assert isinstance(failed.exception, SuggestionError) and "line 2: unknown kind" in str(failed.exception)
