"""A local stand-in for a W3C reconciliation service, for tests and the benchmark (no network).

It answers the manifest (GET), and query batches (GET `?queries=` or POST form `queries=`) from a
local `Authority`, or misbehaves as told: `plan` lists what the next requests get, one word each
("ok", "slow", "down" = 503, "busy" = 429 with Retry-After, "nonsense" = an HTML page,
"evil" = candidates with unsafe ids, markup in names, file paths); once it is empty, "ok".
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from vitrine.reconcile.authority import Authority
from vitrine.reconcile.candidates import Query, candidates


class StandIn:
    """A reconciliation service on 127.0.0.1 (a free port)."""

    def __init__(self, authority: Authority, plan: list[str] | None = None, delay: float = 0.0,
                 batch_size: int = 50) -> None:
        self.authority = authority
        self.plan = list(plan or [])
        self.delay = delay
        self.batch_size = batch_size
        self.batches: list[int] = []  # the size of each batch answered (or refused)
        self.requests = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/reconcile"

    def __enter__(self) -> StandIn:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def __exit__(self, *_: object) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def next_move(self) -> str:
        with self._lock:
            self.requests += 1
            return self.plan.pop(0) if self.plan else "ok"

    def answer(self, queries: str | None) -> tuple[int, str, bytes, dict[str, str]]:
        move = self.next_move()
        if move == "slow":
            time.sleep(self.delay)
        if move == "down":
            return 503, "text/plain", b"down for maintenance", {}
        if move == "busy":
            return 429, "text/plain", b"slow down", {"Retry-After": "0"}
        if move == "nonsense":
            return 200, "text/html", b"<html><body>It works!</body></html>", {}
        if queries is None:
            return 200, "application/json", json.dumps(self.manifest()).encode(), {}
        batch = json.loads(queries)
        with self._lock:
            self.batches.append(len(batch))
        out = {k: {"result": self.results(q, evil=move == "evil")} for k, q in batch.items()}
        return 200, "application/json", json.dumps(out).encode(), {}

    def manifest(self) -> dict[str, Any]:
        return {"versions": ["0.2"], "name": "stand-in authority", "batchSize": self.batch_size,
                "identifierSpace": "https://authority.example/entity/",
                "schemaSpace": "https://authority.example/schema/", "defaultTypes": []}

    def results(self, query: dict[str, Any], evil: bool = False) -> list[dict[str, Any]]:
        if evil:
            return [{"id": "../../etc/passwd", "name": "Root", "score": 99, "match": True},
                    {"id": "Q42", "name": "<script>alert(1)</script>Anna <b>Painter</b>",
                     "description": "/etc/passwd <img src=x onerror=alert(1)>", "score": 88, "match": False,
                     "type": [{"id": "Q5", "name": "<i>human</i>"}]},
                    {"id": "file:/etc/hosts", "name": "Hosts", "score": 50}]
        limit = int(query.get("limit", 3))
        found = candidates(self.authority, Query(str(query.get("query", ""))), limit=limit)
        return [{"id": c.entity.id, "name": c.entity.name, "score": round(c.score * 100, 2), "match": c.match,
                 "type": [{"id": "person", "name": "Person"}],
                 "features": [{"id": k, "value": v} for k, v in c.features.items()]} for c in found]


def _handler(standin: StandIn) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            given = parse_qs(urlsplit(self.path).query).get("queries")
            self._send(*standin.answer(given[0] if given else None))

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            given = parse_qs(self.rfile.read(length).decode()).get("queries")
            self._send(*standin.answer(given[0] if given else None))

        def _send(self, status: int, content_type: str, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return _Handler
