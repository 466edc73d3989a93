"""A local HTTP server for tests: it stands in for remote IIIF hosts, museum APIs and image servers.

    server = LocalHTTPServer(routes={"/a.json": (200, "application/json", b"{}")}, directory=folder)
    with server:
        fetch_bytes(server.url("/a.json"), options=LOOPBACK)

A route's value is a `Response`, a list of them (answered in turn, the last one repeated: handy for
"503, then 200"), or a function `(path, query) -> Response` for answers that depend on the query.
A `Response` is `(status, content_type, body)` or `(status, content_type, body, headers)`; a `str`
or dict/list body is encoded (dicts and lists as JSON). Paths not in `routes` are served from
`directory` when given (never outside it), else 404. `requests` lists every path+query asked for.
The `http_server` fixture (registered in tests/conftest.py) starts servers and stops them after the test.
vitrine refuses loopback addresses unless told otherwise: pass `LOOPBACK` (fetch options allowing
127.0.0.0/8) wherever a source, a fetch or indexing reaches this server, or set
VITRINE_FETCH__ALLOW_NETWORKS for the CLI (`LOOPBACK_ENV`).
"""

from __future__ import annotations

import json
import mimetypes
import threading
from collections.abc import Callable, Iterator, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from vitrine.fetch import FetchOptions
from vitrine.netguard import NetworkPolicy

LOOPBACK = FetchOptions(network=NetworkPolicy.from_lists(networks=["127.0.0.0/8"]))
"""Fetch options that let vitrine reach this server (and nothing else that is not public)."""
LOOPBACK_ENV = ("VITRINE_FETCH__ALLOW_NETWORKS", '["127.0.0.0/8"]')
"""The setting that does the same for the CLI: `monkeypatch.setenv(*LOOPBACK_ENV)`."""

Response = tuple[Any, ...]
Handler = Callable[[str, dict[str, list[str]]], Response]
Route = Response | list[Response] | Handler


class LocalHTTPServer:
    """An HTTP server on 127.0.0.1 (a free port), answering from `routes` and `directory`."""

    def __init__(
        self, routes: Mapping[str, Route] | None = None, directory: Path | str | None = None,
    ) -> None:
        self.routes: dict[str, Route] = dict(routes or {})
        self.directory = Path(directory).resolve() if directory is not None else None
        self.requests: list[str] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the server is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str = "/") -> str:
        """The absolute URL of `path` on this server."""
        return self.base_url + ("" if path.startswith("/") else "/") + path

    def add(self, path: str, body: Any, status: int = 200, content_type: str = "application/json",
            headers: dict[str, str] | None = None) -> None:
        """Serve `body` at `path` (dicts and lists as JSON)."""
        self.routes[path] = (status, content_type, body, headers or {})

    def start(self) -> LocalHTTPServer:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LocalHTTPServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def respond(self, raw_path: str) -> tuple[int, str, bytes, dict[str, str]]:
        """The answer to a GET of `raw_path` (path and query)."""
        with self._lock:
            self.requests.append(raw_path)
            parts = urlsplit(raw_path)
            route = self.routes.get(raw_path, self.routes.get(parts.path))
            if isinstance(route, list):
                route = route.pop(0) if len(route) > 1 else route[0]
        # a function runs outside the lock, so a slow answer does not hold up the other requests
        answer = route(parts.path, parse_qs(parts.query)) if callable(route) else route
        if answer is None:
            return self._from_directory(parts.path)
        return _normalise(answer)

    def _from_directory(self, path: str) -> tuple[int, str, bytes, dict[str, str]]:
        if self.directory is None:
            return 404, "text/plain", b"not found", {}
        target = (self.directory / unquote(path).lstrip("/")).resolve()
        if not target.is_relative_to(self.directory) or not target.is_file():
            return 404, "text/plain", b"not found", {}
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return 200, content_type, target.read_bytes(), {}


def _normalise(answer: Response) -> tuple[int, str, bytes, dict[str, str]]:
    status, content_type, body = answer[:3]
    headers = dict(answer[3]) if len(answer) > 3 else {}
    if isinstance(body, dict | list):
        body = json.dumps(body).encode()
    elif isinstance(body, str):
        body = body.encode()
    return int(status), str(content_type), bytes(body), headers


def _make_handler(server: LocalHTTPServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            status, content_type, body, headers = server.respond(self.path)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # silence the default stderr log
            pass

    return _Handler


@pytest.fixture
def http_server() -> Iterator[Callable[..., LocalHTTPServer]]:
    """A factory of started local servers: `http_server(routes=..., directory=...)`."""
    servers: list[LocalHTTPServer] = []

    def start(
        routes: Mapping[str, Route] | None = None, directory: Path | str | None = None,
    ) -> LocalHTTPServer:
        server = LocalHTTPServer(routes, directory).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


class StandIn:
    """A stand-in remote service on a loopback port, served from a thread while in a `with` block.
    Subclasses give the request handler (`_handler`) and the path their API lives under (`prefix`)."""

    prefix = ""

    def _serve(self) -> None:
        """Call at the end of the subclass's __init__, once `_handler` can be built."""
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}{self.prefix}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError
