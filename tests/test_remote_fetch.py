"""Fetching a calendar by URL: schemes, private addresses, size cap, timeout, errors that never
show the URL's secret path."""

from __future__ import annotations

import contextlib
import http.server
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Iterator

import pytest
import trustme
from local_http import serving

from planner.errors import CalendarError
from planner.importers import remote
from planner.importers.addresses import is_public
from planner.importers.limits import MAX_FILE_BYTES


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/c.ics", "gopher://x"])
def test_only_http_https_and_webcal_links_are_fetched(url: str) -> None:
    with pytest.raises(CalendarError, match="cannot be fetched"):
        remote.fetch_calendar(url)


def test_webcal_is_read_as_https() -> None:
    assert remote.normalise("webcal://example.com/feed.ics") == "https://example.com/feed.ics"


@pytest.mark.parametrize(
    "host", ["127.0.0.1", "localhost", "10.1.2.3", "192.168.0.10", "169.254.169.254", "[::1]"]
)
def test_private_and_loopback_addresses_are_refused_by_default(
    host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(remote.ALLOW_PRIVATE_ENV, raising=False)
    with pytest.raises(CalendarError, match="private or local address") as error:
        remote.fetch_calendar(f"http://{host}/secret-path/cal.ics")
    assert "secret-path" not in str(error.value)


EMBEDDING_PRIVATE_IPV4 = [
    "[::127.0.0.1]",  # IPv4-compatible
    "[::ffff:127.0.0.1]",  # IPv4-mapped
    "[::ffff:0:a00:1]",  # IPv4-translated (10.0.0.1)
    "[64:ff9b::7f00:1]",  # NAT64 well-known prefix, 127.0.0.1
    "[64:ff9b::a9fe:a9fe]",  # NAT64, 169.254.169.254 (cloud metadata)
    "[64:ff9b:1::a00:1]",  # NAT64 local-use prefix
    "[2002:7f00:1::1]",  # 6to4 of 127.0.0.1
    "[2002:c0a8:1::1]",  # 6to4 of 192.168.0.1
    "[2001:0:4136:e378:8000:63bf:f5ff:fffe]",  # Teredo, client 10.0.0.1
]


@pytest.fixture
def no_connect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any connection is attempted: the refusal must come first."""

    def refuse(*args, **kwargs):
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.delenv(remote.ALLOW_PRIVATE_ENV, raising=False)


@pytest.mark.parametrize("host", EMBEDDING_PRIVATE_IPV4)
def test_ipv6_addresses_carrying_a_private_ipv4_address_are_refused(host: str, no_connect) -> None:
    with pytest.raises(CalendarError, match="private or local address") as error:
        remote.fetch_calendar(f"http://{host}/secret-path/cal.ics")
    assert "secret-path" not in str(error.value)


def test_a_name_resolving_to_nat64_of_a_private_address_is_refused(
    monkeypatch: pytest.MonkeyPatch, no_connect
) -> None:
    def resolve(host, port, *args, **kwargs):
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("64:ff9b::a9fe:a9fe", port, 0, 0))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(CalendarError, match=r"private or local address \(64:ff9b::a9fe:a9fe\)"):
        remote.fetch_calendar("https://calendar.example/cal.ics")


@pytest.mark.parametrize("address", ["64:ff9b::5db8:d822", "2002:5db8:d822::1", "2606:4700::1"])
def test_ipv6_addresses_carrying_a_public_ipv4_address_are_public(address: str) -> None:
    assert is_public(ipaddress.ip_address(address))


def test_an_http_error_names_the_status_but_not_the_secret_path(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(remote.ALLOW_PRIVATE_ENV, "1")
    with serving({}) as root, pytest.raises(CalendarError, match="404") as error:
        remote.fetch_calendar(root + "/token-xyz/cal.ics")
    assert "token-xyz" not in str(error.value)


def test_a_calendar_over_the_size_cap_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(remote.ALLOW_PRIVATE_ENV, "1")
    big = {"/big.ics": b"x" * (MAX_FILE_BYTES + 10)}
    with serving(big) as root, pytest.raises(CalendarError, match="MB limit"):
        remote.fetch_calendar(root + "/big.ics")


def test_a_server_that_never_answers_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(remote.ALLOW_PRIVATE_ENV, "1")

    class Slow(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            time.sleep(3)

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    started = time.monotonic()
    try:
        with pytest.raises(CalendarError, match="could not be fetched"):
            remote.fetch_calendar(f"http://127.0.0.1:{server.server_address[1]}/c", deadline_s=0.5)
    finally:
        server.shutdown()
        server.server_close()
    assert time.monotonic() - started < 2.5


# ------------------------------------------------------------------------------- DNS rebinding
PUBLIC = "93.184.216.34"  # a public address; the fake network below routes it to a local server


class RebindingResolver:
    """A DNS server playing the rebinding trick: each `.example` name answers a public address
    the first time it is asked and 127.0.0.1 after that."""

    def __init__(self, real) -> None:
        self.real = real
        self.asked: list[str] = []

    def __call__(self, host, port, *args, **kwargs):
        if not str(host).endswith(".example"):
            return self.real(host, port, *args, **kwargs)
        address = PUBLIC if host not in self.asked else "127.0.0.1"
        self.asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port))]


@contextlib.contextmanager
def rebinding_network(
    monkeypatch: pytest.MonkeyPatch, public_port: int
) -> Iterator[RebindingResolver]:
    """The rebinding resolver, and a network where PUBLIC (any port) is the local server on
    `public_port`; 127.0.0.1 stays the machine's own loopback."""
    monkeypatch.delenv(remote.ALLOW_PRIVATE_ENV, raising=False)
    resolver = RebindingResolver(socket.getaddrinfo)
    real_connect = socket.create_connection

    def connect(address, *args, **kwargs):
        if address[0] == PUBLIC:
            address = ("127.0.0.1", public_port)
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    monkeypatch.setattr(socket, "create_connection", connect)
    yield resolver


def port_of(root: str) -> int:
    return int(root.rsplit(":", 1)[1])


def test_the_connection_goes_to_the_address_that_was_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    public_seen: list[tuple[str, str]] = []
    internal_seen: list[tuple[str, str]] = []
    with (
        serving({"/cal.ics": b"public calendar"}, seen=public_seen) as public,
        serving({"/cal.ics": b"internal secret"}, seen=internal_seen) as internal,
        rebinding_network(monkeypatch, port_of(public)) as resolver,
    ):
        host = f"calendar.example:{port_of(internal)}"
        data = remote.fetch_calendar(f"http://{host}/cal.ics")
    assert data == b"public calendar"
    assert internal_seen == []
    assert public_seen == [("/cal.ics", host)]  # the Host header keeps the name
    assert resolver.asked == ["calendar.example"]  # resolved once: checked and connected


def test_a_redirect_connects_to_the_address_that_was_checked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    public_seen: list[tuple[str, str]] = []
    internal_seen: list[tuple[str, str]] = []
    with serving({"/cal.ics": b"internal secret"}, seen=internal_seen) as internal:
        other = f"other.example:{port_of(internal)}"
        redirects = {"/start": f"http://{other}/cal.ics"}
        with (
            serving({"/cal.ics": b"public calendar"}, redirects=redirects, seen=public_seen) as pub,
            rebinding_network(monkeypatch, port_of(pub)) as resolver,
        ):
            first = f"calendar.example:{port_of(pub)}"
            data = remote.fetch_calendar(f"http://{first}/start")
    assert data == b"public calendar"
    assert internal_seen == []
    assert public_seen == [("/start", first), ("/cal.ics", other)]
    assert resolver.asked == ["calendar.example", "other.example"]


def test_https_to_the_checked_address_keeps_the_name_for_sni_and_the_certificate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("calendar.example").configure_cert(server_context)
    server_names: list[str | None] = []
    server_context.sni_callback = lambda sock, name, ctx: server_names.append(name)

    def trusting_context() -> ssl.SSLContext:
        context = ssl.create_default_context()
        authority.configure_trust(context)
        return context

    monkeypatch.setattr(remote, "_tls_context", trusting_context)
    seen: list[tuple[str, str]] = []
    with (
        serving({"/cal.ics": b"public calendar"}, seen=seen, tls=server_context) as public,
        rebinding_network(monkeypatch, port_of(public)) as resolver,
    ):
        host = f"calendar.example:{port_of(public)}"
        data = remote.fetch_calendar(f"webcal://{host}/cal.ics")
    assert data == b"public calendar"
    assert server_names == ["calendar.example"]
    assert seen == [("/cal.ics", host)]
    assert resolver.asked == ["calendar.example"]


def test_a_host_with_several_public_addresses_falls_back_to_the_next_checked_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unreachable = "93.184.216.35"  # answered first, as an unreachable IPv6 address may be
    tried: list[str] = []
    with (
        serving({"/cal.ics": b"public calendar"}) as public,
        rebinding_network(monkeypatch, port_of(public)),
    ):
        routed, resolver = socket.create_connection, socket.getaddrinfo

        def resolve(host, port, *args, **kwargs):
            if host != "calendar.example":
                return resolver(host, port, *args, **kwargs)
            infos = [(unreachable, port), (PUBLIC, port)]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", info) for info in infos]

        def connect(address, *args, **kwargs):
            tried.append(address[0])
            if address[0] == unreachable:
                raise ConnectionRefusedError("unreachable")
            return routed(address, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", resolve)
        monkeypatch.setattr(socket, "create_connection", connect)
        data = remote.fetch_calendar(f"http://calendar.example:{port_of(public)}/cal.ics")
    assert data == b"public calendar"
    assert tried == [unreachable, PUBLIC]


def test_private_urls_allowed_still_connect_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(remote.ALLOW_PRIVATE_ENV, "1")
    with serving({"/cal.ics": b"local calendar"}) as root:
        url = root.replace("127.0.0.1", "localhost") + "/cal.ics"
        assert remote.fetch_calendar(url) == b"local calendar"


def test_a_redirect_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []
    redirects = {"/cal.ics": "http://169.254.169.254/latest/meta-data/"}
    with (
        serving({}, redirects=redirects, seen=seen) as public,
        rebinding_network(monkeypatch, port_of(public)),
        pytest.raises(CalendarError, match="private or local address"),
    ):
        remote.fetch_calendar(f"http://calendar.example:{port_of(public)}/cal.ics")
    assert [path for path, _ in seen] == ["/cal.ics"]  # the public start was fetched
