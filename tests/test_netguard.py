"""The outbound-connection guard: public addresses only, unless an operator allows more."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

import httpcore
import httpx
import pytest

from httpserver import LocalHTTPServer
from vitrine.netguard import AddressRefused, GuardedBackend, NetworkPolicy, guarded_transport, is_public

PUBLIC = "93.184.216.34"


def _resolver(table: dict[str, list[str]]) -> Callable[..., list[Any]]:
    def resolve(host: str, port: int, **_: Any) -> list[Any]:
        if host in table:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in table[host]]
        return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return resolve


@pytest.mark.parametrize(("address", "public"), [
    ("8.8.8.8", True), ("2001:4860:4860::8888", True), (PUBLIC, True),
    ("127.0.0.1", False), ("127.8.9.10", False), ("::1", False), ("0.0.0.0", False),
    ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False), ("100.64.0.1", False),
    ("169.254.169.254", False), ("fe80::1", False), ("fc00::1", False), ("224.0.0.1", False),
    ("192.0.2.1", False), ("255.255.255.255", False), ("::ffff:127.0.0.1", False),
    ("::ffff:10.0.0.1", False), ("2002:7f00:0001::", False), ("::ffff:8.8.8.8", True),
])
def test_only_globally_routable_unicast_is_public(address: str, public: bool) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_operators_allow_hosts_and_networks() -> None:
    policy = NetworkPolicy.from_lists(hosts=["IIIF.Internal.Example."], networks=["10.20.0.0/16", "::1"])
    assert policy.permits("10.20.3.4") and policy.permits("::1")
    assert not policy.permits("10.21.0.1") and not policy.permits("127.0.0.1")
    assert policy.permits("192.168.0.9", host="iiif.internal.example")
    with pytest.raises(ValueError, match=r"'10\.0\.0\.0/33' is not an address"):
        NetworkPolicy.from_lists(networks=["10.0.0.0/33"])


def test_a_name_with_any_internal_answer_is_refused_whole() -> None:
    policy = NetworkPolicy(resolve=_resolver({"mixed.test": [PUBLIC, "10.0.0.5"], "ok.test": [PUBLIC]}))
    assert policy.addresses("ok.test", 80) == [PUBLIC]
    with pytest.raises(AddressRefused, match=r"mixed.test resolves to 10\.0\.0\.5"):
        policy.addresses("mixed.test", 80)


@pytest.fixture
def server() -> Any:
    with LocalHTTPServer(routes={"/a": (200, "text/plain", "inside")}) as s:
        yield s


def _get(policy: NetworkPolicy, url: str) -> httpx.Response:
    with httpx.Client(transport=guarded_transport(policy), follow_redirects=True) as client:
        return client.get(url, timeout=5)


def test_loopback_is_refused_by_default_and_served_when_allowed(server: LocalHTTPServer) -> None:
    with pytest.raises(AddressRefused, match=r"127\.0\.0\.1"):
        _get(NetworkPolicy(), server.url("/a"))
    with pytest.raises(AddressRefused, match="localhost resolves to"):
        _get(NetworkPolicy(), server.url("/a").replace("127.0.0.1", "localhost"))
    assert _get(NetworkPolicy.from_lists(networks=["127.0.0.0/8"]), server.url("/a")).text == "inside"


def test_every_redirect_hop_is_checked(server: LocalHTTPServer) -> None:
    # "trusted.test" is allowed by name (and resolves to the loopback server); it redirects to the
    # loopback address by number, which nothing allows.
    server.add("/hop", "", status=302, content_type="text/plain", headers={"Location": server.url("/a")})
    port = server.url("/").split(":")[2].rstrip("/")
    policy = NetworkPolicy(allow_hosts=frozenset({"trusted.test"}),
                           resolve=_resolver({"trusted.test": ["127.0.0.1"]}))
    assert _get(policy, f"http://trusted.test:{port}/a").text == "inside"
    with pytest.raises(AddressRefused, match=r"127\.0\.0\.1"):
        _get(policy, f"http://trusted.test:{port}/hop")


class _Rebinding(httpcore.NetworkBackend):
    """A resolver said 'public', but the connection lands on loopback (DNS answered twice)."""

    def __init__(self, real_port: int) -> None:
        self.real_port = real_port
        self.inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, *args: Any, **kwargs: Any) -> httpcore.NetworkStream:
        return self.inner.connect_tcp("127.0.0.1", self.real_port, *args, **kwargs)


def test_the_connected_peer_is_checked_too(server: LocalHTTPServer) -> None:
    port = int(server.url("/").split(":")[2].rstrip("/"))
    policy = NetworkPolicy(resolve=_resolver({"rebind.test": [PUBLIC]}))
    backend = GuardedBackend(policy, inner=_Rebinding(port))
    with pytest.raises(AddressRefused, match=r"connected to 127\.0\.0\.1"):
        backend.connect_tcp("rebind.test", 80, timeout=5)
    assert server.requests == []
