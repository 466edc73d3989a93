"""The ask page and `POST /api/ask`: answers from the records, streamed as JSON lines, rate-limited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from ask.standin import ChatStandIn
from vitrine.settings import AskSettings
from vitrine.web import create_app
from web.conftest import make_settings


def _lines(response: Any) -> list[dict[str, Any]]:
    return [json.loads(line) for line in response.text.splitlines() if line.strip()]


def test_the_page_answers_without_javascript_with_cards_and_citations(client: TestClient) -> None:
    page = client.get("/ask")
    assert page.status_code == 200 and 'id="ask-form"' in page.text and "/static/ask.js" in page.text
    answered = client.get("/ask", params={"q": "study in colour by Anna Painter"})
    assert answered.status_code == 200
    assert 'class="cite" href="#work-1"' in answered.text and 'id="work-1"' in answered.text
    assert "/images/" in answered.text and "Composed from the records below" in answered.text
    refused = client.get("/ask", params={"q": "a spaceship"})
    assert "cannot answer" in refused.text and 'id="work-1"' not in refused.text


def test_the_api_streams_sources_then_the_answer_and_keeps_the_conversation(client: TestClient) -> None:
    response = client.post("/api/ask", json={"question": "works by Anna Painter"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    lines = _lines(response)
    assert [line["type"] for line in lines] == ["sources", "answer"]
    sources, answer = lines[0], lines[-1]["answer"]
    assert sources["conversation"] and sources["sources"][0]["thumbnail_url"].startswith("/images/")
    cited = {c["identifier"] for s in answer["statements"] for c in s["cites"]}
    assert cited and cited <= {w["identifier"] for w in answer["sources"]}
    follow = _lines(client.post("/api/ask", json={"question": "and before 1790?",
                                                  "conversation": sources["conversation"]}))
    assert follow[0]["conversation"] == sources["conversation"]
    years = [int(w["date"]) for w in follow[-1]["answer"]["sources"]]
    assert years and max(years) < 1790 and all(w["creators"] == ["Anna Painter"]
                                               for w in follow[-1]["answer"]["sources"])


def test_bad_questions_get_a_clear_error(client: TestClient) -> None:
    assert client.post("/api/ask", json={"question": ""}).status_code == 422
    assert client.post("/api/ask", json={"question": "x" * 501}).status_code == 422
    blank = client.post("/api/ask", json={"question": "   "})
    assert blank.status_code == 422 and "empty" in blank.json()["error"]["message"]


def test_questions_are_rate_limited_per_client(collection_path: Path) -> None:
    settings = make_settings(collection_path.parent)
    settings.ask = AskSettings(per_client_per_minute=1, global_per_minute=100)
    with TestClient(create_app(settings, collection_path)) as limited:
        assert limited.post("/api/ask", json={"question": "study"}).status_code == 200
        again = limited.post("/api/ask", json={"question": "study"})
        assert again.status_code == 429 and "too many questions" in again.json()["error"]["message"]


def test_with_a_model_configured_checked_sentences_stream_before_the_answer(collection_path: Path) -> None:
    with ChatStandIn() as standin:
        settings = make_settings(collection_path.parent)
        settings.ask = AskSettings(endpoint=standin.url, model="standin")
        with TestClient(create_app(settings, collection_path)) as app_client:
            lines = _lines(app_client.post("/api/ask", json={"question": "study in colour"}))
            unknown = _lines(app_client.post("/api/ask", json={"question": "study in colour??"}))
    assert [line["type"] for line in lines] == ["sources", "text", "text", "answer"]
    assert lines[-1]["answer"]["mode"] == "model"
    assert "retract" in [line["type"] for line in unknown] and unknown[-1]["answer"]["mode"] == "offline"
    assert "not retrieved" in unknown[-1]["answer"]["notes"][0]
