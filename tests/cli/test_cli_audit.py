"""`vitrine audit list|export`: the audit trail read back, filtered, and exported as CSV or JSON Lines."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path

import pytest

from vitrine import accounts
from vitrine.catalog import Catalog
from vitrine.catalog.audit import AuditEntry
from vitrine.collection import open_collection
from vitrine.errors import VitrineError
from vitrine.exports.audit import AuditFilter, export_audit

from .conftest import PASSWORD, Run

#: three days of staff actions, at local times (the command line reads dates in local time)
DAYS = [datetime(2024, 4, 30, 12, 0), datetime(2024, 5, 1, 9, 30), datetime(2024, 5, 2, 18, 15)]


@pytest.fixture
def trail(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> Catalog:
    """Accounts made and changed on three days, by the shell and by an admin, with a nested edit."""
    steps = [
        lambda: accounts.add_user(catalog, "ada", "admin", PASSWORD, actor="cli:curator"),
        lambda: accounts.add_user(catalog, "eve", "editor", PASSWORD, actor="ada"),
        lambda: accounts.set_role(catalog, "eve", "moderator", actor="ada"),
    ]
    for when, step in zip(DAYS, steps, strict=True):
        with monkeypatch.context() as patch:
            patch.setattr("vitrine.catalog.audit.time.time", lambda when=when: when.timestamp())
            step()
    with catalog.transaction():  # an edit whose object and values need quoting in CSV
        catalog.audit.record("ada", "record.edit", 'w07, "the storm"', before={"title": "Storm, a"},
                             after={"title": "Storm\nat sea", "tags": ["sea", "ship"]}, address="10.0.0.9")
    return catalog


def test_list_shows_the_latest_rows_newest_first(run: Run, trail: Catalog) -> None:
    lines = run("audit", "list", "art").stdout.splitlines()
    assert lines[0].split() == ["when", "actor", "action", "object", "change"]
    assert [line.split()[3] for line in lines[1:]] == ["record.edit", "user.set_role", "user.add", "user.add"]
    assert lines[2].startswith("2024-05-02 18:15:00")
    assert '{"role": "editor"} -> {"role": "moderator"}' in lines[2]
    assert '{"role": "admin"}' in lines[4] and "cli:curator" in lines[4]
    assert len(run("audit", "list", "art", "--limit", "2").stdout.splitlines()) == 3


@pytest.mark.parametrize(("options", "expected"), [
    (("--actor", "ada"), [4, 3, 2]),
    (("--actor", "cli:curator"), [1]),
    (("--action", "user."), [3, 2, 1]),
    (("--action", "user.set"), [3]),
    (("--action", "user%"), []),  # a prefix, not a pattern
    (("--since", "2024-05-01"), [4, 3, 2]),
    (("--since", "2024-05-01", "--until", "2024-05-01"), [2]),  # a bare --until date: to its end
    (("--until", "2024-05-01T09:30"), [1]),  # a date-time: exclusive
    (("--since", "2024-05-01T09:30:00", "--until", "2024-05-02T18:15:01", "--action", "user"), [3, 2]),
])
def test_list_filters_by_actor_action_and_time(run: Run, trail: Catalog, options: tuple[str, ...],
                                               expected: list[int]) -> None:
    rows = json.loads(run("audit", "list", "art", "--json", *options).stdout)
    assert [row["id"] for row in rows] == expected


def test_a_malformed_date_is_a_usage_error(run: Run, trail: Catalog) -> None:
    result = run("audit", "list", "art", "--since", "yesterday", expect=2)
    assert "'yesterday' is not an ISO date" in result.stderr and "--since" in result.stderr
    assert "No audit rows match." in run("audit", "list", "art", "--actor", "nobody").stdout


def test_the_jsonl_export_parses_back_to_the_rows(run: Run, trail: Catalog) -> None:
    text = run("audit", "export", "art", "--format", "jsonl").stdout
    parsed = [json.loads(line) for line in text.splitlines()]
    assert_same_rows(parsed, list(trail.audit.iter_all()))
    assert parsed[3]["after"] == {"title": "Storm\nat sea", "tags": ["sea", "ship"]}
    assert parsed[0]["before"] is None and parsed[0]["at"].endswith("+00:00")


def test_the_csv_export_parses_back_to_the_rows(run: Run, trail: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "audit.csv"
    result = run("audit", "export", "art", "--format", "csv", "--out", str(out))
    assert result.stdout == "" and f"exported 4 audit rows to {out}" in result.stderr
    with out.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == ["id", "at", "actor", "action", "object", "before", "after", "address"]
        parsed = [{**row, "id": int(row["id"]), "before": json.loads(row["before"] or "null"),
                   "after": json.loads(row["after"] or "null")} for row in reader]
    assert_same_rows(parsed, list(trail.audit.iter_all()))
    assert parsed[3]["object"] == 'w07, "the storm"' and parsed[3]["address"] == "10.0.0.9"


def test_the_export_takes_the_filters_and_leaves_no_file_when_it_fails(run: Run, trail: Catalog,
                                                                       tmp_path: Path) -> None:
    text = run("audit", "export", "art", "--action", "user.", "--since", "2024-05-01").stdout
    assert [json.loads(line)["id"] for line in text.splitlines()] == [2, 3]
    out = tmp_path / "audit.jsonl"
    run("audit", "export", "nowhere", "--out", str(out), expect=1)
    assert not out.exists()


def test_the_export_streams_every_row_oldest_first(catalog: Catalog, art: str, data_dir: Path) -> None:
    with catalog.transaction():
        for i in range(1234):  # more than two of iter_all's pages
            catalog.audit.record("ada", "record.edit", f"w{i}", after={"n": i})
    with open_collection(data_dir / art) as collection:
        out = io.StringIO()
        assert export_audit(collection, "jsonl", out) == 1234
        ids = [json.loads(line)["id"] for line in out.getvalue().splitlines()]
        assert ids == list(range(1, 1235))
        out = io.StringIO()
        assert export_audit(collection, "csv", out, AuditFilter(actor="nobody")) == 0
        assert out.getvalue().strip() == "id,at,actor,action,object,before,after,address"
        with pytest.raises(VitrineError, match="unknown export format 'xml'"):
            export_audit(collection, "xml", io.StringIO())


def assert_same_rows(parsed: list[dict[str, object]], entries: list[AuditEntry]) -> None:
    assert len(parsed) == len(entries) > 0
    for row, entry in zip(parsed, entries, strict=True):
        at = datetime.fromisoformat(str(row["at"])).timestamp()
        assert abs(at - entry.at) < 1e-6
        assert {k: v for k, v in row.items() if k != "at"} == {
            k: v for k, v in entry.to_dict().items() if k != "at"}
