"""The hostile suite's fixtures: one small indexed collection served by a real uvicorn server, the
real `vitrine` CLI run as a subprocess, and a slow loopback image source to interrupt writers with.

Everything an attack touches goes over a socket or through a process boundary, as it would for an
attacker or an operator: nothing here calls a route function or a CLI command in-process.
"""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

import vitrine
from artworks import textured
from conftest import draw_image, sample_records
from httpserver import LOOPBACK_ENV, LocalHTTPServer
from vitrine.collection import create_collection
from vitrine.indexing import index_collection
from vitrine.records import ImageRef, Record
from vitrine.regions.search import index_regions
from vitrine.settings import Settings, WebSettings
from vitrine.web import create_app
from vitrine.web.background import serving

NAME = "museum"
XSS_TITLE = "<script>alert(1)</script>"
#: the files of `imagegen.hostile_files` no decoder may accept, and the odd ones it must handle
UNREADABLE = ["bomb_header.png", "bomb_real.png", "huge_header.jpg", "truncated.jpg", "text.jpg",
              "empty.jpg", "zero.png"]
ODD_BUT_VALID = ["cmyk.tif", "gray16.png", "animated.gif", "palette_alpha.png", "rgba.png",
                 "exif_rotated.jpg"]
MAX_UPLOAD = 1_000_000  # small, so an oversized body is cheap to send
_CLI = "import sys; from vitrine.cli import main; sys.argv[0] = 'vitrine'; main()"
_SRC = str(Path(vitrine.__file__).resolve().parents[1])


def web_settings(data_dir: Path, **web: Any) -> Settings:
    """Settings as an operator would start the server with (no rate limit unless asked)."""
    options: dict[str, Any] = {"rate_limit_per_minute": 0, "max_upload_bytes": MAX_UPLOAD, **web}
    return Settings(data_dir=data_dir, web=WebSettings(**options))


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile") / "data"


@pytest.fixture(scope="session")
def collection_path(data_dir: Path) -> Path:
    """Eight sample works, a textured one, and one whose title and creator are script; indexed
    (fake embedder) with local features too, so region search and recognition decode uploads."""
    root = data_dir / NAME
    pictures = data_dir.parent / "pictures"
    with create_collection(root, embedder="fake", index="faiss", title="Hostile Museum") as collection:
        for record in sample_records(pictures, n=8):
            collection.catalog.upsert(record)
        # two textured works: the 64-pixel samples alone are too plain to train a local vocabulary
        for identifier, seed, title in (("t01", 1, "Textured study"), ("xss", 2, XSS_TITLE)):
            textured(seed).save(pictures / f"{identifier}.png")
            collection.catalog.upsert(Record(
                identifier=identifier, title=title, creators=['"><img src=x onerror=alert(2)>'],
                source="test", images=[ImageRef(location=str(pictures / f"{identifier}.png"))]))
        index_collection(collection, workers=1)
        index_regions(collection, workers=1)
    return root


@pytest.fixture(scope="session")
def served_app(collection_path: Path) -> FastAPI:
    return create_app(web_settings(collection_path.parent), collection_path)


@pytest.fixture(scope="session")
def server(served_app: FastAPI) -> Iterator[str]:
    """The collection under a real uvicorn server; its base URL."""
    with serving(served_app) as url:
        yield url


@pytest.fixture(scope="session")
def staff_http(served_app: FastAPI, server: str) -> Iterator[httpx.Client]:
    """A client of the live server acting as a researcher through an API token (saved sets need one)."""
    from vitrine import accounts

    catalog = served_app.state.collection.catalog
    accounts.add_user(catalog, "hostile-researcher", "researcher", "a long enough password", actor="tests")
    secret = accounts.create_token(catalog, "hostile-researcher", "edit", actor="tests")
    with httpx.Client(base_url=server, timeout=30, headers={"Authorization": f"Bearer {secret}"}) as client:
        yield client


@pytest.fixture(scope="session")
def editor_http(served_app: FastAPI, server: str) -> Iterator[tuple[httpx.Client, str]]:
    """A client of the live server signed in as an editor (a browser session's cookie), and that
    session's CSRF token, which the client does not send by itself: each test sends it the way the
    pages do (a form field, or the header of a fetch)."""
    from vitrine import accounts
    from vitrine.web.auth import SESSION_COOKIE, cookie_value

    catalog = served_app.state.collection.catalog
    user = accounts.add_user(catalog, "hostile-editor", "editor", "a long enough password", actor="tests")
    session = accounts.start_session(catalog, user.id)
    cookies = {SESSION_COOKIE: cookie_value(served_app.state.settings, session.id)}
    with httpx.Client(base_url=server, timeout=30, cookies=cookies) as client:
        assert client.get("/api/sets").status_code == 200  # signed in: anonymous visitors keep no sets
        yield client, session.csrf


@pytest.fixture(scope="session")
def http(server: str) -> Iterator[httpx.Client]:
    """An HTTP client of the live server (no redirects followed: a 303 is an answer too)."""
    with httpx.Client(base_url=server, timeout=30) as client:
        yield client


def png(seed: int, size: int = 64) -> bytes:
    """The bytes of a seeded PNG picture."""
    out = io.BytesIO()
    draw_image(seed, size).save(out, "PNG")
    return out.getvalue()


def files_under(folder: Path) -> set[str]:
    """Every path under `folder`, relative to it (what a request must not have added)."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*")} if folder.exists() else set()


# -- the CLI as a subprocess -----------------------------------------------------------------------


@dataclass
class Cli:
    """`vitrine --data-dir <data_dir> ...` as a separate process, with a clean VITRINE_ environment."""

    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    def environment(self, **extra: str) -> dict[str, str]:
        # the operator's environment must not leak into the probe: only what a test sets counts
        env = {k: v for k, v in os.environ.items() if not k.startswith("VITRINE_")}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, (_SRC, env.get("PYTHONPATH"))))
        return {**env, **self.env, **extra}

    def allowing_loopback(self) -> Cli:
        """The same CLI told it may reach 127.0.0.0/8, where a loopback server stands in for a museum."""
        return Cli(self.data_dir, {**self.env, LOOPBACK_ENV[0]: LOOPBACK_ENV[1]})

    def start(self, *args: str, **env: str) -> subprocess.Popen[str]:
        """Start a command; its own process group, so a kill -9 takes its workers too."""
        return subprocess.Popen(
            [sys.executable, "-c", _CLI, "--data-dir", str(self.data_dir), *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.environment(**env),
            start_new_session=True)

    def __call__(self, *args: str, expect: int = 0, **env: str) -> subprocess.CompletedProcess[str]:
        """Run a command to its end; it must exit with `expect` and never show a traceback."""
        return finish(self.start(*args, **env), expect)


def finish(process: subprocess.Popen[str], expect: int = 0) -> subprocess.CompletedProcess[str]:
    """Wait for a started command; it must exit with `expect` and never show a traceback."""
    out, err = process.communicate(timeout=120)
    result = subprocess.CompletedProcess(process.args, process.returncode, out, err)
    assert result.returncode == expect, f"exit {result.returncode}\n{out}\n{err}"
    assert "Traceback" not in out + err, out + err
    return result


def kill_9(process: subprocess.Popen[str]) -> None:
    """SIGKILL the process and its workers, the way an operator or the OOM killer would."""
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=30)


@pytest.fixture(scope="session")
def cli(data_dir: Path) -> Cli:
    return Cli(data_dir)


# -- a slow remote source ------------------------------------------------------------------------


def manifest(label: str, image_urls: list[str]) -> dict[str, Any]:
    """A IIIF Presentation 3 manifest with one canvas per image URL."""
    canvases = [{
        "id": f"https://example.org/{label}/c/{i}", "type": "Canvas", "items": [{
            "type": "AnnotationPage", "items": [{
                "type": "Annotation", "motivation": "painting",
                "body": {"id": url, "type": "Image", "format": "image/png", "width": 64, "height": 64}}]}],
    } for i, url in enumerate(image_urls)]
    return {"@context": "http://iiif.io/api/presentation/3/context.json",
            "id": f"https://example.org/{label}", "type": "Manifest", "label": {"en": [label]},
            "items": canvases}


class SlowSource:
    """A loopback image host serving n seeded PNGs; those from `hold_from` on wait for `release()`."""

    def __init__(self, n: int, hold_from: int, seed: int = 0) -> None:
        self.n = n
        self.hold_from = hold_from  # read at each request: a test may move it between runs
        self.gate = threading.Event()
        self.server = LocalHTTPServer({f"/img/{i}.png": self._image(i, seed) for i in range(n)}).start()

    def _image(self, i: int, seed: int) -> Callable[..., tuple[int, str, bytes]]:
        def answer(path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes]:
            if i >= self.hold_from:
                self.gate.wait(60)
            return 200, "image/png", png(seed * 1000 + i)
        return answer

    def urls(self) -> list[str]:
        return [self.server.url(f"/img/{i}.png") for i in range(self.n)]

    def write_manifest(self, path: Path, label: str = "slow") -> Path:
        path.write_text(json.dumps(manifest(label, self.urls())))
        return path

    def wait_until_held(self, timeout: float = 60) -> None:
        """Block until a client asks for the first held image (it is then mid-way)."""
        deadline = time.monotonic() + timeout
        held = f"/img/{self.hold_from}.png"
        while held not in self.server.requests:
            assert time.monotonic() < deadline, f"nobody asked for {held}: {self.server.requests}"
            time.sleep(0.02)

    def release(self) -> None:
        self.gate.set()


@pytest.fixture
def slow_source() -> Iterator[Callable[..., SlowSource]]:
    """Factory: `slow_source(n, hold_from)`, a started SlowSource; released and stopped afterwards."""
    started: list[SlowSource] = []

    def make(n: int, hold_from: int, seed: int = 0) -> SlowSource:
        started.append(SlowSource(n, hold_from, seed))
        return started[-1]

    yield make
    for source in started:
        source.release()
        source.server.stop()


@contextmanager
def running(process: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """Kill the process if the block fails before it ends (no stray writer after a failed test)."""
    try:
        yield process
    finally:
        if process.poll() is None:
            kill_9(process)
