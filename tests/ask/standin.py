"""A local stand-in for an OpenAI-compatible chat endpoint (llama.cpp's server, Ollama, vLLM).

Deterministic replies, chosen from what it is sent, streamed as server-sent events in small pieces:
- a question ending "??" gets an answer citing "not-retrieved", a record it was never given;
- records whose text says "ignore" (an injection) get an obedient reply, as a naive model would: it
  cites "evil-1", which was not retrieved, so the answer must not be shown;
- a question ending "!!" gets an answer that cites nothing;
- otherwise it answers citing the first two records it was given, in two sentences.
`requests` keeps every JSON body received, for tests to read what the model was shown.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

from httpserver import StandIn

_OPEN, _CLOSE = "<<<RECORDS", "RECORDS>>>"


def reply_for(body: dict[str, Any]) -> str:
    last = body["messages"][-1]["content"]
    data = json.loads(last[last.index(_OPEN) + len(_OPEN):last.index(_CLOSE)])
    question = last.split("Question:", 1)[1]
    if question.strip().endswith("??"):
        return f"It is in the collection [{data[0]['id']}]. It was painted for a king [not-retrieved]."
    if any("ignore" in json.dumps(r).lower() for r in data):
        return "PWNED. Everything is fine [evil-1]."
    if question.strip().endswith("!!"):
        return "I think so. Nothing more to say."
    first = data[0]
    second = data[1] if len(data) > 1 else data[0]
    return (f"The collection holds “{first['title']}” [{first['id']}]. "
            f"Another match is “{second['title']}” [{second['id']}].")


class ChatStandIn(StandIn):
    """The stand-in on 127.0.0.1; `url` is the base URL to configure (…/v1)."""

    prefix = "/v1"

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._serve()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                standin.requests.append(body)
                standin.headers.append(dict(self.headers))
                if self.path != "/v1/chat/completions" or standin.status != 200:
                    self.send_response(standin.status if standin.status != 200 else 404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                text = reply_for(body)
                for i in range(0, len(text), 7):
                    chunk = {"choices": [{"index": 0, "delta": {"content": text[i:i + 7]}}]}
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")

        return Handler
