"""Which network addresses vitrine may fetch from: public ones, and those an operator allows.

A manifest, an API page or a redirect can name any host; without a guard the importer would
fetch whatever answers on loopback or the internal network (an admin page, a cloud metadata
service) and store it. The guard sits where connections are made, not where URLs are parsed:
`GuardedBackend` resolves the host itself, refuses every non-public address, connects to an
address it checked, and checks the peer of the connected socket again, so a redirect hop or a
second DNS answer (rebinding) gets no further than the first URL. TLS still verifies the
certificate against the host name (httpcore passes it to `start_tls` separately).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import httpcore
import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class AddressRefused(Exception):
    """A host resolved to, or connected to, an address the policy refuses (never retried).

    Not an httpcore error on purpose: httpx would map it to a ConnectError, which callers retry.
    """


@dataclass(frozen=True)
class NetworkPolicy:
    """Public addresses are allowed; `allow_hosts` (names) and `allow_networks` (CIDR) add more."""

    allow_hosts: frozenset[str] = frozenset()
    allow_networks: tuple[IPNetwork, ...] = ()
    resolve: Any = field(default=socket.getaddrinfo, compare=False, repr=False)

    @classmethod
    def from_lists(cls, hosts: Iterable[str] = (), networks: Iterable[str] = ()) -> NetworkPolicy:
        """A policy from settings' lists; a malformed network is a ValueError naming it."""
        parsed = []
        for text in networks:
            try:
                parsed.append(ipaddress.ip_network(text.strip(), strict=False))
            except ValueError as exc:
                raise ValueError(f"allowed network {text!r} is not an address or CIDR block: {exc}") from None
        return cls(frozenset(h.strip().lower().rstrip(".") for h in hosts if h.strip()), tuple(parsed))

    def permits(self, address: str, host: str = "") -> bool:
        """Whether a connection to `address` (reached by the name `host`) is allowed."""
        if host.lower().rstrip(".") in self.allow_hosts:
            return True
        ip = _ip(address)
        if ip is None:
            return False
        return is_public(ip) or any(ip in net for net in self.allow_networks if net.version == ip.version)

    def addresses(self, host: str, port: int) -> list[str]:
        """The addresses `host` resolves to, refusing the lot when any of them is refused.

        Refusing all (rather than skipping the bad ones) keeps a name that mixes a public and an
        internal answer from reaching the internal one on a retry.
        """
        try:
            infos = self.resolve(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            raise httpcore.ConnectError(f"cannot resolve {host!r}: {exc}") from exc
        found = list(dict.fromkeys(str(info[4][0]) for info in infos))
        refused = [a for a in found if not self.permits(a, host)]
        if refused or not found:
            raise AddressRefused(
                f"{host} resolves to {', '.join(refused) or 'nothing'}, which is not a public address; "
                "an operator can allow it (VITRINE_FETCH__ALLOW_HOSTS or VITRINE_FETCH__ALLOW_NETWORKS)")
        return found


def is_public(ip: IPAddress) -> bool:
    """A globally routable unicast address (not loopback, private, link-local, shared, reserved...)."""
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if mapped is not None:
            return is_public(mapped)
    return ip.is_global and not ip.is_multicast


def _ip(address: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return None


class GuardedBackend(httpcore.NetworkBackend):
    """httpcore's synchronous backend, connecting only to addresses the policy permits."""

    def __init__(self, policy: NetworkPolicy, inner: httpcore.NetworkBackend | None = None) -> None:
        self.policy = policy
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        last: Exception | None = None
        for address in self.policy.addresses(host, port):
            try:
                stream = self._inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                last = exc
                continue
            self._check_peer(stream, host)
            return stream
        raise last or httpcore.ConnectError(f"cannot connect to {host}")

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        raise AddressRefused("unix sockets are never fetched from")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)

    def _check_peer(self, stream: httpcore.NetworkStream, host: str) -> None:
        sock = stream.get_extra_info("socket")
        peer = sock.getpeername()[0] if sock is not None else None
        if peer is None or not self.policy.permits(str(peer), host):
            stream.close()
            raise AddressRefused(f"{host} connected to {peer}, which is not a public address")


def guarded_transport(policy: NetworkPolicy) -> httpx.HTTPTransport:
    """An httpx transport whose connections go through `GuardedBackend`; proxies from the
    environment are ignored, since a proxy would connect on our behalf, past the guard."""
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx exposes no network backend option; its transport is a thin wrapper over this pool.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False), max_connections=100,
        max_keepalive_connections=20, keepalive_expiry=5.0, network_backend=GuardedBackend(policy))
    return transport
