"""vitrine ask and vitrine bot run through the CLI."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import Result

Run = Callable[..., Result]


def test_ask_answers_from_the_records_and_refuses_the_rest(run: Run, demo_coll: str) -> None:
    answer = json.loads(run("ask", demo_coll, "img003", "--json").stdout)
    assert answer["mode"] == "offline" and not answer["refused"] and answer["cited"]
    assert all(s["cites"] for s in answer["statements"])
    plain = run("ask", demo_coll, "Quelles œuvres montrent un navire ?").stdout
    assert "Aucune notice" in plain
    assert "empty" in run("ask", demo_coll, "   ", expect=1).output


def test_bot_run_says_which_settings_it_needs(
        run: Run, demo_coll: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VITRINE_BOT__INSTANCE", raising=False)
    assert "VITRINE_BOT__INSTANCE" in run("bot", "run", demo_coll, "--polls", "1", expect=1).output
