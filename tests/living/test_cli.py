"""`vitrine living make|allow|list` share the use case; errors exit 1 with the library's message."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from vitrine.cli import cli


@pytest.mark.usefixtures("av_module")
def test_make_allow_and_list(fake_collection: Any) -> None:
    root = str(fake_collection.root)
    runner = CliRunner()
    made = runner.invoke(cli, ["living", "make", root, "r01", "--landmarks", "fake", "--no-speech",
                               "--size", "128"])
    assert made.exit_code == 0, made.output
    assert "r01: " in made.output and "-natural-v1.mp4" in made.output
    assert runner.invoke(cli, ["living", "allow", root, "r01"]).exit_code == 0
    listed = json.loads(runner.invoke(cli, ["living", "list", root, "--json"]).output)
    rows = [(p["identifier"], p["public"], p["made_by"].startswith("cli:")) for p in listed]
    assert rows == [("r01", True, True)]
    refused = runner.invoke(cli, ["living", "make", root])
    assert refused.exit_code == 2 and "--allowed" in refused.output
    missing = runner.invoke(cli, ["living", "make", root, "nope", "--landmarks", "fake"])
    assert missing.exit_code == 1 and "nope" in missing.output
