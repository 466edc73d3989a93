"""Production mode refuses unsafe starts; admins read and export the audit trail."""

from __future__ import annotations

import csv
import io
import json
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi import FastAPI
from fastapi.testclient import TestClient

from vitrine import accounts
from vitrine.cli import cli
from vitrine.collection import create_collection
from vitrine.errors import UnsafeSettings
from vitrine.web import create_app
from web.conftest import make_settings
from web.staff import PASSWORD, staff_client

SECRET = "a-long-random-secret-for-tests-only"


def test_production_refuses_debug_and_the_default_secret(tmp_path: Path) -> None:
    with pytest.raises(UnsafeSettings, match="VITRINE_WEB__DEBUG"):
        create_app(make_settings(tmp_path, production=True, secret_key=SECRET, debug=True), tmp_path)
    with pytest.raises(UnsafeSettings, match="secret key"):
        create_app(make_settings(tmp_path, production=True), tmp_path)


def test_production_refuses_a_collection_without_an_enabled_admin(tmp_path: Path) -> None:
    create_collection(tmp_path / "c", embedder="fake", index="memory", title="T").close()
    app = create_app(make_settings(tmp_path, production=True, secret_key=SECRET), tmp_path / "c")
    with pytest.raises(UnsafeSettings, match="vitrine user add c ACCOUNT --role admin --password-stdin"):
        TestClient(app).__enter__()
    with TestClient(create_app(make_settings(tmp_path), tmp_path / "c")) as development:
        catalog = development.app.state.collection.catalog  # type: ignore[attr-defined]
        accounts.add_user(catalog, "root", "admin", PASSWORD, actor="tests")
    with TestClient(app) as production:
        assert production.get("/").status_code == 200


@pytest.mark.parametrize("where", ["in the data folder", "elsewhere, with a space"])
def test_the_refusal_names_a_command_that_works_as_pasted(tmp_path: Path, where: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    root = data / "art" if where == "in the data folder" else tmp_path / "my art"
    create_collection(root, embedder="fake", index="memory", title="T").close()
    app = create_app(make_settings(data, production=True, secret_key=SECRET), root)
    with pytest.raises(UnsafeSettings) as refused:
        TestClient(app).__enter__()
    command = str(refused.value).split("create one with '")[1].rsplit("'", 1)[0]
    assert shlex.split(command)[:3] == ["vitrine", "user", "add"]
    # the operator pastes it, naming the account: the collection it names is the one served
    monkeypatch.setenv("LOGNAME", "operator")
    args = [a if a != "ACCOUNT" else "root" for a in shlex.split(command)[1:]]
    result = CliRunner().invoke(cli, ["--data-dir", str(data), *args], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    with TestClient(app) as production:
        assert production.get("/").status_code == 200


def test_admins_read_filter_and_export_the_audit_trail(app: FastAPI, client: TestClient) -> None:
    admin, researcher = staff_client(app, "admin"), staff_client(app, "researcher")
    researcher.post("/api/sets", json={"name": "audited", "identifiers": ["w04"]})
    researcher.delete("/api/sets/audited")
    assert researcher.get("/admin/audit").status_code == 403
    assert client.get("/admin/audit.csv").status_code == 401
    page = admin.get("/admin/audit", params={"actor": "test-researcher", "action": "set."})
    assert page.status_code == 200 and 'id="audit-table"' in page.text
    assert "set.create" in page.text and "set.delete" in page.text and ">login<" not in page.text
    rows = list(csv.DictReader(io.StringIO(admin.get("/admin/audit.csv", params={"action": "set."}).text)))
    assert [r["action"] for r in rows if r["object"] == "audited"][-2:] == ["set.create", "set.delete"]
    lines = admin.get("/admin/audit.jsonl", params={"actor": "test-researcher"}).text.splitlines()
    entries = [json.loads(line) for line in lines]
    assert entries and all(e["actor"] == "test-researcher" for e in entries)
    created = next(e for e in entries if e["action"] == "set.create" and e["object"] == "audited")
    assert created["after"]["owner"] == "test-researcher" and created["before"] is None


def test_a_formula_in_a_tried_name_is_defused_in_the_csv(app: FastAPI, client: TestClient) -> None:
    accounts.login_failed(app.state.collection.catalog, "=HYPERLINK(\"x\")", address="10.0.0.1")
    table = staff_client(app, "admin").get("/admin/audit.csv", params={"action": "login.failed"}).text
    assert "'=HYPERLINK" in table and ",=HYPERLINK" not in table
