"""fetch_bytes / fetch_json against a local server: limits, retries, redirects, refused schemes."""

from __future__ import annotations

import gzip

import pytest

from httpserver import LOOPBACK
from vitrine import fetch
from vitrine.errors import FetchError, ImportError_
from vitrine.fetch import DEFAULT_OPTIONS, FetchOptions, fetch_bytes, fetch_json, is_remote
from vitrine.netguard import NetworkPolicy


@pytest.fixture(autouse=True)
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    waits: list[float] = []
    monkeypatch.setattr(fetch, "sleep", waits.append)
    return waits


def test_fetches_bytes_and_json(http_server) -> None:
    server = http_server({"/a.bin": (200, "application/octet-stream", b"\x00\x01"),
                          "/a.json": (200, "application/json", {"x": [1, 2]})})
    assert fetch_bytes(server.url("/a.bin"), options=LOOPBACK) == b"\x00\x01"
    assert fetch_json(server.url("/a.json"), options=LOOPBACK) == {"x": [1, 2]}


def test_serves_a_directory_without_escaping_it(http_server, tmp_path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "m.json").write_text('{"ok": true}')
    (tmp_path / "secret.txt").write_text("secret")
    server = http_server(directory=tmp_path / "sub")
    assert fetch_json(server.url("/m.json"), options=LOOPBACK) == {"ok": True}
    with pytest.raises(FetchError, match="404"):
        fetch_bytes(server.url("/%2e%2e/secret.txt"), options=LOOPBACK)


EVERYWHERE = FetchOptions(network=NetworkPolicy.from_lists(networks=["0.0.0.0/0", "::/0"]))


@pytest.mark.parametrize("options", [DEFAULT_OPTIONS, EVERYWHERE], ids=["default", "every-network-allowed"])
@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x", "/etc/passwd", "data:,hi"])
def test_refuses_other_schemes(url: str, options: FetchOptions) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        fetch_bytes(url, options=options)


def test_refuses_loopback_by_default_without_retrying(http_server, no_sleep: list[float]) -> None:
    server = http_server({"/admin": (200, "text/plain", b"secret")})
    with pytest.raises(FetchError, match=r"refused: 127\.0\.0\.1 resolves to 127\.0\.0\.1") as info:
        fetch_bytes(server.url("/admin"))
    assert info.value.url == server.url("/admin") and "VITRINE_FETCH__ALLOW_NETWORKS" in info.value.reason
    assert server.requests == [] and no_sleep == []


def test_refuses_a_redirect_from_an_allowed_host_to_a_refused_address(http_server) -> None:
    server = http_server({"/admin": (200, "text/plain", b"secret")})
    server.add("/hop", "", status=302, content_type="text/plain", headers={"Location": server.url("/admin")})
    by_name = FetchOptions(network=NetworkPolicy.from_lists(hosts=["localhost"]))
    url = server.url("/hop").replace("127.0.0.1", "localhost")
    with pytest.raises(FetchError, match=r"refused: 127\.0\.0\.1 resolves to"):
        fetch_json(url, options=by_name)
    assert server.requests == ["/hop"]
    assert fetch_bytes(server.url("/hop"), options=LOOPBACK) == b"secret"



def test_refuses_a_redirect_to_a_file_url(http_server) -> None:
    server = http_server({"/r": (302, "text/plain", b"", {"Location": "file:///etc/passwd"})})
    with pytest.raises(FetchError) as info:
        fetch_bytes(server.url("/r"), options=LOOPBACK)
    assert info.value.url == server.url("/r")


def test_follows_redirects(http_server) -> None:
    server = http_server({"/old": (301, "text/plain", b"", {"Location": "/new"}),
                          "/new": (200, "text/plain", b"moved")})
    assert fetch_bytes(server.url("/old"), options=LOOPBACK) == b"moved"


def test_retries_503_then_succeeds_honouring_retry_after(http_server, no_sleep: list[float]) -> None:
    server = http_server({"/busy": [(503, "text/plain", b"", {"Retry-After": "2"}),
                                    (429, "text/plain", b""),
                                    (200, "text/plain", b"done")]})
    assert fetch_bytes(server.url("/busy"), options=LOOPBACK, backoff=0.25) == b"done"
    assert no_sleep == [2.0, 0.5]
    assert len(server.requests) == 3


def test_gives_up_after_the_attempts(http_server) -> None:
    server = http_server({"/down": (500, "text/plain", b"")})
    with pytest.raises(FetchError, match=r"HTTP 500.*after 3 attempts") as info:
        fetch_bytes(server.url("/down"), options=LOOPBACK)
    assert server.url("/down") in str(info.value)
    assert isinstance(info.value, ImportError_)


def test_does_not_retry_a_404(http_server) -> None:
    server = http_server({})
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch_bytes(server.url("/missing"), options=LOOPBACK)
    assert len(server.requests) == 1


def test_connection_refused_is_retried_then_reported(http_server, no_sleep: list[float]) -> None:
    server = http_server({})
    url = server.url("/x")
    server.stop()
    with pytest.raises(FetchError, match="ConnectError"):
        fetch_bytes(url, options=LOOPBACK, attempts=2)
    assert len(no_sleep) == 1


def test_stops_past_max_bytes_by_header_and_by_stream(http_server) -> None:
    server = http_server({"/big": (200, "application/octet-stream", b"x" * 5000),
                          "/bomb": (200, "application/octet-stream", gzip.compress(b"y" * 100_000),
                                    {"Content-Encoding": "gzip"})})
    with pytest.raises(FetchError, match="more than the 1,000 allowed"):
        fetch_bytes(server.url("/big"), options=LOOPBACK, max_bytes=1000)
    with pytest.raises(FetchError, match="more than the 10,000 bytes allowed"):
        fetch_bytes(server.url("/bomb"), options=LOOPBACK, max_bytes=10_000)


def test_bad_json_is_reported(http_server) -> None:
    server = http_server({"/bad.json": (200, "application/json", b"{not json")})
    with pytest.raises(FetchError, match="not valid JSON"):
        fetch_json(server.url("/bad.json"), options=LOOPBACK)


def test_is_remote() -> None:
    assert is_remote("https://x.org/a.jpg") and is_remote("HTTP://x.org")
    assert not is_remote("/data/a.jpg") and not is_remote("file:///a.jpg") and not is_remote("http.jpg")
